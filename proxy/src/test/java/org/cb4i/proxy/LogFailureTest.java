package org.cb4i.proxy;

import org.cb4i.sdk.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import org.cb4i.proxy.receipts.ReceiptLogTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [LOG-4]: when the log cannot record, licensed traffic gets 503 and humans are still served. */
class LogFailureTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void fullDisk_failsClosedForLicensedTraffic_only() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir).start("")) {
            String token = h.license();
            var first = h.licensedGet("/articles/a.html", token);
            assertThat(first.statusCode()).isEqualTo(200);
            String rid = first.headers().firstValue("CB4I-Receipt").orElseThrow().replaceAll(".*rid=\"([^\"]+)\".*", "$1");
            Eventually.until(() -> h.proxy.log().indexOf(rid).isPresent()); // the first entry is on disk before the disk "fills up"
            ReceiptLogTest.injectFault(h.proxy.log(), new IOException("No space left on device"));
            h.licensedGet("/articles/b.html", token); // served; its entry hits the fault and goes to the error stream
            Eventually.until(() -> !h.proxy.log().writable());
            HttpResponse<byte[]> r = h.licensedGet("/articles/c.html", token);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(new String(r.body())).contains("LOG_UNAVAILABLE");
            assertThat(h.get("/articles/a.html").statusCode()).as("humans are not metered").isEqualTo(200);
            Eventually.until(() -> h.events.stream().anyMatch(e -> e.contains("could not record an entry")));
            assertThat(h.events).as("the unrecorded entry goes to the operator's error stream, not nowhere; events: " + h.events)
                    .anyMatch(e -> e.contains("could not record an entry") && e.contains("/articles/b.html"));
            String admin = "http://127.0.0.1:" + h.proxy.adminPort().orElseThrow() + "/readyz";
            assertThat(h.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
        }
    }
}
