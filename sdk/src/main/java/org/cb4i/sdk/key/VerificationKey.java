package org.cb4i.sdk.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;

/**
 * A public key cb4i can verify with: Ed25519 (through BouncyCastle's RFC 8032 arithmetic, about 10x faster
 * here than the JDK's) or P-256 (JCA). Immutable and thread-safe; the Ed25519 point is decoded and validated
 * once, when the key is built.
 */
public final class VerificationKey {
    private final KeyAlgorithm algorithm;
    private final JWK publicJwk;
    private final String thumbprint;
    private final Ed25519.PublicPoint edPoint;
    private final ECPublicKey ecKey;

    private VerificationKey(KeyAlgorithm algorithm, JWK publicJwk, Ed25519.PublicPoint edPoint, ECPublicKey ecKey) {
        this.algorithm = algorithm;
        this.publicJwk = publicJwk;
        this.thumbprint = Thumbprints.of(publicJwk);
        this.edPoint = edPoint;
        this.ecKey = ecKey;
    }

    /**
     * Builds a verification key from a public (or private: only its public half is kept) JWK.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_KEY}) for a key type or curve cb4i does not accept,
     *     an invalid point, or a JWK whose {@code use} is not {@code sig}
     */
    public static VerificationKey of(JWK jwk) {
        Objects.requireNonNull(jwk, "jwk");
        if (jwk.getKeyUse() != null && !"sig".equals(jwk.getKeyUse().identifier())) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, "key " + jwk.getKeyID() + " has use \""
                    + jwk.getKeyUse().identifier() + "\"; a signing key must have use \"sig\" or none");
        }
        if (jwk instanceof OctetKeyPair okp) {
            if (!KeyAlgorithm.ED25519.curve().equals(okp.getCurve())) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, "OKP curve " + okp.getCurve() + " is not accepted; only Ed25519");
            }
            byte[] x = okp.getDecodedX();
            Ed25519.PublicPoint point = x.length == Ed25519.PUBLIC_KEY_SIZE ? Ed25519.validatePublicKeyFullExport(x, 0) : null;
            if (point == null) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, "Ed25519 \"x\" is not a valid public key");
            }
            return new VerificationKey(KeyAlgorithm.ED25519, okp.toPublicJWK(), point, null);
        }
        if (jwk instanceof ECKey ec) {
            if (!KeyAlgorithm.ES256.curve().equals(ec.getCurve())) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, "EC curve " + ec.getCurve() + " is not accepted; only P-256");
            }
            try {
                return new VerificationKey(KeyAlgorithm.ES256, ec.toPublicJWK(), null, ec.toECPublicKey());
            } catch (JOSEException e) {
                throw new MalformedInputException(Reason.MALFORMED_KEY, "EC key is not a valid P-256 point");
            }
        }
        throw new MalformedInputException(Reason.MALFORMED_KEY, "key type " + jwk.getKeyType() + " is not accepted; use OKP/Ed25519 or EC/P-256");
    }

    /** Parses a JWK from its JSON members (for example {@code cnf.jwk}). */
    public static VerificationKey fromJson(Map<String, Object> members) {
        try {
            return of(JWK.parse(members));
        } catch (ParseException e) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, "not a valid JWK: " + e.getMessage());
        }
    }

    /** Parses a JWK from JSON text. */
    public static VerificationKey fromJson(String json) {
        try {
            return of(JWK.parse(json));
        } catch (ParseException e) {
            throw new MalformedInputException(Reason.MALFORMED_KEY, "not a valid JWK: " + e.getMessage());
        }
    }

    public KeyAlgorithm algorithm() {
        return algorithm;
    }

    /** The RFC 7638 SHA-256 thumbprint, base64url; cb4i's {@code kid}, {@code keyid} and {@code jkt}. */
    public String thumbprint() {
        return thumbprint;
    }

    /** The public JWK (never contains private members). */
    public JWK jwk() {
        return publicJwk;
    }

    /** The public JWK as JSON members, with {@code kid} set to the thumbprint. */
    public Map<String, Object> toJsonObject() {
        Map<String, Object> m = publicJwk.toJSONObject();
        m.put("kid", thumbprint);
        return m;
    }

    /**
     * Verifies a raw signature: 64 bytes for Ed25519, 64 bytes r||s for ES256.
     *
     * @return false for any signature that does not verify, including one of the wrong length
     */
    public boolean verify(byte[] data, byte[] signature) {
        if (signature == null || signature.length != 64) {
            return false;
        }
        if (algorithm == KeyAlgorithm.ED25519) {
            return Ed25519.verify(signature, 0, edPoint, data, 0, data.length);
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initVerify(ecKey);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            // An out-of-range r or s is reported by some providers as an exception: it is a bad signature.
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey k && k.thumbprint.equals(thumbprint);
    }

    @Override
    public int hashCode() {
        return thumbprint.hashCode();
    }

    @Override
    public String toString() {
        return algorithm + " key " + thumbprint;
    }
}
