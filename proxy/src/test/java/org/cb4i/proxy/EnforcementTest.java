package org.cb4i.proxy;

import org.cb4i.sdk.Eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's decisions end to end: [ENF-1], [ENF-2], [ENF-3], [ENF-4], [ENF-7], [POP-2], [STS-6], [TOK-9], [TOK-10], [LOG-2], [LOG-3]. */
class EnforcementTest {
    @TempDir
    java.nio.file.Path dir;
    ProxyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ProxyHarness(dir).start("");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static JsonNode problem(HttpResponse<byte[]> r) {
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.headers().firstValue("Link").orElse("")).contains("rel=\"license\"");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        return Json.readObject(r.body(), "problem", org.cb4i.sdk.Reason.MALFORMED_JSON);
    }

    static void assertDenied(HttpResponse<byte[]> r, int status, String reason) {
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(status);
        assertThat(problem(r).get("reason").textValue()).isEqualTo(reason);
    }

    @Test
    void human_passesALicensedPath_withTheLicenseLink() throws Exception {
        HttpResponse<byte[]> r = h.get("/articles/a.html", "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(ProxyHarness.ARTICLE);
        assertThat(r.headers().firstValue("Link").orElse("")).contains("https://news.example/license.xml");
        assertThat(r.headers().firstValue("CB4I-Receipt")).isEmpty();
    }

    @Test
    void aiCrawlerWithoutLicense_gets402WithTheOffer() throws Exception {
        HttpResponse<byte[]> r = h.get("/articles/a.html", "User-Agent", "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)");
        assertDenied(r, 402, "LICENSE_REQUIRED");
        JsonNode offer = problem(r).get("offer");
        assertThat(offer.get("issuers").get(0).get("token_endpoint").textValue()).isEqualTo("https://collective.example/token");
        assertThat(offer.get("usages").toString()).contains("ai-train");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).as("RSL CAP: error= on every 402").isEqualTo("License realm=\"https://news.example\", error=\"invalid_request\"");
        assertThat(r.headers().firstValue("tdm-reservation")).as("[DSC-7]").hasValue("1");
        assertThat(r.headers().firstValue("tdm-policy")).hasValue("https://news.example/.well-known/cb4i/tdm-policy.json");
        h.origin.verify(0, getRequestedFor(urlEqualTo("/articles/a.html")));
    }

    @Test
    void licensedRequest_isServedWithAReceipt_andTheOriginNeverSeesTheCredentials() throws Exception {
        HttpResponse<byte[]> r = h.licensedGet("/articles/a.html", h.license());
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        assertThat(r.body()).isEqualTo(ProxyHarness.ARTICLE);
        assertThat(r.headers().firstValue("CB4I-Receipt").orElse("")).matches("log=\"" + h.proxy.log().logId() + "\", rid=\"[A-Za-z0-9_-]{22}\"");
        assertThat(r.headers().firstValue("Cache-Control")).contains("private");
        assertThat(r.headers().allValues("Vary")).anyMatch(v -> v.contains("Authorization"));
        LoggedRequest seen = h.origin.findAll(getRequestedFor(urlEqualTo("/articles/a.html"))).get(0);
        assertThat(seen.containsHeader("Authorization")).isFalse();
        assertThat(seen.containsHeader("Signature")).isFalse();
        assertThat(seen.containsHeader("Signature-Input")).isFalse();
        assertThat(seen.getHeader("X-Forwarded-For")).isEqualTo("127.0.0.1");

        String rid = r.headers().firstValue("CB4I-Receipt").get().replaceAll(".*rid=\"([^\"]+)\".*", "$1");
        Eventually.until(() -> h.proxy.log().indexOf(rid).isPresent());
        JsonNode entry = Json.mapper().readTree(h.proxy.log().entry(h.proxy.log().indexOf(rid).orElseThrow()));
        assertThat(entry.get("licensee").textValue()).isEqualTo("crawler-co");
        assertThat(entry.get("jti").textValue()).isEqualTo("lic-1");
        assertThat(entry.get("bytes").longValue()).isEqualTo(ProxyHarness.ARTICLE.length);
        assertThat(entry.get("sha256").textValue()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ProxyHarness.ARTICLE)));
        assertThat(entry.get("complete").booleanValue()).isTrue();
    }

    @Test
    void badTokens_get401_withTheReason() throws Exception {
        assertDenied(h.licensedGet("/articles/a.html", "not-a-token"), 401, "MALFORMED_TOKEN");
        String expired = h.license(h.claims("old", EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.empty(), Instant.now().minusSeconds(3600)));
        HttpResponse<byte[]> r = h.licensedGet("/articles/a.html", expired);
        assertDenied(r, 401, "TOKEN_EXPIRED");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
    }

    @Test
    void proofOfPossession_isRequired_andBoundToTheLicensedKey() throws Exception {
        assertDenied(h.get("/articles/a.html", "Authorization", "License " + h.license()), 403, "SIGNATURE_MISSING");
        assertDenied(h.licensedGet("/articles/a.html", h.license(), KeyFiles.generate(KeyAlgorithm.ED25519), SignaturePolicy.REUSABLE),
                403, "SIGNATURE_KEY_MISMATCH");
        assertDenied(h.licensedGet("/premium/a.html", h.license(), h.crawler, SignaturePolicy.REUSABLE), 403, "SIGNATURE_COVERAGE_INSUFFICIENT");
        assertThat(h.licensedGet("/premium/a.html", h.license(), h.crawler, SignaturePolicy.PER_REQUEST).statusCode()).isEqualTo(200);
    }

    @Test
    void scopeAndUsage_areChecked() throws Exception {
        String onlyPublic = h.license(h.claims("scoped", EnumSet.of(Usage.AI_TRAIN), List.of(ProxyHarness.scope("https://news.example", "/public/*")),
                Quota.NONE, Optional.empty(), Instant.now().plusSeconds(600)));
        assertDenied(h.licensedGet("/articles/a.html", onlyPublic), 403, "PATH_NOT_LICENSED");
        String searchOnly = h.license(h.claims("search", EnumSet.of(Usage.SEARCH), List.of(), Quota.NONE, Optional.empty(), Instant.now().plusSeconds(600)));
        assertDenied(h.licensedGet("/articles/a.html", searchOnly), 403, "USAGE_NOT_LICENSED");
    }

    @Test
    void openAndDenyPaths_followThePolicy() throws Exception {
        assertThat(h.get("/free/x.html", "User-Agent", "GPTBot").statusCode()).isEqualTo(200);
        assertDenied(h.get("/private/x.html"), 403, "PATH_DENIED");
        h.origin.verify(0, getRequestedFor(urlEqualTo("/private/x.html")));
    }

    @Test
    void suspendedLicense_gets401_LICENSE_SUSPENDED() throws Exception {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + h.origin.port() + "/status/1");
        StatusList list = StatusList.create(2, 64);
        list.set(9, StatusValue.SUSPENDED);
        h.origin.stubFor(get("/status/1").willReturn(aResponse().withBody(
                StatusListToken.sign(h.issuer, uri, Instant.now(), Instant.now().plusSeconds(600), Duration.ofSeconds(60), list).compact())));
        String ok = h.license(h.claims("s-ok", EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.of(new StatusReference(8, uri)), Instant.now().plusSeconds(600)));
        String suspended = h.license(h.claims("s-no", EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.of(new StatusReference(9, uri)), Instant.now().plusSeconds(600)));
        assertThat(h.licensedGet("/articles/a.html", ok).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> r = h.licensedGet("/articles/a.html", suspended);
        assertDenied(r, 401, "LICENSE_SUSPENDED");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
    }

    @Test
    void statusListUnreachable_withNoGoodCopy_failsClosedWith503() throws Exception {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + h.origin.port() + "/status/down");
        h.origin.stubFor(get("/status/down").willReturn(aResponse().withStatus(500)));
        String lic = h.license(h.claims("d", EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.of(new StatusReference(1, uri)), Instant.now().plusSeconds(600)));
        assertDenied(h.licensedGet("/articles/a.html", lic), 503, "STATUS_UNAVAILABLE");
    }

    @Test
    void quota_isEnforcedWith429AndRetryAfter() throws Exception {
        String lic = h.license(h.claims("q", EnumSet.of(Usage.AI_TRAIN), List.of(), new Quota(OptionalDouble.empty(), OptionalLong.of(2), OptionalLong.empty()),
                Optional.empty(), Instant.now().plusSeconds(600)));
        assertThat(h.licensedGet("/articles/a.html", lic).statusCode()).isEqualTo(200);
        assertThat(h.licensedGet("/articles/b.html", lic).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> r = h.licensedGet("/articles/c.html", lic);
        assertDenied(r, 429, "QUOTA_EXCEEDED");
        assertThat(r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isPositive();
    }

    @Test
    void originDown_is502_andOriginSlow_is504() throws Exception {
        h.origin.stubFor(get(urlPathMatching("/free/slow")).willReturn(aResponse().withFixedDelay(3000).withBody("late")));
        long t0 = System.nanoTime();
        assertDenied(h.get("/free/slow"), 504, "ORIGIN_TIMEOUT");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2900));
        h.origin.stop();
        t0 = System.nanoTime();
        assertDenied(h.get("/free/x"), 502, "ORIGIN_UNREACHABLE");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void receiptsLog_publishesCheckpoints_andGivesTheLicenseeProofsThatVerify() throws Exception {
        String token = h.license();
        String rid = null;
        for (int i = 0; i < 3; i++) {
            rid = h.licensedGet("/articles/" + i + ".html", token).headers().firstValue("CB4I-Receipt").get().replaceAll(".*rid=\"([^\"]+)\".*", "$1");
        }
        String base = "/.well-known/cb4i/logs/" + h.proxy.log().logId() + "/";
        Eventually.until(() -> h.proxy.log().checkpoint().isPresent() && h.proxy.log().checkpoint().get().size() >= 3);
        HttpResponse<byte[]> cp = h.get(base + "checkpoint");
        assertThat(cp.statusCode()).isEqualTo(200);
        var keys = org.cb4i.sdk.key.KeyFiles.parseKeySet(new String(h.get(base + "jwks").body()), "log jwks");
        var checkpoint = org.cb4i.sdk.log.Checkpoint.verify(new String(cp.body()).strip(), keys);
        assertThat(checkpoint.size()).isGreaterThanOrEqualTo(3);

        HttpResponse<byte[]> mine = h.licensedGet(base + "proofs?rid=" + rid, token, h.crawler, SignaturePolicy.PER_REQUEST);
        assertThat(mine.statusCode()).as(new String(mine.body())).isEqualTo(200);
        JsonNode p = Json.mapper().readTree(mine.body());
        JsonNode e = p.get("entries").get(0);
        List<byte[]> proof = new java.util.ArrayList<>();
        e.get("inclusion_proof").forEach(x -> proof.add(HexFormat.of().parseHex(x.textValue())));
        byte[] leaf = org.cb4i.sdk.log.MerkleTree.leafHash(e.get("entry").textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var checkpoint2 = org.cb4i.sdk.log.Checkpoint.verify(p.get("checkpoint").textValue(), keys);
        assertThat(org.cb4i.sdk.log.MerkleProofs.verifyInclusion(leaf, e.get("index").longValue(), checkpoint2.size(), proof, checkpoint2.root())).isTrue();

        HttpResponse<byte[]> reusable = h.licensedGet(base + "proofs?rid=" + rid, token, h.crawler, SignaturePolicy.REUSABLE);
        assertThat(reusable.statusCode()).as("proofs need a per-request signature").isEqualTo(403);
        var other = org.cb4i.sdk.key.KeyFiles.generate(KeyAlgorithm.ED25519);
        HttpResponse<byte[]> stranger = h.get(base + "proofs?rid=" + rid);
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(other).isNotNull();
    }

    /** [LOG-6]: after {@code cb4i proxy log retire}, the proxy serves the retired log beside its successor, which takes the receipts. */
    @Test
    void aRetiredLog_isStillServed_withItsFinalCheckpoint_andTheSuccessorTakesTheReceipts() throws Exception {
        String token = h.license();
        String rid = h.licensedGet("/articles/0.html", token).headers().firstValue("CB4I-Receipt").get().replaceAll(".*rid=\"([^\"]+)\".*", "$1");
        String old = h.proxy.log().logId();
        Eventually.until(() -> h.proxy.log().checkpoint().map(c -> c.size()).orElse(0L) >= 1);
        h.proxy.close();
        var retired = org.cb4i.proxy.receipts.LogRetirement.retire(org.cb4i.proxy.config.ConfigLoader.load(h.configFile).log(), java.time.Clock.systemUTC(),
                h.events::add);
        h.proxy = Proxy.start(org.cb4i.proxy.config.ConfigLoader.load(h.configFile), java.time.Clock.systemUTC(), h.events::add);

        assertThat(h.licensedGet("/articles/1.html", token).headers().firstValue("CB4I-Receipt").orElseThrow())
                .as("new receipts are the successor's").contains("log=\"" + retired.successor() + "\"");
        String base = "/.well-known/cb4i/logs/" + old + "/";
        var keys = KeyFiles.parseKeySet(new String(h.get(base + "jwks").body()), "log jwks");
        var fin = org.cb4i.sdk.log.Checkpoint.verify(new String(h.get(base + "checkpoint").body()).strip(), keys);
        assertThat(fin.successor()).hasValue(retired.successor());
        assertThat(fin.size()).isEqualTo(1);
        HttpResponse<byte[]> proofs = h.licensedGet(base + "proofs?rid=" + rid, token, h.crawler, SignaturePolicy.PER_REQUEST);
        assertThat(proofs.statusCode()).as(new String(proofs.body())).isEqualTo(200);
        JsonNode p = Json.mapper().readTree(proofs.body());
        assertThat(p.get("checkpoint").textValue()).isEqualTo(fin.compact());
        assertThat(p.get("entries").get(0).get("rid").textValue()).isEqualTo(rid);
        JsonNode wk = Json.mapper().readTree(h.get("/.well-known/cb4i").body());
        assertThat(wk.get("logs")).hasSize(2);
        assertThat(wk.get("logs").get(1).get("log_id").textValue()).isEqualTo(old);
        assertThat(wk.get("logs").get(1).get("retired").booleanValue()).isTrue();
        assertThat(wk.get("logs").get(1).get("successor").textValue()).isEqualTo(retired.successor());
        assertThat(h.get(base + "nothing").statusCode()).isEqualTo(404);
        assertThat(h.get("/.well-known/cb4i/logs/" + "B".repeat(43) + "/checkpoint").statusCode()).as("no such log").isEqualTo(404);
        var metrics = h.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + h.proxy.adminPort().orElseThrow() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("cb4i_proxy_log_retired 1");
    }

    @Test
    void clientDisconnectingMidBody_isStillRecorded_asIncomplete() throws Exception {
        byte[] big = new byte[400_000];
        java.util.Arrays.fill(big, (byte) 'x');
        h.origin.stubFor(get("/articles/big.bin").willReturn(aResponse().withBody(big).withChunkedDribbleDelay(40, 4000)));
        java.net.URI url = java.net.URI.create(h.base() + "/articles/big.bin");
        var sig = new org.cb4i.sdk.httpsig.WebBotAuthSigner(h.crawler, java.time.Clock.systemUTC())
                .sign(org.cb4i.sdk.httpsig.SignedRequest.of("GET", url), SignaturePolicy.REUSABLE);
        String rid;
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", h.proxy.port())) {
            s.getOutputStream().write(("GET /articles/big.bin HTTP/1.1\r\nHost: 127.0.0.1:" + h.proxy.port() + "\r\nAuthorization: License " + h.license()
                    + "\r\nSignature-Input: " + sig.signatureInput() + "\r\nSignature: " + sig.signature() + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] head = new byte[4096];
            int n = s.getInputStream().read(head);
            String text = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200");
            rid = text.replaceAll("(?s).*rid=\"([^\"]+)\".*", "$1");
        } // closed mid-body
        Eventually.until(() -> h.proxy.log().indexOf(rid).isPresent());
        JsonNode entry = Json.mapper().readTree(h.proxy.log().entry(h.proxy.log().indexOf(rid).orElseThrow()));
        assertThat(entry.get("complete").booleanValue()).isFalse();
        assertThat(entry.get("bytes").longValue()).isLessThan(big.length);
        assertThat(h.licensedGet("/articles/a.html", h.license()).statusCode()).as("still serving").isEqualTo(200);
    }

    @Test
    void adminPort_servesMetricsAndReadiness() throws Exception {
        String token = h.license();
        h.licensedGet("/articles/a.html", token);
        h.get("/articles/a.html", "User-Agent", "GPTBot");
        String admin = "http://127.0.0.1:" + h.proxy.adminPort().orElseThrow();
        var metrics = h.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("cb4i_proxy_requests_total{outcome=\"licensed\",reason=\"none\"}")
                .contains("reason=\"LICENSE_REQUIRED\"").contains("cb4i_proxy_request_duration_seconds_bucket").contains("cb4i_proxy_log_entries");
        h.licensedGet("/articles/b.html", token);
        String again = h.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double tokenHits = Double.parseDouble(again.replaceAll("(?s).*\ncb4i_proxy_token_cache_hits (\\S+)\n.*", "$1"));
        assertThat(tokenHits).as("the second use of the same license is a cache hit").isGreaterThanOrEqualTo(1);
        assertThat(h.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
