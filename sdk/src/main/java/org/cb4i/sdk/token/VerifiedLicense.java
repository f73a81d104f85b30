package org.cb4i.sdk.token;

import java.util.Objects;

/**
 * A license token whose signature, type and claims have been checked: signed by a trusted collective, inside
 * its validity window, for an accepted repertoire. Revocation ({@code status}) is checked separately against
 * a status list, because it changes while the token does not.
 *
 * @param token the compact token as presented
 * @param claims its claims
 * @param issuerKeyId the thumbprint of the issuer key that verified it
 */
public record VerifiedLicense(String token, LicenseClaims claims, String issuerKeyId) {
    public VerifiedLicense {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(issuerKeyId, "issuerKeyId");
    }
}
