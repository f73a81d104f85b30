package org.cb4i.conformance.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.StoreLocation;
import org.cb4i.sdk.key.KeyFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issuer suite against cb4i's own issuer, started in this process on its embedded store: every check passes
 * (one dynamic test each). And against a fake issuer whose token endpoint answers anything: the checks fail, so they
 * are not satisfied by any answer.
 */
class IssuerSuiteTest {
    static final String ID = "https://conformance-collective.example";

    @TempDir
    static Path dir;
    static Issuer issuer;
    static IssuerBed bed;

    @BeforeAll
    static void start() throws Exception {
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        IssuerConfig cfg = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, ID, ID, URI.create("https://licenses.conformance.example"),
                dir.resolve("collective/private.jwk"), new StoreLocation.Folder(dir.resolve("store")), dir.resolve("store/admin.token"),
                Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofHours(2), 1024, Duration.ofDays(1), 16 * 1024, IssuerConfig.Collection.DEFAULT);
        issuer = Issuer.start(cfg, Clock.systemUTC(), line -> { });
        bed = new IssuerBed(URI.create("http://127.0.0.1:" + issuer.port()), Files.readString(dir.resolve("store/admin.token")).strip());
    }

    @AfterAll
    static void stop() {
        if (issuer != null) {
            issuer.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCheck_passesAgainstCb4isIssuer() {
        return IssuerChecks.all().stream().map(c -> DynamicTest.dynamicTest(c.title(), () -> {
            IssuerSuite.Result r = IssuerSuite.run(bed, List.of(c), x -> { }).get(0);
            assertThat(r.failure()).as(c.title()).isEmpty();
        }));
    }

    @Test
    void anIssuerThatAnswersAnything_failsTheChecks() throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + fake.getAddress().getPort();
        String discovery = new String(bed.get("/.well-known/cb4i").body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                .replace("http://127.0.0.1:" + issuer.port(), base);
        fake.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body = (path.equals("/.well-known/cb4i") ? discovery : path.equals("/token")
                    ? "{\"access_token\":\"eyJhbGciOiJFZERTQSIsInR5cCI6ImxpY2Vuc2Urand0In0.e30.AAAA\",\"token_type\":\"Bearer\"}" : "{}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        fake.start();
        try {
            IssuerBed fakeBed = new IssuerBed(URI.create(base), "any");
            List<IssuerSuite.Result> results = IssuerSuite.run(fakeBed, IssuerChecks.all(), r -> { });
            assertThat(results).filteredOn(r -> !r.passed()).extracting(r -> r.check().name()).contains(
                    "a token request signed per request by the registered key gets a License token bound to that key",
                    "a token request with no proof of the key is invalid_client, naming the expected signature coverage",
                    "grant_type absent is invalid_request, another is unsupported_grant_type, a repeated parameter is invalid_request",
                    "administration refuses a request without the admin token (401), and a wrong operation whole (400)");
            assertThat(results.stream().filter(IssuerSuite.Result::passed).map(r -> r.check().name()))
                    .as("only discovery, which the fake copies, may pass").containsOnly(
                            "/.well-known/cb4i names the endpoints, the grant type, the client authentication methods and the keys");
            assertThat(IssuerSuite.report(base, "fake", results, java.util.Set.of())).contains("ISS-2    FAIL");
        } finally {
            fake.stop(0);
        }
    }
}
