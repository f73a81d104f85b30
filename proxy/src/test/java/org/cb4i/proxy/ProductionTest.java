package org.cb4i.proxy;

import org.cb4i.sdk.Eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
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
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Quota;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What running it for real needs: remote key sets and rotation, TLS, trusted forwarders ([ENF-7]), slow clients. */
class ProductionTest {
    @TempDir
    Path dir;

    @Test
    void remoteKeySet_isRefreshed_rotationTakesEffect_andAnOutageKeepsTheKeys() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir)) {
            h.origin.stubFor(WireMock.get("/jwks").willReturn(aResponse().withBody(Json.write(KeySet.of(h.issuer.publicKey()).toJsonObject()))));
            String remote = h.config("").replace("jwks: file:issuer.jwks.json", "jwks: http://127.0.0.1:" + h.origin.port() + "/jwks");
            Files.writeString(dir.resolve("proxy.yaml"), remote);
            h.configFile = dir.resolve("proxy.yaml");
            h.proxy = Proxy.start(ConfigLoader.load(h.configFile), java.time.Clock.systemUTC(), h.events::add);
            assertThat(h.licensedGet("/articles/a.html", h.license()).statusCode()).isEqualTo(200);

            SigningKey next = KeyFiles.generate(KeyAlgorithm.ED25519);
            String rotated = org.cb4i.sdk.token.LicenseTokens.issue(h.claims("rot", EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.empty(),
                    Instant.now().plusSeconds(600)), next);
            assertThat(h.licensedGet("/articles/a.html", rotated).statusCode()).isEqualTo(401);
            h.origin.stubFor(WireMock.get("/jwks").willReturn(aResponse().withBody(Json.write(KeySet.of(h.issuer.publicKey(), next.publicKey()).toJsonObject()))));
            h.proxy.refreshRemoteKeys(Duration.ofMillis(200));
            Eventually.until(() -> h.events.stream().anyMatch(e -> e.contains("changed keys loaded")));
            assertThat(h.licensedGet("/articles/a.html", rotated).statusCode()).isEqualTo(200);

            h.origin.stubFor(WireMock.get("/jwks").willReturn(aResponse().withStatus(503)));
            Eventually.until(() -> h.events.stream().anyMatch(e -> e.contains("refresh failed")));
            assertThat(h.events).anyMatch(e -> e.contains("keeping the keys held"));
            assertThat(h.licensedGet("/articles/b.html", rotated).statusCode()).as("the outage revokes nothing").isEqualTo(200);
        }
    }

    @Test
    void trustedForwarder_mayExtendTheForwardingChain_othersMayNot() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir).start("trusted_forwarders: [127.0.0.0/8]\n")) {
            h.get("/free/x", "X-Forwarded-For", "203.0.113.9", "X-Forwarded-Proto", "https");
            var seen = h.origin.findAll(getRequestedFor(urlEqualTo("/free/x"))).get(0);
            assertThat(seen.getHeader("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
            assertThat(seen.getHeader("X-Forwarded-Proto")).isEqualTo("https");
        }
    }

    @Test
    void slowClient_isDisconnectedAfterTheIdleTimeout_andOthersAreStillServed() throws Exception {
        try (ProxyHarness h = new ProxyHarness(dir).start("limits:\n  idle_timeout: 1s\n")) {
            try (Socket s = new Socket("127.0.0.1", h.proxy.port())) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("GET /free/x HTTP/1.1\r\nHost: a\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long t0 = System.nanoTime();
                assertThat(h.get("/free/y").statusCode()).isEqualTo(200);
                InputStream in = s.getInputStream();
                int b = in.read();
                assertThat(b).as("closed, not answered").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(4));
            }
        }
    }

    @Test
    void tls_isTerminated_andACertificateReloadTakesEffectForNewConnections() throws Exception {
        Assumptions.assumeTrue(System.getenv("CI") != null || hasOpenssl(), "openssl is needed to make a test certificate");
        Path c1 = cert("one");
        Path c2 = cert("two");
        try (ProxyHarness h = new ProxyHarness(dir)) {
            String tls = "tls:\n  cert: " + c1.resolve("cert.pem") + "\n  key: " + c1.resolve("key.pem") + "\n";
            h.start(tls);
            assertThat(subject(h, c1)).contains("CN=one");
            Files.writeString(h.configFile, h.config("tls:\n  cert: " + c2.resolve("cert.pem") + "\n  key: " + c2.resolve("key.pem") + "\n"));
            h.proxy.reload(ConfigLoader.load(h.configFile));
            assertThat(subject(h, c2)).contains("CN=two");
        }
    }

    @Test
    void overTls_clientsGetHttp2ByAlpn_licensedRequestsIncluded_unlessItIsTurnedOff() throws Exception { // [ENF-7]
        Assumptions.assumeTrue(System.getenv("CI") != null || hasOpenssl(), "openssl is needed to make a test certificate");
        Path c = cert("h2");
        String tls = "tls:\n  cert: " + c.resolve("cert.pem") + "\n  key: " + c.resolve("key.pem") + "\n";
        try (ProxyHarness h = new ProxyHarness(dir)) {
            h.start(tls);
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(c)).version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.proxy.port() + "/free/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).as("negotiated by ALPN").isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(h.origin.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/free/x"))).get(0).getHeader("X-Forwarded-Host"))
                    .isEqualTo("localhost:" + h.proxy.port());
            // A licensed request over h2: its signature covers @authority, which is the :authority.
            URI url = URI.create("https://localhost:" + h.proxy.port() + "/articles/h2.html");
            org.cb4i.sdk.httpsig.SignatureHeaders sig = new org.cb4i.sdk.httpsig.WebBotAuthSigner(h.crawler, java.time.Clock.systemUTC())
                    .sign(org.cb4i.sdk.httpsig.SignedRequest.of("GET", url), org.cb4i.sdk.httpsig.SignaturePolicy.PER_REQUEST);
            HttpResponse<String> lic = client.send(HttpRequest.newBuilder(url).header("Authorization", "License " + h.license())
                    .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature())
                    .header("User-Agent", "GPTBot/1.2").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(lic.statusCode()).as(lic.body()).isEqualTo(200);
            assertThat(lic.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(lic.headers().firstValue("cb4i-receipt")).isPresent();
        }
        try (ProxyHarness h = new ProxyHarness(dir)) {
            h.start(tls + "http2:\n  enabled: false\n");
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(c)).version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.proxy.port() + "/free/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
    }

    private static SSLContext trusting(Path certDir) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certDir.resolve("cert.pem"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("test", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private String subject(ProxyHarness h, Path certDir) throws Exception {
        SSLContext ctx = trusting(certDir);
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + h.proxy.port() + "/free/x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    private Path cert(String name) throws Exception {
        Path d = Files.createDirectories(dir.resolve("tls-" + name));
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", d.resolve("key.pem").toString(), "-out", d.resolve("cert.pem").toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return d;
    }

    private static boolean hasOpenssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
