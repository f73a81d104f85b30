package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.receipts.ReceiptLog;
import org.cb4i.proxy.sample.EmbeddedDefault;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.LogEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [SET-9]: {@code cb4i issuer collect} killed with SIGKILL part-way through a log, then run again: nothing lost, nothing
 * counted twice. The collector runs as its own process against a real proxy's log of 35,000 entries (four pages);
 * a pass-through in front of the proxy holds the fourth page back, and the process is killed while it waits for it.
 */
class CollectorCrashTest {
    static final int ENTRIES = 35_000;

    @TempDir
    Path dir;
    final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aCollectorKilledMidLog_losesNothing_andCountsNothingTwice() throws Exception {
        int port = freePort();
        String member = "http://127.0.0.1:" + port;
        Path issuerYaml = dir.resolve("issuer.yaml");
        SigningKey collective = KeyFiles.readOrGenerate(dir.resolve("collective"));
        IssuerYaml.onPort(0).id(EmbeddedDefault.COLLECTIVE).publicUrl("http://127.0.0.1:1")
                .with("collection: {interval: 0s, allow_plain_http: true, allow_private_addresses: true}").write(issuerYaml);
        var cfg = IssuerConfigLoader.load(issuerYaml);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        String jti;
        Path collectorJwks = dir.resolve("collector.jwks.json");
        try (IssuerStore store = IssuerStore.open(cfg.store())) {
            Collective c = new Collective(cfg, store, collective, Clock.systemUTC());
            AdminOps ops = new AdminOps(c);
            ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", member, "content_keys",
                    KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(), "joined", 0)));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "ai-lab", "jwk", crawler.publicKey().toJsonObject())));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "a1", "licensee", "ai-lab", "grant", Map.of("usages",
                    List.of("ai-train")), "not_before", 0, "not_after", Instant.now().plusSeconds(86400).getEpochSecond())));
            jti = c.issue("ai-lab", Optional.empty()).claims().id();
            Files.writeString(collectorJwks, Json.write(KeySet.of(c.collectorKey().publicKey()).toJsonObject()));
        }
        Path state = dir.resolve("proxy");
        KeyFiles.writeKeyPair(state.resolve("collective"), collective, true);
        ProxyConfig pc = EmbeddedDefault.config(state, port, 1, Optional.of(collectorJwks.toUri()));
        try (ReceiptLog log = ReceiptLog.open(pc.log(), Clock.systemUTC(), line -> { })) {
            CompletableFuture<Long> last = null;
            for (int i = 0; i < ENTRIES; i++) {
                String rid = log.newRid();
                last = log.append(rid, new LogEntry(rid, Instant.now(), EmbeddedDefault.COLLECTIVE, "ai-lab", jti, crawler.thumbprint(), "GET",
                        member + "/p/" + i, 200, 1000, Optional.empty(), "00".repeat(32), List.of("ai-train"), Optional.empty(), Optional.empty(), true)
                        .toBytes());
            }
            last.get(30, TimeUnit.SECONDS);
        }
        Proxy proxy = Proxy.start(pc, Clock.systemUTC(), line -> { });
        running.add(proxy);

        // A pass-through that holds the fourth entries page back while `hold` is set; the Host header is kept, as signed
        // (cli/pom.xml sets jdk.httpclient.allowRestrictedHeaders=host for the tests).
        HttpClient http = HttpClient.newHttpClient();
        CountDownLatch fourthAsked = new CountDownLatch(1);
        boolean[] hold = {true};
        HttpServer front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        front.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        front.createContext("/", ex -> {
            try {
                String q = ex.getRequestURI().getRawQuery();
                if (hold[0] && q != null && q.startsWith("start=30000")) {
                    fourthAsked.countDown();
                    Thread.sleep(60_000); // the collector is killed while it waits
                }
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(member + ex.getRequestURI())).method(ex.getRequestMethod(),
                        HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
                ex.getRequestHeaders().forEach((k, vs) -> {
                    if (!List.of("connection", "content-length", "expect", "upgrade").contains(k.toLowerCase())) {
                        vs.forEach(v -> b.header(k, v));
                    }
                });
                HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
                ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                ex.getResponseBody().write(r.body());
            } catch (Exception e) {
                System.err.println("pass-through: " + e);
                ex.sendResponseHeaders(502, -1);
            } finally {
                ex.close();
            }
        });
        front.start();
        running.add(() -> front.stop(0));
        String frontUrl = "http://127.0.0.1:" + front.getAddress().getPort();
        Run added = cb4i("issuer", "log", "add", "--config", issuerYaml.toString(), "--member", member, "--url", frontUrl);
        assertThat(added.exit()).as(added.out() + added.err()).isZero();

        Process collector = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.cb4i.cli.Main", "issuer", "collect", "--config", issuerYaml.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("collect-1.log").toFile()).start();
        running.add(collector::destroyForcibly);
        assertThat(fourthAsked.await(60, TimeUnit.SECONDS)).as("the collector reached the fourth page; see " + dir.resolve("collect-1.log")).isTrue();
        collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs

        try (IssuerStore store = IssuerStore.open(cfg.store())) {
            var log = store.usage().logs().get(0);
            assertThat(log.size()).as("nothing verified yet").isZero();
            assertThat(store.usage().counted(log.logId())).as("pages written before the kill do not count").isZero();
        }
        hold[0] = false;
        Run again = cb4i("issuer", "collect", "--config", issuerYaml.toString(), "--json");
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        try (IssuerStore store = IssuerStore.open(cfg.store())) {
            var log = store.usage().logs().get(0);
            assertThat(log.size()).isEqualTo(ENTRIES);
            assertThat(store.usage().counted(log.logId())).as("every entry once").isEqualTo(ENTRIES);
            assertThat(store.usage().usageByDay(Optional.empty(), Optional.empty(), Optional.empty()).stream().mapToLong(u -> u.requests()).sum())
                    .isEqualTo(ENTRIES);
        }
    }

    record Run(int exit, String out, String err) {}

    static Run cb4i(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = Main.run(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }
}
