package org.cb4i.sdk.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;

/**
 * A signed tree head of a receipts log ({@code typ: checkpoint+jwt}; [LOG-3]): the log id (the thumbprint of the
 * log's key), the tree size, its root, and the time it was signed. One signature covers every entry up to
 * {@code size}. A <b>final</b> checkpoint ([LOG-6]) also names the log's {@code successor}: the log takes no more
 * entries, and the log named goes on where it stopped.
 *
 * @param compact the signed form
 * @param successor the successor's log id, when this checkpoint is the log's last ([LOG-6])
 */
public record Checkpoint(String compact, String logId, long size, byte[] root, Instant time, Optional<String> successor) {
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
        Objects.requireNonNull(successor, "successor");
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

    /** Whether this is the log's last checkpoint ([LOG-6]): it names a successor. */
    public boolean isFinal() {
        return successor.isPresent();
    }

    /** Signs a checkpoint with the log's key; the log id is the key's thumbprint. */
    public static Checkpoint sign(SigningKey logKey, long size, byte[] root, Instant time) {
        return sign(logKey, size, root, time, Optional.empty());
    }

    /**
     * Signs the log's final checkpoint ([LOG-6]), naming the log that goes on where it stops.
     *
     * @throws IllegalArgumentException when {@code successor} is not a log id, or is this log's own
     */
    public static Checkpoint signFinal(SigningKey logKey, long size, byte[] root, Instant time, String successor) {
        if (!LOG_ID.matcher(successor).matches() || successor.equals(logKey.thumbprint())) {
            throw new IllegalArgumentException("a successor is another log's id (43 base64url characters): " + successor);
        }
        return sign(logKey, size, root, time, Optional.of(successor));
    }

    private static Checkpoint sign(SigningKey logKey, long size, byte[] root, Instant time, Optional<String> successor) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("log_id", logKey.thumbprint());
        claims.put("size", size);
        claims.put("root", HexFormat.of().formatHex(root));
        claims.put("iat", time.getEpochSecond());
        successor.ifPresent(s -> claims.put("successor", s));
        return new Checkpoint(CompactJws.sign(logKey, TYP, claims), logKey.thumbprint(), size, root, time, successor);
    }

    /** A log id: an RFC 7638 SHA-256 thumbprint, base64url without padding ([LOG-1]). */
    private static final java.util.regex.Pattern LOG_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");

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
        JsonNode successor = c.get("successor");
        if (successor != null && (!successor.isTextual() || !LOG_ID.matcher(successor.textValue()).matches()
                || successor.textValue().equals(logId.textValue()))) {
            throw new RejectedException(Reason.INVALID_CLAIM, "checkpoint successor must be another log's id (43 base64url characters), not "
                    + CompactJws.printable(String.valueOf(successor)));
        }
        if (!logId.textValue().equals(jws.kid())) {
            throw new RejectedException(Reason.INVALID_CLAIM, "checkpoint log_id " + CompactJws.printable(logId.textValue())
                    + " is not the key that signed it (" + jws.kid() + ")");
        }
        return new Checkpoint(compact, logId.textValue(), size.longValue(), HexFormat.of().parseHex(root.textValue()),
                Instant.ofEpochSecond(iat.longValue()), Optional.ofNullable(successor).map(JsonNode::textValue));
    }
}
