package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.sample.SampleSite;
import org.cb4i.proxy.testing.ProxyYaml;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strikes pushed ([STS-8]): three proxies listen to the issuer's status change stream, with a status list ttl of 10
 * minutes so that polling cannot explain what is measured; {@code cb4i issuer strike} reaches each within a second.
 * The stream dropped (the issuer stopped) leaves the proxies serving on their list, and they listen again when it
 * returns.
 */
class StrikePushTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<AutoCloseable> running = new ArrayList<>();
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    static Run cb4i(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    record Run(int exit, String out, String err) {}

    int fetch(int port, String token, SigningKey key) throws Exception {
        URI u = URI.create("http://127.0.0.1:" + port + "/articles/collective-bargaining.html");
        SignatureHeaders sig = new WebBotAuthSigner(key, Clock.systemUTC()).reusableFor(SignedRequest.of("GET", u));
        return http.send(HttpRequest.newBuilder(u).header("Authorization", "License " + token).header("Signature-Input", sig.signatureInput())
                .header("Signature", sig.signature()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aStrikeReachesThreeProxiesWithinASecond_throughTheChangeStream() throws Exception {
        SigningKey collective = KeyFiles.readOrGenerate(dir.resolve("collective"));
        int issuerPort = CollectorCrashTest.freePort();
        Path yaml = IssuerYaml.onPort(issuerPort).with("token_lifetime: 1h", "status: {ttl: 10m, validity: 1d}").write(dir.resolve("issuer.yaml"));
        Issuer issuer = Issuer.start(IssuerConfigLoader.load(yaml), Clock.systemUTC(), events::add);
        running.add(issuer);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        AdminOps ops = new AdminOps(issuer.collective());
        ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "lab", "jwk", crawler.publicKey().toJsonObject())));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "a1", "licensee", "lab", "grant", Map.of("usages", List.of("ai-train")),
                "not_before", 0, "not_after", Instant.now().plus(Duration.ofDays(30)).getEpochSecond())));
        String token = issuer.collective().issue("lab", Optional.empty()).token();
        Files.writeString(dir.resolve("collective.jwks.json"), Json.write(org.cb4i.sdk.key.KeySet.of(collective.publicKey()).toJsonObject()));

        SampleSite site = SampleSite.start();
        running.add(site::close);
        List<Integer> ports = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            Path d = Files.createDirectories(dir.resolve(name));
            Files.copy(dir.resolve("collective.jwks.json"), d.resolve("collective.jwks.json"));
            Path f = ProxyYaml.inFrontOf(site.port()).issuer("https://collective.example", "file:collective.jwks.json",
                    "status_changes: http://127.0.0.1:" + issuerPort + "/status/changes").write(d.resolve("proxy.yaml"));
            Proxy p = Proxy.start(ConfigLoader.load(f), Clock.systemUTC(), events::add);
            running.add(p);
            ports.add(p.port());
        }
        for (int p : ports) {
            assertThat(fetch(p, token, crawler)).isEqualTo(200);
        }
        org.cb4i.sdk.Eventually.until(Duration.ofSeconds(10), "three proxies listening",
                () -> events.stream().filter(e -> e.startsWith("status changes: listening to")).count() == 3);

        Instant struck = Instant.now();
        Run strike = cb4i("issuer", "strike", "--all", "--config", yaml.toString(), "--server", "http://127.0.0.1:" + issuerPort);
        assertThat(strike.exit()).as(strike.err()).isZero();
        List<Duration> took = untilEach(ports, token, crawler, 401, struck);
        System.out.println("strike to first 401 at each of three proxies (ttl 10 min, pushed): " + took);
        assertThat(took).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));

        // The stream dropped: the issuer stops; the proxies keep answering from the list they hold.
        issuer.stop();
        running.remove(issuer);
        org.cb4i.sdk.Eventually.until(Duration.ofSeconds(10), "the drop noticed",
                () -> events.stream().filter(e -> e.contains("/status/changes dropped")).count() >= 3);
        for (int p : ports) {
            assertThat(fetch(p, token, crawler)).as("still on strike, from the list held").isEqualTo(401);
        }
        // It returns; the resumption is pushed once the proxies listen again.
        Issuer again = Issuer.start(IssuerConfigLoader.load(yaml), Clock.systemUTC(), events::add);
        running.add(again);
        org.cb4i.sdk.Eventually.until(Duration.ofSeconds(40), "three proxies listening again",
                () -> events.stream().filter(e -> e.startsWith("status changes: listening to")).count() == 6);
        Instant resumed = Instant.now();
        Run resume = cb4i("issuer", "resume", "--all", "--config", yaml.toString(), "--server", "http://127.0.0.1:" + issuerPort);
        assertThat(resume.exit()).as(resume.err()).isZero();
        List<Duration> back = untilEach(ports, token, crawler, 200, resumed);
        System.out.println("resume to first 200 at each of three proxies (pushed): " + back);
        assertThat(back).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
    }

    /** For each proxy, the time from {@code from} until it first answers {@code status} (polled every 10 ms, 5 s at most). */
    List<Duration> untilEach(List<Integer> ports, String token, SigningKey key, int status, Instant from) throws Exception {
        List<Duration> out = new ArrayList<>();
        for (int p : ports) {
            out.add(null);
        }
        Instant deadline = from.plusSeconds(5);
        while (out.contains(null) && Instant.now().isBefore(deadline)) {
            for (int i = 0; i < ports.size(); i++) {
                if (out.get(i) == null && fetch(ports.get(i), token, key) == status) {
                    out.set(i, Duration.between(from, Instant.now()));
                }
            }
            Thread.sleep(10);
        }
        assertThat(out).as("every proxy answered " + status + " within 5 s").doesNotContainNull();
        return out;
    }
}
