package org.cb4i.sdk.offer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;

/**
 * The collective's offer ({@code typ: offer+jwt}; SPEC.md [OFR-1]): the grant and price an agreement will have, its
 * term, and until when it may be accepted.
 *
 * @param compact the signed offer
 * @param issuer {@code iss}
 * @param id {@code jti}
 * @param issuedAt {@code iat}
 * @param acceptUntil {@code exp}: after it, the offer cannot be accepted
 * @param grant what the agreement grants, its price schedule included (as an agreement's grant, [ISS-3], [SET-1])
 * @param notBefore when the agreement starts at the earliest (acceptance later starts it then)
 * @param notAfter when the agreement ends
 */
public record Offer(String compact, String issuer, String id, Instant issuedAt, Instant acceptUntil, ObjectNode grant, Optional<Instant> notBefore,
        Instant notAfter) {
    public static final String TYP = "offer+jwt";
    public static final String MEDIA_TYPE = "application/offer+jwt";

    /** Signs an offer with a key of the collective. */
    public static Offer sign(SigningKey key, String issuer, String id, Instant issuedAt, Instant acceptUntil, ObjectNode grant, Optional<Instant> notBefore,
            Instant notAfter) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("jti", id);
        c.put("iat", issuedAt.getEpochSecond());
        c.put("exp", acceptUntil.getEpochSecond());
        c.put("grant", grant);
        Map<String, Object> term = new LinkedHashMap<>();
        notBefore.ifPresent(n -> term.put("not_before", n.getEpochSecond()));
        term.put("not_after", notAfter.getEpochSecond());
        c.put("term", term);
        return new Offer(CompactJws.sign(key, TYP, c), issuer, id, Instant.ofEpochSecond(issuedAt.getEpochSecond()),
                Instant.ofEpochSecond(acceptUntil.getEpochSecond()), grant.deepCopy(), notBefore.map(n -> Instant.ofEpochSecond(n.getEpochSecond())),
                Instant.ofEpochSecond(notAfter.getEpochSecond()));
    }

    /**
     * Verifies an offer with the collective's keys and reads it.
     *
     * @throws RejectedException naming what is wrong
     */
    public static Offer verify(String compact, KeySet keys) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, 1 << 20, "offer");
        CompactJws.verify(jws, keys, "offer");
        return read(compact, jws.payload());
    }

    /** Reads an offer without checking its signature: for its signer, listing what it signed and kept (a reader verifies). */
    public static Offer readOwn(String compact) {
        return read(compact, CompactJws.parse(compact, TYP, 1 << 20, "offer").payload());
    }

    private static Offer read(String compact, ObjectNode c) {
        for (String m : new String[] {"iss", "jti"}) {
            if (!c.path(m).isTextual() || c.get(m).textValue().isEmpty()) {
                throw new RejectedException(Reason.MISSING_CLAIM, "offer has no \"" + m + "\" string");
            }
        }
        if (!c.path("iat").isIntegralNumber() || !c.path("exp").isIntegralNumber() || !c.path("grant").isObject() || !c.path("term").isObject()
                || !c.path("term").path("not_after").isIntegralNumber()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "offer needs integer iat and exp, a grant object and term.not_after");
        }
        JsonNode nb = c.path("term").get("not_before");
        if (nb != null && !nb.isIntegralNumber()) {
            throw new RejectedException(Reason.INVALID_CLAIM, "offer term.not_before must be a NumericDate");
        }
        return new Offer(compact, c.get("iss").textValue(), c.get("jti").textValue(), Instant.ofEpochSecond(c.get("iat").longValue()),
                Instant.ofEpochSecond(c.get("exp").longValue()), (ObjectNode) c.get("grant"),
                nb == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(nb.longValue())),
                Instant.ofEpochSecond(c.path("term").get("not_after").longValue()));
    }

    /** SHA-256 of the compact offer (what an acceptance names, [OFR-3]), lowercase hex. */
    public String sha256() {
        return sha256(compact);
    }

    public static String sha256(String compact) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(compact.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
