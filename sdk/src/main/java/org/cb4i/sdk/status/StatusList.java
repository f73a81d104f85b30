package org.cb4i.sdk.status;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.jose.Base64Url;

/**
 * A Token Status List bitstring (draft-ietf-oauth-status-list §4; [STS-3]): {@code bits} (1, 2, 4 or 8) bits
 * per index, packed least significant bit first, compressed with DEFLATE in the ZLIB format and base64url
 * encoded as {@code lst}. Mutable (an issuer sets statuses); not thread-safe: publish a {@link #copy()}.
 */
public final class StatusList {
    /** Largest decompressed list accepted: 4 MiB, 16 million indices at 2 bits; a bigger one is a zip bomb. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private final int bits;
    private final byte[] bytes;

    private StatusList(int bits, byte[] bytes) {
        this.bits = bits;
        this.bytes = bytes;
    }

    /** A list of {@code size} indices, all {@link StatusValue#VALID}. */
    public static StatusList create(int bits, int size) {
        checkBits(bits);
        if (size < 1 || (long) size * bits > (long) MAX_BYTES * 8) {
            throw new IllegalArgumentException("size must be from 1 to " + ((long) MAX_BYTES * 8 / bits) + " at " + bits + " bits");
        }
        return new StatusList(bits, new byte[(int) (((long) size * bits + 7) / 8)]);
    }

    /** Wraps uncompressed bytes (as in the draft's examples). */
    public static StatusList ofBytes(int bits, byte[] bytes) {
        checkBits(bits);
        return new StatusList(bits, bytes.clone());
    }

    /**
     * Decodes an {@code lst} value.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_STATUS_LIST}) for bad base64url, bad zlib data,
     *     or a list larger than {@link #MAX_BYTES} once inflated
     */
    public static StatusList decode(int bits, String lst) {
        checkBits(bits);
        byte[] compressed = Base64Url.decodeOrNull(lst);
        if (compressed == null || compressed.length == 0) {
            throw new MalformedInputException(Reason.MALFORMED_STATUS_LIST, "status list \"lst\" is not canonical base64url");
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(MAX_BYTES, compressed.length * 4));
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new MalformedInputException(Reason.MALFORMED_STATUS_LIST, "status list \"lst\" is truncated zlib data");
                }
                if (out.size() + n > MAX_BYTES) {
                    throw new MalformedInputException(Reason.MALFORMED_STATUS_LIST, "status list inflates to more than " + MAX_BYTES + " bytes");
                }
                out.write(buf, 0, n);
            }
            if (inflater.getRemaining() > 0) {
                throw new MalformedInputException(Reason.MALFORMED_STATUS_LIST, "status list \"lst\" has bytes after the zlib stream");
            }
            return new StatusList(bits, out.toByteArray());
        } catch (DataFormatException e) {
            throw new MalformedInputException(Reason.MALFORMED_STATUS_LIST, "status list \"lst\" is not zlib data");
        } finally {
            inflater.end();
        }
    }

    /** The {@code lst} value: zlib (best compression) then base64url. */
    public String encode() {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return Base64Url.encode(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    public int bits() {
        return bits;
    }

    /** How many indices the list holds. */
    public int size() {
        return (int) ((long) bytes.length * 8 / bits);
    }

    /** The raw status code at {@code idx}. */
    public int get(int idx) {
        checkIndex(idx);
        long bit = (long) idx * bits;
        int b = bytes[(int) (bit >>> 3)] & 0xff;
        return (b >>> (int) (bit & 7)) & ((1 << bits) - 1);
    }

    /** The status at {@code idx}, or empty-handed {@link IndexOutOfBoundsException} when outside the list. */
    public StatusValue status(int idx) {
        return StatusValue.of(get(idx));
    }

    /** Sets the raw status code at {@code idx}. */
    public void set(int idx, int code) {
        checkIndex(idx);
        if (code < 0 || code >= (1 << bits)) {
            throw new IllegalArgumentException("status " + code + " does not fit in " + bits + " bits");
        }
        long bit = (long) idx * bits;
        int i = (int) (bit >>> 3);
        int shift = (int) (bit & 7);
        int mask = ((1 << bits) - 1) << shift;
        bytes[i] = (byte) ((bytes[i] & ~mask) | (code << shift));
    }

    public void set(int idx, StatusValue value) {
        set(idx, value.code());
    }

    /** A copy of the packed bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public StatusList copy() {
        return new StatusList(bits, bytes.clone());
    }

    private void checkIndex(int idx) {
        if (idx < 0 || idx >= size()) {
            throw new IndexOutOfBoundsException("index " + idx + " is outside the status list (size " + size() + ")");
        }
    }

    private static void checkBits(int bits) {
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            throw new MalformedInputException(Reason.MALFORMED_STATUS_LIST, "status list \"bits\" must be 1, 2, 4 or 8; found " + bits);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusList s && s.bits == bits && Arrays.equals(s.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * bits + Arrays.hashCode(bytes);
    }
}
