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
