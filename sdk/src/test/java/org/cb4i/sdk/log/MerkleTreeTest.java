package org.cb4i.sdk.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.Test;

/** [LOG-1] hashing, proofs and checkpoints. The reference values are RFC 6962's, in protocol-spec/vectors/merkle_tree.json. */
class MerkleTreeTest {
    static final HexFormat HEX = HexFormat.of();

    static MerkleTree tree(int n) {
        MerkleTree t = new MerkleTree();
        for (int i = 0; i < n; i++) {
            t.append(new byte[] {(byte) i, (byte) (i * 7)});
        }
        return t;
    }

    /** RFC 9162 §2.1.1 read literally: MTH by recursion over the leaves, nothing stored. */
    static byte[] mth(List<byte[]> entries, int start, int end) {
        if (end - start == 1) {
            return MerkleTree.leafHash(entries.get(start));
        }
        int k = Integer.highestOneBit(end - start - 1);
        return MerkleTree.nodeHash(mth(entries, start, start + k), mth(entries, start + k, end));
    }

    @Test
    void largeTrees_acrossTheStoragePages_haveTheRootsAndProofsOfTheDefinition() {
        // Hashes are stored in pages of 1024: sizes around the page boundaries, on every level.
        List<byte[]> entries = new ArrayList<>();
        MerkleTree t = new MerkleTree();
        for (int i = 0; i < 4100; i++) {
            byte[] e = ("entry " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            entries.add(e);
            t.append(e);
        }
        for (int n : new int[] {1, 8, 9, 1023, 1024, 1025, 2047, 2048, 2049, 3000, 4096, 4100}) {
            byte[] root = mth(entries, 0, n);
            assertThat(t.root(n)).as("root of %d", n).isEqualTo(root);
            for (int i : new int[] {0, n / 2, n - 1}) {
                assertThat(MerkleProofs.verifyInclusion(MerkleTree.leafHash(entries.get(i)), i, n, t.inclusionProof(i, n), root))
                        .as("leaf %d of %d", i, n).isTrue();
            }
            assertThat(t.leaf(n - 1)).isEqualTo(MerkleTree.leafHash(entries.get(n - 1)));
        }
    }

    @Test
    void aTreeOverALeafStore_answersAsTheTreeInMemory_atEverySizeAndFloor() {
        // Leaves below the floor come from the store only for complete tiles; the last tile's from memory.
        for (int floor : new int[] {1, 2, 3, 4}) {
            List<byte[]> leaves = new ArrayList<>();
            List<Long> reads = new ArrayList<>();
            MerkleTree stored = MerkleTree.overStore(floor, (from, count, into) -> {
                assertThat(from + count).as("a read past the complete tiles").isLessThanOrEqualTo(leaves.size() & -(1L << floor));
                reads.add(from);
                for (int i = 0; i < count; i++) {
                    System.arraycopy(leaves.get(Math.toIntExact(from + i)), 0, into, 32 * i, 32);
                }
            });
            MerkleTree memory = new MerkleTree();
            for (int n = 1; n <= 70; n++) {
                byte[] e = ("entry " + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                leaves.add(MerkleTree.leafHash(e));
                assertThat(stored.append(e)).isEqualTo(memory.append(e));
                assertThat(stored.root(n)).as("floor %d, size %d", floor, n).isEqualTo(memory.root(n));
                for (int m = 1; m <= n; m++) {
                    assertThat(stored.root(m)).isEqualTo(memory.root(m));
                    assertThat(stored.inclusionProof(m - 1, n)).as("floor %d, leaf %d of %d", floor, m - 1, n)
                            .containsExactlyElementsOf(memory.inclusionProof(m - 1, n));
                    assertThat(stored.consistencyProof(m, n)).containsExactlyElementsOf(memory.consistencyProof(m, n));
                    assertThat(stored.leaf(m - 1)).isEqualTo(leaves.get(m - 1));
                }
            }
            assertThat(reads).as("floor %d reads from its store", floor).isNotEmpty();
        }
        assertThatThrownBy(() -> MerkleTree.overStore(0, (a, b, c) -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyInclusionProof_verifies_andTamperingIsDetected() {
        MerkleTree t = tree(37);
        for (int n = 1; n <= 37; n++) {
            byte[] root = t.root(n);
            for (int i = 0; i < n; i++) {
                List<byte[]> proof = t.inclusionProof(i, n);
                assertThat(MerkleProofs.verifyInclusion(t.leaf(i), i, n, proof, root)).as(i + " in " + n).isTrue();
                if (n > 1) {
                    assertThat(MerkleProofs.verifyInclusion(t.leaf(i), (i + 1) % n, n, proof, root)).isFalse();
                    assertThat(MerkleProofs.verifyInclusion(t.leaf((i + 1) % n), i, n, proof, root)).isFalse();
                    List<byte[]> bad = new ArrayList<>(proof);
                    byte[] first = bad.get(0).clone();
                    first[0] ^= 1;
                    bad.set(0, first);
                    assertThat(MerkleProofs.verifyInclusion(t.leaf(i), i, n, bad, root)).isFalse();
                }
            }
        }
    }

    @Test
    void everyConsistencyProof_verifies_andWrongRootsFail() {
        MerkleTree t = tree(37);
        for (int n = 1; n <= 37; n++) {
            for (int m = 1; m <= n; m++) {
                List<byte[]> proof = t.consistencyProof(m, n);
                assertThat(MerkleProofs.verifyConsistency(m, n, t.root(m), t.root(n), proof)).as(m + " -> " + n).isTrue();
                if (m < n) {
                    assertThat(MerkleProofs.verifyConsistency(m, n, t.root(n), t.root(n), proof)).isFalse();
                    assertThat(MerkleProofs.verifyConsistency(m, n, t.root(m), t.root(m), proof)).isFalse();
                }
            }
        }
    }

    @Test
    void proofsBeyondTheTree_areRefused() {
        MerkleTree t = tree(4);
        assertThatThrownBy(() -> t.root(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.inclusionProof(4, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.consistencyProof(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MerkleProofs.verifyInclusion(t.leaf(0), 0, 4, List.of(), t.root(4))).isFalse();
    }

    @Test
    void checkpoint_signsAndVerifies_andItsLogIdIsTheKey() {
        SigningKey log = KeyFiles.generate(KeyAlgorithm.ED25519);
        MerkleTree t = tree(10);
        Checkpoint cp = Checkpoint.sign(log, 10, t.root(10), Instant.parse("2026-01-01T00:00:00Z"));
        Checkpoint back = Checkpoint.verify(cp.compact(), KeySet.of(log.publicKey()));
        assertThat(back.size()).isEqualTo(10);
        assertThat(back.rootHex()).isEqualTo(HEX.formatHex(t.root(10)));
        assertThat(back.logId()).isEqualTo(log.thumbprint());
        SigningKey other = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThatThrownBy(() -> Checkpoint.verify(cp.compact(), KeySet.of(other.publicKey()))).isInstanceOf(RejectedException.class);
    }
}
