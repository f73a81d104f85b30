package org.cb4i.issuer.console;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.VerificationException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.store.ConsoleStore;

/**
 * The WebAuthn ceremonies (W3C Web Authentication Level 3), verified by WebAuthn4J: a passkey registered from an
 * invite (user verification and a discoverable credential required, no attestation asked), and a sign-in with any
 * passkey of the account. Each challenge is random, kept in the store for two minutes and taken once.
 */
final class Passkeys {
    static final Duration CHALLENGE_TTL = Duration.ofMinutes(2);
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final WebAuthnManager webauthn = WebAuthnManager.createNonStrictWebAuthnManager();
    private final AttestedCredentialDataConverter credentials = new AttestedCredentialDataConverter(new ObjectConverter());
    private final ConsoleStore store;
    private final Clock clock;
    private final String rpName;
    private final SecureRandom random = new SecureRandom();

    Passkeys(ConsoleStore store, Clock clock, String rpName) {
        this.store = store;
        this.clock = clock;
        this.rpName = rpName;
    }

    /** Where the browser is: the console's origin and the relying party id (its host). */
    record Site(String origin, String rpId) {}

    /** A passkey that verified, to keep or whose use was recorded. */
    record Verified(String credentialId, String account) {}

    /** PublicKeyCredentialCreationOptionsJSON for a new passkey of {@code account}. */
    Map<String, Object> creationOptions(Site site, String account) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("challenge", challenge("register"));
        o.put("rp", Map.of("id", site.rpId(), "name", rpName));
        o.put("user", Map.of("id", B64.encodeToString(java.util.HexFormat.of().parseHex(ConsoleStore.digest(account))), "name", account, "displayName", account));
        o.put("pubKeyCredParams", List.of(Map.of("type", "public-key", "alg", -8), Map.of("type", "public-key", "alg", -7),
                Map.of("type", "public-key", "alg", -257)));
        o.put("authenticatorSelection", Map.of("residentKey", "required", "userVerification", "required"));
        o.put("attestation", "none");
        o.put("timeout", CHALLENGE_TTL.toMillis());
        o.put("excludeCredentials", store.passkeys(account).stream().map(k -> Map.of("type", "public-key", "id", k.credentialId())).toList());
        return o;
    }

    /** PublicKeyCredentialRequestOptionsJSON for signing in with a passkey the browser holds. */
    Map<String, Object> requestOptions(Site site) {
        return requestOptions(site, "login", List.of());
    }

    /**
     * Request options whose challenge is kept for {@code purpose} only (a vote's confirmation names the vote), limited
     * to {@code allowed} passkeys when not empty.
     */
    Map<String, Object> requestOptions(Site site, String purpose, List<String> allowed) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("challenge", challenge(purpose));
        if (!allowed.isEmpty()) {
            o.put("allowCredentials", allowed.stream().map(id -> Map.of("type", "public-key", "id", id)).toList());
        }
        o.put("rpId", site.rpId());
        o.put("userVerification", "required");
        o.put("timeout", CHALLENGE_TTL.toMillis());
        return o;
    }

    /**
     * Verifies a RegistrationResponseJSON against a challenge this console issued, and returns the passkey to keep.
     *
     * @throws ConsoleException 400 for a response that does not verify (which check failed)
     */
    ConsoleStore.Passkey register(Site site, String account, String responseJson) {
        RegistrationData parsed;
        try {
            parsed = webauthn.parseRegistrationResponseJSON(responseJson);
        } catch (RuntimeException e) {
            throw new ConsoleException(400, "passkey_invalid", "the passkey's registration response cannot be read: " + e.getMessage());
        }
        String challenge = B64.encodeToString(parsed.getCollectedClientData().getChallenge().getValue());
        if (!store.takeChallenge(challenge, "register", clock.instant())) {
            throw new ConsoleException(400, "challenge_unknown", "the registration's challenge was not issued here, was used, or expired: start again");
        }
        try {
            webauthn.verify(parsed, new RegistrationParameters(new ServerProperty(new Origin(site.origin()), site.rpId(), new DefaultChallenge(challenge)),
                    ALGORITHMS, true, true));
        } catch (VerificationException e) {
            throw new ConsoleException(400, "passkey_invalid", "the passkey does not verify: " + e.getMessage());
        }
        var data = parsed.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData cred = data.getAttestedCredentialData();
        return new ConsoleStore.Passkey(B64.encodeToString(cred.getCredentialId()), account, B64.encodeToString(credentials.convert(cred)),
                data.getSignCount(), clock.instant());
    }

    /**
     * Verifies an AuthenticationResponseJSON: a challenge issued here, a passkey kept here, its signature, user
     * verification, and a signature counter that went up (when the authenticator keeps one).
     *
     * @throws ConsoleException 401 when it does not verify
     */
    Verified signIn(Site site, String responseJson) {
        return assertion(site, responseJson, "login");
    }

    /**
     * Verifies an assertion made over a challenge issued for {@code purpose} (nothing else), as {@link #signIn} does.
     *
     * @throws ConsoleException 401 when it does not verify or its challenge was issued for something else
     */
    Verified assertion(Site site, String responseJson, String purpose) {
        AuthenticationData parsed;
        try {
            parsed = webauthn.parseAuthenticationResponseJSON(responseJson);
        } catch (RuntimeException e) {
            throw new ConsoleException(400, "passkey_invalid", "the sign-in response cannot be read: " + e.getMessage());
        }
        String challenge = B64.encodeToString(parsed.getCollectedClientData().getChallenge().getValue());
        if (!store.takeChallenge(challenge, purpose, clock.instant())) {
            throw new ConsoleException(401, "challenge_unknown", "the passkey signed a challenge that was not issued here for this, was used, or expired: "
                    + "start again");
        }
        String id = B64.encodeToString(parsed.getCredentialId());
        Optional<ConsoleStore.Passkey> key = store.passkey(id);
        if (key.isEmpty()) {
            throw new ConsoleException(401, "passkey_unknown", "this passkey is not registered here");
        }
        AttestedCredentialData cred = credentials.convert(Base64.getUrlDecoder().decode(key.get().credential()));
        CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), true, null, null, key.get().signCount(), cred, null, null,
                null, null);
        try {
            webauthn.verify(parsed, new AuthenticationParameters(new ServerProperty(new Origin(site.origin()), site.rpId(), new DefaultChallenge(challenge)),
                    record, List.of(parsed.getCredentialId()), true, true));
        } catch (VerificationException e) {
            throw new ConsoleException(401, "passkey_invalid", "the passkey's signature does not verify: " + e.getMessage());
        }
        store.signCount(id, parsed.getAuthenticatorData().getSignCount());
        return new Verified(id, key.get().account());
    }

    private String challenge(String purpose) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String c = B64.encodeToString(b);
        store.challenge(c, purpose, clock.instant().plus(CHALLENGE_TTL));
        return c;
    }
}
