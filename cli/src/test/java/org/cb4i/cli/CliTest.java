package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    static Result cb4i(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void verifyProgress_isALineEveryHundredThousandRecords() {
        StringWriter log = new StringWriter();
        PrintWriter err = new PrintWriter(log);
        for (long n = 1; n <= 250_000; n++) {
            VerifyCommand.progress(err, n, n - n / 10);
        }
        assertThat(log.toString()).isEqualTo("cb4i verify: 100000 records, 90000 verified so far" + System.lineSeparator()
                + "cb4i verify: 200000 records, 180000 verified so far" + System.lineSeparator());
    }

    @Test
    void version_andHelpOnEverySubcommand() {
        assertThat(cb4i("--version").out()).startsWith("cb4i ");
        for (String[] cmd : new String[][] {{"--help"}, {"keys", "--help"}, {"keys", "generate", "--help"}, {"license", "--help"},
                {"license", "issue", "--help"}, {"license", "inspect", "--help"}, {"walkthrough", "--help"}}) {
            Result r = cb4i(cmd);
            assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
            assertThat(r.out()).contains("Usage:");
        }
    }

    @Test
    void badUsage_exitsTwo_withOneLineAndAHint() {
        Result r = cb4i("keys", "generate");
        assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("Missing required option: '--out=DIR'").contains("cb4i keys generate --help").doesNotContain("Exception");
        assertThat(cb4i("nonsense").exit()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void inspect_unreadableToken_exitsTwo_namingTheFile() throws Exception {
        Path g = dir.resolve("g.jwt");
        Files.writeString(g, "not-a-token");
        Result r = cb4i("license", "inspect", g.toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(g.toString()).contains("MALFORMED_TOKEN").doesNotContain("\tat ");
        assertThat(cb4i("license", "inspect", dir.resolve("missing.jwt").toString()).err()).contains("no such file");
    }

    @Test
    void issue_thenInspect_roundTrips_andKeysArePrivate() throws Exception {
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("c").toString()).exit()).isZero();
        assertThat(Files.getPosixFilePermissions(dir.resolve("c/private.jwk"))).containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("k").toString(), "--alg", "es256").exit()).isZero();
        Path t = dir.resolve("t.jwt");
        Result issued = cb4i("license", "issue", "--issuer-key", dir.resolve("c/private.jwk").toString(), "--issuer", "https://c.example",
                "--aud", "urn:rep:news", "--licensee", "l", "--crawler-key", dir.resolve("k/public.jwks").toString(), "--usages", "ai-train,search",
                "--paths", "allow /a/* disallow /a/b/*", "--quota-rps", "2", "--status-list", "https://c.example/s/1", "--status-index", "9",
                "--out", t.toString());
        assertThat(issued.exit()).as(issued.err()).isZero();
        Result ok = cb4i("license", "inspect", t.toString(), "--jwks", dir.resolve("c/public.jwks").toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("urn:rep:news").contains("every member allow /a/* disallow /a/b/*").contains("2 req/s").contains("index 9");
        Result wrongAud = cb4i("license", "inspect", t.toString(), "--jwks", dir.resolve("c/public.jwks").toString(), "--aud", "urn:rep:other");
        assertThat(wrongAud.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(wrongAud.out()).contains("WRONG_AUDIENCE");
    }

    @Test
    void issue_optionsThatGoTogether_areChecked() throws Exception {
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("c").toString()).exit()).isZero();
        Result r = cb4i("license", "issue", "--issuer-key", dir.resolve("c/private.jwk").toString(), "--issuer", "x", "--licensee", "l",
                "--crawler-key", dir.resolve("c/public.jwk").toString(), "--usages", "ai-train", "--status-index", "3", "--out", dir.resolve("t").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--status-list and --status-index go together");
        assertThat(Files.exists(dir.resolve("t"))).as("nothing written").isFalse();
    }

    @Test
    void walkthrough_runsEveryStep() {
        Result r = cb4i("walkthrough", "--dir", dir.resolve("w").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("SIGNATURE_KEY_MISMATCH").contains("LICENSE_SUSPENDED").doesNotContain("FAILED");
        assertThat(dir.resolve("w/license.jwt")).exists();
    }
}
