package org.cb4i.proxy.quota;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.cb4i.sdk.token.LicenseClaims;

/**
 * What a quota is counted against ([TOK-10]): one licensee ({@code iss}, {@code sub}) under one agreement on one
 * site. Licenses a licensee asks {@code /token} for again share their counters; two agreements of one licensee do not.
 *
 * @param agreement the agreement's SHA-256 as the license states it ("" for a license without one)
 */
public record QuotaKey(String issuer, String subject, String agreement, String publisher) {

    public static QuotaKey of(LicenseClaims c, String publisher) {
        return new QuotaKey(c.issuer(), c.subject(), c.agreement().map(a -> a.sha256()).orElse(""), publisher);
    }

    /**
     * A short stable name for the key in a shared store: base64url of the first 15 bytes of SHA-256 over the four parts,
     * each prefixed by its length (so that no two keys share a name by moving a separator). Computed when asked: only a
     * shared store needs it, and a licensed request on a local store should not pay for a hash.
     */
    public String storeId() {
        return storeId(issuer, subject, agreement, publisher);
    }

    private static String storeId(String... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] b = p.getBytes(StandardCharsets.UTF_8);
                d.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
                d.update(b);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d.digest(), 15));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For people: who, under what, where. */
    public String describe() {
        return subject + " of " + issuer + (agreement.isEmpty() ? "" : " (agreement " + agreement.substring(0, Math.min(12, agreement.length())) + "…)")
                + " on " + publisher;
    }
}
