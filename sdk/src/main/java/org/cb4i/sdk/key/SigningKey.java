package org.cb4i.sdk.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.text.ParseException;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;

/**
 * A private key cb4i signs with, and its public half. Immutable and thread-safe. {@link #toString()} never
 * shows private material.
 */
public final class SigningKey {
    private final VerificationKey publicKey;
    private final JWK privateJwk;
    private final byte[] edSeed;
    private final byte[] edPublic;
    private final ECPrivateKey ecKey;

    private SigningKey(VerificationKey publicKey, JWK privateJwk, byte[] edSeed, byte[] edPublic, ECPrivateKey ecKey) {
        this.publicKey = publicKey;
        this.privateJwk = privateJwk;
        this.edSeed = edSeed;
        this.edPublic = edPublic;
        this.ecKey = ecKey;
    }

    /**
     * Builds a signing key from a private JWK.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_KEY}) when the JWK has no private part, is of a
     *     type cb4i does not accept, or its private and public parts do not belong together
     */
    public static SigningKey of(JWK jwk) {
        Objects.requireNonNull(jwk, "jwk");
        if (!jwk.isPrivate()) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, "the key has no private part (\"d\"); a signing key is needed");
        }
        VerificationKey pub = VerificationKey.of(jwk);
        if (jwk instanceof OctetKeyPair okp) {
            byte[] d = okp.getDecodedD();
            if (d.length != Ed25519.SECRET_KEY_SIZE) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, "Ed25519 \"d\" must be 32 bytes");
            }
            byte[] derived = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(d, 0, derived, 0);
            if (!java.util.Arrays.equals(derived, okp.getDecodedX())) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, "Ed25519 \"d\" does not belong to \"x\"");
            }
            return new SigningKey(pub, jwk, d, derived, null);
        }
        try {
            return new SigningKey(pub, jwk, null, null, ((ECKey) jwk).toECPrivateKey());
        } catch (JOSEException e) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, "EC private key is not valid for P-256");
        }
    }

    /** Parses a private JWK from JSON text. */
    public static SigningKey fromJson(String json) {
        try {
            return of(JWK.parse(json));
        } catch (ParseException e) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, "not a valid JWK: " + e.getMessage());
        }
    }

    public VerificationKey publicKey() {
        return publicKey;
    }

    public KeyAlgorithm algorithm() {
        return publicKey.algorithm();
    }

    /** The thumbprint of the public half. */
    public String thumbprint() {
        return publicKey.thumbprint();
    }

    /** The private JWK, with {@code kid} set to the thumbprint. Handle with care: it contains {@code d}. */
    public JWK privateJwk() {
        return privateJwk;
    }

    /** Signs raw bytes: Ed25519 (deterministic, 64 bytes) or ES256 (64 bytes r||s). */
    public byte[] sign(byte[] data) {
        if (edSeed != null) {
            byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(edSeed, 0, edPublic, 0, data, 0, data.length, sig, 0);
            return sig;
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(ecKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 signing is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return algorithm() + " signing key " + thumbprint();
    }
}
