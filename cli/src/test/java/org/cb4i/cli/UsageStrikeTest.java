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
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strike of one usage end to end ([STS-9]): a real issuer, a member site behind a real proxy whose articles need
 * {@code ai-train} and whose {@code /free/} pages need {@code search}, and a licensee granted both. {@code cb4i issuer
 * strike --all --usage ai-train} makes the proxy refuse the articles (401 {@code LICENSE_SUSPENDED}) within the status
 * ttl while the same license keeps fetching the search pages; {@code cb4i issuer resume --usage ai-train} serves the
 * articles again.
 */
class UsageStrikeTest {
    @TempDir
    Path dir;
    final List<AutoCloseable> running = new ArrayList<>();
    final ConsentEnforcementTest http = new ConsentEnforcementTest();

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void strikingAiTrainAlone_refusesTheArticles_whileTheSameLicenseStillFetchesForSearch() throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        int issuerPort = CollectorCrashTest.freePort();
        String issuerUrl = "http://127.0.0.1:" + issuerPort;
        Path yaml = IssuerYaml.onPort(issuerPort).with("token_lifetime: 1h", "status: {ttl: 1s, validity: 1h}").write(dir.resolve("issuer.yaml"));
        Issuer issuer = Issuer.start(IssuerConfigLoader.load(yaml), Clock.systemUTC(), events::add);
        running.add(issuer);
        SampleSite site = SampleSite.start();
        running.add(site::close);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        AdminOps ops = new AdminOps(issuer.collective());
        ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "lab", "jwk", crawler.publicKey().toJsonObject())));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "both", "licensee", "lab", "grant", Map.of("usages",
                List.of("ai-train", "search")), "not_before", 0, "not_after", Instant.now().plus(Duration.ofDays(30)).getEpochSecond())));
        String license = issuer.collective().issue("lab", Optional.of("both")).token();
        Files.writeString(dir.resolve("collective.jwks.json"), Files.readString(dir.resolve("collective").resolve(KeyFiles.PUBLIC_JWKS)));
        Path f = ProxyYaml.inFrontOf(site.port()).issuer(ConsentEnforcementTest.COLLECTIVE, "file:collective.jwks.json").paths("""
                paths:
                  - match: /free/*
                    access: licensed
                    usages: [search]
                  - match: /*
                    access: licensed
                    usages: [ai-train]
                """).write(dir.resolve("proxy.yaml"));
        Proxy proxy = Proxy.start(ConfigLoader.load(f), Clock.systemUTC(), events::add);
        running.add(proxy);
        String article = ConsentEnforcementTest.ARTICLE;
        String about = "/free/about.html";
        assertThat(http.fetch(proxy.port(), article, license, crawler).status()).as(events.toString()).isEqualTo(200);
        assertThat(http.fetch(proxy.port(), about, license, crawler).status()).isEqualTo(200);

        String[] admin = {"--config", yaml.toString(), "--server", issuerUrl};
        Instant struck = Instant.now();
        StrikePushTest.Run strike = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "strike", "--all", "--usage", "ai-train",
            "--reason", "no training until the rates are agreed"}, admin));
        assertThat(strike.exit()).as(strike.err()).isZero();
        Duration took = http.until(proxy.port(), article, license, crawler, 401, struck);
        System.out.println("a strike of ai-train alone to the first 401 at the proxy (status ttl 1 s): " + took);
        assertThat(http.fetch(proxy.port(), article, license, crawler).reason()).isEqualTo("LICENSE_SUSPENDED");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        for (int i = 0; i < 3; i++) {
            assertThat(http.fetch(proxy.port(), about, license, crawler).status()).as("the license's search still works").isEqualTo(200);
        }

        StrikePushTest.Run bad = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "strike", "--all", "--usage", "ai-all"},
                admin));
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("ai-train, ai-input, ai-index or search");

        Instant resumed = Instant.now();
        StrikePushTest.Run resume = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "resume", "--all", "--usage", "ai-train",
            "--reason", "rates agreed"}, admin));
        assertThat(resume.exit()).as(resume.err()).isZero();
        http.until(proxy.port(), article, license, crawler, 200, resumed);
    }
}
