package org.cb4i.issuer.collective;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.store.IssuerStore.LicenseeRow;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.VerifiedSignature;
import org.cb4i.sdk.httpsig.WebBotAuthVerifier;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;

/**
 * Who is asking for a license ([ISS-2]): a licensee proves it holds its registered key either by signing the token
 * request (Web Bot Auth, covering {@code @method}, {@code @target-uri} and {@code @authority}), or with an RFC 7523
 * {@code private_key_jwt} client assertion. Either proof is accepted once: a replayed signature or assertion is
 * refused.
 */
public final class ClientAuthentication {
    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final Duration MAX_ASSERTION_LIFE = Duration.ofMinutes(5);
    private static final Duration SKEW = Duration.ofSeconds(60);

    private final Collective collective;
    private final WebBotAuthVerifier signatures;
    private final Clock clock;

    public ClientAuthentication(Collective collective, Clock clock) {
        this.collective = collective;
        this.clock = clock;
        this.signatures = WebBotAuthVerifier.builder().clock(clock).cacheBytes(0).build();
    }

    /**
     * The authenticated licensee.
     *
     * @throws OAuthException {@code invalid_client} (unknown client, no or failed proof, replay) or
     *     {@code invalid_request} (contradictory parameters)
     */
    public LicenseeRow authenticate(Map<String, String> form, SignedRequest request) {
        Optional<String> clientId = Optional.ofNullable(form.get("client_id"));
        LicenseeRow who;
        if (form.containsKey("client_assertion") || form.containsKey("client_assertion_type")) {
            who = byAssertion(form, clientId);
        } else if (!request.field("signature-input").isEmpty() || !request.field("signature").isEmpty()) {
            who = bySignature(request);
        } else {
            throw OAuthException.invalidClient("no client authentication: sign the token request with the licensee's key (Web Bot Auth, "
                    + "covering \"@method\" \"@target-uri\" \"@authority\") or send a private_key_jwt client_assertion");
        }
        if (clientId.isPresent() && !clientId.get().equals(who.id())) {
            throw OAuthException.invalidClient("client_id " + clientId.get() + " does not match the key that authenticated the request ("
                    + who.id() + ")");
        }
        return who;
    }

    /**
     * The licensee whose registered key signed {@code request} (Web Bot Auth per request, never replayed): for the token
     * endpoint, and for a licensee reading what its invoice counted ([SET-12]).
     *
     * @throws OAuthException {@code invalid_client} when no registered key signed it, or the signature is refused or replayed
     */
    public LicenseeRow bySignature(SignedRequest request) {
        VerifiedSignature sig;
        try {
            sig = signatures.verify(request, SignaturePolicy.PER_REQUEST, (keyId, agents) -> Optional.of(VerificationKey.fromJson(
                    collective.store().licenseeByKey(keyId).orElseThrow(() -> OAuthException.invalidClient(
                            "unknown client: no licensee is registered with key " + keyId + " (cb4i issuer licensee add)")).jwkJson())));
        } catch (Cb4iException e) {
            throw OAuthException.invalidClient("the token request's signature was refused: " + e.reason() + ": " + e.getMessage());
        }
        if (!collective.store().firstUse("sig:" + sig.signature(), sig.expires().plus(SKEW), collective.now())) {
            throw OAuthException.invalidClient("replayed token request: this signature was used already; sign each token request afresh");
        }
        return collective.store().licenseeByKey(sig.keyId()).orElseThrow();
    }

    private LicenseeRow byAssertion(Map<String, String> form, Optional<String> clientId) {
        if (!ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
            throw OAuthException.invalidRequest("client_assertion_type must be " + ASSERTION_TYPE);
        }
        String assertion = form.get("client_assertion");
        if (assertion == null || assertion.isEmpty()) {
            throw OAuthException.invalidRequest("client_assertion is missing");
        }
        CompactJws.Parsed jws;
        try {
            jws = CompactJws.parse(assertion, "jwt", 8192, "client assertion");
        } catch (Cb4iException e) {
            throw OAuthException.invalidClient(e.getMessage() + " (a private_key_jwt assertion has typ \"JWT\" and kid = the key's thumbprint)");
        }
        ObjectNode c = jws.payload();
        String iss = c.path("iss").asText(null);
        if (iss == null || !iss.equals(c.path("sub").asText(null))) {
            throw OAuthException.invalidClient("client assertion must have iss and sub both equal to the client id");
        }
        LicenseeRow who = collective.store().licensee(iss).orElseThrow(() -> OAuthException.invalidClient("unknown client " + iss));
        try {
            CompactJws.verify(jws, KeySet.of(VerificationKey.fromJson(who.jwkJson())), "client assertion");
        } catch (Cb4iException e) {
            throw OAuthException.invalidClient(e.getMessage());
        }
        if (!audienceOk(c.get("aud"))) {
            throw OAuthException.invalidClient("client assertion aud must name the token endpoint " + collective.config().tokenEndpoint());
        }
        Instant now = clock.instant();
        JsonNode exp = c.get("exp");
        String jti = c.path("jti").asText(null);
        if (exp == null || !exp.canConvertToLong() || jti == null) {
            throw OAuthException.invalidClient("client assertion must have exp and jti");
        }
        Instant expires = Instant.ofEpochSecond(exp.longValue());
        if (!now.isBefore(expires.plus(SKEW))) {
            throw OAuthException.invalidClient("client assertion expired at " + expires);
        }
        if (expires.isAfter(now.plus(MAX_ASSERTION_LIFE).plus(SKEW))) {
            throw OAuthException.invalidClient("client assertion is valid for too long (exp " + expires + "); at most 5 minutes");
        }
        if (!collective.store().firstUse("jwt:" + iss + ":" + jti, expires.plus(SKEW), collective.now())) {
            throw OAuthException.invalidClient("replayed client assertion: jti " + jti + " was used already");
        }
        return who;
    }

    private boolean audienceOk(JsonNode aud) {
        String endpoint = collective.config().tokenEndpoint().toString();
        String id = collective.config().id();
        if (aud == null) {
            return false;
        }
        if (aud.isTextual()) {
            return aud.textValue().equals(endpoint) || aud.textValue().equals(id);
        }
        if (aud.isArray()) {
            for (JsonNode a : aud) {
                if (a.isTextual() && (a.textValue().equals(endpoint) || a.textValue().equals(id))) {
                    return true;
                }
            }
        }
        return false;
    }
}
