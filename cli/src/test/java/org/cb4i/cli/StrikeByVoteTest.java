package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [DEC-2] [DEC-4] [DEC-6], end to end with a real issuer, proxy and origin: one member proposes a strike against a
 * licensee with {@code cb4i proposal open}, both members vote with {@code cb4i proposal vote} (each signing with its
 * own key), and once it passes the member's proxy answers the licensee 401 {@code LICENSE_SUSPENDED} within the status
 * ttl, its refusal linking the collective's notices where the strike is published ([NTC-3]); another proposal ends it
 * the same way. Then the operator terminates the agreement ([ISS-10]) and removes the
 * licensee ([ISS-11]) with the CLI.
 */
class StrikeByVoteTest {
    static final String COLLECTIVE = "https://collective.example";
    @TempDir
    Path dir;
    final List<AutoCloseable> running = new ArrayList<>();
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void membersVoteAStrike_andTheirProxiesEnforceItWithinTheStatusTtl() throws Exception {
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        int issuerPort = CollectorCrashTest.freePort();
        String issuerUrl = "http://127.0.0.1:" + issuerPort;
        Path yaml = IssuerYaml.onPort(issuerPort).with("token_lifetime: 1h", "status: {ttl: 1s, validity: 1h}",
                "decisions: {quorum: 50, majority: 50, voting_period: 2d, weights: {\"https://blog.example\": 1}}").write(dir.resolve("issuer.yaml"));
        Path bad = IssuerYaml.onPort(issuerPort).with("decisions: {weights: {\"https://blog.example\": 0}}").write(dir.resolve("bad.yaml"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> IssuerConfigLoader.load(bad))).as("a weight must be a whole number from 1")
                .hasMessageContaining("weights").hasMessageContaining("whole number from 1");
        Issuer issuer = Issuer.start(IssuerConfigLoader.load(yaml), Clock.systemUTC(), events::add);
        running.add(issuer);
        SampleSite site = SampleSite.start();
        running.add(site::close);
        String news = "http://127.0.0.1:" + site.port();
        String blog = "https://blog.example";

        AdminOps ops = new AdminOps(issuer.collective());
        for (String[] m : new String[][] {{"news", news}, {"blog", blog}}) {
            SigningKey k = KeyFiles.generate(KeyAlgorithm.ED25519);
            KeyFiles.writeKeyPair(dir.resolve(m[0]), k, false);
            ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", m[1], "content_keys", KeySet.of(k.publicKey()).toJsonObject())));
        }
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "lab", "jwk", crawler.publicKey().toJsonObject())));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "a1", "licensee", "lab", "grant", Map.of("usages", List.of("ai-train")),
                "not_before", 0, "not_after", Instant.now().plus(Duration.ofDays(30)).getEpochSecond())));
        String token = issuer.collective().issue("lab", Optional.empty()).token();
        Files.writeString(dir.resolve("collective.jwks.json"), Files.readString(dir.resolve("collective").resolve(KeyFiles.PUBLIC_JWKS)));
        Proxy proxy = Proxy.start(ConfigLoader.load(ProxyYaml.inFrontOf(site.port()).issuer(COLLECTIVE, "file:collective.jwks.json",
                "notices: " + issuerUrl + "/notices").write(dir.resolve("proxy.yaml"))), Clock.systemUTC(), events::add);
        running.add(proxy);
        ConsentEnforcementTest fetcher = new ConsentEnforcementTest();
        String article = "/articles/collective-bargaining.html";
        assertThat(fetcher.fetch(proxy.port(), article, token, crawler).status()).isEqualTo(200);

        String[] asNews = {"--issuer", issuerUrl, "--origin", news, "--key", dir.resolve("news/private.jwk").toString()};
        String[] asBlog = {"--issuer", issuerUrl, "--origin", blog, "--key", dir.resolve("blog/private.jwk").toString()};
        StrikePushTest.Run open = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "open", "--action", "strike",
            "--licensee", "lab", "--reason", "lab trains on our drafts"}, asNews));
        assertThat(open.exit()).as(open.err()).isZero();
        assertThat(open.out()).startsWith("P1  strike licensee lab  OPEN  yes 0, no 0, abstain 0, not voted 2 of 2");
        StrikePushTest.Run list = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "list"}, asBlog));
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("P1  strike licensee lab  OPEN").contains("lab trains on our drafts");

        StrikePushTest.Run byBlog = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "vote", "P1", "yes"}, asBlog));
        assertThat(byBlog.exit()).as(byBlog.err()).isZero();
        assertThat(byBlog.out()).as("1 yes of 2: a no could still tie it").contains("OPEN").contains("your vote: yes");
        assertThat(fetcher.fetch(proxy.port(), article, token, crawler).status()).isEqualTo(200);

        Instant decided = Instant.now();
        StrikePushTest.Run byNews = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "vote", "P1", "yes"}, asNews));
        assertThat(byNews.exit()).as(byNews.err()).isZero();
        assertThat(byNews.out()).contains("EXECUTED");
        Duration took = fetcher.until(proxy.port(), article, token, crawler, 401, decided);
        System.out.println("last vote to first 401 at the member's proxy (status ttl 1 s, polled): " + took);
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(fetcher.fetch(proxy.port(), article, token, crawler).reason()).isEqualTo("LICENSE_SUSPENDED");
        // [NTC-3] The refusal links the collective's notices, where the strike is published with the vote that decided it.
        java.net.URI u = java.net.URI.create("http://127.0.0.1:" + proxy.port() + article);
        var sig = new org.cb4i.sdk.httpsig.WebBotAuthSigner(crawler, Clock.systemUTC()).reusableFor(org.cb4i.sdk.httpsig.SignedRequest.of("GET", u));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String problem = http.send(java.net.http.HttpRequest.newBuilder(u).header("Authorization", "License " + token)
                .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(Json.mapper().readTree(problem).path("notices").asText()).isEqualTo(issuerUrl + "/notices");
        var feed = Json.mapper().readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(issuerUrl + "/notices")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        assertThat(feed.at("/items/0/title").asText()).isEqualTo("Strike: licensee lab");
        assertThat(feed.at("/items/0/_cb4i/proposal").asText()).isEqualTo("P1");

        StrikePushTest.Run again = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "vote", "P1", "no"}, asBlog));
        assertThat(again.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("HTTP 409");
        StrikePushTest.Run badVote = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "vote", "P1", "maybe"}, asBlog));
        assertThat(badVote.exit()).isEqualTo(ExitCodes.BAD_INPUT);

        // The operator reads it, votes included; the members end the strike by another vote.
        StrikePushTest.Run shown = StrikePushTest.cb4i("issuer", "proposal", "show", "P1", "--config", yaml.toString(), "--server", issuerUrl);
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("state=executed").contains("votes: 2").contains("member=" + blog);
        StrikePushTest.Run resume = StrikePushTest.cb4i("issuer", "proposal", "open", "--action", "resume", "--licensee", "lab", "--reason",
                "lab deleted the drafts", "--config", yaml.toString(), "--server", issuerUrl);
        assertThat(resume.exit()).as(resume.err()).isZero();
        StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "vote", "P2", "yes"}, asBlog));
        StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"proposal", "vote", "P2", "yes"}, asNews));
        fetcher.until(proxy.port(), article, token, crawler, 200, Instant.now());

        // [ISS-10] Terminating the agreement revokes its licenses at once: the proxy refuses within the status ttl.
        Instant terminated = Instant.now();
        StrikePushTest.Run end = StrikePushTest.cb4i("issuer", "agreement", "terminate", "--id", "a1", "--reason", "lab breached clause 4",
                "--config", yaml.toString(), "--server", issuerUrl);
        assertThat(end.exit()).as(end.err()).isZero();
        assertThat(fetcher.until(proxy.port(), article, token, crawler, 401, terminated)).isLessThan(Duration.ofSeconds(3));
        assertThat(fetcher.fetch(proxy.port(), article, token, crawler).reason()).isEqualTo("LICENSE_REVOKED");
        StrikePushTest.Run removed = StrikePushTest.cb4i("issuer", "licensee", "remove", "--id", "lab", "--reason", "left the market",
                "--config", yaml.toString(), "--server", issuerUrl);
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(StrikePushTest.cb4i("issuer", "licensee", "list", "--config", yaml.toString(), "--server", issuerUrl).out()).contains("state=removed");
    }
}
