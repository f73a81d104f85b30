package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.cb4i.sdk.log.MerkleProofs;
import org.cb4i.sdk.log.MerkleTree;

/** Runs {@code MerkleTree} groups ([LOG-1]). */
final class MerkleRunner {
    private static final HexFormat HEX = HexFormat.of();

    private MerkleRunner() {}

    static void run(VectorFile.Case c) {
        MerkleTree tree = new MerkleTree();
        for (JsonNode leaf : c.group().get("leaves")) {
            tree.append(HEX.parseHex(leaf.textValue()));
        }
        JsonNode t = c.test();
        long size = t.get("size").longValue();
        byte[] root = HEX.parseHex(t.get("root").textValue());
        switch (t.get("kind").textValue()) {
            case "root" -> assertThat(HEX.formatHex(tree.root(size))).isEqualTo(t.get("root").textValue());
            case "inclusion" -> {
                long index = t.get("index").longValue();
                List<byte[]> proof = proof(t);
                if (c.expectValid()) {
                    assertThat(tree.inclusionProof(index, size)).extracting(HEX::formatHex).containsExactlyElementsOf(proof.stream().map(HEX::formatHex).toList());
                }
                assertThat(MerkleProofs.verifyInclusion(tree.leaf(index), index, size, proof, root)).isEqualTo(c.expectValid());
            }
            case "consistency" -> {
                long from = t.get("from").longValue();
                List<byte[]> proof = proof(t);
                if (c.expectValid()) {
                    assertThat(tree.consistencyProof(from, size)).extracting(HEX::formatHex).containsExactlyElementsOf(proof.stream().map(HEX::formatHex).toList());
                }
                assertThat(MerkleProofs.verifyConsistency(from, size, HEX.parseHex(t.get("fromRoot").textValue()), root, proof)).isEqualTo(c.expectValid());
            }
            default -> throw new AssertionError("unknown kind " + t.get("kind"));
        }
    }

    private static List<byte[]> proof(JsonNode t) {
        List<byte[]> p = new ArrayList<>();
        t.get("proof").forEach(h -> p.add(HEX.parseHex(h.textValue())));
        return p;
    }
}
