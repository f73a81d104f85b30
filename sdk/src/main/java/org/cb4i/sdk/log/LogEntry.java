package org.cb4i.sdk.log;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * One receipts-log entry ([LOG-2]): what was served to whom under which license. The wire form is compact JSON with
 * members in the order of [LOG-2] ({@link #toBytes}); a log's Merkle leaf hashes exactly those bytes, so an entry is
 * always kept and passed on as the bytes it was read from, and {@link #parse} reads them.
 *
 * @param rid the receipt id (22 base64url characters)
 * @param time when the response completed (NumericDate: whole seconds)
 * @param iss the license's issuer ({@code iss}): whose business the entry is; "" only in entries written before
 *     this member was part of the format, and then not written
 * @param licensee the license's {@code sub}
 * @param jti the license's {@code jti}
 * @param jkt the thumbprint of the crawler's key
 * @param url the publisher origin and the target as received
 * @param bytes the content's length as sent
 * @param contentRange the {@code Content-Range} of a partial response
 * @param sha256 hex SHA-256 of the content as sent
 * @param usages the usages the path required
 * @param signatureInput the crawler's {@code Signature-Input} member, when the path's policy is per-request
 * @param signature the crawler's {@code Signature} member, likewise
 * @param complete false when the transfer was cut off
 */
public record LogEntry(String rid, Instant time, String iss, String licensee, String jti, String jkt, String method, String url, int status,
        long bytes, Optional<String> contentRange, String sha256, List<String> usages, Optional<String> signatureInput,
        Optional<String> signature, boolean complete) {

    public LogEntry {
        Objects.requireNonNull(rid, "rid");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(iss, "iss");
        Objects.requireNonNull(licensee, "licensee");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(jkt, "jkt");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(contentRange, "contentRange");
        Objects.requireNonNull(sha256, "sha256");
        usages = List.copyOf(usages);
        Objects.requireNonNull(signatureInput, "signatureInput");
        Objects.requireNonNull(signature, "signature");
    }

    /** The entry's bytes: compact JSON, members in the order of SPEC.md [LOG-2]. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("rid", rid);
            g.writeNumberField("time", time.getEpochSecond());
            if (!iss.isEmpty()) {
                g.writeStringField("iss", iss);
            }
            g.writeStringField("licensee", licensee);
            g.writeStringField("jti", jti);
            g.writeStringField("jkt", jkt);
            g.writeStringField("method", method);
            g.writeStringField("url", url);
            g.writeNumberField("status", status);
            g.writeNumberField("bytes", bytes);
            if (contentRange.isPresent()) {
                g.writeStringField("content_range", contentRange.get());
            }
            g.writeStringField("sha256", sha256);
            g.writeArrayFieldStart("usages");
            for (String u : usages) {
                g.writeString(u);
            }
            g.writeEndArray();
            if (signatureInput.isPresent()) {
                g.writeStringField("signature_input", signatureInput.get());
            }
            if (signature.isPresent()) {
                g.writeStringField("signature", signature.get());
            }
            g.writeBooleanField("complete", complete);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads an entry's bytes with the shared strict parser (duplicate members, bad UTF-8 and trailing content are
     * refused). Like a manifest record, an entry is read as it is and judged by whoever checks it: a member that is
     * absent or of another type reads as empty ("" for text, 0, an empty list, empty, false), members it does not know
     * are skipped.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_JSON}) when the bytes are not one JSON object
     */
    public static LogEntry parse(byte[] entry) {
        String rid = "";
        long time = 0;
        String iss = "";
        String licensee = "";
        String jti = "";
        String jkt = "";
        String method = "";
        String url = "";
        long status = 0;
        long bytes = 0;
        Optional<String> contentRange = Optional.empty();
        String sha256 = "";
        List<String> usages = new ArrayList<>();
        Optional<String> signatureInput = Optional.empty();
        Optional<String> signature = Optional.empty();
        boolean complete = false;
        try (JsonParser p = Json.mapper().getFactory().createParser(entry)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, "a log entry must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "rid" -> rid = text(p, t);
                    case "time" -> time = number(p, t);
                    case "iss" -> iss = text(p, t);
                    case "licensee" -> licensee = text(p, t);
                    case "jti" -> jti = text(p, t);
                    case "jkt" -> jkt = text(p, t);
                    case "method" -> method = text(p, t);
                    case "url" -> url = text(p, t);
                    case "status" -> status = number(p, t);
                    case "bytes" -> bytes = number(p, t);
                    case "content_range" -> contentRange = Optional.of(text(p, t));
                    case "sha256" -> sha256 = text(p, t);
                    case "usages" -> {
                        if (t == JsonToken.START_ARRAY) {
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                usages.add(text(p, p.currentToken()));
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "signature_input" -> signatureInput = Optional.of(text(p, t));
                    case "signature" -> signature = Optional.of(text(p, t));
                    case "complete" -> complete = t == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, "trailing content after the log entry");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedInputException m) {
                throw m;
            }
            throw new MalformedInputException(Reason.MALFORMED_JSON, "a log entry is not JSON", e);
        }
        return new LogEntry(rid, Instant.ofEpochSecond(Math.max(0, Math.min(time, Instant.MAX.getEpochSecond()))), iss, licensee, jti, jkt, method, url,
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, status)), bytes, contentRange, sha256, usages, signatureInput, signature,
                complete);
    }

    /** A scalar's text (as Jackson gives it, so a number reads as its digits), "" for null, an object or an array. */
    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t.isScalarValue() && t != JsonToken.VALUE_NULL) {
            return p.getText();
        }
        p.skipChildren();
        return "";
    }

    private static long number(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? 0 : p.getLongValue();
        }
        p.skipChildren();
        return 0;
    }

    private static final byte[] RID_FIRST = "{\"rid\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The rid of an entry's bytes, or null when they are not an entry (read in place when the rid comes first, as a log writes it). */
    public static String ridOf(byte[] entry) {
        // The proxy writes the rid first, 22 base64url characters that need no escaping: read them in place.
        int end = RID_FIRST.length + 22;
        if (entry.length > end && Arrays.equals(entry, 0, RID_FIRST.length, RID_FIRST, 0, RID_FIRST.length) && entry[end] == '"') {
            boolean plain = true;
            for (int i = RID_FIRST.length; i < end && plain; i++) {
                byte b = entry[i];
                plain = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_';
            }
            if (plain) {
                return new String(entry, RID_FIRST.length, 22, StandardCharsets.US_ASCII);
            }
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = Json.mapper().readTree(entry);
            return n != null && n.path("rid").isTextual() ? n.get("rid").textValue() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
