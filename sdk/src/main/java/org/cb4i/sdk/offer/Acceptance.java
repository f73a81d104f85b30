package org.cb4i.sdk.offer;

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

/**
 * A licensee's acceptance of an offer ({@code typ: acceptance+jwt}; SPEC.md [OFR-3]), signed with its registered key:
 * it names the offer and the SHA-256 of the signed offer it read, so it accepts exactly those terms.
 *
 * @param compact the signed acceptance, kept as evidence
 * @param licensee {@code iss}
 * @param offer {@code sub}: the offer's id
 * @param offerSha256 the SHA-256 of the compact offer accepted
 * @param id {@code jti}
 */
public record Acceptance(String compact, String licensee, String offer, String offerSha256, Instant issuedAt, String id) {
    public static final String TYP = "acceptance+jwt";

    public static String sign(SigningKey licenseeKey, String licensee, Offer offer, Instant iat, String jti) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", licensee);
        c.put("sub", offer.id());
        c.put("offer_sha256", offer.sha256());
        c.put("iat", iat.getEpochSecond());
        c.put("jti", jti);
        return CompactJws.sign(licenseeKey, TYP, c);
    }

    /** The licensee an acceptance names, before it is verified (to find its key). */
    public static String licenseeOf(String compact) {
        ObjectNode c = CompactJws.parse(compact, TYP, 64 * 1024, "acceptance").payload();
        if (!c.path("iss").isTextual()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "acceptance has no \"iss\" (the licensee's id)");
        }
        return c.get("iss").textValue();
    }

    /**
     * Verifies an acceptance with the licensee's key, fresh at {@code now} (within 60 s).
     *
     * @throws RejectedException naming what is wrong
     */
    public static Acceptance verify(String compact, KeySet licenseeKey, Instant now) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, 64 * 1024, "acceptance");
        CompactJws.verify(jws, licenseeKey, "acceptance");
        ObjectNode c = jws.payload();
        for (String m : new String[] {"iss", "sub", "offer_sha256", "jti"}) {
            if (!c.path(m).isTextual() || c.get(m).textValue().isEmpty()) {
                throw new RejectedException(Reason.MISSING_CLAIM, "acceptance has no \"" + m + "\" string");
            }
        }
        if (!c.path("iat").isIntegralNumber()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "acceptance has no integer \"iat\"");
        }
        Instant iat = Instant.ofEpochSecond(c.get("iat").longValue());
        if (Duration.between(iat, now).abs().compareTo(Duration.ofSeconds(60)) > 0) {
            throw new RejectedException(Reason.INVALID_CLAIM, "acceptance \"iat\" " + iat + " is more than 60 s from the issuer's clock; sign it afresh");
        }
        return new Acceptance(compact, c.get("iss").textValue(), c.get("sub").textValue(), c.get("offer_sha256").textValue(), iat,
                c.get("jti").textValue());
    }
}
