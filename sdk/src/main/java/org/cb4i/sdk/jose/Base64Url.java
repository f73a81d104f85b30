package org.cb4i.sdk.jose;

import java.util.Base64;

/**
 * Strict unpadded base64url (RFC 7515 §2). Decoding refuses padding, the standard alphabet, white space and
 * non-canonical encodings (non-zero trailing bits), so that one token has exactly one encoding
 * (research/security.md JWT-04).
 */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Decodes strictly.
     *
     * @return the bytes, or {@code null} when {@code text} is not canonical unpadded base64url
     */
    public static byte[] decodeOrNull(String text) {
        int n = text.length();
        if (n % 4 == 1) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return null;
            }
        }
        byte[] out = DECODER.decode(text);
        // Canonical: re-encoding gives back the same text (rejects non-zero trailing bits).
        return ENCODER.encodeToString(out).equals(text) ? out : null;
    }
}
