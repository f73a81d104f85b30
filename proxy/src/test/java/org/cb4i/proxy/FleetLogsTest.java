package org.cb4i.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.testing.RedisServer;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's instances behind one address: a request for one instance's receipts log that reaches another is forwarded
 * to the instance that holds it (found through Redis), its signature still good there; never a wrong "unknown".
 */
class FleetLogsTest {
    @TempDir
    Path dir;
    RedisServer redis;
    ProxyHarness h;
    Proxy b;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String fleet(int port) {
        return "quota:\n  store: " + redis.url() + "\n  on_store_unavailable: local_limits\nfleet:\n  advertise: http://127.0.0.1:" + port + "\n";
    }

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start(dir);
        int pa = freePort();
        int pb = freePort();
        h = new ProxyHarness(dir);
        h.configFile = dir.resolve("proxy.yaml");
        Files.writeString(h.configFile, h.config(fleet(pa)).replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:" + pa));
        h.proxy = Proxy.start(ConfigLoader.load(h.configFile), Clock.systemUTC(), h.events::add);
        Path d = Files.createDirectories(dir.resolve("b"));
        Files.copy(dir.resolve("issuer.jwks.json"), d.resolve("issuer.jwks.json"));
        Files.writeString(d.resolve("proxy.yaml"), h.config(fleet(pb)).replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:" + pb));
        b = Proxy.start(ConfigLoader.load(d.resolve("proxy.yaml")), Clock.systemUTC(), h.events::add);
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        h.close();
        redis.close();
    }

    @Test
    void aRequestForAnotherInstancesLog_isAnsweredByThatInstance() throws Exception {
        String token = h.license();
        HttpResponse<byte[]> served = h.licensedGet("/articles/a.html", token);
        assertThat(served.statusCode()).isEqualTo(200);
        String rid = served.headers().firstValue("CB4I-Receipt").orElseThrow().replaceAll(".*rid=\"([^\"]+)\".*", "$1");
        String logA = h.proxy.log().logId();
        assertThat(b.log().logId()).isNotEqualTo(logA);
        Eventually.until(Duration.ofSeconds(10), "a checkpoint covering the entry", () -> h.proxy.log().checkpoint().map(c -> c.size() >= 1).orElse(false));

        HttpResponse<byte[]> cp = h.licensedGetAt(b.port(), "/.well-known/cb4i/logs/" + logA + "/checkpoint", token);
        assertThat(cp.statusCode()).as(new String(cp.body())).isEqualTo(200);
        assertThat(new String(cp.body())).isEqualTo(h.proxy.log().checkpoint().orElseThrow().compact());

        HttpResponse<byte[]> proofs = h.licensedGetAt(b.port(), "/.well-known/cb4i/logs/" + logA + "/proofs?rid=" + rid, token,
                org.cb4i.sdk.httpsig.SignaturePolicy.PER_REQUEST);
        assertThat(proofs.statusCode()).as("signed for the address it was sent to, verified where the log is: " + new String(proofs.body()))
                .isEqualTo(200);
        assertThat(Json.mapper().readTree(proofs.body()).get("entries").get(0).get("rid").asText()).isEqualTo(rid);

        HttpResponse<byte[]> unknown = h.licensedGetAt(b.port(), "/.well-known/cb4i/logs/nosuchlog/checkpoint", token);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new String(unknown.body())).contains("no instance of this site serves log nosuchlog");

        h.proxy.close();
        h.proxy = null;
        HttpResponse<byte[]> gone = h.licensedGetAt(b.port(), "/.well-known/cb4i/logs/" + logA + "/checkpoint", token);
        assertThat(gone.statusCode()).isEqualTo(502);
        assertThat(new String(gone.body())).contains("the instance serving log " + logA).contains("cannot be reached");
    }
}
