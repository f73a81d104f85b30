package org.cb4i.sdk.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** [LOG-1]: a compact range gives the same root as the whole tree at every size, and survives its text form. */
class CompactRangeTest {
    @Property(tries = 40)
    void compactRange_givesTheTreesRootAtEverySize(@ForAll @IntRange(min = 0, max = 600) int n, @ForAll @IntRange(min = 0, max = 600) int cut) {
        MerkleTree tree = new MerkleTree();
        CompactRange edge = CompactRange.empty();
        assertThat(edge.root()).isEqualTo(tree.root(0));
        for (int i = 0; i < n; i++) {
            byte[] entry = ("entry " + i).getBytes(StandardCharsets.UTF_8);
            tree.append(entry);
            edge.append(MerkleTree.leafHash(entry));
            assertThat(edge.root()).as("size " + (i + 1)).isEqualTo(tree.root(i + 1));
            if (i == Math.min(cut, n - 1)) {
                edge = CompactRange.parse(edge.toText());
            }
        }
        assertThat(edge.size()).isEqualTo(n);
    }
}
