package org.cb4i.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.terms.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [SET-8]: a collective's collector reads the log's entries with a request signed by its collector key; entries made
 * under another collective's licenses come back as their leaf hashes only, so the collector can still check the whole
 * tree against the signed checkpoint. [LOG-2]: every entry names the license's issuer.
 */
class CollectorEntriesTest {
    static final String OTHER = "https://other-collective.example";

    @TempDir
    Path dir;
    ProxyHarness h;
    final SigningKey collector = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey otherIssuer = KeyFiles.generate(KeyAlgorithm.ED25519);

    @BeforeEach
    void start() throws Exception {
        h = new ProxyHarness(dir);
        Files.writeString(dir.resolve("collector.jwks.json"), Json.write(KeySet.of(collector.publicKey()).toJsonObject()));
        Files.writeString(dir.resolve("other.jwks.json"), Json.write(KeySet.of(otherIssuer.publicKey()).toJsonObject()));
        String yaml = h.config("").replace("    token_endpoint: https://collective.example/token\n", "    token_endpoint: https://collective.example/token\n"
                + "    collector_key: file:collector.jwks.json\n  - id: " + OTHER + "\n    jwks: file:other.jwks.json\n");
        h.configFile = dir.resolve("proxy.yaml");
        Files.writeString(h.configFile, yaml + "repertoires: [" + ProxyHarness.ISSUER + ", " + OTHER + "]\n");
        h.proxy = Proxy.start(ConfigLoader.load(h.configFile), Clock.systemUTC(), h.events::add);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private String otherLicense() {
        Instant now = Instant.now().minusSeconds(5);
        return LicenseTokens.issue(new LicenseClaims(OTHER, "crawler-co", List.of(OTHER), "other-1", now, now, now.plusSeconds(3600),
                new Confirmation(h.crawler.publicKey()), EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.empty(), Optional.empty()),
                otherIssuer);
    }

    private HttpResponse<byte[]> signedGet(String path, SigningKey key, Instant created, Instant expires) throws Exception {
        URI url = URI.create(h.base() + path);
        SignatureHeaders sig = new WebBotAuthSigner(key, Clock.systemUTC()).sign(SignedRequest.of("GET", url), SignaturePolicy.PER_REQUEST, created,
                expires, Optional.empty());
        return h.get(path, "Signature-Input", sig.signatureInput(), "Signature", sig.signature());
    }

    private HttpResponse<byte[]> collectorGet(String path) throws Exception {
        Instant now = Instant.now();
        return signedGet(path, collector, now, now.plusSeconds(60));
    }

    @Test
    void collector_getsItsOwnEntriesInFull_andOnlyLeafHashesOfOthers_andTheTreeChecksOut() throws Exception {
        String ours = h.license();
        String theirs = otherLicense();
        for (int i = 0; i < 3; i++) {
            assertThat(h.licensedGet("/articles/" + i + ".html", ours).statusCode()).isEqualTo(200);
            if (i < 2) {
                assertThat(h.licensedGet("/articles/o" + i + ".html", theirs).statusCode()).isEqualTo(200);
            }
        }
        Eventually.until(() -> h.proxy.log().checkpoint().map(Checkpoint::size).orElse(0L) >= 5);
        String base = "/.well-known/cb4i/logs/" + h.proxy.log().logId() + "/";

        HttpResponse<byte[]> r = collectorGet(base + "entries?start=0");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        KeySet logKeys = KeyFiles.parseKeySet(new String(h.get(base + "jwks").body(), StandardCharsets.UTF_8), "log jwks");
        Checkpoint cp = Checkpoint.verify(body.get("checkpoint").textValue(), logKeys);
        assertThat(body.get("end").longValue()).isEqualTo(cp.size());
        MerkleTree tree = new MerkleTree();
        int full = 0;
        for (JsonNode e : body.get("entries")) {
            assertThat(e.get("index").longValue()).isEqualTo(tree.size());
            if (e.has("entry")) {
                byte[] bytes = e.get("entry").textValue().getBytes(StandardCharsets.UTF_8);
                assertThat(LogEntry.parse(bytes).iss()).isEqualTo(ProxyHarness.ISSUER);
                tree.append(bytes);
                full++;
            } else {
                assertThat(e.get("entry")).as("another collective's entry").isNull();
                tree.appendLeafHash(HexFormat.of().parseHex(e.get("leaf_hash").textValue()));
            }
        }
        assertThat(full).isEqualTo(3);
        assertThat(tree.size()).isEqualTo(cp.size());
        assertThat(tree.root(cp.size())).isEqualTo(cp.root());

        HttpResponse<byte[]> tail = collectorGet(base + "entries?start=" + cp.size());
        assertThat(Json.mapper().readTree(tail.body()).get("entries")).as("nothing new").isEmpty();
    }

    @Test
    void entries_refuseEveryoneButTheCollector_andBadRanges() throws Exception {
        assertThat(h.licensedGet("/articles/1.html", h.license()).statusCode()).isEqualTo(200);
        Eventually.until(() -> h.proxy.log().checkpoint().map(Checkpoint::size).orElse(0L) >= 1);
        String base = "/.well-known/cb4i/logs/" + h.proxy.log().logId() + "/";
        Instant now = Instant.now();

        HttpResponse<byte[]> unsigned = h.get(base + "entries?start=0");
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(Json.mapper().readTree(unsigned.body()).get("reason").textValue()).isEqualTo("SIGNATURE_MISSING");
        HttpResponse<byte[]> crawler = signedGet(base + "entries?start=0", h.crawler, now, now.plusSeconds(60));
        assertThat(crawler.statusCode()).as("a key that is not a collector's").isEqualTo(403);
        assertThat(Json.mapper().readTree(crawler.body()).get("entries")).isNull();
        HttpResponse<byte[]> expired = signedGet(base + "entries?start=0", collector, now.minusSeconds(200), now.minusSeconds(140));
        assertThat(expired.statusCode()).as("an expired signature").isEqualTo(403);
        assertThat(Json.mapper().readTree(expired.body()).get("reason").textValue()).isEqualTo("SIGNATURE_EXPIRED");
        HttpResponse<byte[]> tooLong = signedGet(base + "entries?start=0", collector, now, now.plusSeconds(120));
        assertThat(tooLong.statusCode()).as("valid for more than 60 s").isEqualTo(403);

        assertThat(collectorGet(base + "entries?start=0&end=5000000").statusCode()).isEqualTo(400);
        assertThat(collectorGet(base + "entries?start=0&end=10001").statusCode()).isEqualTo(400);
        assertThat(collectorGet(base + "entries?start=x").statusCode()).isEqualTo(400);
        assertThat(collectorGet(base + "entries?start=0&end=1").statusCode()).isEqualTo(200);
    }
}
