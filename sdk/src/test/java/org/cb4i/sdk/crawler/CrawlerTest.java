package org.cb4i.sdk.crawler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.PathScope;
import org.cb4i.sdk.token.Quota;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crawler against a scripted site (WireMock): what it fetches, what it leaves alone, and what it records. */
class CrawlerTest {
    @TempDir
    Path dir;
    WireMockServer site;
    SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    SigningKey collective = KeyFiles.generate(KeyAlgorithm.ED25519);
    String base;

    @BeforeEach
    void start() {
        site = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        site.start();
        base = "http://localhost:" + site.port();
        html("/", "<a href=/a>a</a> <a href='/private/x'>p</a> <a href=/b>b</a> <a href=/c>c</a> <a href=/nolicense/y>n</a>"
                + " <a href='http://elsewhere.example/'>out</a> <a href=/redirect>r</a> <a href='/a#frag'>again</a>");
        site.stubFor(get("/robots.txt").willReturn(aResponse().withHeader("Content-Type", "text/plain")
                .withBody("User-agent: *\nDisallow: /private/\nContent-Usage: train-ai=n\nLicense: " + base + "/license.xml\n")));
        site.stubFor(get("/a").willReturn(aResponse().withHeader("Content-Type", "text/html; charset=utf-8")
                .withHeader("CB4I-Receipt", "log=\"L0g\", rid=\"r1\"")
                .withBody("<html><body><article><p>First paragraph.</p><p>Second one.</p></article></body></html>")));
        site.stubFor(get("/b").willReturn(aResponse().withStatus(402).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"reason\":\"LICENSE_REQUIRED\",\"detail\":\"an offer\"}")));
        site.stubFor(get("/c").inScenario("quota").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("served")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("{\"reason\":\"QUOTA_EXCEEDED\"}")));
        site.stubFor(get("/c").inScenario("quota").whenScenarioStateIs("served").willReturn(aResponse().withHeader("Content-Type", "text/plain")
                .withBody("plain text")));
        site.stubFor(get("/license.xml").willReturn(aResponse().withHeader("Content-Type", "application/rsl+xml").withBody("<rsl/>")));
        site.stubFor(get("/redirect").willReturn(aResponse().withStatus(301).withHeader("Location", "/a")));
    }

    @AfterEach
    void stop() {
        site.stop();
    }

    void html(String path, String body) {
        site.stubFor(get(path).willReturn(aResponse().withHeader("Content-Type", "text/html").withBody(body)));
    }

    String license(Usage... usages) {
        return license("lic-1", usages);
    }

    String license(String jti, Usage... usages) {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        LicenseClaims c = new LicenseClaims("https://c.example", "crawler-co", List.of("https://c.example"), jti, now, now,
                now.plus(Duration.ofDays(1)), new Confirmation(crawler.publicKey()), EnumSet.of(usages[0], usages), List.of(new PathScope(
                        Optional.empty(), List.of(PathPattern.of("/")), List.of(PathPattern.of("/nolicense/")))), Quota.NONE, Optional.empty(),
                Optional.empty());
        return LicenseTokens.issue(c, collective);
    }

    Crawler.Settings settings(String token, Usage usage) {
        return new Crawler.Settings(crawler, Optional.of(token), Optional.empty(), Optional.empty(), List.of(URI.create(base + "/")), dir.resolve("out"),
                usage, 100, 50, Clock.systemUTC());
    }

    Map<String, JsonNode> manifest() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("out/manifest.jsonl"));
        Map<String, JsonNode> byUrl = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            JsonNode n = Json.mapper().readTree(l);
            byUrl.put(n.get("url").asText().substring(base.length()), n);
        }
        return byUrl;
    }

    @Test
    void crawlsWithinRobotsAndLicense_recordsEveryOutcome_andWaitsWhenAskedTo() throws Exception { // [DST-1]
        Crawler.Counts c = new Crawler(settings(license(Usage.AI_TRAIN), Usage.AI_TRAIN)).run((counts, url, outcome) -> { });
        Map<String, JsonNode> m = manifest();
        assertThat(m.keySet()).containsExactlyInAnyOrder("/", "/a", "/private/x", "/b", "/c", "/nolicense/y", "/redirect");
        assertThat(m.get("/private/x").get("reason").asText()).isEqualTo("ROBOTS_DISALLOWED");
        assertThat(m.get("/nolicense/y").get("reason").asText()).isEqualTo("PATH_NOT_LICENSED");
        assertThat(m.get("/b").get("outcome").asText()).isEqualTo("refused");
        assertThat(m.get("/b").get("reason").asText()).isEqualTo("LICENSE_REQUIRED");
        assertThat(m.get("/c").get("outcome").asText()).isEqualTo("fetched");
        assertThat(m.get("/redirect").get("location").asText()).isEqualTo(base + "/a");
        JsonNode a = m.get("/a");
        assertThat(a.get("text").get("paragraphs").asInt()).isEqualTo(2);
        assertThat(a.get("receipt").get("rid").asText()).isEqualTo("r1");
        assertThat(a.get("receipt").get("error").asText()).contains("did not answer");
        assertThat(c.fetched).isEqualTo(3);
        assertThat(c.refused).isEqualTo(1);
        site.verify(0, getRequestedFor(urlEqualTo("/private/x")));
        site.verify(0, getRequestedFor(urlEqualTo("/nolicense/y")));
        site.verify(1, getRequestedFor(urlEqualTo("/a")));
        site.verify(getRequestedFor(urlEqualTo("/a")).withHeader("Authorization", matching("License .+"))
                .withHeader("Signature-Input", matching("sig1=.*tag=\"web-bot-auth\".*")));
        List<LoggedRequest> cs = site.findAll(getRequestedFor(urlEqualTo("/c")));
        assertThat(cs).hasSize(2);
        assertThat(Duration.between(cs.get(0).getLoggedDate().toInstant(), cs.get(1).getLoggedDate().toInstant()))
                .as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(Duration.ofMillis(950));
        JsonNode header = Json.mapper().readTree(Files.readAllLines(dir.resolve("out/manifest.jsonl")).get(0));
        assertThat(header.get("sites").get(0).get("content_usage").asText()).contains("train-ai=n");
        assertThat(header.get("sites").get(0).get("robots_licenses").get(0).asText()).isEqualTo(base + "/license.xml");
        assertThat(header.get("sites").get(0).get("terms").get("sha256").asText()).isEqualTo(java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest("<rsl/>".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aRevokedLicense_isRenewedOnceFromTheIssuer_andThePageFetchedAgainWithTheNewOne() throws Exception { // [ISS-12]
        String first = license("lic-1", Usage.AI_TRAIN);
        String second = license("lic-2", Usage.AI_TRAIN);
        site.stubFor(get("/a").withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("License " + first)).atPriority(1)
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"reason\": \"LICENSE_REVOKED\", \"detail\": \"the agreement was amended\"}")));
        site.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\": \"" + second + "\", \"token_type\": \"License\", \"expires_in\": 86400}")));
        Crawler.Settings s = new Crawler.Settings(crawler, Optional.of(first), Optional.of(URI.create(base)), Optional.of("crawler-co"),
                List.of(URI.create(base + "/")), dir.resolve("out"), Usage.AI_TRAIN, 100, 50, Clock.systemUTC());
        new Crawler(s).run((counts, url, outcome) -> { });
        Map<String, JsonNode> m = manifest();
        assertThat(m.get("/a").get("outcome").asText()).as(m.get("/a").toString()).isEqualTo("fetched");
        assertThat(m.get("/a").get("license").asText()).isEqualTo("lic-2");
        site.verify(1, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/token")));
        site.verify(2, getRequestedFor(urlEqualTo("/a")));
        JsonNode header = Json.mapper().readTree(Files.readAllLines(dir.resolve("out/manifest.jsonl")).get(0));
        assertThat(header.get("licenses")).as("both licenses are evidence in the manifest").hasSize(2);
    }

    @Test
    void aLicenseThatDoesNotGrantTheUsageOrFitTheKeyStopsTheCrawlBeforeAnyRequest() {
        assertThatThrownBy(() -> new Crawler(settings(license(Usage.SEARCH), Usage.AI_TRAIN)).run((x, y, z) -> { }))
                .hasMessageContaining("grants [search], not ai-train");
        crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        String other = license(Usage.AI_TRAIN);
        crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThatThrownBy(() -> new Crawler(settings(other, Usage.AI_TRAIN)).run((x, y, z) -> { })).hasMessageContaining("cnf.jkt");
        site.verify(0, anyRequestedFor(urlPathMatching("/.*")));
    }

    @Test
    void aTornJournalIsCutBackAndTheCrawlResumesWithoutRefetching() throws Exception {
        String token = license(Usage.AI_TRAIN);
        new Crawler(settings(token, Usage.AI_TRAIN)).run((x, y, z) -> { });
        Path warc = dir.resolve("out/data.warc.gz");
        Path records = dir.resolve("out/records.jsonl");
        long warcSize = Files.size(warc);
        long recordLines = Files.readAllLines(records).size();
        // as a kill -9 mid-write leaves them: half a WARC record and half a line
        Files.write(warc, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}, StandardOpenOption.APPEND);
        Files.write(records, "{\"url\":\"http://half".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        site.resetRequests();
        Crawler.Counts again = new Crawler(settings(token, Usage.AI_TRAIN)).run((x, y, z) -> { });
        assertThat(Files.size(warc)).isEqualTo(warcSize);
        assertThat(Files.readAllLines(records)).hasSize((int) recordLines);
        assertThat(again.fetched).isEqualTo(3);
        site.verify(0, getRequestedFor(urlEqualTo("/a")));
        assertThat(manifest()).hasSize(7);
    }
}
