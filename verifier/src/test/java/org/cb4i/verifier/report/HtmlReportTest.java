package org.cb4i.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.Finding;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;
import org.junit.jupiter.api.Test;

/** The HTML report's content, without a browser (verifier/browser/check-report.sh renders it in Chromium). */
class HtmlReportTest {
    @Test
    void summarisesExplainsAndEscapesWhatTheDatasetSays() {
        DatasetVerifier.Tally t = new DatasetVerifier.Tally();
        RecordResult ok = new RecordResult(1, "https://news.example/a", Status.VERIFIED, List.of(), "https://news.example", Optional.of("https://c.example"));
        RecordResult bad = new RecordResult(2, "https://news.example/<script>alert(1)</script>", Status.TAMPERED,
                List.of(new Finding(Optional.of(Status.TAMPERED), "BYTES_DIGEST_MISMATCH", "VER-1", "digest \"x\" & <y>")), "https://news.example",
                Optional.empty());
        t.add(ok);
        t.add(bad);
        DatasetVerifier.Summary s = t.summary();
        String html = HtmlReport.render("data/<set>", "ai-train", s, List.of(bad), Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(html).startsWith("<!doctype html>").contains("1 of 2 records verified").contains("BYTES_DIGEST_MISMATCH, VER-1")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("digest &quot;x&quot; &amp; &lt;y&gt;").contains("data/&lt;set&gt;")
                .doesNotContain("<script>").doesNotContain("http-equiv").doesNotContain("src=").doesNotContain("href=");
        assertThat(html.split("<rect ", -1)).as("one bar segment per status present, in each of the three charts").hasSize(1 + 2 + 2 + 2);
    }
}
