package org.cb4i.sdk.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only Merkle tree with RFC 9162 (Certificate Transparency v2) hashing ([LOG-1]): a leaf hash is
 * {@code SHA-256(0x00 || entry)}, an interior node {@code SHA-256(0x01 || left || right)}, the empty tree's root
 * {@code SHA-256("")}, and a tree of n leaves splits at the largest power of two below n.
 *
 * <p>The hashes of every complete (perfect, aligned) subtree are kept level by level, so the root of any prefix,
 * an inclusion proof or a consistency proof costs O(log² n) hashes rather than O(n); packed 32 bytes to a hash in
 * pages, about 64 bytes of memory per leaf. A tree {@linkplain #overStore(int, LeafStore) over a leaf store} keeps
 * in memory only the levels from {@code floor} up (64 / 2^floor bytes a leaf) and the leaves of its last, incomplete
 * tile of 2^floor; a hash below the floor is computed from at most 2^floor leaves read from the store. Thread-safe:
 * appends and reads are synchronised (one writer, readers take a consistent view).
 */
public final class MerkleTree {
    /** Where a tree with a floor reads the leaf hashes of complete tiles (they are the caller's to keep). */
    @FunctionalInterface
    public interface LeafStore {
        /** Copies leaf hashes [from, from + count) into {@code into}, 32 bytes each, from offset 0. */
        void read(long from, int count, byte[] into);
    }

    /** {@code levels.get(k - floor).get(i)}: the hash of leaves [i·2^k, (i+1)·2^k). */
    private final List<Level> levels = new ArrayList<>();
    private final int floor;
    private final LeafStore store;
    /** The leaf hashes of the incomplete last tile (with a floor); size % 2^floor of them are in use. */
    private final byte[] tile;
    private long size;

    public MerkleTree() {
        this(0, null);
    }

    private MerkleTree(int floor, LeafStore store) {
        this.floor = floor;
        this.store = store;
        this.tile = floor == 0 ? null : new byte[32 << floor];
        levels.add(new Level());
    }

    /**
     * A tree that keeps levels {@code floor} and up in memory and reads the leaves of complete tiles of 2^floor
     * from {@code store}: the store must hold leaf i once leaf i + 2^floor - (i mod 2^floor) - 1 has been appended
     * (a tile's leaves by the time the tile is complete).
     */
    public static MerkleTree overStore(int floor, LeafStore store) {
        if (floor < 1 || floor > 16) {
            throw new IllegalArgumentException("a floor from 1 to 16; got " + floor);
        }
        return new MerkleTree(floor, java.util.Objects.requireNonNull(store));
    }

    /**
     * One level's hashes, packed in pages of {@link #PAGE} hashes: a hash costs its 32 bytes, not an array's header and
     * a reference besides (which made a receipts log's tree about 60% heavier).
     */
    private static final class Level {
        static final int PAGE = 1024;
        private final List<byte[]> pages = new ArrayList<>();
        private long size;

        void add(byte[] hash) {
            int at = (int) (size % PAGE);
            if (at == 0) {
                pages.add(new byte[(size == 0 ? 8 : PAGE) * 32]); // a small tree (a page's paragraphs) stays small
            }
            byte[] last = pages.get(pages.size() - 1);
            if ((at + 1) * 32 > last.length) {
                last = java.util.Arrays.copyOf(last, Math.min(PAGE * 32, last.length * 2));
                pages.set(pages.size() - 1, last);
            }
            System.arraycopy(hash, 0, last, at * 32, 32);
            size++;
        }

        /** A copy of hash {@code i}. */
        byte[] get(long i) {
            byte[] page = pages.get(Math.toIntExact(i / PAGE));
            int at = (int) (i % PAGE) * 32;
            return java.util.Arrays.copyOfRange(page, at, at + 32);
        }

        long size() {
            return size;
        }
    }

    /** SHA-256(0x00 || entry). */
    public static byte[] leafHash(byte[] entry) {
        MessageDigest d = sha256();
        d.update((byte) 0);
        d.update(entry);
        return d.digest();
    }

    /** SHA-256(0x01 || left || right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = sha256();
        d.update((byte) 1);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /** Appends the hash of an entry; returns its index. */
    public synchronized long appendLeafHash(byte[] leafHash) {
        if (leafHash.length != 32) {
            throw new IllegalArgumentException("a leaf hash is 32 bytes; got " + leafHash.length);
        }
        long index = size++;
        byte[] h = leafHash;
        if (floor > 0) {
            int at = (int) (index & ((1L << floor) - 1));
            System.arraycopy(leafHash, 0, tile, at * 32, 32);
            if (at != (1 << floor) - 1) {
                return index;
            }
            h = tileRoot(tile, 0, 1 << floor); // the tile is complete: its root is the floor level's next node
        }
        levels.get(0).add(h);
        long i = index >> floor;
        for (int k = 0; (i & 1) == 1; k++) {
            byte[] left = levels.get(k).get(i - 1);
            h = nodeHash(left, h);
            i >>= 1;
            if (levels.size() <= k + 1) {
                levels.add(new Level());
            }
            levels.get(k + 1).add(h);
        }
        return index;
    }

    /** The root of the perfect subtree over {@code n} (a power of two) leaf hashes packed in {@code hashes} from leaf {@code at}. */
    private static byte[] tileRoot(byte[] hashes, int at, int n) {
        if (n == 1) {
            return java.util.Arrays.copyOfRange(hashes, at * 32, at * 32 + 32);
        }
        byte[] work = java.util.Arrays.copyOfRange(hashes, at * 32, (at + n) * 32);
        MessageDigest d = sha256();
        for (int width = n; width > 1; width >>= 1) {
            for (int j = 0; j < width / 2; j++) {
                d.update((byte) 1);
                d.update(work, 64 * j, 64);
                try {
                    d.digest(work, 32 * j, 32);
                } catch (java.security.DigestException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return java.util.Arrays.copyOf(work, 32);
    }

    /** Appends an entry (hashing it as a leaf); returns its index. */
    public long append(byte[] entry) {
        return appendLeafHash(leafHash(entry));
    }

    public synchronized long size() {
        return size;
    }

    /** The leaf hash at {@code index}. */
    public synchronized byte[] leaf(long index) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("no leaf " + index + " in a tree of size " + size);
        }
        return hash(index, index + 1);
    }

    /** The root of the first {@code size} leaves. */
    public synchronized byte[] root(long size) {
        check(size, size);
        return size == 0 ? sha256().digest() : hash(0, size);
    }

    /** RFC 9162 §2.1.3.1: the inclusion proof of leaf {@code index} in the tree of the first {@code size} leaves. */
    public synchronized List<byte[]> inclusionProof(long index, long size) {
        check(size, size);
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        List<byte[]> out = new ArrayList<>();
        path(index, 0, size, out);
        return out;
    }

    /** RFC 9162 §2.1.4.1: the consistency proof between the trees of the first {@code from} and {@code to} leaves. */
    public synchronized List<byte[]> consistencyProof(long from, long to) {
        check(to, to);
        if (from < 1 || from > to) {
            throw new IllegalArgumentException("a consistency proof needs 1 <= from <= to; got " + from + ", " + to);
        }
        List<byte[]> out = new ArrayList<>();
        subproof(from, 0, to, true, out);
        return out;
    }

    private void path(long m, long start, long end, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = split(n);
        if (m < k) {
            path(m, start, start + k, out);
            out.add(hash(start + k, end));
        } else {
            path(m - k, start + k, end, out);
            out.add(hash(start, start + k));
        }
    }

    private void subproof(long m, long start, long end, boolean complete, List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                out.add(hash(start, end));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(m, start, start + k, complete, out);
            out.add(hash(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, out);
            out.add(hash(start, start + k));
        }
    }

    /** MTH of leaves [start, end), end > start, from stored complete subtrees where possible. */
    private byte[] hash(long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            int level = Long.numberOfTrailingZeros(n);
            if (level >= floor) {
                return levels.get(level - floor).get(start >> level);
            }
            long tileStart = size & -(1L << floor);
            if (start >= tileStart) {
                return tileRoot(tile, (int) (start - tileStart), (int) n);
            }
            byte[] leaves = new byte[32 * (int) n];
            store.read(start, (int) n, leaves);
            return tileRoot(leaves, 0, (int) n);
        }
        long k = split(n);
        return nodeHash(hash(start, start + k), hash(start + k, end));
    }

    /** The largest power of two strictly smaller than n (n >= 2). */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    private void check(long size, long ignored) {
        if (size < 0 || size > this.size) {
            throw new IllegalArgumentException("tree size " + size + " is larger than the log (" + this.size + ")");
        }
    }

    /** One digest per thread: looking a provider up for every node costs more than hashing it. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    });

    /** This thread's SHA-256, reset and ready. */
    static MessageDigest sha256() {
        MessageDigest d = SHA256.get();
        d.reset();
        return d;
    }
}
