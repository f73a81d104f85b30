package org.cb4i.sdk.member;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.token.PathScope;

/**
 * A request a member signed with one of its content keys: {@code sub} (its origin), {@code iat}, {@code jti} and what
 * it asks, as a compact JWS of a given {@code typ} ([CNS-6], [DEC-6]).
 *
 * @param compact the signed request, kept as evidence
 * @param member {@code sub}, normalised as [TOK-9] compares origins
 * @param issuedAt {@code iat}
 * @param id {@code jti}
 * @param claims every claim, for the caller to read what is asked
 * @param keyThumbprint the content key that signed it
 */
public record MemberSignedRequest(String compact, String member, Instant issuedAt, String id, ObjectNode claims, String keyThumbprint) {
    public static final Duration MAX_AGE = Duration.ofSeconds(60);
    /** Largest request read. */
    public static final int MAX_CHARS = 1 << 20;

    /** Signs a request: {@code sub}, {@code iat}, {@code jti}, then {@code more}. */
    public static String sign(SigningKey memberKey, String typ, String member, Instant issuedAt, String id, Map<String, Object> more) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", PathScope.normaliseOrigin(member));
        c.put("iat", issuedAt.getEpochSecond());
        c.put("jti", id);
        c.putAll(more);
        return CompactJws.sign(memberKey, typ, c);
    }

    /** The member a request names, read before verifying it (to find that member's keys). */
    public static String memberOf(String compact, String typ, String what) {
        String sub = text(CompactJws.parse(compact, typ, MAX_CHARS, what).payload(), "sub", what);
        try {
            return PathScope.normaliseOrigin(sub);
        } catch (IllegalArgumentException e) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " \"sub\" must be the member's origin: " + e.getMessage());
        }
    }

    /**
     * Verifies a request with the member's content keys and checks it is fresh at {@code now} (replay is the caller's
     * to check, by {@link #id()}).
     *
     * @throws RejectedException naming the claim at fault; {@link Reason#UNKNOWN_KEY} or {@link Reason#BAD_SIGNATURE}
     *     when the member's keys did not sign it
     */
    public static MemberSignedRequest verify(String compact, String typ, String what, KeySet memberKeys, Instant now) {
        CompactJws.Parsed jws = CompactJws.parse(compact, typ, MAX_CHARS, what);
        VerificationKey key = CompactJws.verify(jws, memberKeys, what);
        ObjectNode c = jws.payload();
        String member = memberOf(compact, typ, what);
        JsonNode iatNode = c.get("iat");
        if (iatNode == null) {
            throw new RejectedException(Reason.MISSING_CLAIM, what + " has no \"iat\"");
        }
        if (!iatNode.isIntegralNumber() || !iatNode.canConvertToLong() || iatNode.longValue() < 0) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " \"iat\" must be an integer number of seconds since the epoch");
        }
        Instant iat = Instant.ofEpochSecond(iatNode.longValue());
        if (Duration.between(iat, now).abs().compareTo(MAX_AGE) > 0) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " \"iat\" " + iat + " is more than 60 s from the issuer's clock (" + now
                    + "); sign it afresh");
        }
        String jti = text(c, "jti", what);
        return new MemberSignedRequest(compact, member, iat, jti, c, key.thumbprint());
    }

    static String text(ObjectNode c, String name, String what) {
        JsonNode n = c.get(name);
        if (n == null) {
            throw new RejectedException(Reason.MISSING_CLAIM, what + " has no \"" + name + "\"");
        }
        if (!n.isTextual() || n.textValue().isEmpty()) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " \"" + name + "\" must be a non-empty string");
        }
        return n.textValue();
    }

    /** Whether a refusal is about the signature (401) rather than the content (400). */
    public static boolean aboutTheSignature(org.cb4i.sdk.Cb4iException e) {
        return e.reason() == Reason.UNKNOWN_KEY || e.reason() == Reason.BAD_SIGNATURE || e.reason() == Reason.ALG_NOT_ALLOWED;
    }
}
