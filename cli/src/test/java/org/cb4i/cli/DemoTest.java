package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cb4i demo} as CI runs it: every narrated step must happen, or the command (and this test) fails. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void theWholeStoryBehavesAsNarrated() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"demo", "--dir", dir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("402 LICENSE_REQUIRED").contains("401 LICENSE_SUSPENDED").contains("8 VERIFIED")
                .contains("TAMPERED (BYTES_DIGEST_MISMATCH)").contains("Every step behaved as narrated").doesNotContain("FAILED");
        assertThat(dir.resolve("dataset/manifest.jsonl")).exists();
        // [SET-10] step 7: the month closed, its statements written beside their JSON and HTML, the invoice checked.
        assertThat(out.toString()).contains("invoice ", "payout statement ", "it holds, entry for entry", "to the cent");
        assertThat(dir.resolve("statements/summary.jwt")).exists();
        try (var files = java.nio.file.Files.list(dir.resolve("statements"))) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).anyMatch(n -> n.endsWith(".invoice.jwt"))
                    .anyMatch(n -> n.endsWith(".invoice.html")).anyMatch(n -> n.endsWith(".payout.jwt"));
        }
    }
}
