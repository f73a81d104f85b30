package org.cb4i.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.receipts.Segments;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [LOG-5] over HTTP: a proxy whose log is cut into small segments serves licensed traffic; the collective's collector
 * reads the entries and sends its signed acknowledgement ([SET-9]); the acknowledged segments move to the archive and
 * {@code /metrics} says so; {@code entries} and {@code proofs} keep answering from the archive, and say {@code archived}
 * while it cannot be read, with the leaf hashes that still give the signed root.
 */
class ArchivedSegmentsTest {
    @TempDir
    Path dir;
    ProxyHarness h;
    final SigningKey collector = KeyFiles.generate(KeyAlgorithm.ED25519);

    @AfterEach
    void stop() {
        h.close();
    }

    private HttpResponse<byte[]> collectorGet(String path) throws Exception {
        URI url = URI.create(h.base() + path);
        Instant now = Instant.now();
        SignatureHeaders sig = new WebBotAuthSigner(collector, Clock.systemUTC()).sign(SignedRequest.of("GET", url), SignaturePolicy.PER_REQUEST, now,
                now.plusSeconds(60), Optional.empty());
        return h.get(path, "Signature-Input", sig.signatureInput(), "Signature", sig.signature());
    }

    /** The entries' leaves, in full or as hashes, as the collector rebuilds the tree from them. */
    private static MerkleTree treeOf(JsonNode body) {
        MerkleTree t = new MerkleTree();
        for (JsonNode e : body.get("entries")) {
            t.appendLeafHash(e.has("entry") ? MerkleTree.leafHash(e.get("entry").textValue().getBytes(StandardCharsets.UTF_8))
                    : HexFormat.of().parseHex(e.get("leaf_hash").textValue()));
        }
        return t;
    }

    @Test
    void acknowledgedSegmentsMoveToTheArchive_andTheLogKeepsAnsweringForThem() throws Exception {
        h = new ProxyHarness(dir);
        Files.writeString(dir.resolve("collector.jwks.json"), Json.write(KeySet.of(collector.publicKey()).toJsonObject()));
        String yaml = h.config("").replace("    token_endpoint: https://collective.example/token\n",
                "    token_endpoint: https://collective.example/token\n    collector_key: file:collector.jwks.json\n")
                .replace("  checkpoint_entries: 2\n", "  checkpoint_entries: 2\n  segments:\n    max_bytes: 4KiB\n    archive_dir: ./archive\n"
                        + "    retain_every: 100ms\n");
        assertThat(yaml).contains("archive_dir").contains("collector_key");
        h.configFile = dir.resolve("proxy.yaml");
        Files.writeString(h.configFile, yaml);
        h.proxy = Proxy.start(ConfigLoader.load(h.configFile), Clock.systemUTC(), h.events::add);

        String token = h.license();
        List<String> rids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<byte[]> r = h.licensedGet("/articles/" + i + ".html", token);
            assertThat(r.statusCode()).isEqualTo(200);
            String receipt = r.headers().firstValue("CB4I-Receipt").orElseThrow();
            rids.add(receipt.substring(receipt.indexOf("rid=\"") + 5, receipt.length() - 1));
        }
        Eventually.until(() -> h.proxy.log().checkpoint().map(Checkpoint::size).orElse(0L) >= 30);
        assertThat(h.proxy.log().segments().list()).hasSizeGreaterThanOrEqualTo(2);
        String base = "/.well-known/cb4i/logs/" + h.proxy.log().logId() + "/";

        JsonNode body = Json.mapper().readTree(collectorGet(base + "entries?start=0").body());
        Checkpoint cp = Checkpoint.verify(body.get("checkpoint").textValue(), KeySet.of(h.proxy.log().key().publicKey()));
        assertThat(treeOf(body).root(cp.size())).as("read across segments, the entries give the signed root").isEqualTo(cp.root());
        assertThat(h.proxy.log().segments().list()).as("nothing leaves before the collector acknowledges")
                .allMatch(s -> s.where() == Segments.Where.HOT);

        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ProxyHarness.ISSUER);
        claims.put("log_id", h.proxy.log().logId());
        claims.put("size", cp.size());
        claims.put("root", HexFormat.of().formatHex(cp.root()));
        claims.put("iat", Instant.now().getEpochSecond());
        HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(h.base() + base + "acknowledgements"))
                .header("Content-Type", "application/" + Checkpoint.ACKNOWLEDGEMENT_TYP)
                .POST(HttpRequest.BodyPublishers.ofString(CompactJws.sign(collector, Checkpoint.ACKNOWLEDGEMENT_TYP, claims))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(204);
        Eventually.until(() -> h.proxy.log().segments().list().stream().anyMatch(s -> s.where() == Segments.Where.ARCHIVED));
        Eventually.until(() -> h.proxy.log().segments().list().stream().filter(s -> s.end() <= cp.size())
                .allMatch(s -> s.where() == Segments.Where.ARCHIVED));
        Segments.Seal first = h.proxy.log().segments().list().get(0);
        assertThat(dir.resolve("archive").resolve(h.proxy.log().logId()).resolve(first.name() + ".log")).hasSize(first.bytes());
        assertThat(h.admin(h.proxy, "/metrics")).containsPattern("cb4i_proxy_log_archived_bytes\\S* [1-9]");

        JsonNode again = Json.mapper().readTree(collectorGet(base + "entries?start=0").body());
        assertThat(again.get("entries").get(0).has("entry")).as("served from the archive").isTrue();
        HttpResponse<byte[]> proofs = h.licensedGet(base + "proofs?rid=" + rids.get(0), token, h.crawler, SignaturePolicy.PER_REQUEST);
        assertThat(Json.mapper().readTree(proofs.body()).get("entries")).hasSize(1);

        Files.move(dir.resolve("archive"), dir.resolve("archive-unmounted"));
        // The channel opened on the archived file stays readable; a restart is what finds the archive gone.
        h.proxy.close();
        h.proxy = Proxy.start(ConfigLoader.load(h.configFile), Clock.systemUTC(), h.events::add);
        JsonNode away = Json.mapper().readTree(collectorGet(base + "entries?start=0").body());
        JsonNode e0 = away.get("entries").get(0);
        assertThat(e0.get("archived").booleanValue()).isTrue();
        assertThat(e0.has("entry")).isFalse();
        Checkpoint now = Checkpoint.verify(away.get("checkpoint").textValue(), KeySet.of(h.proxy.log().key().publicKey()));
        assertThat(treeOf(away).root(now.size())).as("the leaf hashes still give the signed root").isEqualTo(now.root());
        JsonNode p = Json.mapper().readTree(h.licensedGet(base + "proofs?rid=" + rids.get(0), token, h.crawler, SignaturePolicy.PER_REQUEST).body());
        assertThat(p.get("archived")).extracting(JsonNode::textValue).containsExactly(rids.get(0));
        assertThat(p.get("entries")).isEmpty();
        JsonNode last = Json.mapper().readTree(h.licensedGet(base + "proofs?rid=" + rids.get(29), token, h.crawler, SignaturePolicy.PER_REQUEST).body());
        assertThat(last.get("entries")).as("an entry still on the hot disk").hasSize(1);
    }
}
