package org.cb4i.sdk.token;

import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.SigningKey;

/** Issuing license tokens ([TOK-1]): {@code typ: license+jwt}, {@code kid} = the issuer key's thumbprint. */
public final class LicenseTokens {
    /** The JOSE {@code typ} of a license token. */
    public static final String TYP = "license+jwt";
    /** The HTTP authentication scheme a license is presented with (RSL CAP): {@code Authorization: License <jwt>}. */
    public static final String AUTH_SCHEME = "License";

    private LicenseTokens() {}

    /**
     * Signs {@code claims} with the collective's key.
     *
     * @throws IllegalArgumentException when {@code claims.issuer()} is empty (the record already validates the rest)
     */
    public static String issue(LicenseClaims claims, SigningKey issuerKey) {
        return CompactJws.sign(issuerKey, TYP, claims.toJson());
    }
}
