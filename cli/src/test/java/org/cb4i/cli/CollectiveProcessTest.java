package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.sdk.crawler.TokenClient;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collective end to end, as separate processes on loopback: {@code cb4i issuer} and two {@code cb4i proxy}
 * instances, each in front of its own member site; the collective administered with the CLI; a crawler that obtains
 * its license from the token endpoint. A strike reaches both sites within the status list's ttl, resume restores
 * access, and with the issuer gone the proxies serve on the last good list until its exp, then fail closed.
 * Then the issuer's store under kill -9: every license the issuer answered for is still there after a restart.
 */
class CollectiveProcessTest {
    static final String COLLECTIVE = "https://demo-collective.example";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    Process start(String name, String readyPrefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.cb4i.cli.Main"));
        cmd.addAll(List.of(args));
        Path err = dir.resolve(name + "-stderr.log");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(readyPrefix)) {
                        return true;
                    }
                }
            } catch (java.io.IOException e) {
                return false;
            }
            return false;
        });
        assertThat(ready.get(60, TimeUnit.SECONDS)).as(name + " started; see " + err).isTrue();
        CompletableFuture.runAsync(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe drained
                }
            } catch (java.io.IOException ignored) {
                // ended
            }
        });
        return p;
    }

    static long lines(Path f) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    /** Digest helper for the WARC check. */
    static final class Crawl {
        static String sha256(byte[] b) throws Exception {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Run(int exit, String out, String err) {}

    static Run cb4i(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    Path issuerConfig(int port) throws Exception {
        return IssuerYaml.onPort(port).id(COLLECTIVE).with("token_lifetime: 1h", "status: {ttl: 2s, validity: 8s}").write(dir.resolve("issuer.yaml"));
    }

    record Answer(int status, String reason, Optional<String> receipt) {}

    Answer fetch(int port, String token, SigningKey key) throws Exception {
        URI u = URI.create("http://127.0.0.1:" + port + "/articles/data-strike.html");
        SignatureHeaders sig = new WebBotAuthSigner(key, Clock.systemUTC()).reusableFor(SignedRequest.of("GET", u));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).header("Authorization", "License " + token)
                .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature()).build(), HttpResponse.BodyHandlers.ofString());
        String reason = r.statusCode() == 200 ? null : Json.mapper().readTree(r.body()).path("reason").asText();
        return new Answer(r.statusCode(), reason, r.headers().firstValue("CB4I-Receipt"));
    }

    /** Polls every site until each answers {@code status} (and {@code reason}); returns how long that took. */
    Duration until(List<Integer> ports, String token, SigningKey key, int status, String reason, Duration max) throws Exception {
        Instant start = Instant.now();
        Set<Integer> pending = ConcurrentHashMap.newKeySet();
        pending.addAll(ports);
        while (!pending.isEmpty()) {
            for (Integer p : List.copyOf(pending)) {
                Answer a = fetch(p, token, key);
                if (a.status() == status && (reason == null || reason.equals(a.reason()))) {
                    pending.remove(p);
                }
            }
            assertThat(Duration.between(start, Instant.now())).as("sites " + pending + " still not answering " + status + " " + reason)
                    .isLessThan(max);
            Thread.sleep(200); // a measuring loop: each round asks every site over HTTP, and the time taken is the result
        }
        return Duration.between(start, Instant.now());
    }

    @Test
    void strikeAndResumeReachEveryMemberSite_andProxiesFailClosedOnlyAfterTheLastListExpires() throws Exception { // [ISS-8] [STS-6]
        SigningKey collective = KeyFiles.readOrGenerate(dir.resolve("collective"));
        for (String s : List.of("a", "b")) {
            KeyFiles.writeKeyPair(dir.resolve("state-" + s).resolve("collective"), collective, false);
        }
        int issuerPort = freePort();
        int portA = freePort();
        int portB = freePort();
        Path cfg = issuerConfig(issuerPort);
        start("issuer", "Ctrl-C", "issuer", "--config", cfg.toString());
        start("proxy-a", "Ctrl-C", "proxy", "--port", Integer.toString(portA), "--state", dir.resolve("state-a").toString());
        start("proxy-b", "Ctrl-C", "proxy", "--port", Integer.toString(portB), "--state", dir.resolve("state-b").toString());

        // The collective registers two members, a licensee and an agreement, through the running issuer.
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("crawler").toString()).exit()).isZero();
        assertThat(cb4i("keys", "generate", "--out", dir.resolve("publisher").toString()).exit()).isZero();
        for (int p : List.of(portA, portB)) {
            Run m = cb4i("issuer", "member", "add", "--config", cfg.toString(), "--origin", "http://127.0.0.1:" + p, "--content-keys",
                    dir.resolve("publisher/public.jwks").toString());
            assertThat(m.exit()).as(m.err()).isZero();
        }
        Run lic = cb4i("issuer", "licensee", "add", "--config", cfg.toString(), "--id", "crawler-co", "--key", dir.resolve("crawler/public.jwk").toString());
        assertThat(lic.exit()).as(lic.err()).isZero();
        Run agr = cb4i("issuer", "agreement", "add", "--config", cfg.toString(), "--id", "a1", "--licensee", "crawler-co", "--usages", "ai-train",
                "--until", Instant.now().plus(Duration.ofDays(30)).toString());
        assertThat(agr.exit()).as(agr.err()).isZero();
        Run dup = cb4i("issuer", "licensee", "add", "--config", cfg.toString(), "--id", "crawler-co", "--key", dir.resolve("crawler/public.jwk").toString());
        assertThat(dup.exit()).isEqualTo(1);
        assertThat(dup.err()).contains("exists already");

        // The crawler obtains its license from the token endpoint.
        Run req = cb4i("license", "request", "--issuer", "http://127.0.0.1:" + issuerPort, "--key", dir.resolve("crawler/private.jwk").toString(),
                "--out", dir.resolve("license.jwt").toString());
        assertThat(req.exit()).as(req.err()).isZero();
        String token = Files.readString(dir.resolve("license.jwt")).strip();
        SigningKey key = KeyFiles.readSigningKey(dir.resolve("crawler/private.jwk"));

        // Licensed at both sites, with receipts; an AI crawler without a license gets the offer.
        for (int p : List.of(portA, portB)) {
            Answer a = fetch(p, token, key);
            assertThat(a.status()).as(a.reason()).isEqualTo(200);
            assertThat(a.receipt()).isPresent();
            HttpResponse<String> offer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/articles/data-strike.html"))
                    .header("User-Agent", "GPTBot/1.2").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(offer.statusCode()).isEqualTo(402);
        }

        // A crawl of both sites, killed with SIGKILL part-way and resumed: a dataset with every page once, receipts proven.
        Path crawl = dir.resolve("crawl");
        Process crawler = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.cb4i.cli.Main", "crawl", "--key", dir.resolve("crawler/private.jwk").toString(),
                "--issuer", "http://127.0.0.1:" + issuerPort, "--seeds", "http://127.0.0.1:" + portA + "/", "http://127.0.0.1:" + portB + "/",
                "--out", crawl.toString(), "--rps", "1").redirectErrorStream(true).redirectOutput(dir.resolve("crawl-1.log").toFile()).start();
        processes.add(crawler);
        org.cb4i.sdk.Eventually.until(Duration.ofSeconds(60), "the crawl's progress (see " + dir.resolve("crawl-1.log") + ")",
                () -> lines(crawl.resolve("records.jsonl")) >= 3);
        crawler.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(crawl.resolve("manifest.jsonl")).doesNotExist();
        Run resumed = cb4i("crawl", "--key", dir.resolve("crawler/private.jwk").toString(), "--issuer", "http://127.0.0.1:" + issuerPort,
                "--seeds", "http://127.0.0.1:" + portA + "/", "http://127.0.0.1:" + portB + "/", "--out", crawl.toString(), "--rps", "20");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("10 fetched, 0 refused");
        List<String> manifest = Files.readAllLines(crawl.resolve("manifest.jsonl"));
        JsonNode header = Json.mapper().readTree(manifest.get(0));
        assertThat(header.get("licenses")).isNotEmpty();
        assertThat(header.get("status_lists")).hasSize(1);
        assertThat(header.get("repertoires")).hasSize(1);
        assertThat(header.get("logs")).hasSize(2);
        Set<String> urls = new java.util.HashSet<>();
        int proven = 0;
        try (var warc = java.nio.channels.FileChannel.open(crawl.resolve("data.warc.gz"))) {
            for (String l : manifest.subList(1, manifest.size())) {
                JsonNode r = Json.mapper().readTree(l);
                assertThat(urls.add(r.get("url").asText())).as("each URL once: " + r.get("url")).isTrue();
                assertThat(r.get("outcome").asText()).isEqualTo("fetched");
                if (r.has("receipt")) {
                    assertThat(r.get("receipt").get("proof_checked").asBoolean()).as(l).isTrue();
                    proven++;
                }
                warc.position(r.get("warc").get("offset").asLong());
                org.netpreserve.jwarc.WarcRecord rec = new org.netpreserve.jwarc.WarcReader(warc).next().orElseThrow();
                assertThat(((org.netpreserve.jwarc.WarcResponse) rec).target()).isEqualTo(r.get("url").asText());
                assertThat(rec.headers().first("WARC-Cb4i-License")).hasValue(r.get("license").asText()); // [DST-2]
                if (r.has("receipt")) {
                    assertThat(rec.headers().first("WARC-Cb4i-Receipt")).hasValueSatisfying(v -> assertThat(v).contains(r.get("receipt").get("rid").asText()));
                }
                assertThat(Crawl.sha256(((org.netpreserve.jwarc.WarcResponse) rec).http().body().stream().readAllBytes()))
                        .isEqualTo(r.get("bytes_sha256").asText());
            }
        }
        assertThat(urls).hasSize(10);
        assertThat(proven).as("the licensed pages (all but /free/) carry proven receipts").isEqualTo(8);
        // [DST-3] The WARC as others read it, killed and resumed: npm warcio parses it, the digests are computed again in
        // node, every response names its request, and no license token is in it (request credentials are redacted).
        JoseInteropTest.needsNodeAndJose();
        assertThat(JoseInteropTest.INTEROP.resolve("node_modules/warcio")).as("npm ci in " + JoseInteropTest.INTEROP).isDirectory();
        List<String> check = new java.util.ArrayList<>(List.of("node", JoseInteropTest.INTEROP.resolve("check-warc.mjs").toString(),
                crawl.resolve("data.warc.gz").toString()));
        header.get("licenses").forEach(t -> check.addAll(List.of("--secret", t.asText())));
        JoseInteropTest.Result warcio = JoseInteropTest.run(check, null);
        assertThat(warcio.exit()).as(warcio.out() + warcio.err()).isZero();
        JsonNode read = Json.mapper().readTree(warcio.out());
        assertThat(read.get("warcinfo").asInt()).isEqualTo(1);
        assertThat(read.get("response").asInt()).isEqualTo(10);
        assertThat(read.get("request").asInt()).isEqualTo(10);

        // The dataset verifies against a trust store of the collective and the two sites' logs.
        Path trust = dir.resolve("trust.json");
        assertThat(cb4i("trust", "add", "--trust", trust.toString(), "--collective", COLLECTIVE, "--keys",
                dir.resolve("collective/public.jwks").toString()).exit()).isZero();
        Run noLogs = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--format", "json");
        assertThat(noLogs.exit()).isEqualTo(1);
        assertThat(Json.mapper().readTree(noLogs.out()).get("summary").get("by_status").get("UNTRUSTED_KEY").asInt())
                .as("receipts of logs nobody trusts prove nothing").isEqualTo(8);
        for (var log : (Iterable<java.util.Map.Entry<String, JsonNode>>) () -> header.get("logs").fields()) {
            Run t = cb4i("trust", "add", "--trust", trust.toString(), "--log", log.getKey(), "--allow-http", "--keys",
                    log.getValue().get("origin").asText() + "/.well-known/cb4i/logs/" + log.getKey() + "/jwks");
            assertThat(t.exit()).as(t.err()).isZero();
        }
        Run verified = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--format", "json");
        JsonNode summary = Json.mapper().readTree(verified.out()).get("summary");
        assertThat(summary.get("by_status").get("VERIFIED").asInt()).as(verified.out()).isEqualTo(8); // [VER-1] [VER-2] [VER-3] [VER-4] [VER-5]
        assertThat(summary.get("by_status").get("UNLICENSED").asInt()).as("/free/ pages: served without a license, no receipt").isEqualTo(2);
        assertThat(verified.exit()).isEqualTo(1);
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Run toFile = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--format", "json", "--report", reports.resolve("r.json").toString());
        assertThat(toFile.out()).contains("8 of 10 records verified");
        assertThat(Files.readString(reports.resolve("r.json"))).as("the report file holds what stdout would").isEqualTo(verified.out());
        try (var left = Files.list(reports)) {
            assertThat(left).as("no temporary file left beside the report").containsExactly(reports.resolve("r.json"));
        }
        Run online = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--online", "--fetch-from-private-addresses", "--format", "json");
        assertThat(Json.mapper().readTree(online.out()).get("summary").get("verified").asInt()).as(online.out()).isEqualTo(8);
        assertThat(online.out()).as("the issuer's history confirms the status at fetch time [STS-7]").contains("STATUS_AT_FETCH_CONFIRMED");
        // Croissant 1.1 as others read it: refused without what a crawl cannot know, then expanded by npm jsonld, every
        // term checked against the Croissant 1.1 / schema.org IRIs; a term nobody defined is caught.
        Run bare = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--croissant");
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err()).contains("--dataset-name, --dataset-url, --dataset-license, --dataset-creator");
        assertThat(crawl.resolve("croissant.json")).as("nothing written when refused").doesNotExist();
        Run badUrl = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--croissant", "--dataset-name", "n", "--dataset-url", "data.example",
                "--dataset-license", "CC-BY-4.0", "--dataset-creator", "Lab");
        assertThat(badUrl.err()).contains("--dataset-url: expected the dataset's web page as an http or https URL; found \"data.example\"");
        Run croissant = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--croissant", "--dataset-name", "two member sites",
                "--dataset-url", "https://data.example/two-sites", "--dataset-license", "https://spdx.org/licenses/CC-BY-4.0.html", "--dataset-creator",
                "Crawler Co", "--dataset-creator", "https://crawler.example", "--dataset-version", "1.0.0", "--dataset-language", "en",
                "--dataset-same-as", "https://mirror.example/two-sites", "--metadata-license", "https://spdx.org/licenses/CC0-1.0.html");
        assertThat(croissant.err()).contains("croissant.json (Croissant 1.1)");
        JoseInteropTest.Result expanded = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("check-croissant.mjs").toString(),
                crawl.resolve("croissant.json").toString()), null);
        assertThat(expanded.exit()).as(expanded.out() + expanded.err()).isZero();
        assertThat(Json.mapper().readTree(expanded.out()).get("recommendedMissing")).as("every recommended property, when given").isEmpty();
        JsonNode doc = Json.mapper().readTree(crawl.resolve("croissant.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc).put("liscense", "a typo nobody defined");
        Path typo = Files.writeString(dir.resolve("typo.croissant.json"), Json.write(doc));
        JoseInteropTest.Result typoFound = JoseInteropTest.run(List.of("node", JoseInteropTest.INTEROP.resolve("check-croissant.mjs").toString(),
                typo.toString()), null);
        assertThat(typoFound.exit()).isEqualTo(1);
        assertThat(typoFound.out()).contains("unknown property http://schema.org/liscense");
        assertThat(Files.readAllLines(crawl.resolve("verification.jsonl"))).hasSize(10).anySatisfy(l -> assertThat(l).contains("\"reasons\":\"NO_RECEIPT"));
        Path alone = Files.createDirectories(dir.resolve("manifest-alone")).resolve("manifest.jsonl");
        Files.copy(crawl.resolve("manifest.jsonl"), alone);
        Run noContent = cb4i("verify", alone.toString(), "--trust", trust.toString(), "--format", "json");
        assertThat(noContent.out()).contains("CONTENT_NOT_CHECKED");
        Run withWarc = cb4i("verify", alone.toString(), "--trust", trust.toString(), "--format", "json", "--warc", crawl.resolve("data.warc.gz").toString());
        assertThat(Json.mapper().readTree(withWarc.out()).get("summary").get("verified").asInt()).as(withWarc.err()).isEqualTo(8);
        assertThat(withWarc.out()).as("the content given with --warc is checked").doesNotContain("CONTENT_NOT_CHECKED");
        Run text = cb4i("verify", crawl.toString(), "--trust", trust.toString());
        assertThat(text.out()).contains("10 records, 8 verified for ai-train").contains("/free/about.html  UNLICENSED").contains("[NO_RECEIPT, VER-5]");
        Run search = cb4i("verify", crawl.toString(), "--trust", trust.toString(), "--usage", "search", "--format", "json");
        assertThat(Json.mapper().readTree(search.out()).get("summary").get("by_status").get("USAGE_NOT_PERMITTED").asInt()).isEqualTo(8);

        // One record's content changed after the fact: the verifier names it.
        Path tampered = dir.resolve("tampered");
        Files.createDirectories(tampered);
        Files.copy(crawl.resolve("data.warc.gz"), tampered.resolve("data.warc.gz"));
        List<String> changed = new ArrayList<>(manifest);
        JsonNode victim = Json.mapper().readTree(changed.get(2));
        ((com.fasterxml.jackson.databind.node.ObjectNode) victim).put("bytes_sha256", "0".repeat(64));
        changed.set(2, Json.write(victim));
        Files.write(tampered.resolve("manifest.jsonl"), changed);
        Run caught = cb4i("verify", tampered.toString(), "--trust", trust.toString(), "--format", "json");
        JsonNode caughtJson = Json.mapper().readTree(caught.out());
        assertThat(caughtJson.get("summary").get("by_status").get("TAMPERED").asInt()).isEqualTo(1);
        JsonNode bad = null;
        for (JsonNode r : caughtJson.get("records")) {
            if (r.get("status").asText().equals("TAMPERED")) {
                bad = r;
            }
        }
        assertThat(bad.get("url").asText()).isEqualTo(victim.get("url").asText());
        assertThat(bad.get("reasons").toString()).contains("BYTES_DIGEST_MISMATCH").contains("RECEIPT_MISMATCH");

        // Strike: both sites refuse within the ttl (2 s) plus a refresh's slack.
        Run strike = cb4i("issuer", "strike", "--config", cfg.toString(), "--licensee", "crawler-co");
        assertThat(strike.exit()).as(strike.err()).isZero();
        Duration took = until(List.of(portA, portB), token, key, 401, "LICENSE_SUSPENDED", Duration.ofSeconds(10));
        assertThat(took).isLessThan(Duration.ofSeconds(6));
        System.out.println("strike reached both sites " + took.toMillis() + " ms after the command (status ttl 2 s)");
        Run refused = cb4i("license", "request", "--issuer", "http://127.0.0.1:" + issuerPort, "--key", dir.resolve("crawler/private.jwk").toString(),
                "--out", dir.resolve("license2.jwt").toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("unauthorized_client");
        assertThat(dir.resolve("license2.jwt")).doesNotExist();

        // Resume restores access everywhere.
        assertThat(cb4i("issuer", "resume", "--config", cfg.toString(), "--licensee", "crawler-co").exit()).isZero();
        until(List.of(portA, portB), token, key, 200, null, Duration.ofSeconds(10));

        // The issuer goes away: the last good list (exp = iat + 8 s) keeps both sites serving, then they fail closed.
        Process issuer = processes.get(0);
        issuer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Instant gone = Instant.now();
        for (int p : List.of(portA, portB)) {
            assertThat(fetch(p, token, key).status()).as("served on the last good list").isEqualTo(200);
        }
        until(List.of(portA, portB), token, key, 503, "STATUS_UNAVAILABLE", Duration.ofSeconds(20));
        assertThat(Duration.between(gone, Instant.now())).as("not before the list's exp").isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void everyLicenseTheIssuerAnsweredForSurvivesKillMinusNine() throws Exception { // [ISS-6]
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        int port = freePort();
        Path cfg = issuerConfig(port);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        KeyFiles.writeKeyPair(dir.resolve("crawler"), crawler, false);
        assertThat(cb4i("issuer", "licensee", "add", "--config", cfg.toString(), "--id", "crawler-co", "--key",
                dir.resolve("crawler/public.jwk").toString()).exit()).isZero();
        assertThat(cb4i("issuer", "agreement", "add", "--config", cfg.toString(), "--id", "a1", "--licensee", "crawler-co", "--usages", "ai-train",
                "--until", Instant.now().plus(Duration.ofDays(30)).toString()).exit()).isZero();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        URI endpoint = URI.create("http://127.0.0.1:" + port + "/token");
        for (int round = 0; round < 3; round++) {
            Process p = start("issuer-" + round, "Ctrl-C", "issuer", "--config", cfg.toString());
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread th = new Thread(() -> {
                    TokenClient client = new TokenClient(crawler, Clock.systemUTC());
                    while (running.get()) {
                        try {
                            client.request(endpoint, Optional.empty(), Optional.empty()).licenseId().ifPresent(answered::add);
                        } catch (Exception e) {
                            return; // the issuer is gone
                        }
                    }
                });
                th.start();
                load.add(th);
            }
            Thread.sleep(1500); // this test measures time itself: the load runs 1.5 s before the kill -9
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            running.set(false);
            for (Thread th : load) {
                th.join(10_000);
            }
        }
        assertThat(answered).hasSizeGreaterThan(10);
        System.out.println("licenses answered under load before the kills: " + answered.size() + " in 3 x 1.5 s from 3 threads");
        Run list = cb4i("issuer", "licenses", "--config", cfg.toString(), "--json");
        assertThat(list.exit()).as(list.err()).isZero();
        Set<String> stored = new java.util.HashSet<>();
        for (JsonNode l : Json.mapper().readTree(list.out()).get("licenses")) {
            stored.add(l.get("jti").textValue());
        }
        assertThat(stored).containsAll(answered);
        Run audit = cb4i("issuer", "status", "--config", cfg.toString());
        assertThat(audit.exit()).as(audit.err()).isZero();
    }
}
