package org.cb4i.sdk.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;

/**
 * Plugs cb4i's keys into Nimbus JOSE+JWT: Nimbus stays the JOSE object model, BouncyCastle (Ed25519) or
 * the JCA (P-256) does the arithmetic. The verifier checks that the header's {@code alg} is one this key may
 * use ([TOK-3]); an {@code EdDSA} header on a P-256 key, say, does not verify.
 */
public final class JwsKeys {
    private JwsKeys() {}

    /** A Nimbus signer for this key; signs with the header's {@code alg}, which must fit the key. */
    public static JWSSigner signer(SigningKey key) {
        return new KeySigner(key);
    }

    /** A Nimbus verifier for this key. */
    public static JWSVerifier verifier(VerificationKey key) {
        return new KeyVerifier(key);
    }

    private static final class KeySigner implements JWSSigner {
        private final SigningKey key;
        private final JCAContext jca = new JCAContext();

        KeySigner(SigningKey key) {
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!key.algorithm().jwsAlgorithms().contains(header.getAlgorithm())) {
                throw new JOSEException("alg " + header.getAlgorithm() + " does not fit a " + key.algorithm() + " key");
            }
            return Base64URL.encode(key.sign(signingInput));
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return key.algorithm().jwsAlgorithms();
        }

        @Override
        public JCAContext getJCAContext() {
            return jca;
        }
    }

    private static final class KeyVerifier implements JWSVerifier {
        private final VerificationKey key;
        private final JCAContext jca = new JCAContext();

        KeyVerifier(VerificationKey key) {
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
            return key.algorithm().jwsAlgorithms().contains(header.getAlgorithm())
                    && key.verify(signingInput, signature.decode());
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return key.algorithm().jwsAlgorithms();
        }

        @Override
        public JCAContext getJCAContext() {
            return jca;
        }
    }
}
