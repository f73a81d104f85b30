package org.cb4i.proxy.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RidIndexTest {
    static List<Long> candidates(RidIndex x, String rid) {
        List<Long> out = new ArrayList<>();
        x.candidates(rid, out::add);
        return out;
    }

    @Test
    void everyRidFindsItsIndex_throughEveryGrowth_andAbsentOnesFindNothingOfTheirOwn() {
        RidIndex x = new RidIndex();
        for (int i = 0; i < 100_000; i++) {
            x.put("rid-" + i, i);
        }
        for (int i = 0; i < 100_000; i += 7) {
            assertThat(candidates(x, "rid-" + i)).contains((long) i);
        }
        // A rid never put may share a slot chain but, with 64-bit hashes, not a hash: no candidate at all.
        assertThat(candidates(x, "never-logged")).isEmpty();
    }

    @Test
    void aRidPutTwice_yieldsBothIndexes_forTheLogToChooseFrom() {
        RidIndex x = new RidIndex();
        x.put("same", 3);
        x.put("other", 4);
        x.put("same", 9);
        assertThat(candidates(x, "same")).containsExactlyInAnyOrder(3L, 9L);
    }
}
