package org.cb4i.proxy;

import org.cb4i.sdk.Eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop says what it did: requests in flight drained, the final checkpoint, where the log is kept. */
class StopTest {
    @TempDir
    Path dir;

    @Test
    void stop_drainsTheRequestInFlight_andReportsTheFinalCheckpoint() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir)) {
            h.start("");
            h.origin.stubFor(get("/articles/slow.html").willReturn(aResponse().withFixedDelay(800).withBody("slow")));
            String lic = h.license();
            assertThat(h.licensedGet("/articles/a.html", lic).statusCode()).isEqualTo(200);
            CompletableFuture<HttpResponse<byte[]>> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return h.licensedGet("/articles/slow.html", lic);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The slow request is taken by the proxy before the stop begins: the origin has seen it.
            Eventually.until(() -> h.origin.getAllServeEvents().stream().anyMatch(e -> e.getRequest().getUrl().equals("/articles/slow.html")));
            Proxy.Stopped s = h.proxy.stop();
            h.proxy = null;
            assertThat(slow.get().statusCode()).as("the request in flight was answered").isEqualTo(200);
            assertThat(s.inFlight()).isEqualTo(1);
            assertThat(s.cutOff()).isZero();
            assertThat(s.served()).isEqualTo(2);
            assertThat(s.logEntries()).isEqualTo(2);
            assertThat(s.finalCheckpoint()).contains(2L);
            assertThat(s.logClean()).isTrue();
            assertThat(s.logDir()).isEqualTo(dir.resolve("proxy-log"));
            assertThat(String.join("\n", s.describe())).contains("1 request in flight at the stop, all answered")
                    .contains("2 entries, final checkpoint of 2 entries signed; index marked clean");
        }
    }
}
