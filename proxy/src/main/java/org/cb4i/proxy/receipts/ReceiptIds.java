package org.cb4i.proxy.receipts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cb4i.sdk.jose.Base64Url;
import org.cb4i.sdk.key.SigningKey;

/**
 * Receipt ids ([LOG-2]: 128 bits, base64url) that the log can find again without an index in memory: a rid is the
 * AES-128 encryption of {@code reservation number (8 bytes) || 8 zero bytes} under a key derived from the log's
 * private key. To anyone else the ids are unpredictable and unlinkable, as random ones would be (a block cipher
 * on distinct inputs), and they never repeat; the log decrypts one to its reservation number, and the zero half
 * tells its own ids from anything else (a forged rid, or a random one written before this scheme) with certainty but for 2^-64.
 *
 * <p>Thread-safe: one cipher per thread.
 */
final class ReceiptIds {
    private final SecretKeySpec key;
    private final ThreadLocal<Cipher[]> ciphers;

    ReceiptIds(SigningKey logKey) {
        Object d = logKey.privateJwk().toJSONObject().get("d");
        byte[] secret = d instanceof String s ? Base64Url.decodeOrNull(s) : null;
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the log key has no private part to derive receipt ids from");
        }
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] derived = hmac.doFinal("cb4i receipt ids v1".getBytes(StandardCharsets.US_ASCII));
            this.key = new SecretKeySpec(java.util.Arrays.copyOf(derived, 16), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
        this.ciphers = ThreadLocal.withInitial(() -> {
            try {
                Cipher enc = Cipher.getInstance("AES/ECB/NoPadding");
                enc.init(Cipher.ENCRYPT_MODE, key);
                Cipher dec = Cipher.getInstance("AES/ECB/NoPadding");
                dec.init(Cipher.DECRYPT_MODE, key);
                return new Cipher[] {enc, dec};
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES is not available", e);
            }
        });
    }

    /** The rid of reservation {@code number} (0 or more). */
    String encode(long number) {
        byte[] block = ByteBuffer.allocate(16).putLong(number).array();
        try {
            return Base64Url.encode(ciphers.get()[0].doFinal(block));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reservation number of one of this log's rids, or -1 for any other text. */
    long decode(String rid) {
        if (rid == null || rid.length() != 22) {
            return -1;
        }
        byte[] raw = Base64Url.decodeOrNull(rid);
        if (raw == null || raw.length != 16) {
            return -1;
        }
        ByteBuffer plain;
        try {
            plain = ByteBuffer.wrap(ciphers.get()[1].doFinal(raw));
        } catch (GeneralSecurityException e) {
            return -1;
        }
        long number = plain.getLong();
        return plain.getLong() == 0 && number >= 0 ? number : -1;
    }
}
