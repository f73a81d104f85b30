package org.cb4i.sdk.consent;

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
 * A member's own change of its consent ({@code typ: consent-request+jwt}; SPEC.md [CNS-6]), signed with one of its
 * content keys: the whole new opt-out, fresh ({@code iat} within 60 s) and never replayed ({@code jti}).
 *
 * @param compact the signed request, which the issuer keeps as evidence
 * @param member {@code sub}: the member's origin, normalised
 * @param issuedAt {@code iat}
 * @param id {@code jti}
 * @param optOut the new choice
 * @param keyThumbprint the content key that signed it (set once verified; empty before)
 */
public record ConsentRequest(String compact, String member, Instant issuedAt, String id, OptOut optOut, String keyThumbprint) {
    public static final String TYP = "consent-request+jwt";
    public static final Duration MAX_AGE = Duration.ofSeconds(60);

    /** Signs a change with the member's content key. */
    public static String sign(SigningKey memberKey, String member, Instant issuedAt, String id, OptOut optOut) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", PathScope.normaliseOrigin(member));
        c.put("iat", issuedAt.getEpochSecond());
        c.put("jti", id);
        c.put("opt_out", optOut.toJson());
        return CompactJws.sign(memberKey, TYP, c);
    }

    /** The member a request names, read before verifying it (to find that member's keys). */
    public static String memberOf(String compact) {
        String sub = ConsentDocument.text(CompactJws.parse(compact, TYP, ConsentDocument.MAX_CHARS, "consent request").payload(), "sub", "consent request");
        try {
            return PathScope.normaliseOrigin(sub);
        } catch (IllegalArgumentException e) {
            throw new RejectedException(Reason.INVALID_CLAIM, "consent request \"sub\" must be the member's origin: " + e.getMessage());
        }
    }

    /**
     * Verifies a change with the member's content keys and checks it is fresh at {@code now} (replay is the caller's to
     * check, by {@link #id()}).
     *
     * @throws RejectedException naming the claim at fault; {@link Reason#UNKNOWN_KEY} or {@link Reason#BAD_SIGNATURE}
     *     when the member's keys did not sign it
     */
    public static ConsentRequest verify(String compact, KeySet memberKeys, Instant now) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, ConsentDocument.MAX_CHARS, "consent request");
        VerificationKey key = CompactJws.verify(jws, memberKeys, "consent request");
        ObjectNode c = jws.payload();
        String member = memberOf(compact);
        Instant iat = Instant.ofEpochSecond(ConsentDocument.integer(c, "iat", 0, (1L << 53) - 1, "consent request"));
        if (Duration.between(iat, now).abs().compareTo(MAX_AGE) > 0) {
            throw new RejectedException(Reason.INVALID_CLAIM, "consent request \"iat\" " + iat + " is more than 60 s from the issuer's clock ("
                    + now + "); sign the change afresh");
        }
        String jti = ConsentDocument.text(c, "jti", "consent request");
        if (!c.has("opt_out")) {
            throw new RejectedException(Reason.MISSING_CLAIM, "consent request has no \"opt_out\" (the whole new choice; {} opts nothing out)");
        }
        OptOut optOut = OptOut.read(c.get("opt_out"), "consent request opt_out");
        return new ConsentRequest(compact, member, iat, jti, optOut, key.thumbprint());
    }
}
