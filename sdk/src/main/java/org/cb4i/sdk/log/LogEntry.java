package org.cb4i.proxy.log;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.json.Json;

/**
 * One receipts-log entry ([LOG-2]): what was served to whom under which license. Serialised as compact JSON with
 * members in a fixed order; the log hashes exactly those bytes.
 */
public record LogEntry(String rid, Instant time, String licensee, String jti, String jkt, String method, String url, int status,
        long bytes, Optional<String> contentRange, String sha256, List<String> usages, Optional<String> signatureInput,
        Optional<String> signature, boolean complete) {

    /** The entry's bytes: compact JSON, members in the order of SPEC.md [LOG-2]. */
    public byte[] toBytes() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
        try (com.fasterxml.jackson.core.JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("rid", rid);
            g.writeNumberField("time", time.getEpochSecond());
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
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final byte[] RID_FIRST = "{\"rid\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The rid of serialised entry bytes, or null when they are not an entry. */
    static String ridOf(byte[] entry) {
        // The proxy writes the rid first, 22 base64url characters that need no escaping: read them in place.
        int end = RID_FIRST.length + 22;
        if (entry.length > end && java.util.Arrays.equals(entry, 0, RID_FIRST.length, RID_FIRST, 0, RID_FIRST.length) && entry[end] == '"') {
            boolean plain = true;
            for (int i = RID_FIRST.length; i < end && plain; i++) {
                byte b = entry[i];
                plain = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_';
            }
            if (plain) {
                return new String(entry, RID_FIRST.length, 22, java.nio.charset.StandardCharsets.US_ASCII);
            }
        }
        try {
            JsonNode n = Json.mapper().readTree(entry);
            return n != null && n.path("rid").isTextual() ? n.get("rid").textValue() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
