package org.cb4i.verifier.warc;

/** Sorts two parallel arrays of longs by the first, in signed order: four passes of 16 bits, linear in the size. */
final class RadixSort {
    private RadixSort() {}

    /** Sorts {@code keys} in place and returns where each came from: the sorted permutation of 0 to n - 1. */
    static long[] withOrigins(long[] keys, int n) {
        long[] origins = new long[n];
        for (int i = 0; i < n; i++) {
            origins[i] = i;
        }
        byKey(keys, origins, n);
        return origins;
    }

    static void byKey(long[] keys, long[] values, int n) {
        long[] k2 = new long[n];
        long[] v2 = new long[n];
        int[] count = new int[1 << 16];
        long[] ks = keys;
        long[] vs = values;
        for (int shift = 0; shift < 64; shift += 16) {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[digit(ks[i], shift)]++;
            }
            int sum = 0;
            for (int d = 0; d < count.length; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int at = count[digit(ks[i], shift)]++;
                k2[at] = ks[i];
                v2[at] = vs[i];
            }
            long[] t = ks;
            ks = k2;
            k2 = t;
            t = vs;
            vs = v2;
            v2 = t;
        }
        // four passes: the sorted data is back in the arrays given
    }

    /** The 16-bit digit at {@code shift}, with the sign bit flipped so that unsigned digit order is signed order. */
    private static int digit(long key, int shift) {
        return (int) (((key ^ Long.MIN_VALUE) >>> shift) & 0xffff);
    }
}
