package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWK;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.key.JwsKeys;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.key.Thumbprints;
import org.cb4i.sdk.key.VerificationKey;

/** Runs {@code JwkThumbprint} ([KEY-1], [KEY-2]) and {@code JwsEd25519} ([JOS-2], [JOS-5]) groups. */
final class KeyRunners {
    private KeyRunners() {}

    static void thumbprint(VectorFile.Case c) {
        String json = c.test().get("jwk").toString();
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (java.text.ParseException e) {
            throw new AssertionError("vector JWK does not parse", e);
        }
        if (c.test().has("thumbprint")) {
            assertThat(Thumbprints.of(jwk)).isEqualTo(c.test().get("thumbprint").textValue());
        }
        if (c.test().get("accepted").booleanValue()) {
            assertThat(VerificationKey.of(jwk).thumbprint()).isEqualTo(c.test().get("thumbprint").textValue());
        } else {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> VerificationKey.of(jwk));
            assertThat(e).as("key refused").isNotNull();
            assertThat(e.reason().name()).isEqualTo(c.expectedReason());
        }
    }

    static void jwsEd25519(VectorFile.Case c) throws RuntimeException {
        SigningKey key = SigningKey.fromJson(c.group().get("jwk").toString());
        String compact = c.test().get("compact").textValue();
        String payload = c.test().get("payload").textValue();
        try {
            JWSObject parsed = JWSObject.parse(compact);
            boolean verifies = parsed.getPayload().toString().equals(payload) && parsed.verify(JwsKeys.verifier(key.publicKey()));
            assertThat(verifies).isEqualTo(c.expectValid());
            if (c.expectValid()) {
                JWSObject fresh = new JWSObject(new JWSHeader(JWSAlgorithm.EdDSA), new Payload(payload));
                fresh.sign(JwsKeys.signer(key));
                assertThat(fresh.serialize()).as("deterministic Ed25519 signature").isEqualTo(compact);
            }
        } catch (java.text.ParseException | JOSEException e) {
            throw new AssertionError(e);
        }
    }
}
