package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StoreLocation;
import org.cb4i.issuer.testing.TestDatabase;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [ISS-6] on PostgreSQL: two issuer instances serve one collective from one database. Concurrent token requests from
 * several licensees to both get distinct status indices; a request replayed to the other instance is refused; a
 * strike through one is served (and announced, [STS-8]) by the other; a database that drops every connection and
 * refuses new ones under load gets 503s with a reason, then service again, with no license lost or issued twice.
 */
class PostgresStoreTest {
    static final String ID = "https://collective.example";

    @TempDir
    Path dir;
    StoreLocation.Postgres db;
    final List<Issuer> issuers = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    SigningKey collective;
    String adminToken;
    final Map<String, SigningKey> licensees = new java.util.LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.create();
        collective = KeyFiles.readOrGenerate(dir.resolve("collective"));
        issuers.add(startIssuer());
        issuers.add(startIssuer());
        adminToken = Files.readString(dir.resolve("admin.token")).trim();
        for (String l : List.of("lab-a", "lab-b", "lab-c", "lab-d")) {
            SigningKey k = KeyFiles.generate(KeyAlgorithm.ED25519);
            licensees.put(l, k);
            assertThat(admin(0, Map.of("op", "licensee.add", "id", l, "jwk", k.publicKey().toJsonObject())).statusCode()).isEqualTo(200);
            assertThat(admin(1, Map.of("op", "agreement.add", "id", "agr-" + l, "licensee", l, "grant", Map.of("usages", List.of("ai-train")),
                    "not_after", Instant.now().plus(Duration.ofDays(30)).getEpochSecond())).statusCode()).isEqualTo(200);
        }
    }

    Issuer startIssuer() throws Exception {
        IssuerConfig cfg = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, ID, ID, URI.create("https://licenses.collective.example"),
                dir.resolve("collective/private.jwk"), db, dir.resolve("admin.token"), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofHours(2), 1024, Duration.ofDays(1), 16 * 1024, IssuerConfig.Collection.DEFAULT);
        return Issuer.start(cfg, Clock.systemUTC(), line -> { });
    }

    @AfterEach
    void stop() {
        issuers.forEach(Issuer::close);
        TestDatabase.drop(db);
    }

    String base(int i) {
        return "http://127.0.0.1:" + issuers.get(i).port();
    }

    HttpResponse<String> admin(int i, Object op) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base(i) + "/admin")).header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(op))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The headers of a token request to instance {@code i}, signed by {@code key} for that instance's authority. */
    SignatureHeaders sign(int i, SigningKey key) {
        return new WebBotAuthSigner(key, Clock.systemUTC()).sign(SignedRequest.of("POST", URI.create("https://127.0.0.1:" + issuers.get(i).port() + "/token")),
                SignaturePolicy.PER_REQUEST);
    }

    HttpResponse<String> token(int i, SigningKey key) throws Exception {
        SignatureHeaders sig = sign(i, key);
        return http.send(HttpRequest.newBuilder(URI.create(base(i) + "/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature())
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
    }

    VerifiedLicense verify(String token) {
        return LicenseTokenVerifier.builder().trustIssuer(ID, KeySet.of(collective.publicKey())).acceptAudience(ID).build().verify(token);
    }

    @Test
    void concurrentTokenRequestsToTwoInstances_getDistinctIndices() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            for (var l : licensees.values()) {
                for (int i = 0; i < 2; i++) {
                    int instance = i;
                    answers.add(pool.submit(() -> token(instance, l)));
                }
            }
        }
        Set<Long> indices = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (Future<HttpResponse<String>> f : answers) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            VerifiedLicense v = verify(Json.mapper().readTree(r.body()).get("access_token").textValue());
            assertThat(indices.add(v.claims().status().orElseThrow().idx())).as("index " + v.claims().status().get().idx() + " given twice").isTrue();
            ids.add(v.claims().id());
        }
        pool.shutdown();
        assertThat(indices).hasSize(80);
        try (IssuerStore s = IssuerStore.open(db)) {
            assertThat(s.licenses(Optional.empty())).hasSize(80).allSatisfy(l -> assertThat(ids).contains(l.jti()));
        }
    }

    @Test
    void aTokenRequestReplayedToTheOtherInstance_isRefused() throws Exception {
        SigningKey key = licensees.get("lab-a");
        SignatureHeaders sig = sign(0, key);
        String authority = "127.0.0.1:" + issuers.get(0).port(); // behind one load balancer, both instances are this host
        assertThat(raw(0, authority, sig)).startsWith("HTTP/1.1 200");
        String again = raw(1, authority, sig);
        assertThat(again).startsWith("HTTP/1.1 400").contains("\"error\":\"invalid_client\"").contains("replayed token request");
    }

    /** A token request sent as it was signed, whichever instance gets it. */
    String raw(int i, String authority, SignatureHeaders sig) throws Exception {
        String body = "grant_type=client_credentials";
        try (Socket s = new Socket("127.0.0.1", issuers.get(i).port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /token HTTP/1.1\r\nHost: " + authority + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                    + "\r\nSignature-Input: " + sig.signatureInput() + "\r\nSignature: " + sig.signature() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aStrikeThroughOneInstance_isServedAndAnnouncedByTheOther() throws Exception {
        HttpResponse<String> t = token(0, licensees.get("lab-b"));
        VerifiedLicense v = verify(Json.mapper().readTree(t.body()).get("access_token").textValue());
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base(1) + "/status/changes")).build(), HttpResponse.BodyHandlers.ofInputStream());
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (var b = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = b.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                // ends with the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        long first = StatusTest.nextSeq(lines);
        assertThat(admin(0, Map.of("op", "strike", "licensee", "lab-b")).statusCode()).isEqualTo(200);
        assertThat(StatusTest.nextSeq(lines)).as("the other instance announces the change").isGreaterThan(first);
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base(1) + "/status/1")).build(), HttpResponse.BodyHandlers.ofString());
        StatusListToken l = StatusListToken.verify(list.body(), v.claims().status().get().uri(), KeySet.of(collective.publicKey()));
        assertThat(l.list().status((int) v.claims().status().get().idx())).isEqualTo(StatusValue.SUSPENDED);
        assertThat(token(1, licensees.get("lab-b")).body()).as("no new license during the strike, from either").contains("strike");
        stream.body().close();
    }

    @Test
    void aDatabaseThatDropsItsConnectionsUnderLoad_gets503sThenServiceAgain_andNothingIsLostOrIssuedTwice() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> issued = Collections.synchronizedList(new ArrayList<>());
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Future<?>> load = new ArrayList<>();
        for (var l : licensees.values()) {
            for (int i = 0; i < 2; i++) {
                int instance = i;
                load.add(pool.submit(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = token(instance, l);
                            if (r.statusCode() == 200) {
                                issued.add(Json.mapper().readTree(r.body()).get("access_token").textValue());
                            } else {
                                refusals.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            refusals.add("no answer: " + e);
                        }
                    }
                    return null;
                }));
            }
        }
        org.cb4i.sdk.Eventually.until(Duration.ofSeconds(10), "licenses flowing", () -> issued.size() > 20);
        String name = db.jdbcUrl().replaceFirst(".*/", "");
        try (Connection c = TestDatabase.admin(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
                ps.setString(1, name);
                ps.execute();
            }
        }
        org.cb4i.sdk.Eventually.until(Duration.ofSeconds(10), "503s while the database is away", () -> refusals.size() > 10);
        int during = issued.size();
        try (Connection c = TestDatabase.admin(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
        }
        org.cb4i.sdk.Eventually.until(Duration.ofSeconds(15), "licenses flowing again", () -> issued.size() > during + 20);
        running.set(false);
        for (Future<?> f : load) {
            f.get();
        }
        pool.shutdown();
        assertThat(refusals).as("every refusal a 503 with its reason").allSatisfy(r -> assertThat(r).startsWith("503 ")
                .contains("the database cannot be reached now"));
        Set<Long> indices = new HashSet<>();
        try (IssuerStore s = IssuerStore.open(db)) {
            Set<String> stored = new HashSet<>();
            s.licenses(Optional.empty()).forEach(l -> stored.add(l.jti()));
            for (String t : issued) {
                VerifiedLicense v = verify(t);
                assertThat(stored).as("license " + v.claims().id() + " was answered, so it is kept").contains(v.claims().id());
                assertThat(indices.add(v.claims().status().get().idx())).isTrue();
            }
        }
    }

    @Test
    void theCollectorsLease_isHeldByOneInstanceAtATime() {
        Instant now = Instant.now();
        try (IssuerStore a = IssuerStore.open(db); IssuerStore b = IssuerStore.open(db)) {
            assertThat(a.leases().take("collector", "instance-a", now, now.plusSeconds(120))).isTrue();
            assertThat(b.leases().take("collector", "instance-b", now.plusSeconds(60), now.plusSeconds(180))).as("while a holds it").isFalse();
            assertThat(a.leases().take("collector", "instance-a", now.plusSeconds(60), now.plusSeconds(180))).as("renewed by its holder").isTrue();
            assertThat(b.leases().take("collector", "instance-b", now.plusSeconds(181), now.plusSeconds(300))).as("once it ran out").isTrue();
            assertThat(a.leases().take("collector", "instance-a", now.plusSeconds(200), now.plusSeconds(320))).isFalse();
        }
    }
}
