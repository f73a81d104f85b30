package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * Runs every vector of protocol-spec against the cb4i SDK: one dynamic test per vector, named
 * {@code file#tcId comment}. A group type without a runner, a file not in the index, or a count that differs
 * from the file's {@code numberOfTests} fails the suite.
 */
class VectorSuiteTest {
    private static final Map<String, Consumer<VectorFile.Case>> RUNNERS = new LinkedHashMap<>();
    private static final Map<String, Integer> RAN = new LinkedHashMap<>();

    static {
        RUNNERS.put("LicenseTokenVerify", LicenseTokenRunner::run);
        RUNNERS.put("JwkThumbprint", KeyRunners::thumbprint);
        RUNNERS.put("JwsEd25519", KeyRunners::jwsEd25519);
        RUNNERS.put("SignatureBase", HttpSignatureRunners::signatureBase);
        RUNNERS.put("WebBotAuth", HttpSignatureRunners::webBotAuth);
        RUNNERS.put("StatusListDecode", StatusListRunner::run);
        RUNNERS.put("UsageStatusDecide", UsageStatusRunner::run);
        RUNNERS.put("PathPattern", TermsRunners::pathPattern);
        RUNNERS.put("UsageSignals", TermsRunners::usageSignals);
        RUNNERS.put("RobotsTxt", TermsRunners::robotsTxt);
        RUNNERS.put("RslDocument", TermsRunners::rslDocument);
        RUNNERS.put("TdmRep", TermsRunners::tdmRep);
        RUNNERS.put("MerkleTree", MerkleRunner::run);
        RUNNERS.put("LogEntry", LogEntryRunner::run);
        RUNNERS.put("CheckpointVerify", CheckpointRunner::run);
        RUNNERS.put("RepertoireVerify", RepertoireRunner::run);
        RUNNERS.put("ConsentVerify", ConsentRunner::run);
        RUNNERS.put("ConsentAtFetch", ConsentRunner::atFetch);
        RUNNERS.put("DecisionTally", DecisionRunner::run);
        RUNNERS.put("ParagraphMatch", ParagraphMatchRunner::run);
        RUNNERS.put("VerifyRecord", VerificationRunner::run);
        RUNNERS.put("ManifestRecordRead", ManifestRecordRunner::run);
        RUNNERS.put("ManifestHeaderRead", ManifestHeaderRunner::run);
        RUNNERS.put("CanonicalText", CanonicalTextRunner::run);
        RUNNERS.put("SettlementBill", SettlementRunners::bill);
        RUNNERS.put("PriceScheduleRead", SettlementRunners::read);
    }

    @TestFactory
    Stream<DynamicTest> vectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : VectorFile.index()) {
            VectorFile file = VectorFile.load(name);
            for (VectorFile.Case c : file.cases()) {
                String type = c.group().get("type").textValue();
                Consumer<VectorFile.Case> runner = RUNNERS.get(type);
                String id = name + "#" + c.test().get("tcId").intValue();
                tests.add(DynamicTest.dynamicTest(c.displayName(), () -> {
                    assertThat(runner).as("a runner for group type " + type).isNotNull();
                    RAN.merge(name, 1, Integer::sum);
                    if (KnownFailures.IDS.contains(id)) {
                        boolean failed;
                        try {
                            runner.accept(c);
                            failed = false;
                        } catch (AssertionFailedError | RuntimeException e) {
                            failed = true;
                        }
                        assertThat(failed).as(id + " is listed in KnownFailures but now passes: remove it").isTrue();
                    } else {
                        runner.accept(c);
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void everyVectorFile_isIndexed_andCountsMatch() {
        List<String> index = VectorFile.index();
        assertThat(index).as("vector files").hasSizeGreaterThanOrEqualTo(6);
        int total = 0;
        for (String name : index) {
            VectorFile f = VectorFile.load(name);
            assertThat(f.cases()).as(name + " numberOfTests").hasSize(f.declaredCount());
            assertThat(f.declaredCount()).as(name + " has tests").isPositive();
            total += f.declaredCount();
        }
        assertThat(total).isGreaterThan(100);
    }

    @AfterAll
    static void everyLoadedFileRan() {
        // When the factory ran, every indexed file must have run all its vectors.
        if (!RAN.isEmpty()) {
            for (String name : VectorFile.index()) {
                assertThat(RAN.get(name)).as("vectors run from " + name).isEqualTo(VectorFile.load(name).declaredCount());
            }
        }
    }
}
