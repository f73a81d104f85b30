package org.cb4i.sdk.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;

/**
 * A signed status list ({@code typ: statuslist+jwt}; [STS-4]): {@code sub} (the list's URI, which a license's
 * {@code status.status_list.uri} names), {@code iat}, {@code exp}, {@code ttl} and {@code status_list}
 * ({@code bits}, {@code lst}), signed by the collective that issued the licenses.
 *
 * @param compact the token as fetched, kept so a crawler can store it as evidence
 */
public record StatusListToken(String compact, URI subject, Instant issuedAt, Optional<Instant> expiresAt,
        Optional<Duration> ttl, StatusList list) {
    public static final String TYP = "statuslist+jwt";
    public static final String MEDIA_TYPE = "application/statuslist+jwt";
    /** Largest signed status list accepted before parsing. */
    public static final int MAX_CHARS = 8 * 1024 * 1024;

    public StatusListToken {
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(list, "list");
    }

    /** Signs a status list. */
    public static StatusListToken sign(SigningKey key, URI subject, Instant issuedAt, Instant expiresAt, Duration ttl, StatusList list) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subject.toString());
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        claims.put("ttl", ttl.toSeconds());
        Map<String, Object> sl = new LinkedHashMap<>();
        sl.put("bits", list.bits());
        sl.put("lst", list.encode());
        claims.put("status_list", sl);
        String compact = CompactJws.sign(key, TYP, claims);
        return new StatusListToken(compact, subject, issuedAt, Optional.of(expiresAt), Optional.of(ttl), list.copy());
    }

    /**
     * Verifies a fetched status list token ([STS-4]): signature by one of {@code issuerKeys}, exact
     * {@code typ}, and {@code sub} equal to {@code expectedUri} (the URI the license named). Expiry is not
     * judged here: whether a stale list may still be used is the caller's decision ([STS-6]).
     */
    public static StatusListToken verify(String compact, URI expectedUri, KeySet issuerKeys) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, MAX_CHARS, "status list token");
        CompactJws.verify(jws, issuerKeys, "status list token");
        ObjectNode c = jws.payload();
        JsonNode sub = c.get("sub");
        if (sub == null || !sub.isTextual()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "status list token has no \"sub\"");
        }
        if (!sub.textValue().equals(expectedUri.toString())) {
            throw new RejectedException(Reason.INVALID_CLAIM, "status list token \"sub\" is " + CompactJws.printable(sub.textValue())
                    + ", not the URI it was fetched for (" + expectedUri + ")");
        }
        Instant iat = seconds(c, "iat").map(Instant::ofEpochSecond)
                .orElseThrow(() -> new RejectedException(Reason.MISSING_CLAIM, "status list token has no \"iat\""));
        Optional<Instant> exp = seconds(c, "exp").map(Instant::ofEpochSecond);
        Optional<Duration> ttl = seconds(c, "ttl").map(Duration::ofSeconds);
        JsonNode sl = c.get("status_list");
        if (sl == null || !sl.isObject() || !sl.path("bits").isIntegralNumber() || !sl.path("lst").isTextual()) {
            throw new MalformedInputException(Reason.MALFORMED_STATUS_LIST, "status list token has no valid \"status_list\" {bits, lst}");
        }
        StatusList list = StatusList.decode(sl.get("bits").intValue(), sl.get("lst").textValue());
        return new StatusListToken(compact, URI.create(sub.textValue()), iat, exp, ttl, list);
    }

    private static Optional<Long> seconds(ObjectNode c, String name) {
        JsonNode n = c.get(name);
        if (n == null) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0 || n.longValue() >= (1L << 53)) {
            throw new RejectedException(Reason.INVALID_CLAIM, "status list token \"" + name + "\" must be a non-negative integer");
        }
        return Optional.of(n.longValue());
    }
}
