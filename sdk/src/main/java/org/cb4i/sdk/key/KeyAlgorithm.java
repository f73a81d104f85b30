package org.cb4i.sdk.key;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The key algorithms cb4i accepts: Ed25519 (the default) and ECDSA P-256. Nothing else is ever accepted
 * ([KEY-1]): no RSA, no HMAC, no Ed448, no secp256k1.
 */
public enum KeyAlgorithm {
    /** Ed25519 (RFC 8032). JWS {@code EdDSA} or {@code Ed25519} (RFC 9864); RFC 9421 {@code ed25519}. */
    ED25519(Curve.Ed25519, "ed25519", Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519), JWSAlgorithm.EdDSA),
    /** ECDSA on P-256 with SHA-256, fixed-length r||s signatures. JWS {@code ES256}; RFC 9421 {@code ecdsa-p256-sha256}. */
    ES256(Curve.P_256, "ecdsa-p256-sha256", Set.of(JWSAlgorithm.ES256), JWSAlgorithm.ES256);

    private final Curve curve;
    private final String httpSignatureAlg;
    private final Set<JWSAlgorithm> jwsAlgorithms;
    private final JWSAlgorithm defaultJwsAlgorithm;

    KeyAlgorithm(Curve curve, String httpSignatureAlg, Set<JWSAlgorithm> jwsAlgorithms, JWSAlgorithm defaultJws) {
        this.curve = curve;
        this.httpSignatureAlg = httpSignatureAlg;
        this.jwsAlgorithms = jwsAlgorithms;
        this.defaultJwsAlgorithm = defaultJws;
    }

    public Curve curve() {
        return curve;
    }

    /** The RFC 9421 {@code alg} parameter value for this key type. */
    public String httpSignatureAlg() {
        return httpSignatureAlg;
    }

    /** The JWS {@code alg} values a key of this type may verify; any other is refused ([TOK-3]). */
    public Set<JWSAlgorithm> jwsAlgorithms() {
        return jwsAlgorithms;
    }

    /** The JWS {@code alg} cb4i writes when it signs with a key of this type. */
    public JWSAlgorithm defaultJwsAlgorithm() {
        return defaultJwsAlgorithm;
    }

    /** Parses a CLI or config spelling: {@code ed25519}, {@code es256} (case-insensitive). */
    public static Optional<KeyAlgorithm> parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ed25519", "eddsa" -> Optional.of(ED25519);
            case "es256", "p-256", "p256" -> Optional.of(ES256);
            default -> Optional.empty();
        };
    }

    /** The algorithm of a JWK curve, or empty for a curve cb4i does not accept. */
    static Optional<KeyAlgorithm> ofCurve(Curve curve) {
        for (KeyAlgorithm a : values()) {
            if (a.curve.equals(curve)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
