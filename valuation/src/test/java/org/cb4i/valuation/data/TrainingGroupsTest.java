package org.cb4i.valuation.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.valuation.ngram.NgramUtility;
import org.cb4i.verifier.Status;
import org.cb4i.verifier.VerifiedDatasets;
import org.cb4i.verifier.VerifiedDatasets.Page;
import org.cb4i.verifier.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which records a valuation reads, on datasets the verifier judges for real. */
class TrainingGroupsTest {
    private static final String HTML = "text/html; charset=utf-8";

    @TempDir
    Path dir;

    static String page(String text) {
        return "<html><body><article><p>" + text + "</p></article></body></html>";
    }

    TrainingGroups.Result read(List<Page> pages, TrainingGroups.By by, String evalText) throws Exception {
        VerifiedDatasets.write(dir, pages);
        Path eval = Files.writeString(dir.resolve("eval.txt"), evalText);
        EvaluationSet e = EvaluationSet.read(eval);
        NgramUtility.Builder b = NgramUtility.builder(4);
        e.texts().forEach(t -> b.evaluation(t.utf8()));
        return TrainingGroups.read(dir.resolve("manifest.jsonl"), TrustStore.read(dir.resolve("trust.json")), Usage.AI_TRAIN, by, e, b, 2);
    }

    @Test
    void read_onlyVerifiedTextRecords_groupedUnderTheRepertoireMember() throws Exception {
        TrainingGroups.Result r = read(List.of(new Page("a", HTML, page("Simmer the onions in butter."), false),
                new Page("b", HTML, page("Whisk the eggs with cream."), false), new Page("c", HTML, page("Changed after the crawl."), true),
                new Page("d", "application/octet-stream", "\u0001\u0002binary", false),
                new Page("e", HTML, page("Shipped without its WARC record."), false, false)), TrainingGroups.By.MEMBER, "Simmer the eggs.");
        assertThat(r.groups()).extracting(TrainingGroups.Group::id).containsExactly(VerifiedDatasets.SITE);
        assertThat(r.groups().get(0).records()).isEqualTo(2);
        assertThat(r.groups().get(0).bytes()).isEqualTo("Simmer the onions in butter.".length() + "Whisk the eggs with cream.".length());
        assertThat(r.notVerified()).containsEntry(Status.TAMPERED, 1L);
        assertThat(r.notText()).containsEntry("application/octet-stream", 1L);
        // A record of a manifest shipped without its content verifies (CONTENT_NOT_CHECKED is a note) and has no text to read.
        assertThat(r.notText()).containsEntry("(no stored content)", 1L);
        assertThat(r.verification().verified()).isEqualTo(4);
    }

    @Test
    void read_aGroupWhoseVerifiedPagesHaveNoText_isRefusedNamingIt() throws Exception {
        assertThatThrownBy(() -> read(List.of(new Page("empty", HTML, "<html><body><article><p> </p></article></body></html>", false)),
                TrainingGroups.By.PUBLISHER, "Anything at all."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publisher " + VerifiedDatasets.SITE + " has 1 verified record but no text");
    }

    @Test
    void read_anEvaluationParagraphFoundInARecord_isALeakNamingTheRecord() throws Exception {
        String shared = "This paragraph is long enough to be compared, and it is in both the crawl and the test set.";
        TrainingGroups.Result r = read(List.of(new Page("a", HTML, page("Unrelated words here."), false), new Page("b", HTML, page(shared), false)),
                TrainingGroups.By.MEMBER, "First line of the test set.\n\n" + shared + "\n");
        assertThat(r.leakCount()).isEqualTo(1);
        assertThat(r.leaks().get(0).recordId()).isEqualTo(2);
        assertThat(r.leaks().get(0).url()).endsWith("/articles/b");
        assertThat(r.leaks().get(0).evaluationFile().getFileName().toString()).isEqualTo("eval.txt");
    }
}
