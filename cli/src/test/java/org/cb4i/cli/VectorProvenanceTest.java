package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * [CRD-2] [CRD-5] [LOG-2] [LOG-6] [REP-2] [CNS-2] [DEC-3] [DST-1] [SET-4]: the committed vectors that an independent implementation
 * writes (parse5; JSON.stringify, JSON.parse and node:crypto; npm jose; BigInt arithmetic) are exactly what it writes
 * now, so they cannot drift towards cb4i's own output. Needs node and {@code npm ci} in protocol-spec/interop (CI has
 * both).
 */
class VectorProvenanceTest {
    @ParameterizedTest(name = "{1} is what {0} writes")
    @CsvSource({
        "gen-text-vectors.mjs, canonical_text.json",
        "gen-paragraph-match-vectors.mjs, paragraph_match.json",
        "gen-log-entry-vectors.mjs, log_entry.json",
        "gen-checkpoint-vectors.mjs, checkpoint.json",
        "gen-repertoire-vectors.mjs, repertoire.json",
        "gen-consent-vectors.mjs, consent.json",
        "gen-decision-vectors.mjs, decisions.json",
        "gen-manifest-header-vectors.mjs, manifest_header.json",
        "gen-manifest-record-vectors.mjs, manifest_record.json",
        "gen-settlement-vectors.mjs, settlement.json",
        "gen-verification-vectors.mjs, verification.json",
    })
    void theCommittedVectors_areWhatTheIndependentImplementationWrites(String generator, String vectors) throws Exception {
        JoseInteropTest.needsNodeAndJose();
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve(generator).toString()),
                JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("..", "protocol-spec", "vectors", vectors)));
    }
}
