package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.sample.SampleSite;
import org.cb4i.proxy.testing.ProxyYaml;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [OFR-2] [OFR-3] [OFR-4], end to end with a real issuer, proxy and origin: the collective publishes an offer with
 * {@code cb4i issuer offer}; an AI crawler without a license gets a 402 whose offer names the price and where to accept;
 * the licensee accepts with {@code cb4i license accept}, obtains a license under the new agreement with {@code cb4i
 * license request}, and is served.
 */
class OfferAcceptanceTest {
    static final String COLLECTIVE = "https://collective.example";
    @TempDir
    Path dir;
    final List<AutoCloseable> running = new ArrayList<>();
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void aCrawlerSeesThePriceInThe402_acceptsTheOffer_andIsServed() throws Exception {
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        int issuerPort = CollectorCrashTest.freePort();
        String issuerUrl = "http://127.0.0.1:" + issuerPort;
        Path yaml = IssuerYaml.onPort(issuerPort).with("token_lifetime: 1h", "status: {ttl: 1s, validity: 1h}").write(dir.resolve("issuer.yaml"));
        Issuer issuer = Issuer.start(IssuerConfigLoader.load(yaml), Clock.systemUTC(), events::add);
        running.add(issuer);
        SampleSite site = SampleSite.start();
        running.add(site::close);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        KeyFiles.writeKeyPair(dir.resolve("crawler"), crawler, false);
        new AdminOps(issuer.collective()).apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "lab", "jwk",
                crawler.publicKey().toJsonObject())));

        Files.writeString(dir.resolve("price.json"), "{\"currency\": \"EUR\", \"per_request\": \"0.002\", \"minimum\": \"50\"}");
        String[] admin = {"--config", yaml.toString(), "--server", issuerUrl};
        StrikePushTest.Run add = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "offer", "add", "--id", "train-2027",
            "--usages", "ai-train", "--price", dir.resolve("price.json").toString(), "--until", "2027-12-31"}, admin));
        assertThat(add.exit()).as(add.err()).isZero();
        StrikePushTest.Run publish = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "offer", "publish", "--id", "train-2027",
            "--accept-until", Instant.now().plus(Duration.ofDays(30)).toString()}, admin));
        assertThat(publish.exit()).as(publish.err()).isZero();
        StrikePushTest.Run listed = StrikePushTest.cb4i("license", "offers", "--issuer", issuerUrl);
        assertThat(listed.out()).contains("train-2027").contains("0.002");
        // The licensee may instead accept in the console (ConsoleBrowserTest): an operator invites it there.
        StrikePushTest.Run invite = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "invite", "--licensee", "lab"}, admin));
        assertThat(invite.exit()).as(invite.err()).isZero();
        assertThat(invite.out()).startsWith("http://localhost:" + issuerPort + "/console/invite#t=").contains("for licensee lab, once, until");
        StrikePushTest.Run both = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "invite", "--licensee", "lab", "--member",
            "https://news.example"}, admin));
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        StrikePushTest.Run nobody = StrikePushTest.cb4i(ConsentEnforcementTest.concat(new String[] {"issuer", "invite", "--licensee", "nobody"}, admin));
        assertThat(nobody.exit()).isNotZero();
        assertThat(nobody.err()).contains("no licensee nobody");

        Files.writeString(dir.resolve("collective.jwks.json"), Files.readString(dir.resolve("collective").resolve(KeyFiles.PUBLIC_JWKS)));
        Proxy proxy = Proxy.start(ConfigLoader.load(ProxyYaml.inFrontOf(site.port()).issuer(COLLECTIVE, "file:collective.jwks.json",
                "offers: " + issuerUrl + "/offers").write(dir.resolve("proxy.yaml"))), Clock.systemUTC(), events::add);
        running.add(proxy);
        URI article = URI.create("http://127.0.0.1:" + proxy.port() + "/articles/collective-bargaining.html");
        JsonNode offer = null;
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(article).header("User-Agent", "GPTBot/1.0").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(402);
            offer = Json.mapper().readTree(r.body()).path("offer").path("offers").path(0);
            if (!offer.isMissingNode()) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(offer.path("id").asText()).as("the 402 names the offer: " + events).isEqualTo("train-2027");
        assertThat(offer.path("price").path("per_request").asText()).isEqualTo("0.002");
        assertThat(offer.path("accept").asText()).isEqualTo(issuerUrl + "/offers/train-2027/accept");

        String rsl = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/license.xml")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(rsl).as("RSL names the price of a crawl and the offer").contains("<payment type=\"crawl\">")
                .contains("<amount currency=\"EUR\">0.002</amount>").contains(issuerUrl + "/offers/train-2027");
        assertThat(org.cb4i.sdk.terms.RslReader.read(rsl.getBytes(java.nio.charset.StandardCharsets.UTF_8), "license.xml")
                .permittedUsages(URI.create("https://x.example/articles/a.html"))).isPresent();

        StrikePushTest.Run accept = StrikePushTest.cb4i("license", "accept", "--issuer", issuerUrl, "--key", dir.resolve("crawler/private.jwk").toString(),
                "--licensee", "lab", "--offer", "train-2027");
        assertThat(accept.exit()).as(accept.err()).isZero();
        assertThat(accept.out()).contains("agreement train-2027-lab");
        StrikePushTest.Run again = StrikePushTest.cb4i("license", "accept", "--issuer", issuerUrl, "--key", dir.resolve("crawler/private.jwk").toString(),
                "--licensee", "lab", "--offer", "train-2027");
        assertThat(again.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("HTTP 409");
        StrikePushTest.Run token = StrikePushTest.cb4i("license", "request", "--issuer", issuerUrl, "--key", dir.resolve("crawler/private.jwk").toString(),
                "--agreement", "train-2027-lab", "--out", dir.resolve("license.jwt").toString());
        assertThat(token.exit()).as(token.err()).isZero();
        String t = Files.readString(dir.resolve("license.jwt")).trim();
        assertThat(new ConsentEnforcementTest().fetch(proxy.port(), "/articles/collective-bargaining.html", t, crawler).status()).isEqualTo(200);
    }
}
