package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.receipts.ReceiptLog;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleProofs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cb4i proxy} as a user runs it: a separate JVM on the embedded default, real HTTP. Then the crash loop of
 * [LOG-4]: under licensed load the process is killed with SIGKILL, restarted on the same state, and every entry
 * covered by the last checkpoint seen before the kill is still there, consistent with it.
 */
class ProxyProcessTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Running(Process process, String logId) {}

    Running start(int port, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.cb4i.cli.Main", "proxy", "--port", Integer.toString(port), "--state",
                dir.resolve("state").toString()));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("proxy-stderr.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> logId = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                String id = null;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("  log id")) {
                        id = line.split("\\s+")[3];
                    }
                    if (line.startsWith("Ctrl-C")) {
                        return id;
                    }
                }
            } catch (java.io.IOException e) {
                return null;
            }
            return null;
        });
        String id = logId.get(60, TimeUnit.SECONDS);
        assertThat(id).as("the banner, see " + dir.resolve("proxy-stderr.log")).isNotNull();
        // keep draining stdout so the child never blocks on a full pipe
        CompletableFuture.runAsync(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        return new Running(p, id);
    }

    /**
     * #20 operations: the operational messages as JSON lines (--log-format json), and SIGUSR1 opening the access log again
     * after logrotate's rename, with no request's line lost.
     */
    @Test
    void jsonOperationalMessages_andSigusr1ReopensTheAccessLog() throws Exception {
        int port = freePort();
        Running r = start(port, "--log-format", "json");
        try {
            Path access = dir.resolve("state").resolve("access.log");
            for (int i = 0; i < 3; i++) {
                assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/robots.txt?n=" + i)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            }
            org.cb4i.sdk.Eventually.until(() -> Files.exists(access) && Files.readAllLines(access).size() == 3);
            Files.move(access, dir.resolve("access.log.1"));
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(r.process().pid())).start();
            assertThat(kill.waitFor()).isZero();
            org.cb4i.sdk.Eventually.until(() -> Files.readString(dir.resolve("proxy-stderr.log")).contains("opened again (SIGUSR1)"));
            for (int i = 3; i < 5; i++) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/robots.txt?n=" + i)).build(), HttpResponse.BodyHandlers.discarding());
            }
            org.cb4i.sdk.Eventually.until(() -> Files.exists(access) && Files.readAllLines(access).size() == 2);
            assertThat(Files.readString(dir.resolve("access.log.1"))).contains("n=0").contains("n=2").doesNotContain("n=3");
            assertThat(Files.readString(access)).contains("n=3").contains("n=4");
            assertThat(r.process().isAlive()).as("SIGUSR1 does not stop it").isTrue();
        } finally {
            r.process().destroy();
            assertThat(r.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        List<String> lines = Files.readAllLines(dir.resolve("proxy-stderr.log"));
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            com.fasterxml.jackson.databind.JsonNode j = org.cb4i.sdk.json.Json.mapper().readTree(line);
            assertThat(j.path("level").asText()).as(line).isIn("INFO", "WARN", "ERROR");
            assertThat(j.path("loggerName").asText()).as(line).startsWith("cb4i.");
            assertThat(j.path("message").isTextual()).as(line).isTrue();
        }
        assertThat(lines).anyMatch(l -> l.contains("\"stopped in "));
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static int cb4i(String... args) {
        return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    @Test
    void embeddedDefault_servesLicensedCrawling_andSurvivesKillMinusNine() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Running r = start(port);
        Path state = dir.resolve("state");
        try {
            HttpResponse<String> offer = http.send(HttpRequest.newBuilder(URI.create(base + "/articles/receipts.html")).header("User-Agent", "CCBot/2.0").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(offer.statusCode()).isEqualTo(402);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            assertThat(cb4i("keys", "generate", "--out", state.resolve("crawler").toString())).isZero();
            assertThat(cb4i("license", "issue", "--issuer-key", state.resolve("collective/private.jwk").toString(), "--issuer",
                    "https://demo-collective.example", "--licensee", "demo-crawler", "--crawler-key", state.resolve("crawler/public.jwk").toString(),
                    "--usages", "ai-train", "--out", state.resolve("license.jwt").toString())).isZero();
            StringWriter fetched = new StringWriter();
            int exit = Main.run(new String[] {"fetch", base + "/articles/receipts.html", "--license", state.resolve("license.jwt").toString(),
                    "--key", state.resolve("crawler/private.jwk").toString()}, new PrintWriter(fetched), new PrintWriter(new StringWriter()));
            assertThat(exit).as(fetched.toString()).isZero();
            assertThat(fetched.toString()).contains("HTTP 200").contains("CB4I-Receipt: log=\"" + r.logId() + "\"");

            String token = Files.readString(state.resolve("license.jwt")).strip();
            var crawlerKey = KeyFiles.readSigningKey(state.resolve("crawler/private.jwk"));
            for (int round = 0; round < 3; round++) {
                AtomicBoolean loading = new AtomicBoolean(true);
                AtomicInteger served = new AtomicInteger();
                java.util.Map<String, Integer> other = new java.util.concurrent.ConcurrentHashMap<>();
                List<Thread> load = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Thread th = new Thread(() -> {
                        WebBotAuthSigner signer = new WebBotAuthSigner(crawlerKey, Clock.systemUTC());
                        while (loading.get()) {
                            try {
                                URI u = URI.create(base + "/articles/data-strike.html");
                                SignatureHeaders sig = signer.reusableFor(SignedRequest.of("GET", u));
                                HttpResponse<Void> resp = http.send(HttpRequest.newBuilder(u).header("Authorization", "License " + token)
                                        .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature()).build(),
                                        HttpResponse.BodyHandlers.discarding());
                                if (resp.statusCode() == 200) {
                                    served.incrementAndGet();
                                } else {
                                    other.merge(Integer.toString(resp.statusCode()), 1, Integer::sum);
                                }
                            } catch (Exception e) {
                                other.merge(e.getClass().getSimpleName() + ":" + e.getMessage(), 1, Integer::sum);
                                return; // the process was killed
                            }
                        }
                    });
                    th.start();
                    load.add(th);
                }
                HttpResponse<String> cp0 = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/cb4i/logs/" + r.logId() + "/checkpoint")).build(),
                        HttpResponse.BodyHandlers.ofString());
                long startSize = cp0.statusCode() == 200 ? Checkpoint.verify(cp0.body().strip(), logKeys(base, r.logId())).size() : 0;
                Checkpoint[] latest = {null};
                String logId = r.logId();
                org.cb4i.sdk.Eventually.until(Duration.ofSeconds(20), "a checkpoint 20 entries past the start, under load", () -> {
                    HttpResponse<String> cp = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/cb4i/logs/" + logId + "/checkpoint")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (cp.statusCode() == 200) {
                        latest[0] = Checkpoint.verify(cp.body().strip(), logKeys(base, logId));
                    }
                    return latest[0] != null && latest[0].size() >= startSize + 20 && served.get() > 0;
                });
                Checkpoint seen = latest[0];
                assertThat(seen).as("a checkpoint under load").isNotNull();
                r.process().destroyForcibly(); // SIGKILL, mid-load
                assertThat(r.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
                loading.set(false);
                for (Thread th : load) {
                    th.join(5000);
                }
                assertThat(served.get()).as("round " + round + " other outcomes: " + other).isPositive();

                // The log on disk: every entry the checkpoint covered, consistent with its root.
                try (ReceiptLog log = ReceiptLog.open(new ProxyConfig.LogSettings(state.resolve("proxy-log"), state.resolve("proxy-log/log-key.jwk"),
                        Duration.ofSeconds(1), 1000), Clock.systemUTC(), e -> { })) {
                    assertThat(log.size()).isGreaterThanOrEqualTo(seen.size());
                    assertThat(HexFormat.of().formatHex(log.tree().root(seen.size()))).isEqualTo(seen.rootHex());
                    if (log.size() > seen.size()) {
                        assertThat(MerkleProofs.verifyConsistency(seen.size(), log.size(), seen.root(), log.tree().root(log.size()),
                                log.tree().consistencyProof(seen.size(), log.size()))).isTrue();
                    }
                }
                r = start(port);
            }
            // A graceful stop (SIGTERM): requests drain and a final checkpoint covers every entry.
            r.process().destroy();
            assertThat(r.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            try (ReceiptLog log = ReceiptLog.open(new ProxyConfig.LogSettings(state.resolve("proxy-log"), state.resolve("proxy-log/log-key.jwk"),
                    Duration.ofSeconds(1), 1000), Clock.systemUTC(), e -> { })) {
                assertThat(log.checkpoint().map(Checkpoint::size)).contains(log.size());
                // ... and the operator is told so
                String n = log.size() + " entries";
                assertThat(Files.readString(dir.resolve("proxy-stderr.log"))).contains("cb4i proxy: stopped in ").contains("in flight at the stop")
                        .contains("cb4i proxy: receipts log " + r.logId() + " in " + state.resolve("proxy-log").toAbsolutePath() + ": " + n
                                + ", final checkpoint of " + n + " signed; index marked clean");
            }
        } finally {
            r.process().destroyForcibly();
            r.process().waitFor(15, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(dir.resolve("proxy-stderr.log"))).doesNotContain("Exception");
    }

    KeySet logKeys(String base, String logId) throws Exception {
        String jwks = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/cb4i/logs/" + logId + "/jwks")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return KeyFiles.parseKeySet(jwks, "log jwks");
    }
}
