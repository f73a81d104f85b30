package org.cb4i.sdk.credential;

import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;

/** Signing and verifying content credentials ({@code typ: content-credential+jwt}; [CRD-1]) with the JOSE rules of §0.2. */
public final class ContentCredentials {
    public static final String TYP = "content-credential+jwt";
    public static final String MEDIA_TYPE = "application/content-credential+jwt";
    public static final int MAX_CHARS = 16 * 1024;

    private ContentCredentials() {}

    /** A credential whose signature verified with one of the publisher's keys. */
    public record Verified(String compact, CredentialClaims claims, String keyId) {}

    public static String sign(CredentialClaims claims, SigningKey publisherKey) {
        return CompactJws.sign(publisherKey, TYP, claims.toJson());
    }

    /**
     * Verifies the signature with the publisher's trusted keys and reads the claims (the content is checked by the
     * caller, which has it).
     */
    public static Verified verify(String compact, KeySet publisherKeys) {
        CompactJws.Parsed p = CompactJws.parse(compact, TYP, MAX_CHARS, "content credential");
        var key = CompactJws.verify(p, publisherKeys, "content credential");
        return new Verified(compact, CredentialClaims.fromJson(p.payload()), key.thumbprint());
    }

    /** Reads the claims without verifying anything: for showing a credential whose keys are not at hand. */
    public static CredentialClaims readUnverified(String compact) {
        return CredentialClaims.fromJson(CompactJws.parse(compact, TYP, MAX_CHARS, "content credential").payload());
    }

    /** The key id ({@code kid}) a credential says it was signed with, without verifying. */
    public static String keyIdOf(String compact) {
        return CompactJws.parse(compact, TYP, MAX_CHARS, "content credential").kid();
    }
}
