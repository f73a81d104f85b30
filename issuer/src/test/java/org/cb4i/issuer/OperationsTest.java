package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.StoreLocation;
import org.cb4i.issuer.testing.TestDatabase;
import org.cb4i.sdk.json.Json;
import org.junit.jupiter.api.Test;

/** The issuer's operations listener and access log: /metrics, /healthz, /readyz (the store answers), one JSON line per request. */
class OperationsTest extends IssuerFixture {
    @Override
    Issuer startIssuer() throws Exception {
        IssuerConfig cfg = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, ID, ID, URI.create("https://licenses.collective.example"),
                dir.resolve("collective/private.jwk"), store(), dir.resolve("store/admin.token"), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofHours(2), 1024, Duration.ofDays(1), 16 * 1024, IssuerConfig.Collection.DEFAULT, IssuerConfig.Limits.DEFAULT,
                new IssuerConfig.Operations(Optional.of("127.0.0.1"), 0, dir.resolve("logs/access.log").toString()));
        Issuer i = Issuer.start(cfg, clock, line -> { });
        base = "http://127.0.0.1:" + i.port();
        return i;
    }

    HttpResponse<String> ops(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + issuer.adminPort().orElseThrow() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsHealthAndTheAccessLog() throws Exception {
        assertThat(ops("/healthz").body()).isEqualTo("ok\n");
        assertThat(ops("/readyz").statusCode()).isEqualTo(200);
        obtain();
        assertThat(get("/status/1").statusCode()).isEqualTo(200);
        // A request is counted when its answer has been written, which the client may see a moment before: read again until it is.
        String metrics = ops("/metrics").body();
        for (long until = System.nanoTime() + 2_000_000_000L; !metrics.contains("endpoint=\"/status/N\",status=\"200\"") && System.nanoTime() < until; ) {
            Thread.sleep(20);
            metrics = ops("/metrics").body();
        }
        assertThat(metrics).contains("cb4i_issuer_requests_total{endpoint=\"/token\",status=\"200\"} 1.0")
                .contains("cb4i_issuer_requests_total{endpoint=\"/status/N\",status=\"200\"} 1.0")
                .contains("cb4i_issuer_store_up 1.0").contains("cb4i_issuer_status_lists 1.0");
        List<String> lines = Files.readAllLines(dir.resolve("logs/access.log"));
        assertThat(lines).anySatisfy(l -> {
            var j = Json.mapper().readTree(l);
            assertThat(j.get("path").asText()).isEqualTo("/token");
            assertThat(j.get("status").asInt()).isEqualTo(200);
            assertThat(j.get("method").asText()).isEqualTo("POST");
        });
    }

    @Test
    void readyz_saysWhenTheDatabaseIsAway() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestDatabase.ON_POSTGRES, "an embedded store is in the process: it cannot be away");
        String name = ((StoreLocation.Postgres) store()).jdbcUrl().replaceFirst(".*/", "");
        try (Connection c = TestDatabase.admin(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?")) {
                ps.setString(1, name);
                ps.execute();
            }
        }
        HttpResponse<String> away = ops("/readyz");
        assertThat(away.statusCode()).isEqualTo(503);
        assertThat(away.body()).contains("store unavailable").contains("cannot be reached");
        assertThat(ops("/metrics").body()).contains("cb4i_issuer_store_up 0.0");
        try (Connection c = TestDatabase.admin(); Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
        }
        assertThat(ops("/readyz").statusCode()).isEqualTo(200);
    }
}
