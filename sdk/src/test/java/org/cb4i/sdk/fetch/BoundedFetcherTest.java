package org.cb4i.sdk.fetch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.cb4i.sdk.ReasonOf.reasonOf;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import org.cb4i.sdk.InfrastructureException;
import org.cb4i.sdk.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** [FET-1]: fetches named by untrusted input are bounded. */
class BoundedFetcherTest {
    WireMockServer server;
    BoundedFetcher loopback;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        loopback = new BoundedFetcher(FetchPolicy.strict().allowPrivateAddresses().allowPlainHttp().withTimeout(Duration.ofMillis(500)).withMaxBytes(4096));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void strictPolicy_refusesPlainHttpAndLoopback_withoutConnecting() {
        BoundedFetcher strict = new BoundedFetcher(FetchPolicy.strict());
        assertThat(reasonOf(() -> strict.get(url("/x"), "*/*"))).isEqualTo(Reason.FETCH_REFUSED);
        assertThat(reasonOf(() -> strict.check(URI.create("https://127.0.0.1/x")))).isEqualTo(Reason.FETCH_REFUSED);
        assertThat(reasonOf(() -> strict.check(URI.create("https://[::1]/x")))).isEqualTo(Reason.FETCH_REFUSED);
        assertThat(reasonOf(() -> strict.check(URI.create("https://169.254.169.254/latest")))).isEqualTo(Reason.FETCH_REFUSED);
        assertThat(reasonOf(() -> strict.check(URI.create("https://user@example.com/x")))).isEqualTo(Reason.FETCH_REFUSED);
        assertThat(reasonOf(() -> strict.check(URI.create("file:///etc/passwd")))).isEqualTo(Reason.FETCH_REFUSED);
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void nonPublicRanges_areRecognised() throws Exception {
        for (String a : new String[] {"10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0", "fd00::1", "fe80::1", "224.0.0.1"}) {
            assertThat(BoundedFetcher.isNonPublic(InetAddress.getByName(a))).as(a).isTrue();
        }
        assertThat(BoundedFetcher.isNonPublic(InetAddress.getByName("93.184.216.34"))).isFalse();
    }

    @Test
    void redirects_areNotFollowed() {
        server.stubFor(get("/r").willReturn(aResponse().withStatus(302).withHeader("Location", url("/target").toString())));
        assertThatThrownBy(() -> loopback.get(url("/r"), "*/*")).isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("302").hasMessageContaining("redirects are not followed");
        server.verify(0, getRequestedFor(urlEqualTo("/target")));
    }

    @Test
    void oversizedBody_andSlowServer_fail() {
        server.stubFor(get("/big").willReturn(aResponse().withBody(new byte[5000])));
        assertThatThrownBy(() -> loopback.get(url("/big"), "*/*")).hasMessageContaining("larger than 4096");
        server.stubFor(get("/slow").willReturn(aResponse().withFixedDelay(2000).withBody("x")));
        assertThat(reasonOf(() -> loopback.get(url("/slow"), "*/*"))).isEqualTo(Reason.FETCH_FAILED);
    }

    @Test
    void ok_returnsBodyAndContentType() {
        server.stubFor(get("/ok").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{}")));
        BoundedFetcher.Fetched f = loopback.get(url("/ok"), "application/json");
        assertThat(f.contentType()).isEqualTo("application/json");
        assertThat(new String(f.body())).isEqualTo("{}");
    }
}
