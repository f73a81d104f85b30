package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.StoreLocation;
import org.cb4i.issuer.testing.TestDatabase;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.VerifiedLicense;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issuer over real HTTP on loopback, with a clock the tests move: the fixture of the issuer's tests (SPEC.md §13,
 * and the issuer side of §3 and §6), which are split by concept into TokenEndpointTest, StatusTest,
 * RepertoireAndDiscoveryTest and AdministrationTest.
 */
abstract class IssuerFixture {
    static final String ID = "https://collective.example";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    SigningKey collectiveKey;
    SigningKey crawler;
    Issuer issuer;
    String base;
    String adminToken;

    @BeforeEach
    void start() throws Exception {
        collectiveKey = KeyFiles.readOrGenerate(dir.resolve("collective"));
        crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        issuer = startIssuer();
        adminToken = Files.readString(dir.resolve("store/admin.token")).trim();
        admin(Map.of("op", "licensee.add", "id", "crawler-co", "jwk", crawler.publicKey().toJsonObject()));
        admin(Map.of("op", "agreement.add", "id", "a1", "licensee", "crawler-co", "grant", Map.of("usages", List.of("ai-train"),
                "quota", Map.of("rps", 2), "price", Map.of("currency", "EUR", "per_request", "0.001")),
                "not_after", clock.instant().plus(Duration.ofDays(30)).getEpochSecond()));
    }

    /**
     * Where the issuer under test keeps its state: the embedded store in {@code dir/store}, or, in the build's second run
     * of these tests ({@code -Dcb4i.test.store=postgresql}), a fresh PostgreSQL database, so that every test here holds
     * on both stores.
     */
    StoreLocation store() {
        if (store == null) {
            store = TestDatabase.ON_POSTGRES ? TestDatabase.create() : new StoreLocation.Folder(dir.resolve("store"));
        }
        return store;
    }

    StoreLocation store;

    IssuerConfig config() {
        return new IssuerConfig(Optional.empty(), "127.0.0.1", 0, ID, ID, URI.create("https://licenses.collective.example"),
                dir.resolve("collective/private.jwk"), store(), dir.resolve("store/admin.token"), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofHours(2), 1024, Duration.ofDays(1), 16 * 1024, collection());
    }

    /** How the collector fetches; a test whose member logs are served on plain loopback HTTP allows it. */
    IssuerConfig.Collection collection() {
        return IssuerConfig.Collection.DEFAULT;
    }

    Issuer startIssuer() throws Exception {
        return startIssuer(config());
    }

    /** Starts the issuer with {@code cfg} on the same store (the running one stopped first, by the caller). */
    Issuer startIssuer(IssuerConfig cfg) throws Exception {
        Issuer i = Issuer.start(cfg, clock, line -> { });
        base = "http://127.0.0.1:" + i.port();
        return i;
    }

    @AfterEach
    void stop() {
        if (issuer != null) {
            issuer.close();
        }
        if (store instanceof StoreLocation.Postgres pg) {
            TestDatabase.drop(pg);
        }
    }

    // ------------------------------------------------------------------ helpers

    HttpResponse<String> admin(Object op) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/admin")).header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(op))).build(), HttpResponse.BodyHandlers.ofString());
        return r;
    }

    /** A token request signed by {@code key} for the public URL the issuer is configured with. */
    HttpResponse<String> tokenRequest(SigningKey key, Map<String, String> form) throws Exception {
        SignatureHeaders sig = new WebBotAuthSigner(key, clock).sign(SignedRequest.of("POST", URI.create("https://127.0.0.1:" + issuer.port() + "/token")),
                SignaturePolicy.PER_REQUEST);
        return post("/token", form, Map.of("Signature-Input", sig.signatureInput(), "Signature", sig.signature()));
    }

    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> headers) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return postRaw(path, body, headers);
    }

    HttpResponse<String> postRaw(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    String obtain() throws Exception {
        HttpResponse<String> r = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("access_token").textValue();
    }

    StatusValue statusOf(String token) throws Exception {
        VerifiedLicense v = verifier().verify(token);
        HttpResponse<String> r = get("/status/1");
        StatusListToken list = StatusListToken.verify(r.body(), v.claims().status().orElseThrow().uri(), KeySet.of(collectiveKey.publicKey()));
        return list.list().status((int) v.claims().status().orElseThrow().idx());
    }

    LicenseTokenVerifier verifier() {
        return LicenseTokenVerifier.builder().trustIssuer(ID, KeySet.of(collectiveKey.publicKey())).acceptAudience(ID).clock(clock).build();
    }
}
