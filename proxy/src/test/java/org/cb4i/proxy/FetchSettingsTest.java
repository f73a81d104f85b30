package org.cb4i.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.testing.ProxyYaml;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [FET-1]: plain http and private addresses are two loosenings with two settings, and a refusal names the one that
 * would allow it, in the 503's cause as in {@code /readyz}.
 */
class FetchSettingsTest {
    @TempDir
    Path dir;

    ProxyConfig.Fetching fetching(String yaml) throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir)) {
            Path f = dir.resolve("p.yaml");
            Files.writeString(f, h.config("").replace(ProxyYaml.LOOPBACK_FETCHING, "") + yaml);
            return ConfigLoader.load(f).fetching();
        }
    }

    @Test
    void eachLooseningHasItsOwnSetting_andTheOldNameSetsBoth() throws Exception {
        assertThat(fetching("")).isEqualTo(new ProxyConfig.Fetching(false, false));
        assertThat(fetching("allow_private_addresses: true\n")).isEqualTo(new ProxyConfig.Fetching(false, true));
        assertThat(fetching("allow_plain_http: true\n")).isEqualTo(new ProxyConfig.Fetching(true, false));
        assertThat(fetching("fetch_from_private_addresses: true\n")).isEqualTo(new ProxyConfig.Fetching(true, true));
        assertThat(fetching("fetch_from_private_addresses: true\nallow_plain_http: false\n")).as("a new name decides its own")
                .isEqualTo(new ProxyConfig.Fetching(false, true));
    }

    @Test
    void aPlainHttpStatusList_isRefused_naming_allow_plain_http_inTheAnswerAndInReadyz() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir)) {
            Path f = dir.resolve("proxy.yaml");
            Files.writeString(f, h.config("").replace(ProxyYaml.LOOPBACK_FETCHING, "allow_private_addresses: true\n"));
            h.configFile = f;
            h.proxy = Proxy.start(ConfigLoader.load(f), java.time.Clock.systemUTC(), h.events::add);
            URI uri = URI.create("http://127.0.0.1:" + h.origin.port() + "/status/1");
            h.origin.stubFor(get("/status/1").willReturn(aResponse().withBody(StatusListToken.sign(h.issuer, uri, Instant.now(),
                    Instant.now().plusSeconds(600), Duration.ofSeconds(60), StatusList.create(2, 64)).compact())));
            String lic = h.license(h.claims("p", EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.of(new StatusReference(1, uri)),
                    Instant.now().plusSeconds(600)));
            String admin = "http://127.0.0.1:" + h.proxy.adminPort().orElseThrow() + "/readyz";
            assertThat(h.http.send(HttpRequest.newBuilder(URI.create(admin)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> r = h.licensedGet("/articles/a.html", lic);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("STATUS_UNAVAILABLE");
            HttpResponse<String> ready = h.http.send(HttpRequest.newBuilder(URI.create(admin)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains(uri.toString()).contains("only https URLs are fetched")
                    .contains("allow_plain_http: true in the proxy's configuration allows it").doesNotContain("allow_private_addresses");
        }
    }
}
