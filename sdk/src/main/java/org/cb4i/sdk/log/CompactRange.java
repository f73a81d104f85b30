package org.cb4i.sdk.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The right edge of an RFC 9162 Merkle tree: the roots of its perfect subtrees, largest first, one for each bit set
 * in its size. It is all one needs to append leaves and compute the root of every later size, so a collector that
 * keeps it (at most 64 hashes) checks that a log's new checkpoint extends the last one it verified without keeping
 * or re-reading the log's leaves: if the new leaves appended to the old edge give the new checkpoint's root, the new
 * tree contains the old one. Not thread-safe.
 */
public final class CompactRange {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] EMPTY_ROOT = sha256(new byte[0]);

    private long size;
    private final ArrayList<byte[]> roots;

    private CompactRange(long size, List<byte[]> roots) {
        this.size = size;
        this.roots = new ArrayList<>(roots);
    }

    /** The edge of the empty tree. */
    public static CompactRange empty() {
        return new CompactRange(0, List.of());
    }

    /**
     * An edge as {@link #toText} wrote it: the size, then the subtree roots in hex, separated by spaces.
     *
     * @throws IllegalArgumentException when the text is not such an edge
     */
    public static CompactRange parse(String text) {
        String[] parts = text.strip().split(" ");
        long size = Long.parseLong(parts[0]);
        List<byte[]> roots = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            byte[] h = HEX.parseHex(parts[i]);
            if (h.length != 32) {
                throw new IllegalArgumentException("a subtree root is 32 bytes");
            }
            roots.add(h);
        }
        if (size < 0 || Long.bitCount(size) != roots.size()) {
            throw new IllegalArgumentException("a tree of " + size + " leaves has " + Long.bitCount(Math.max(0, size)) + " subtree roots, not " + roots.size());
        }
        return new CompactRange(size, roots);
    }

    public String toText() {
        StringBuilder b = new StringBuilder(Long.toString(size));
        for (byte[] r : roots) {
            b.append(' ').append(HEX.formatHex(r));
        }
        return b.toString();
    }

    public long size() {
        return size;
    }

    /** Appends one leaf by its leaf hash ({@link MerkleTree#leafHash}). */
    public void append(byte[] leafHash) {
        if (leafHash.length != 32) {
            throw new IllegalArgumentException("a leaf hash is 32 bytes");
        }
        byte[] h = leafHash;
        // Each trailing 1 bit of the old size is a subtree of the new leaf's height: merge them.
        for (long s = size; (s & 1) == 1; s >>= 1) {
            h = MerkleTree.nodeHash(roots.remove(roots.size() - 1), h);
        }
        roots.add(h);
        size++;
    }

    /** The root of the tree of {@link #size()} leaves (SHA-256 of nothing for the empty tree, [LOG-1]). */
    public byte[] root() {
        if (roots.isEmpty()) {
            return EMPTY_ROOT.clone();
        }
        byte[] r = roots.get(roots.size() - 1);
        for (int i = roots.size() - 2; i >= 0; i--) {
            r = MerkleTree.nodeHash(roots.get(i), r);
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CompactRange c) || c.size != size || c.roots.size() != roots.size()) {
            return false;
        }
        for (int i = 0; i < roots.size(); i++) {
            if (!Arrays.equals(roots.get(i), c.roots.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
