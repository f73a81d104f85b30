package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cb4i sign} and {@code cb4i inspect} on a real tree ([CRD-3], [CRD-4]). */
class SignInspectTest {
    @TempDir
    Path dir;

    static final String PAGE = "<!doctype html><html><head><title>t</title></head><body><nav>menu</nav>"
            + "<article><h1>Headline</h1><p>First paragraph.</p><p>Second paragraph.</p></article></body></html>\n";

    CliTest.Result cb4i(String... args) {
        return CliTest.cb4i(args);
    }

    Path tree() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site/articles"));
        Files.writeString(site.resolve("a.html"), PAGE);
        Files.writeString(site.resolve("b.html"), PAGE.replace("First", "Another first"));
        Files.write(dir.resolve("site/photo.jpg"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("site/fake.html"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        Files.createSymbolicLink(dir.resolve("site/articles/loop"), dir.resolve("site"));
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("pub").toString()).exit()).isZero();
        return dir.resolve("site");
    }

    CliTest.Result sign(Path site) {
        return cb4i("sign", site.toString(), "--key", dir.resolve("pub/private.jwk").toString(), "--publisher", "https://news.example",
                "--terms", "https://news.example/license.xml", "--creator", "A. Writer");
    }

    @Test
    void signingATree_signsPagesAndFiles_skipsWhatItMustWithAReason_andIsIdempotent() throws Exception {
        Path site = tree();
        CliTest.Result first = sign(site);
        assertThat(first.out()).contains("signed 3, unchanged 0, skipped 2");
        assertThat(first.out()).contains("fake.html: ").contains("binary content").contains("loop: a symbolic link (not followed)");
        assertThat(first.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(dir.resolve("site/photo.jpg.credential.jwt")).exists();
        assertThat(Files.list(dir.resolve("site/articles")).filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        assertThat(sign(site).out()).contains("signed 0, unchanged 3");
    }

    @Test
    void aTreeSignedByOneProcess_isUnchangedForTheNext() throws Exception {
        // Each JVM orders Map.of's members its own way: a credential serialised through one was re-signed by the next
        // run, every page every time. Separate processes, as a publisher runs it.
        Path site = tree();
        Files.delete(site.resolve("fake.html"));
        Files.delete(site.resolve("articles/loop"));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "org.cb4i.cli.Main", "sign", site.toString(), "--key", dir.resolve("pub/private.jwk").toString(), "--publisher",
                "https://news.example", "--terms", "https://news.example/license.xml");
        assertThat(run(cmd)).contains("signed 3, unchanged 0");
        for (int i = 0; i < 4; i++) {
            assertThat(run(cmd)).contains("signed 0, unchanged 3");
        }
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void inspect_exitCodes_sayWhichCheckFailed() throws Exception {
        Path site = tree();
        sign(site);
        String jwks = dir.resolve("pub/public.jwks").toString();
        CliTest.Result ok = cb4i("inspect", site.resolve("articles/a.html").toString(), "--jwks", jwks);
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("https://news.example/articles/a.html").contains("digests.text").contains("VALID");
        assertThat(cb4i("inspect", site.resolve("photo.jpg").toString(), "--jwks", jwks).exit()).isZero();

        Files.writeString(site.resolve("articles/a.html"), Files.readString(site.resolve("articles/a.html")).replace("Second", "Edited"));
        CliTest.Result bad = cb4i("inspect", site.resolve("articles/a.html").toString(), "--jwks", jwks);
        assertThat(bad.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(bad.out()).contains("digests.text differs").contains("DIGEST_MISMATCH").contains("NOT VALID");

        Files.writeString(dir.resolve("plain.html"), PAGE);
        CliTest.Result none = cb4i("inspect", dir.resolve("plain.html").toString(), "--jwks", jwks);
        assertThat(none.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(none.err()).contains("no content credential").contains("CREDENTIAL_MISSING");
        CliTest.Result noKeys = cb4i("inspect", site.resolve("articles/b.html").toString());
        assertThat(noKeys.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(noKeys.out()).contains("give --jwks");
        assertThat(cb4i("inspect", site.resolve("articles/b.html").toString(), "--jwks", jwks, "--json").out()).contains("\"valid\" : true");
    }

    @Test
    void inspect_saysWhichTrustPathVouchedForTheKey() throws Exception { // [CRD-3] [REP-2]
        Path site = tree();
        assertThat(sign(site).exit()).isEqualTo(1); // the fake .html is skipped with a reason
        var collective = org.cb4i.sdk.key.KeyFiles.generate(org.cb4i.sdk.key.KeyAlgorithm.ED25519);
        var publisher = org.cb4i.sdk.key.KeyFiles.readKeySet(dir.resolve("pub/public.jwks"));
        java.time.Instant now = java.time.Instant.now();
        Path rep = dir.resolve("repertoire.jwt");
        Files.writeString(rep, org.cb4i.sdk.repertoire.Repertoire.sign(collective, "https://c.example", "https://c.example", now, now.plusSeconds(3600),
                java.util.List.of(new org.cb4i.sdk.repertoire.Repertoire.Member("https://news.example", now.minusSeconds(86400), java.util.Optional.empty(),
                        publisher))).compact());
        Path trust = dir.resolve("trust.json");
        org.cb4i.verifier.trust.TrustStore.empty().with("collectives", new org.cb4i.verifier.trust.TrustStore.Entry("https://c.example",
                java.util.Optional.empty(), org.cb4i.sdk.key.KeySet.of(collective.publicKey()), java.util.Optional.empty(), java.util.Optional.empty()))
                .write(trust);
        CliTest.Result viaRepertoire = cb4i("inspect", site.resolve("articles/a.html").toString(), "--trust", trust.toString(), "--repertoire", rep.toString());
        assertThat(viaRepertoire.exit()).as(viaRepertoire.out() + viaRepertoire.err()).isZero();
        assertThat(viaRepertoire.out()).contains("the repertoire of https://c.example (https://news.example a member since");
        CliTest.Result noPath = cb4i("inspect", site.resolve("articles/a.html").toString(), "--trust", trust.toString());
        assertThat(noPath.out()).contains("has no entry for https://news.example");
        org.cb4i.verifier.trust.TrustStore.empty().write(trust);
        CliTest.Result untrusted = cb4i("inspect", site.resolve("articles/a.html").toString(), "--trust", trust.toString(), "--repertoire", rep.toString());
        assertThat(untrusted.exit()).isEqualTo(1);
        assertThat(untrusted.err()).contains("does not trust").contains("UNKNOWN_ISSUER");
    }

    @Test
    void progress_isABarOnATerminal_andLinesInALog() {
        java.io.StringWriter tty = new java.io.StringWriter();
        SignCommand.progress(new java.io.PrintWriter(tty), 500, 1000, true);
        assertThat(tty.toString()).startsWith("\r[####################                    ]  50%  500 / 1000 files");
        java.io.StringWriter log = new java.io.StringWriter();
        SignCommand.progress(new java.io.PrintWriter(log), 1000, 2000, false);
        SignCommand.progress(new java.io.PrintWriter(log), 1001, 2000, false);
        assertThat(log.toString()).isEqualTo("cb4i sign: 1000 / 2000 files" + System.lineSeparator());
        java.io.StringWriter small = new java.io.StringWriter();
        SignCommand.progress(new java.io.PrintWriter(small), 50, 100, true);
        assertThat(small.toString()).as("small trees show no progress").isEmpty();
    }

    @Test
    void aPageReserialisedByAnotherParser_stillVerifies() throws Exception {
        JoseInteropTest.needsNodeAndJose();
        Path site = tree();
        sign(site);
        Path out = dir.resolve("reserialised.html");
        JoseInteropTest.Result r = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("reserialize.mjs").toString(),
                site.resolve("articles/a.html").toString(), out.toString()), JoseInteropTest.INTEROP.toFile());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readString(out)).isNotEqualTo(Files.readString(site.resolve("articles/a.html")));
        CliTest.Result ok = cb4i("inspect", out.toString(), "--jwks", dir.resolve("pub/public.jwks").toString());
        assertThat(ok.exit()).as(ok.out()).isZero();
    }
}
