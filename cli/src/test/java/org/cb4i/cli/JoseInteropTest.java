package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token made by {@code cb4i license issue} verifies with npm jose, and a token made by jose verifies with
 * {@code cb4i license inspect}: the wire format is not just self-consistent. Needs node and
 * {@code npm ci} in protocol-spec/interop; CI runs that, and there a missing node fails the test.
 */
class JoseInteropTest {
    static final Path INTEROP = Path.of("..", "protocol-spec", "interop").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsNodeAndJose() {
        boolean ready = Files.isDirectory(INTEROP.resolve("node_modules/jose")) && run(List.of("node", "--version"), null).exit == 0;
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI must provide node and 'npm ci' in " + INTEROP).isTrue();
        }
        Assumptions.assumeTrue(ready, "node or protocol-spec/interop/node_modules missing: run 'npm ci' there");
    }

    record Result(int exit, String out, String err) {}

    static Result run(List<String> cmd, File cwd) {
        try {
            // Output to files, not pipes: a process writing more than a pipe holds (a vector file) would wait for a reader.
            Path out = Files.createTempFile("cb4i-interop", ".out");
            Path err = Files.createTempFile("cb4i-interop", ".err");
            try {
                Process p = new ProcessBuilder(cmd).directory(cwd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, "", "timeout");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (Exception e) {
            return new Result(-1, "", e.toString());
        }
    }

    static Result cb4i(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "es256"})
    void tokenIssuedByCb4i_verifiesWithJose(String alg) throws Exception {
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("coll").toString(), "--alg", alg).exit()).isZero();
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("crawler").toString()).exit()).isZero();
        Path token = dir.resolve("t.jwt");
        Result issued = cb4i("license", "issue", "--issuer-key", dir.resolve("coll/private.jwk").toString(), "--issuer", "https://c.example",
                "--licensee", "crawler-co", "--crawler-key", dir.resolve("crawler/public.jwk").toString(), "--usages", "ai-train",
                "--paths", "https://s.example allow /a/*", "--jti", "lic-interop", "--out", token.toString());
        assertThat(issued.exit()).as(issued.err()).isZero();

        Result jose = run(List.of("node", INTEROP.resolve("verify-with-jose.mjs").toString(), token.toString(),
                dir.resolve("coll/public.jwks").toString()), INTEROP.toFile());
        assertThat(jose.exit()).as(jose.err()).isZero();
        assertThat(jose.out()).contains("\"jti\":\"lic-interop\"").contains("\"typ\":\"license+jwt\"");

        Result wrongKeys = run(List.of("node", INTEROP.resolve("verify-with-jose.mjs").toString(), token.toString(),
                dir.resolve("crawler/public.jwks").toString()), INTEROP.toFile());
        assertThat(wrongKeys.exit()).as("jose refuses it with the wrong keys").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "es256"})
    void tokenIssuedByJose_verifiesWithCb4i(String alg) throws Exception {
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("coll").toString(), "--alg", alg).exit()).isZero();
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("crawler").toString()).exit()).isZero();
        Result jose = run(List.of("node", INTEROP.resolve("issue-with-jose.mjs").toString(), dir.resolve("coll/private.jwk").toString(),
                dir.resolve("crawler/public.jwk").toString(), "https://c.example"), INTEROP.toFile());
        assertThat(jose.exit()).as(jose.err()).isZero();
        Path token = dir.resolve("jose.jwt");
        Files.writeString(token, jose.out());

        Result inspect = cb4i("license", "inspect", token.toString(), "--jwks", dir.resolve("coll/public.jwks").toString());
        assertThat(inspect.exit()).as(inspect.out() + inspect.err()).isZero();
        assertThat(inspect.out()).contains("issued-by-jose").contains("signature    VALID");

        Result wrong = cb4i("license", "inspect", token.toString(), "--jwks", dir.resolve("crawler/public.jwks").toString());
        assertThat(wrong.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(wrong.out()).contains("UNKNOWN_KEY");
    }
}
