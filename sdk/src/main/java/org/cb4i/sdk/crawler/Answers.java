package org.cb4i.sdk.crawler;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cb4i.sdk.json.Json;

/** What a site's answer says beyond its status: a denial's reason and detail, when to ask again, a page's charset. */
final class Answers {
    private Answers() {}

    /** A {@code Retry-After} in seconds (5 when it is not a number of seconds). */
    static long retryAfterSeconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException e) {
            return 5;
        }
    }

    /** The {@code reason} of a problem+json denial ([ENF-4]), when the body is one. */
    static Optional<String> reasonOf(byte[] body) {
        try {
            JsonNode j = Json.readTree(body);
            return Optional.ofNullable(j.path("reason").textValue());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Its {@code detail}, or "". */
    static String detailOf(byte[] body) {
        try {
            JsonNode j = Json.readTree(body);
            return j.path("detail").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    /** The charset a {@code Content-Type} names, UTF-8 when none or an unknown one. */
    static Charset charsetOf(String contentType) {
        Matcher m = Pattern.compile("charset=\"?([A-Za-z0-9._-]+)", Pattern.CASE_INSENSITIVE).matcher(contentType);
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (IllegalArgumentException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }
}
