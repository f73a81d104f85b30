package org.cb4i.sdk.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;

/**
 * A signed tree head of a receipts log ({@code typ: checkpoint+jwt}; [LOG-3]): the log id (the thumbprint of the
 * log's key), the tree size, its root, and the time it was signed. One signature covers every entry up to
 * {@code size}.
 *
 * @param compact the signed form
 */
public record Checkpoint(String compact, String logId, long size, byte[] root, Instant time) {
    public static final String TYP = "checkpoint+jwt";
    /**
     * {@code typ} of a collector's signed acknowledgement of the checkpoint it collected up to (SPEC.md [SET-9]): claims
     * {@code iss}, {@code log_id}, {@code size}, {@code root}, {@code iat}.
     */
    public static final String ACKNOWLEDGEMENT_TYP = "collection-ack+jwt";
    public static final int MAX_CHARS = 4096;

    public Checkpoint {
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(logId, "logId");
        Objects.requireNonNull(time, "time");
        if (root == null || root.length != 32 || size < 0) {
            throw new IllegalArgumentException("a checkpoint needs a 32-byte root and a size >= 0");
        }
        root = root.clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    /** The root as lowercase hex. */
    public String rootHex() {
        return HexFormat.of().formatHex(root);
    }

    /** Signs a checkpoint with the log's key; the log id is the key's thumbprint. */
    public static Checkpoint sign(SigningKey logKey, long size, byte[] root, Instant time) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("log_id", logKey.thumbprint());
        claims.put("size", size);
        claims.put("root", HexFormat.of().formatHex(root));
        claims.put("iat", time.getEpochSecond());
        return new Checkpoint(CompactJws.sign(logKey, TYP, claims), logKey.thumbprint(), size, root, time);
    }

    /**
     * Verifies a checkpoint with the log's keys. The signing key must be the one the log id names.
     *
     * @throws RejectedException or {@link org.cb4i.sdk.MalformedInputException} with the reason
     */
    public static Checkpoint verify(String compact, KeySet logKeys) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, MAX_CHARS, "checkpoint");
        CompactJws.verify(jws, logKeys, "checkpoint");
        ObjectNode c = jws.payload();
        JsonNode logId = c.get("log_id");
        JsonNode size = c.get("size");
        JsonNode root = c.get("root");
        JsonNode iat = c.get("iat");
        if (logId == null || !logId.isTextual() || size == null || !size.canConvertToLong() || !size.isIntegralNumber()
                || root == null || !root.isTextual() || !root.textValue().matches("[0-9a-f]{64}") || iat == null || !iat.isIntegralNumber()) {
            throw new RejectedException(Reason.INVALID_CLAIM, "checkpoint must have log_id, size, root (64 hex digits) and iat");
        }
        if (!logId.textValue().equals(jws.kid())) {
            throw new RejectedException(Reason.INVALID_CLAIM, "checkpoint log_id " + CompactJws.printable(logId.textValue())
                    + " is not the key that signed it (" + jws.kid() + ")");
        }
        return new Checkpoint(compact, logId.textValue(), size.longValue(), HexFormat.of().parseHex(root.textValue()),
                Instant.ofEpochSecond(iat.longValue()));
    }
}
