package org.cb4i.proxy.receipts;

import java.util.function.LongConsumer;

/**
 * Receipt id to entry index, in two primitive arrays: a 64-bit hash of each rid and its index, open addressing at most
 * half full (about 32 bytes an entry, where a map of strings to boxed longs cost about 120). The hash can collide, so
 * a lookup yields candidates and the caller confirms each against the entry itself. Not thread-safe: the log guards it.
 */
final class RidIndex {
    private long[] keys = new long[1024];
    private long[] values = new long[1024]; // index + 1; 0 marks an empty slot
    private int size;

    void put(String rid, long index) {
        if (2L * (size + 1) > keys.length) {
            grow();
        }
        insert(hash(rid), index + 1);
        size++;
    }

    int size() {
        return size;
    }

    /** Every index stored under {@code rid}'s hash, in no particular order. */
    void candidates(String rid, LongConsumer each) {
        long h = hash(rid);
        int mask = keys.length - 1;
        for (int i = (int) h & mask; values[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == h) {
                each.accept(values[i] - 1);
            }
        }
    }

    private void insert(long h, long value) {
        int mask = keys.length - 1;
        int i = (int) h & mask;
        while (values[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = h;
        values[i] = value;
    }

    private void grow() {
        if (keys.length >= 1 << 30) {
            throw new IllegalStateException("the receipt id index is full (" + size + " entries)");
        }
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldValues.length * 2];
        // Re-inserted in slot order: values of one key keep their relative order only approximately, which is why
        // callers confirm every candidate rather than take the first.
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != 0) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** FNV-1a over the characters, then a 64-bit finaliser (MurmurHash3's) to spread the low bits used as slots. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93c185a1a85L;
        h ^= h >>> 33;
        return h;
    }
}
