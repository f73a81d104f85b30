package org.cb4i.sdk.notice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;

/**
 * One public notice of the collective ({@code typ: notice+jwt}; SPEC.md [NTC-1]).
 *
 * @param compact the signed notice
 * @param issuer {@code iss}
 * @param id {@code jti}: {@code N1}, {@code N2}, …
 * @param issuedAt {@code iat}
 * @param kind {@code strike}, {@code resume}, {@code termination}, {@code amendment}, {@code removal} or {@code offer}
 * @param scope {@code {"all": true}}, {@code {"licensee": id}}, {@code {"agreement": id}} or {@code {"offer": id}}; a strike
 *     or its end of one usage only adds {@code "usage"} ([STS-9])
 * @param reason why, as the collective gave it
 * @param proposal the proposal whose vote decided it, if one did
 */
public record Notice(String compact, String issuer, String id, Instant issuedAt, String kind, Map<String, Object> scope, String reason,
        Optional<String> proposal) {
    public static final String TYP = "notice+jwt";
    public static final String MEDIA_TYPE = "application/notice+jwt";
    public static final Set<String> KINDS = Set.of("strike", "resume", "termination", "amendment", "removal", "offer");

    public Notice {
        scope = Map.copyOf(scope);
    }

    /** Signs a notice with a key of the collective. */
    public static Notice sign(SigningKey key, String issuer, String id, Instant issuedAt, String kind, Map<String, Object> scope, String reason,
            Optional<String> proposal) {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("a notice's kind is one of " + KINDS + "; found " + kind);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("jti", id);
        c.put("iat", issuedAt.getEpochSecond());
        c.put("kind", kind);
        c.put("scope", scope);
        c.put("reason", reason);
        proposal.ifPresent(p -> c.put("proposal", p));
        return new Notice(CompactJws.sign(key, TYP, c), issuer, id, Instant.ofEpochSecond(issuedAt.getEpochSecond()), kind, scope, reason, proposal);
    }

    /**
     * Verifies a notice with the collective's keys and reads it.
     *
     * @throws RejectedException naming what is wrong
     */
    public static Notice verify(String compact, KeySet keys) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, 1 << 20, "notice");
        CompactJws.verify(jws, keys, "notice");
        return read(compact, jws.payload());
    }

    /**
     * Reads a notice without checking its signature: for its signer, listing what it signed and kept (a reader verifies).
     *
     * @throws RejectedException naming what is wrong
     */
    public static Notice readOwn(String compact) {
        return read(compact, CompactJws.parse(compact, TYP, 1 << 20, "notice").payload());
    }

    private static Notice read(String compact, ObjectNode c) {
        for (String m : new String[] {"iss", "jti", "kind", "reason"}) {
            if (!c.path(m).isTextual()) {
                throw new RejectedException(c.has(m) ? Reason.INVALID_CLAIM : Reason.MISSING_CLAIM, "notice \"" + m + "\" must be a string");
            }
        }
        if (!c.path("iat").isIntegralNumber() || !c.path("scope").isObject()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "notice has no integer \"iat\" or no \"scope\" object");
        }
        if (!KINDS.contains(c.get("kind").textValue())) {
            throw new RejectedException(Reason.INVALID_CLAIM, "notice \"kind\" must be one of " + KINDS);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> scope = Json.mapper().convertValue(c.get("scope"), Map.class);
        JsonNode p = c.get("proposal");
        return new Notice(compact, c.get("iss").textValue(), c.get("jti").textValue(), Instant.ofEpochSecond(c.get("iat").longValue()),
                c.get("kind").textValue(), scope, c.get("reason").textValue(), p != null && p.isTextual() ? Optional.of(p.textValue()) : Optional.empty());
    }

    /** A title for people: "Strike: every licensee", "Agreement a1 terminated", … */
    public String title() {
        String who = (scope.containsKey("licensee") ? "licensee " + scope.get("licensee")
                : scope.containsKey("agreement") ? "agreement " + scope.get("agreement") : "every licensee")
                + (scope.containsKey("usage") ? ", for " + scope.get("usage") + " only" : "");
        return switch (kind) {
            case "strike" -> "Strike: " + who;
            case "resume" -> "Strike ended: " + who;
            case "termination" -> "Agreement terminated: " + who;
            case "amendment" -> "Agreement amended: " + who;
            case "offer" -> "New offer: " + scope.get("offer");
            default -> "Licensee removed: " + who;
        };
    }
}
