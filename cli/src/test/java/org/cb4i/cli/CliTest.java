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
    void everyOptionAndParameterOfEveryCommand_hasADescription() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(Main.commandLine()));
        int seen = 0;
        while (!todo.isEmpty()) {
            picocli.CommandLine c = todo.pop();
            todo.addAll(c.getSubcommands().values());
            String name = c.getCommandSpec().qualifiedName();
            if (String.join("", c.getCommandSpec().usageMessage().description()).isBlank()) {
                missing.add(name + " (the command itself)");
            }
            for (picocli.CommandLine.Model.ArgSpec a : c.getCommandSpec().args()) {
                seen++;
                if (String.join("", a.description()).isBlank()) {
                    missing.add(name + " " + (a instanceof picocli.CommandLine.Model.OptionSpec o ? o.longestName() : a.paramLabel()));
                }
            }
        }
        assertThat(seen).as("options walked").isGreaterThan(50);
        assertThat(missing).as("options and parameters with no description in --help").isEmpty();
    }

    @Test
    void badUsage_exitsTwo_withOneLineAndAHint() {
        Result r = cb4i("keys", "generate");
        assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("Missing required option: '--out=DIR'").contains("cb4i keys generate --help").doesNotContain("Exception");
        assertThat(cb4i("nonsense").exit()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void verify_anEngineThatIsNotThere_isNamedWithHowToGetIt() throws Exception {
        Path ds = Files.createDirectories(dir.resolve("ds"));
        Files.writeString(ds.resolve("manifest.jsonl"), "{\"type\":\"cb4i-manifest\",\"version\":1,\"usage\":\"ai-train\"}\n");
        Files.writeString(dir.resolve("trust.json"), org.cb4i.sdk.json.Json.write(org.cb4i.verifier.trust.TrustStore.empty().toJson()));
        Result spark = cb4i("verify", ds.toString(), "--trust", dir.resolve("trust.json").toString(), "--engine", "spark");
        assertThat(spark.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(spark.err()).contains("the Spark engine is not on the class path").contains("./cb4i").doesNotContain("\tat ");
        Result other = cb4i("verify", ds.toString(), "--trust", dir.resolve("trust.json").toString(), "--engine", "beam");
        assertThat(other.err()).contains("expected local or spark; found \"beam\"");
        Result online = cb4i("verify", ds.toString(), "--trust", dir.resolve("trust.json").toString(), "--engine", "spark", "--online");
        assertThat(online.err()).contains("judge offline");
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

    /** A token's segments, base64url-encoded from the JSON given. */
    static String segment(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void inspect_readableButInvalidTokens_exitOne_unreadableOnesTwo() throws Exception {
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("c").toString()).exit()).isZero();
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("k").toString()).exit()).isZero();
        Path t = dir.resolve("t.jwt");
        assertThat(cb4i("license", "issue", "--issuer-key", dir.resolve("c/private.jwk").toString(), "--issuer", "https://c.example",
                "--licensee", "l", "--crawler-key", dir.resolve("k/public.jwk").toString(), "--usages", "ai-train", "--out", t.toString()).exit()).isZero();
        String[] good = Files.readString(t).strip().split("\\.");
        var header = (com.fasterxml.jackson.databind.node.ObjectNode) org.cb4i.sdk.json.Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(good[0]));
        var payload = (com.fasterxml.jackson.databind.node.ObjectNode) org.cb4i.sdk.json.Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(good[1]));
        String publicJwk = Files.readString(dir.resolve("c/public.jwk"));
        // The key-confusion forgery, made with Nimbus (not cb4i): HS256 keyed with the issuer's published key.
        com.nimbusds.jose.JWSObject hs = new com.nimbusds.jose.JWSObject(new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256)
                .type(new com.nimbusds.jose.JOSEObjectType("license+jwt")).build(), new com.nimbusds.jose.Payload(good[1].isEmpty() ? "" :
                new String(java.util.Base64.getUrlDecoder().decode(good[1]), java.nio.charset.StandardCharsets.UTF_8)));
        hs.sign(new com.nimbusds.jose.crypto.MACSigner(publicJwk.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        var wrongTyp = header.deepCopy().put("typ", "JWT");
        var crit = header.deepCopy();
        crit.putArray("crit").add("exp");
        crit.put("exp", 1);
        var otherKey = payload.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) otherKey.get("cnf")).put("jkt", "A".repeat(43));
        java.util.Map<String, String> invalid = new java.util.LinkedHashMap<>();
        invalid.put("ALG_NOT_ALLOWED", hs.serialize());
        invalid.put("WRONG_TYPE", segment(wrongTyp.toString()) + "." + good[1] + "." + good[2]);
        invalid.put("UNSUPPORTED_CRITICAL_HEADER", segment(crit.toString()) + "." + good[1] + "." + good[2]);
        invalid.put("CONFIRMATION_MISMATCH", good[0] + "." + segment(otherKey.toString()) + "." + good[2]);
        for (var e : invalid.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".jwt");
            Files.writeString(f, e.getValue());
            Result r = cb4i("license", "inspect", f.toString(), "--jwks", dir.resolve("c/public.jwks").toString());
            assertThat(r.exit()).as(e.getKey() + ": " + r.out() + r.err()).isEqualTo(ExitCodes.REFUSED);
            assertThat(r.out()).contains(e.getKey()).contains("\"iss\":\"https://c.example\"");
            Result js = cb4i("license", "inspect", f.toString(), "--json");
            assertThat(js.exit()).as("invalid without --jwks too: " + e.getKey()).isEqualTo(ExitCodes.REFUSED);
            assertThat(org.cb4i.sdk.json.Json.mapper().readTree(js.out()).get("verification").get("reason").asText()).isEqualTo(e.getKey());
        }
        java.util.Map<String, String> unreadable = java.util.Map.of(
                "MALFORMED_TOKEN", good[0] + ".." + good[2],
                "DUPLICATE_MEMBER", segment("{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\",\"typ\":\"license+jwt\"}") + "." + good[1] + "." + good[2]);
        for (var e : unreadable.entrySet()) {
            Path f = dir.resolve("unreadable.jwt");
            Files.writeString(f, e.getValue());
            Result r = cb4i("license", "inspect", f.toString(), "--jwks", dir.resolve("c/public.jwks").toString());
            assertThat(r.exit()).as(e.getKey()).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(r.err()).contains(e.getKey()).contains(f.toString()).doesNotContain("\tat ");
        }
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
