package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.VerifiedLicense;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issuer over real HTTP on loopback, with a clock the tests move: SPEC.md §13 ([ISS-*]) and the issuer side of §3 and §6. */
class IssuerTest {
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
                "quota", Map.of("rps", 2), "price", Map.of("currency", "EUR", "per_request", 0.001)),
                "not_after", clock.instant().plus(Duration.ofDays(30)).getEpochSecond()));
    }

    Issuer startIssuer() throws Exception {
        IssuerConfig cfg = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, ID, ID, URI.create("https://licenses.collective.example"),
                dir.resolve("collective/private.jwk"), dir.resolve("store"), dir.resolve("store/admin.token"), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofHours(2), 1024, Duration.ofDays(1), 16 * 1024);
        Issuer i = Issuer.start(cfg, clock, line -> { });
        base = "http://127.0.0.1:" + i.port();
        return i;
    }

    @AfterEach
    void stop() {
        if (issuer != null) {
            issuer.close();
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

    // ------------------------------------------------------------------ tests

    @Test
    void aSignedTokenRequestGetsALicenseBoundToTheRegisteredKey() throws Exception { // [ISS-1] [ISS-2] [ISS-3]
        HttpResponse<String> r = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "client_id", "crawler-co"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = json(r);
        assertThat(body.get("token_type").textValue()).isEqualTo("License");
        assertThat(body.get("expires_in").longValue()).isEqualTo(3600);
        VerifiedLicense v = verifier().verify(body.get("access_token").textValue());
        assertThat(v.claims().subject()).isEqualTo("crawler-co");
        assertThat(v.claims().confirmation().jkt()).isEqualTo(crawler.thumbprint());
        assertThat(v.claims().usages()).containsExactly(Usage.AI_TRAIN);
        assertThat(v.claims().quota().rps()).hasValue(2.0);
        assertThat(v.claims().status().orElseThrow().uri()).hasToString("https://licenses.collective.example/status/1");
        assertThat(v.claims().audience()).containsExactly(ID);
        assertThat(CompactJws.parse(body.get("access_token").textValue(), "license+jwt", 8192, "t").payload().has("price"))
                .as("the price schedule stays with the agreement").isFalse();
        assertThat(statusOf(body.get("access_token").textValue())).isEqualTo(StatusValue.VALID);
    }

    @Test
    void tokenRequestsThatDoNotProveTheKeyAreRefusedPrecisely() throws Exception { // [ISS-2]
        HttpResponse<String> none = post("/token", Map.of("grant_type", "client_credentials"), Map.of());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).get("error").textValue()).isEqualTo("invalid_client");
        assertThat(none.headers().firstValue("Accept-Signature")).hasValueSatisfying(v -> assertThat(v).contains("@target-uri"));

        HttpResponse<String> stranger = tokenRequest(KeyFiles.generate(KeyAlgorithm.ED25519), Map.of("grant_type", "client_credentials"));
        assertThat(json(stranger).get("error").textValue()).isEqualTo("invalid_client");
        assertThat(json(stranger).get("error_description").textValue()).contains("no licensee is registered with key");

        HttpResponse<String> otherId = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "client_id", "someone-else"));
        assertThat(json(otherId).get("error_description").textValue()).contains("does not match");

        // the same signature twice: a replay
        SignatureHeaders sig = new WebBotAuthSigner(crawler, clock).sign(SignedRequest.of("POST", URI.create("https://127.0.0.1:" + issuer.port() + "/token")),
                SignaturePolicy.PER_REQUEST);
        Map<String, String> h = Map.of("Signature-Input", sig.signatureInput(), "Signature", sig.signature());
        assertThat(post("/token", Map.of("grant_type", "client_credentials"), h).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = post("/token", Map.of("grant_type", "client_credentials"), h);
        assertThat(json(replay).get("error").textValue()).isEqualTo("invalid_client");
        assertThat(json(replay).get("error_description").textValue()).contains("replayed");

        // a reusable signature (only @authority) does not authorise a token request
        SignatureHeaders reusable = new WebBotAuthSigner(crawler, clock).sign(SignedRequest.of("POST", URI.create("https://127.0.0.1:" + issuer.port() + "/token")),
                SignaturePolicy.REUSABLE);
        HttpResponse<String> weak = post("/token", Map.of("grant_type", "client_credentials"),
                Map.of("Signature-Input", reusable.signatureInput(), "Signature", reusable.signature()));
        assertThat(json(weak).get("error_description").textValue()).contains("SIGNATURE_COVERAGE_INSUFFICIENT");
        assertThat(admin(Map.of("op", "license.list")).body()).contains("\"licenses\":[{").doesNotContain("},{");
    }

    @Test
    void privateKeyJwtAuthenticatesOnceAndOnlyForThisEndpoint() throws Exception { // [ISS-2]
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "crawler-co");
        claims.put("sub", "crawler-co");
        claims.put("aud", "https://licenses.collective.example/token");
        claims.put("jti", "assertion-1");
        claims.put("exp", clock.instant().plusSeconds(120).getEpochSecond());
        String assertion = CompactJws.sign(crawler, "JWT", claims);
        Map<String, String> form = Map.of("grant_type", "client_credentials", "client_assertion_type", ClientAuthentication.ASSERTION_TYPE,
                "client_assertion", assertion);
        HttpResponse<String> ok = post("/token", form, Map.of());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(post("/token", form, Map.of())).get("error_description").textValue()).contains("replayed");

        claims.put("jti", "assertion-2");
        claims.put("aud", "https://elsewhere.example/token");
        HttpResponse<String> wrongAud = post("/token", Map.of("grant_type", "client_credentials", "client_assertion_type",
                ClientAuthentication.ASSERTION_TYPE, "client_assertion", CompactJws.sign(crawler, "JWT", claims)), Map.of());
        assertThat(json(wrongAud).get("error_description").textValue()).contains("aud");

        claims.put("aud", ID);
        claims.put("jti", "assertion-3");
        HttpResponse<String> forged = post("/token", Map.of("grant_type", "client_credentials", "client_assertion_type",
                ClientAuthentication.ASSERTION_TYPE, "client_assertion", CompactJws.sign(KeyFiles.generate(KeyAlgorithm.ED25519), "JWT", claims)), Map.of());
        assertThat(json(forged).get("error").textValue()).isEqualTo("invalid_client");
    }

    @Test
    void malformedTokenRequestsAreRefusedWithTheOAuthError() throws Exception { // [ISS-1]
        assertThat(json(tokenRequest(crawler, Map.of())).get("error").textValue()).isEqualTo("invalid_request");
        assertThat(json(tokenRequest(crawler, Map.of("grant_type", "password"))).get("error").textValue()).isEqualTo("unsupported_grant_type");
        HttpResponse<String> repeated = postRaw("/token", "grant_type=client_credentials&grant_type=client_credentials", Map.of());
        assertThat(json(repeated).get("error_description").textValue()).contains("repeated");
        HttpResponse<String> badEscape = postRaw("/token", "grant_type=%zz", Map.of());
        assertThat(json(badEscape).get("error").textValue()).isEqualTo("invalid_request");
        HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(base + "/token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(json).get("error_description").textValue()).contains("application/x-www-form-urlencoded");
        HttpResponse<String> huge = postRaw("/token", "grant_type=" + "x".repeat(20_000), Map.of());
        assertThat(huge.statusCode()).isEqualTo(413);
        HttpResponse<String> get = get("/token");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(get("/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void agreementsDecideWhetherAndWhatIsIssued() throws Exception { // [ISS-3]
        admin(Map.of("op", "agreement.add", "id", "a2", "licensee", "crawler-co", "grant", Map.of("usages", List.of("search")),
                "not_after", clock.instant().plus(Duration.ofDays(60)).getEpochSecond()));
        HttpResponse<String> two = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(json(two).get("error").textValue()).isEqualTo("invalid_request");
        assertThat(json(two).get("error_description").textValue()).contains("agreement=a1|a2");
        HttpResponse<String> named = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a2"));
        assertThat(verifier().verify(json(named).get("access_token").textValue()).claims().usages()).containsExactly(Usage.SEARCH);

        clock.advance(Duration.ofDays(31)); // a1 has ended; a2 is in force, and its licenses end with it
        HttpResponse<String> ended = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a1"));
        assertThat(json(ended).get("error").textValue()).isEqualTo("invalid_grant");
        clock.advance(Duration.ofDays(28).plusHours(23).plusMinutes(30)); // 30 minutes before a2 ends
        HttpResponse<String> last = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
        assertThat(json(last).get("expires_in").longValue()).isEqualTo(1800);
        clock.advance(Duration.ofHours(1));
        assertThat(json(tokenRequest(crawler, Map.of("grant_type", "client_credentials"))).get("error_description").textValue())
                .contains("no agreement in force");
    }

    @Test
    void revocationSuspensionAndStrikesReachTheStatusList() throws Exception { // [ISS-4] [ISS-7] [ISS-8] [STS-2]
        String t1 = obtain();
        String t2 = obtain();
        assertThat(admin(Map.of("op", "revoke", "jti", verifier().verify(t1).claims().id())).statusCode()).isEqualTo(200);
        assertThat(statusOf(t1)).isEqualTo(StatusValue.INVALID);
        assertThat(statusOf(t2)).isEqualTo(StatusValue.VALID);

        admin(Map.of("op", "strike", "licensee", "crawler-co"));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(statusOf(t1)).as("revoked stays revoked").isEqualTo(StatusValue.INVALID);
        HttpResponse<String> refused = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(json(refused).get("error").textValue()).isEqualTo("unauthorized_client");
        assertThat(json(refused).get("error_description").textValue()).contains("on strike");
        admin(Map.of("op", "resume", "licensee", "crawler-co"));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.VALID);

        admin(Map.of("op", "suspend", "licensee", "crawler-co", "reason", "payment-overdue"));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.PAYMENT_OVERDUE);
        admin(Map.of("op", "resume", "licensee", "crawler-co"));

        admin(Map.of("op", "strike", "all", true));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(json(tokenRequest(crawler, Map.of("grant_type", "client_credentials"))).get("error_description").textValue())
                .contains("collective is on strike");
        admin(Map.of("op", "resume", "all", true));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.VALID);
    }

    @Test
    void pastStatusListsAreServedWithTimesThatBracketTheQuestion() throws Exception { // [STS-7] [ISS-4]
        String t = obtain();
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(10));
        admin(Map.of("op", "strike", "licensee", "crawler-co"));
        Instant strikeAt = clock.instant();
        clock.advance(Duration.ofMinutes(10));
        URI uri = URI.create("https://licenses.collective.example/status/1");
        int idx = (int) verifier().verify(t).claims().status().orElseThrow().idx();

        HttpResponse<String> past = get("/status/1?time=" + before.getEpochSecond());
        assertThat(past.statusCode()).isEqualTo(200);
        StatusListToken then = StatusListToken.verify(past.body(), uri, KeySet.of(collectiveKey.publicKey()));
        assertThat(then.list().status(idx)).isEqualTo(StatusValue.VALID);
        assertThat(then.issuedAt()).isBeforeOrEqualTo(before);
        assertThat(then.expiresAt()).hasValue(strikeAt);

        StatusListToken now = StatusListToken.verify(get("/status/1?time=" + strikeAt.getEpochSecond()).body(), uri, KeySet.of(collectiveKey.publicKey()));
        assertThat(now.list().status(idx)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(get("/status/1?time=" + clock.instant().plusSeconds(3600).getEpochSecond()).statusCode()).isEqualTo(404);
        assertThat(get("/status/1?time=0").statusCode()).isEqualTo(404);
        assertThat(get("/status/1?time=yesterday").statusCode()).isEqualTo(400);

        StatusListToken current = StatusListToken.verify(get("/status/1").body(), uri, KeySet.of(collectiveKey.publicKey()));
        assertThat(current.ttl()).hasValue(Duration.ofSeconds(30));
        assertThat(current.expiresAt()).hasValue(clock.instant().plus(Duration.ofHours(2)));
    }

    @Test
    void theRepertoireIsSignedAndAnswersForThePast() throws Exception { // [REP-1] [REP-2] [REP-3]
        SigningKey publisher = KeyFiles.generate(KeyAlgorithm.ED25519);
        Instant joined = clock.instant();
        assertThat(admin(Map.of("op", "member.add", "origin", "HTTPS://News.Example:443", "content_keys", publisher.publicKey().toJsonObject()))
                .statusCode()).isEqualTo(200);
        HttpResponse<String> dup = admin(Map.of("op", "member.add", "origin", "https://news.example", "content_keys", publisher.publicKey().toJsonObject()));
        assertThat(dup.statusCode()).isEqualTo(409);
        clock.advance(Duration.ofDays(10));
        admin(Map.of("op", "member.remove", "origin", "https://news.example"));
        clock.advance(Duration.ofDays(1));

        HttpResponse<String> r = get("/repertoire");
        assertThat(r.headers().firstValue("Content-Type")).hasValue(Repertoire.MEDIA_TYPE);
        Repertoire now = Repertoire.verify(r.body(), KeySet.of(collectiveKey.publicKey()));
        assertThat(now.id()).isEqualTo(ID);
        assertThat(now.members()).isEmpty();
        Repertoire then = Repertoire.verify(get("/repertoire?time=" + joined.plus(Duration.ofDays(2)).getEpochSecond()).body(),
                KeySet.of(collectiveKey.publicKey()));
        assertThat(then.memberAt("https://news.example", joined.plus(Duration.ofDays(2)))).hasValueSatisfying(m -> {
            assertThat(m.contentKeys().find(publisher.thumbprint())).isPresent();
            assertThat(m.left()).hasValue(joined.plus(Duration.ofDays(10)));
        });
        assertThat(then.memberAt("https://news.example", joined.plus(Duration.ofDays(10)))).isEmpty();
        assertThatThrownBy(() -> Repertoire.verify(r.body(), KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey())))
                .hasMessageContaining("not among the trusted keys");
    }

    @Test
    void introspectionSaysWhetherALicenseIsActiveAndWhy() throws Exception { // [ISS-5]
        String t = obtain();
        JsonNode active = json(post("/introspect", Map.of("token", t), Map.of()));
        assertThat(active.get("active").booleanValue()).isTrue();
        assertThat(active.get("sub").textValue()).isEqualTo("crawler-co");
        assertThat(active.get("cnf").get("jkt").textValue()).isEqualTo(crawler.thumbprint());
        assertThat(active.get("authorization_details").get(0).get("usages").get(0).textValue()).isEqualTo("ai-train");
        admin(Map.of("op", "revoke", "jti", active.get("jti").textValue()));
        JsonNode revoked = json(post("/introspect", Map.of("token", t), Map.of()));
        assertThat(revoked.get("active").booleanValue()).isFalse();
        assertThat(revoked.get("reason").textValue()).isEqualTo("LICENSE_REVOKED");
        JsonNode garbage = json(post("/introspect", Map.of("token", "a.b.c"), Map.of()));
        assertThat(garbage.get("active").booleanValue()).isFalse();
        clock.advance(Duration.ofHours(2));
        assertThat(json(post("/introspect", Map.of("token", obtain()), Map.of())).get("active").booleanValue()).isTrue();
    }

    @Test
    void adminNeedsItsTokenAndRefusesBadInputWhole() throws Exception { // [ISS-6]
        HttpResponse<String> anon = http.send(HttpRequest.newBuilder(URI.create(base + "/admin")).POST(HttpRequest.BodyPublishers.ofString("{\"op\":\"status\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(anon.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/admin")).header("Authorization", "Bearer " + "x".repeat(43))
                .POST(HttpRequest.BodyPublishers.ofString("{\"op\":\"status\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);

        assertThat(admin(Map.of("op", "explode")).statusCode()).isEqualTo(400);
        HttpResponse<String> badGrant = admin(Map.of("op", "agreement.add", "id", "bad", "licensee", "crawler-co",
                "grant", Map.of("usages", List.of("ai-train"), "paths", List.of(Map.of("allow", List.of("no-slash")))),
                "not_after", clock.instant().plusSeconds(3600).getEpochSecond()));
        assertThat(badGrant.statusCode()).isEqualTo(400);
        assertThat(json(badGrant).get("error_description").textValue()).contains("paths");
        assertThat(admin(Map.of("op", "agreement.list")).body()).doesNotContain("\"bad\"").contains("\"per_request\":0.001");
        assertThat(admin(Map.of("op", "agreement.add", "id", "cheap", "licensee", "crawler-co", "grant", Map.of("usages", List.of("ai-train"),
                "price", "free"), "not_after", clock.instant().plusSeconds(3600).getEpochSecond())).statusCode()).isEqualTo(400);
        assertThat(admin(Map.of("op", "agreement.add", "id", "x", "licensee", "nobody", "grant", Map.of("usages", List.of("ai-train")),
                "not_after", clock.instant().plusSeconds(3600).getEpochSecond())).statusCode()).isEqualTo(404);
        assertThat(admin(Map.of("op", "licensee.add", "id", "crawler-co", "jwk", crawler.publicKey().toJsonObject())).statusCode()).isEqualTo(409);
        assertThat(admin(Map.of("op", "licensee.add", "id", "twin", "jwk", crawler.publicKey().toJsonObject())).statusCode())
                .as("one key, one licensee").isEqualTo(409);
        assertThat(admin(Map.of("op", "revoke", "jti", "nope")).statusCode()).isEqualTo(404);
        HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(URI.create(base + "/admin")).header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString("{op:")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void theStoreSurvivesARestartAndRefusesASecondOpener() throws Exception { // [ISS-6]
        String t = obtain();
        admin(Map.of("op", "strike", "licensee", "crawler-co"));
        assertThatThrownBy(() -> IssuerStore.open(dir.resolve("store"))).isInstanceOf(StoreException.class).hasMessageContaining("in use");
        issuer.close();
        issuer = startIssuer();
        assertThat(statusOf(t)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(admin(Map.of("op", "licensee.list")).body()).contains("\"state\":\"strike\"");
        assertThat(Files.readString(dir.resolve("store/admin.token")).trim()).isEqualTo(adminToken);
    }

    @Test
    void aStop_saysWhatItDrainedAndWhereTheStoreIs_andReleasesIt() throws Exception {
        assertThat(get("/jwks").statusCode()).isEqualTo(200);
        Issuer.Stopped s = issuer.stop();
        issuer = null;
        assertThat(s.inFlight()).isZero();
        assertThat(s.cutOff()).isZero();
        assertThat(s.served()).as("the two admin calls of the set-up and the key set").isEqualTo(3);
        assertThat(s.store()).isEqualTo(dir.resolve("store"));
        assertThat(String.join("\n", s.describe())).contains("all answered; 3 answered since the start").contains("store " + dir.resolve("store") + " closed");
        IssuerStore.open(dir.resolve("store")).close(); // released
    }

    @Test
    void discoveryNamesEveryEndpointAndTheKeys() throws Exception { // [ISS-1]
        JsonNode d = json(get("/.well-known/cb4i"));
        assertThat(d.get("collective").textValue()).isEqualTo(ID);
        assertThat(d.get("token_endpoint").textValue()).isEqualTo("https://licenses.collective.example/token");
        assertThat(d.get("status_lists").get(0).textValue()).isEqualTo("https://licenses.collective.example/status/1");
        assertThat(d.get("keys").get("keys").get(0).get("kid").textValue()).isEqualTo(collectiveKey.thumbprint());
        assertThat(json(get("/jwks")).get("keys").get(0).has("d")).isFalse();
    }
}
