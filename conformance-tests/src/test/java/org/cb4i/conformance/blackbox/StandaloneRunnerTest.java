package org.cb4i.conformance.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.cb4i.conformance.Main;
import org.cb4i.proxy.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone runner ({@code java -jar cb4i-conformance.jar}): its report, its exit codes, and the proof that the
 * suite can fail: pointed at a "proxy" that enforces nothing (the controlled origin itself), most checks fail.
 */
class StandaloneRunnerTest {
    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Run(int exit, String out, String err) {}

    static Run main(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void aPassThroughThatEnforcesNothing_failsTheSuite_requirementByRequirement() throws Exception {
        int port = freePort();
        Path json = dir.resolve("report.json");
        Run r = main("--proxy", "http://127.0.0.1:" + port, "--origin-control", "127.0.0.1:" + port, "--collective", "127.0.0.1:" + freePort(),
                "--only", "ENF-1|ENF-2|ENF-5|ENF-6|POP-1|POP-2|TOK-2|TOK-6|STS-2|LOG-3", "--json", json.toString());
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        JsonNode report = Testbed.JSON.readTree(json.toFile());
        Map<String, String> verdicts = new HashMap<>();
        report.get("requirements").forEach(l -> verdicts.put(l.get("id").asText(), l.get("verdict").asText()));
        for (String id : new String[] {"ENF-1", "ENF-2", "ENF-5", "ENF-6", "POP-1", "POP-2", "TOK-2", "TOK-6", "STS-2", "LOG-3"}) {
            assertThat(verdicts.get(id)).as(id).isEqualTo("FAIL");
        }
        assertThat(verdicts.get("LOG-4")).as("what only a test of the process and its disk can see").isEqualTo("NOT_APPLICABLE");
        assertThat(verdicts.get("OFR-3")).as("what only the issuer does").isEqualTo("NOT_APPLICABLE");
        // What a plain HTTP server (here Jetty, in WireMock) passes: serving, its own framing limits and refusals of
        // malformed framing. Nothing about licenses.
        java.util.List<String> passed = new java.util.ArrayList<>();
        report.get("checks").forEach(c -> {
            if (c.get("passed").asBoolean()) {
                passed.add(c.get("name").asText());
            }
        });
        assertThat(passed).allMatch(n -> n.contains("is served") || n.contains("is open") || n.contains("human passes")
                || n.startsWith("414") || n.startsWith("431") || n.startsWith("PRX-"), "only checks a plain web server passes");
        assertThat(r.out()).contains("FAIL", "Failures", "expected 403 PATH_DENIED");
    }

    @Test
    void ourProxy_inProcess_passes_andTheJsonReportIsWritten() throws Exception {
        Path json = dir.resolve("ours.json");
        Run r = main("--only", "ENF-1|POP-3", "--json", json.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ENF-1    PASS", "POP-3    PASS", "Checks: ", " 0 failed");
        assertThat(Testbed.JSON.readTree(json.toFile()).get("summary").get("fail").asLong()).isZero();
    }

    @Test
    void aKnownFailureThatPasses_failsTheRun_andAnUnknownName_isBadUsage() throws Exception {
        Path known = dir.resolve("known.txt");
        Files.writeString(known, "# stale on purpose\na deny path is refused to everyone with PATH_DENIED and never forwarded\n");
        Run r = main("--only", "ENF-1\\]", "--known-failures", known.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("now passes (take it off the list): a deny path is refused");
        Files.writeString(known, "no such check\n");
        Run bad = main("--only", "ENF-1\\]", "--known-failures", known.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains(known.toString(), "does not exist", "no such check");
    }

    @Test
    void badUsage_exits2_withAMessage() {
        Run r = main("--origin-control", "not-an-address");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--origin-control", "HOST:PORT", "not-an-address");
        Run none = main("--only", "NO-SUCH-CHECK");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no check matches");
    }

    @Test
    void theProfile_asACb4iConfiguration_loads() throws Exception {
        Run r = main("--cb4i-config", dir.toString(), "--listen", "127.0.0.1:0");
        assertThat(r.exit()).isZero();
        var config = ConfigLoader.load(dir.resolve("proxy.yaml"));
        assertThat(config.paths()).hasSize(7);
        assertThat(config.issuers().get(0).consent()).as("the member's consent, asked with the fixture member key").isPresent();
        assertThat(config.issuers().get(0).consent().get().url()).hasToString("http://127.0.0.1:18091/consent");
        assertThat(main("--profile").out()).contains("/per-request/*", "/ai-all/*", "http://127.0.0.1:18092", "http://127.0.0.1:18091/consent",
                "conformance profile");
        assertThat(main("--jwks").out()).contains("\"keys\"", "Ed25519");
        assertThat(main("--member-key").out()).contains("\"d\"", "Ed25519");
        assertThat(Files.readString(dir.resolve("collective.jwks.json"))).isEqualTo(Testbed.jwks());
        assertThat(Files.readString(dir.resolve("member.private.jwk"))).isEqualTo(Testbed.memberKeyJson());
    }
}
