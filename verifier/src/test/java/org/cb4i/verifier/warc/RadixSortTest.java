package org.cb4i.verifier.warc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The index's sort: signed order, as Arrays.sort and binary search have it, and each key's origin carried along. */
class RadixSortTest {
    @Test
    void sortsInSignedOrder_andCarriesEachKeysOrigin() {
        Random r = new Random(7);
        for (int n : new int[] {0, 1, 2, 17, 1000, 70_000}) {
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = i % 5 == 0 ? r.nextInt(3) - 1 : r.nextLong(); // negatives, zeros, duplicates and extremes
            }
            if (n > 2) {
                keys[0] = Long.MIN_VALUE;
                keys[1] = Long.MAX_VALUE;
            }
            long[] original = keys.clone();
            long[] expected = keys.clone();
            Arrays.sort(expected);
            long[] origins = RadixSort.withOrigins(keys, n);
            assertThat(keys).as("n=" + n).containsExactly(expected);
            for (int k = 0; k < n; k++) {
                assertThat(original[(int) origins[k]]).isEqualTo(keys[k]);
            }
        }
    }
}
