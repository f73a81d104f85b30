package org.cb4i.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;

/** What a command argument names as {@code FILE|URL}: read from disk, or fetched under a {@link FetchPolicy} (size, time, no redirects). */
final class Sources {
    /** For addresses the user typed: plain http and loopback allowed, still bounded in size and time. */
    static final FetchPolicy USER_GIVEN = FetchPolicy.strict().allowPlainHttp().allowPrivateAddresses();

    private Sources() {}

    static boolean isUrl(String s) {
        return s.startsWith("https://") || s.startsWith("http://");
    }

    /** The text of a file or of a URL's 200 answer. */
    static String text(String fileOrUrl, FetchPolicy policy, String accept) throws IOException {
        if (isUrl(fileOrUrl)) {
            return new String(new BoundedFetcher(policy).get(URI.create(fileOrUrl), accept).body(), StandardCharsets.UTF_8);
        }
        return Files.readString(Path.of(fileOrUrl), StandardCharsets.UTF_8);
    }

    /** A JWK or JWKS from a file or a URL. */
    static KeySet keySet(String fileOrUrl, FetchPolicy policy) throws IOException {
        return isUrl(fileOrUrl) ? KeyFiles.parseKeySet(text(fileOrUrl, policy, "application/jwk-set+json, application/json"), fileOrUrl)
                : KeyFiles.readKeySet(Path.of(fileOrUrl));
    }
}
