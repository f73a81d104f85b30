package org.cb4i.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.io.IOException;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.testing.ProxyYaml;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.PathScope;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;

/**
 * A real proxy on a dynamic port in front of a WireMock origin, with a collective's key, a crawler's key, and
 * helpers to issue licenses and send (signed) requests. Closed by the test.
 */
final class ProxyHarness implements AutoCloseable {
    static final String ISSUER = "https://collective.example";
    static final String PUBLISHER = "https://news.example";
    static final byte[] ARTICLE = article();

    final Path dir;
    final WireMockServer origin;
    final SigningKey issuer = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Proxy proxy;
    Path configFile;

    ProxyHarness(Path dir) throws IOException {
        this.dir = dir;
        origin = new WireMockServer(wireMockConfig().dynamicPort());
        origin.start();
        origin.stubFor(WireMock.get(urlPathMatching("/(articles|free|private|premium)/.*")).willReturn(aResponse()
                .withHeader("Content-Type", "text/html; charset=utf-8").withBody(ARTICLE)));
        origin.stubFor(WireMock.get("/robots.txt").willReturn(aResponse().withBody("User-agent: *\nDisallow: /private/\n")));
        Files.writeString(dir.resolve("issuer.jwks.json"), Json.write(KeySet.of(issuer.publicKey()).toJsonObject()));
    }

    static byte[] article() {
        StringBuilder b = new StringBuilder("<html><body><article><h1>News</h1>");
        while (b.length() < 20_000) {
            b.append("<p>Collective bargaining for information lets people who create it set its terms.</p>");
        }
        return b.append("</article></body></html>").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The issue's example configuration, with the origin's port, plus extra YAML lines. */
    String config(String extra) {
        return ProxyYaml.inFrontOf(origin.port()).publisher(PUBLISHER)
                .issuer(ISSUER, "file:issuer.jwks.json", "token_endpoint: https://collective.example/token")
                .with("""
                        admin: 127.0.0.1:0
                        origin_timeouts:
                          connect: 1s
                          response: 1s
                        """)
                .with(extra).text();
    }

    ProxyHarness start(String extra) throws Exception {
        configFile = dir.resolve("proxy.yaml");
        Files.writeString(configFile, config(extra));
        proxy = Proxy.start(ConfigLoader.load(configFile), Clock.systemUTC(), events::add);
        return this;
    }

    String base() {
        return "http://127.0.0.1:" + proxy.port();
    }

    LicenseClaims claims(String jti, EnumSet<Usage> usages, List<PathScope> paths, Quota quota, Optional<StatusReference> status, Instant exp) {
        Instant now = Instant.now().minusSeconds(5);
        Instant iat = exp.isAfter(now) ? now : exp.minusSeconds(7200);
        return new LicenseClaims(ISSUER, "crawler-co", List.of(ISSUER), jti, iat, iat, exp, new Confirmation(crawler.publicKey()),
                usages, paths, quota, Optional.empty(), status);
    }

    String license() {
        return license(claims("lic-1", EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.empty(), Instant.now().plusSeconds(3600)));
    }

    String license(LicenseClaims c) {
        return LicenseTokens.issue(c, issuer);
    }

    static PathScope scope(String origin, String allow) {
        return new PathScope(Optional.ofNullable(origin), List.of(PathPattern.of(allow)), List.of());
    }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A licensed GET: the license and a Web Bot Auth signature by {@code key}. */
    HttpResponse<byte[]> licensedGet(String path, String token, SigningKey key, SignaturePolicy policy) throws Exception {
        URI url = URI.create(base() + path);
        SignatureHeaders sig = new WebBotAuthSigner(key, Clock.systemUTC()).sign(SignedRequest.of("GET", url), policy);
        return get(path, "Authorization", "License " + token, "Signature-Input", sig.signatureInput(), "Signature", sig.signature(),
                "User-Agent", "GPTBot/1.2");
    }

    /** A licensed GET with the crawler's key to another proxy in front of the same origin (a second instance). */
    HttpResponse<byte[]> licensedGetAt(int port, String path, String token) throws Exception {
        return licensedGetAt(port, path, token, SignaturePolicy.REUSABLE);
    }

    HttpResponse<byte[]> licensedGetAt(int port, String path, String token, SignaturePolicy policy) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + port + path);
        SignatureHeaders sig = new WebBotAuthSigner(crawler, Clock.systemUTC()).sign(SignedRequest.of("GET", url), policy);
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Authorization", "License " + token)
                .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature()).header("User-Agent", "GPTBot/1.2").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Another proxy instance of the same site (its own folder and log), started from this configuration plus {@code extra}. */
    Proxy instance(String name, String extra) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.copy(dir.resolve("issuer.jwks.json"), d.resolve("issuer.jwks.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path f = d.resolve("proxy.yaml");
        Files.writeString(f, config(extra));
        return Proxy.start(ConfigLoader.load(f), Clock.systemUTC(), events::add);
    }

    /** What an admin path of {@code p} answers: status and body. */
    String admin(Proxy p, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.adminPort().orElseThrow() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    HttpResponse<byte[]> licensedGet(String path, String token) throws Exception {
        return licensedGet(path, token, crawler, SignaturePolicy.REUSABLE);
    }

    /** Sends raw bytes and returns what comes back until the server closes or 2 s pass. */
    String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder b = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    if (complete(b.toString())) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // whatever arrived is the answer
            }
            return b.toString();
        }
    }

    /** Whether a whole response (head and a Content-Length body) has arrived. */
    private static boolean complete(String r) {
        int end = r.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = r.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int i = head.indexOf("\r\ncontent-length:");
        if (i < 0) {
            return false;
        }
        int eol = head.indexOf("\r\n", i + 2);
        int cl = Integer.parseInt(head.substring(i + 17, eol < 0 ? head.length() : eol).strip());
        return r.length() >= end + 4 + cl;
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        origin.stop();
    }
}
