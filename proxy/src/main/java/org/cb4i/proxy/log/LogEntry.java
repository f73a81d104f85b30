package org.cb4i.proxy.log;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.internal.Json;

/**
 * One receipts-log entry ([LOG-2]): what was served to whom under which license. Serialised as compact JSON with
 * members in a fixed order; the log hashes exactly those bytes.
 */
public record LogEntry(String rid, Instant time, String licensee, String jti, String jkt, String method, String url, int status,
        long bytes, Optional<String> contentRange, String sha256, List<String> usages, Optional<String> signatureInput,
        Optional<String> signature, boolean complete) {

    public byte[] toBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rid", rid);
        m.put("time", time.getEpochSecond());
        m.put("licensee", licensee);
        m.put("jti", jti);
        m.put("jkt", jkt);
        m.put("method", method);
        m.put("url", url);
        m.put("status", status);
        m.put("bytes", bytes);
        contentRange.ifPresent(r -> m.put("content_range", r));
        m.put("sha256", sha256);
        m.put("usages", usages);
        signatureInput.ifPresent(s -> m.put("signature_input", s));
        signature.ifPresent(s -> m.put("signature", s));
        m.put("complete", complete);
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** The rid of serialised entry bytes, or null when they are not an entry. */
    static String ridOf(byte[] entry) {
        try {
            JsonNode n = Json.mapper().readTree(entry);
            return n != null && n.path("rid").isTextual() ? n.get("rid").textValue() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
