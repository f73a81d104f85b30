package org.cb4i.conformance.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.conformance.blackbox.Testbed;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier suite (SPEC.md §14): cb4i's verifier, judging each corpus case laid out on disk (the manifest, its WARC,
 * the trust store), gives every verdict due; a verifier that calls everything VERIFIED fails every case where something
 * is wrong. (check-process.sh runs the same suite against `cb4i verify` as a command.)
 */
class VerifierSuiteTest {
    @TempDir
    Path work;

    /** What `cb4i verify --format json` reports, made in process from the same verifier. */
    static String cb4iVerifier(Path dataset, Path trust, String usage) throws Exception {
        List<RecordResult> judged = new ArrayList<>();
        new DatasetVerifier(TrustStore.read(trust), Usage.parse(usage).orElseThrow(), 1).verify(dataset.resolve("manifest.jsonl"), judged::add);
        ObjectNode report = Testbed.JSON.createObjectNode();
        ArrayNode records = report.putArray("records");
        for (RecordResult r : judged) {
            ObjectNode o = records.addObject().put("url", r.url()).put("status", r.status().name());
            ArrayNode reasons = o.putArray("reasons");
            r.findings().forEach(f -> reasons.addObject().put("code", f.code()));
        }
        return Testbed.JSON.writeValueAsString(report);
    }

    @Test
    void cb4isVerifier_givesEveryVerdictDue_onTheCorpusLaidOutOnDisk() throws Exception {
        List<VerifierSuite.Result> results = VerifierSuite.run(VerifierSuite.corpus(), VerifierSuiteTest::cb4iVerifier, work, r -> { });
        assertThat(results).hasSize(25);
        assertThat(results).allSatisfy(r -> assertThat(r.failure()).as(r.c().title()).isEmpty());
    }

    @Test
    void aVerifierThatVerifiesEverything_failsEveryCaseButTheTwoWhereNothingIsWrong() throws Exception {
        VerifierSuite.Verifier lenient = (d, t, u) -> "{\"records\": [{\"status\": \"VERIFIED\", \"reasons\": []}]}";
        List<VerifierSuite.Result> results = VerifierSuite.run(VerifierSuite.corpus(), lenient, work, r -> { });
        // The complete record, and the one whose list in force at the fetch says VALID (a later list revokes it).
        assertThat(results.stream().filter(VerifierSuite.Result::passed).map(r -> r.c().id())).containsExactly(1, 15);
        assertThat(VerifierSuite.report("lenient", results)).contains("Cases: 2 passed, 23 failed");
        VerifierSuite.Verifier broken = (d, t, u) -> "not json";
        assertThat(VerifierSuite.run(VerifierSuite.corpus().subList(0, 1), broken, work, r -> { }).get(0).failure()).contains("not JSON");
    }
}
