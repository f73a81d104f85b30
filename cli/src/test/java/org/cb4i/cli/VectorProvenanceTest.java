package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * [CRD-2] [CRD-5] [LOG-2] [LOG-6] [REP-2] [DST-1] [SET-4]: the committed canonical-text, paragraph-match, log-entry, checkpoint, repertoire,
 * manifest-header, manifest-record and settlement vectors are
 * exactly what the independent implementations (parse5; JSON.stringify, JSON.parse and node:crypto; npm jose; BigInt arithmetic) produce, so they cannot drift towards cb4i's own output. Needs node and
 * {@code npm ci} in protocol-spec/interop (CI has both).
 */
class VectorProvenanceTest {
    @Test
    void canonicalTextVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-text-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        String committed = Files.readString(Path.of("..", "protocol-spec", "vectors", "canonical_text.json"));
        assertThat(r.out()).isEqualTo(committed);
    }

    @Test
    void logEntryVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-log-entry-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", "log_entry.json")));
    }

    @Test
    void checkpointVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-checkpoint-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", "checkpoint.json")));
    }

    @Test
    void repertoireVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-repertoire-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", "repertoire.json")));
    }

    @Test
    void paragraphMatchVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-paragraph-match-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", "paragraph_match.json")));
    }

    @Test
    void manifestHeaderVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-manifest-header-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", "manifest_header.json")));
    }

    @Test
    void manifestRecordVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-manifest-record-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", "manifest_record.json")));
    }

    @Test
    void settlementVectors_areReproducedByTheIndependentImplementation() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("gen-settlement-vectors.mjs").toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", "settlement.json")));
    }
}
