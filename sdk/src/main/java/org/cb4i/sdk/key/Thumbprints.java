package org.cb4i.sdk.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;

/** RFC 7638 SHA-256 JWK thumbprints ([KEY-2]). */
public final class Thumbprints {
    private Thumbprints() {}

    /** The base64url SHA-256 thumbprint of the JWK's required public members. */
    public static String of(JWK jwk) {
        try {
            return jwk.computeThumbprint("SHA-256").toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
