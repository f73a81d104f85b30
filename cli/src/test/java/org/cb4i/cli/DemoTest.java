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
    void theWholeStoryBehavesAsNarrated() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new String[] {"demo", "--dir", dir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("402 LICENSE_REQUIRED").contains("401 LICENSE_SUSPENDED").contains("8 VERIFIED")
                .contains("TAMPERED (BYTES_DIGEST_MISMATCH)").contains("Every step behaved as narrated").doesNotContain("FAILED");
        assertThat(dir.resolve("dataset/manifest.jsonl")).exists();
    }
}
