package org.cb4i.sdk.crawler;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.dataset.ManifestHeader;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleProofs;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.LicenseTokens;

/**
 * The end of a crawl: fetches what makes the dataset verifiable offline (DESIGN.md layer 9, SPEC.md [DST-1]) and
 * writes {@code manifest.jsonl} in one atomic step: a header line (the licenses used, the status-list tokens and
 * repertoire as fetched now, each proxy log's checkpoint and key) and one line per finished URL with its receipt's
 * entry and inclusion proof, fetched in bulk from each log ({@code proofs?rid=…}, signed per request with the
 * crawler's key and presenting its license). Proofs are checked before they are written; a receipt whose entry is
 * not yet covered by a checkpoint is asked for again for a few seconds, then recorded as pending.
 */
final class Evidence {
    static final String MANIFEST = "manifest.jsonl";
    /** Receipt ids per proofs request: 250 keep the request line under a proxy's default 8 KiB limit. */
    private static final int BATCH = 250;
    private static final int PENDING_ROUNDS = 8;

    private final Crawler.Settings s;
    private final HttpClient http;
    private final WebBotAuthSigner signer;
    private final Supplier<String> token;

    Evidence(Crawler.Settings s, HttpClient http, WebBotAuthSigner signer, Supplier<String> token) {
        this.s = s;
        this.http = http;
        this.signer = signer;
        this.token = token;
    }

    void write(List<CrawlJournal.Line> lines, List<String> tokens, Collection<Sites.Host> hosts) throws IOException {
        // Status lists named by the licenses, as the issuer serves them now.
        List<String> lists = new ArrayList<>();
        Set<URI> listUris = new LinkedHashSet<>();
        for (String t : tokens) {
            claims(t).status().ifPresent(st -> listUris.add(st.uri()));
            claims(t).usageStatus().values().forEach(st -> listUris.add(st.uri())); // [STS-9]: a usage's status may sit in another list
        }
        for (URI u : listUris) {
            String body = get(u, StatusListToken.MEDIA_TYPE);
            if (body != null) {
                lists.add(body.strip());
            }
        }
        List<String> reps = new ArrayList<>();
        s.issuer().ifPresent(i -> {
            String r = get(URI.create(i.toString().replaceAll("/+$", "") + "/repertoire"), "application/repertoire+jwt");
            if (r != null) {
                reps.add(r.strip());
            }
        });
        List<ManifestHeader.Site> sites = new ArrayList<>();
        for (Sites.Host h : hosts) {
            sites.add(new ManifestHeader.Site(h.origin, h.robotsLicenses, h.contentUsage,
                    h.terms.map(t -> new ManifestHeader.Terms(t.get("url"), t.get("sha256"))), h.policy.token()));
        }
        // Receipts, grouped by (site, log), proven in bulk.
        Map<String, List<ManifestRecord.Receipt>> byLog = new LinkedHashMap<>();
        for (CrawlJournal.Line line : lines) {
            line.record().receipt().ifPresent(rc ->
                    byLog.computeIfAbsent(rc.origin().orElse("") + " " + rc.log(), k -> new ArrayList<>()).add(rc));
        }
        Map<String, ManifestHeader.Log> logs = new LinkedHashMap<>();
        Map<String, ManifestRecord.Receipt> proven = new HashMap<>();
        for (Map.Entry<String, List<ManifestRecord.Receipt>> e : byLog.entrySet()) {
            String origin = e.getKey().split(" ")[0];
            String logId = e.getKey().split(" ")[1];
            logs.put(logId, prove(origin, logId, e.getValue(), proven));
        }
        ManifestHeader header = new ManifestHeader(1, "cb4i crawl (" + Crawler.PRODUCT + ", key " + s.key().thumbprint() + ")", s.usage().token(),
                s.clock().instant().getEpochSecond(), tokens, lists, reps, sites, logs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.toBytes());
        out.write('\n');
        int n = 0;
        for (CrawlJournal.Line line : lines) {
            ManifestRecord r = line.record().withId(++n);
            if (r.receipt().isPresent()) {
                ManifestRecord.Receipt rc = r.receipt().get();
                r = r.withReceipt(proven.getOrDefault(rc.origin().orElse("") + " " + rc.log() + " " + rc.rid(), rc));
            }
            out.write(r.toBytes());
            out.write('\n');
        }
        AtomicFiles.write(s.out().resolve(MANIFEST), out.toByteArray(), false, true);
    }

    /**
     * Fetches entries and inclusion proofs for the receipts of one log and checks them; puts each receipt as proven
     * (or with why not) in {@code proven} under "origin log rid"; returns what the manifest's header says of the log.
     */
    private ManifestHeader.Log prove(String origin, String logId, List<ManifestRecord.Receipt> receipts, Map<String, ManifestRecord.Receipt> proven) {
        String base = origin + "/.well-known/cb4i/logs/" + logId + "/";
        String jwksText = get(URI.create(base + "jwks"), "application/jwk-set+json");
        KeySet keys = null;
        Optional<String> jwks = Optional.empty();
        Optional<String> jwksError = Optional.empty();
        Optional<String> checkpointError = Optional.empty();
        if (jwksText != null) {
            try {
                keys = KeyFiles.parseKeySet(jwksText, base + "jwks");
                jwks = Optional.of(Json.write(Json.readTree(jwksText)));
            } catch (Cb4iException | IOException e) {
                jwksError = Optional.of(e.getMessage());
            }
        }
        Map<String, ManifestRecord.Receipt> byRid = new LinkedHashMap<>();
        receipts.forEach(r -> byRid.put(r.rid(), r));
        List<String> todo = new ArrayList<>(byRid.keySet());
        List<String> checkpoints = new ArrayList<>();
        Set<String> seenCheckpoints = new LinkedHashSet<>();
        for (int round = 0; round < PENDING_ROUNDS && !todo.isEmpty(); round++) {
            if (round > 0) {
                sleep(Duration.ofMillis(1200));
            }
            List<String> stillPending = new ArrayList<>();
            for (int i = 0; i < todo.size(); i += BATCH) {
                List<String> batch = todo.subList(i, Math.min(todo.size(), i + BATCH));
                JsonNode answer = proofs(URI.create(base + "proofs?" + String.join("&", batch.stream()
                        .map(r -> "rid=" + URLEncoder.encode(r, StandardCharsets.UTF_8)).toList())));
                if (answer == null) {
                    for (String rid : batch) {
                        byRid.computeIfPresent(rid, (k, r) -> r.failed("the log did not answer " + base + "proofs"));
                    }
                    continue;
                }
                String cpText = answer.path("checkpoint").asText(null);
                Checkpoint cp = null;
                if (cpText != null && keys != null) {
                    try {
                        cp = Checkpoint.verify(cpText, keys);
                    } catch (Cb4iException e) {
                        checkpointError = Optional.of(e.getMessage());
                    }
                }
                if (cp != null && seenCheckpoints.add(cpText)) {
                    checkpoints.add(cpText);
                }
                for (JsonNode en : answer.path("entries")) {
                    String rid = en.path("rid").asText();
                    ManifestRecord.Receipt r = byRid.get(rid);
                    if (r == null) {
                        continue;
                    }
                    List<byte[]> proof = new ArrayList<>();
                    try {
                        en.path("inclusion_proof").forEach(h -> proof.add(HexFormat.of().parseHex(h.asText())));
                    } catch (IllegalArgumentException e) {
                        byRid.put(rid, r.failed("the log's inclusion proof is not SHA-256 hashes in hex"));
                        continue;
                    }
                    String entry = en.path("entry").asText();
                    long index = en.path("index").asLong();
                    if (cp != null) {
                        boolean ok = MerkleProofs.verifyInclusion(MerkleTree.leafHash(entry.getBytes(StandardCharsets.UTF_8)), index, cp.size(),
                                proof, cp.root());
                        byRid.put(rid, r.proven(entry, index, proof, OptionalLong.of(cp.size()), Optional.of(cpText), Optional.of(ok)));
                    } else {
                        byRid.put(rid, r.proven(entry, index, proof, OptionalLong.empty(), Optional.empty(), Optional.empty()));
                    }
                }
                answer.path("pending").forEach(p -> stillPending.add(p.asText()));
                answer.path("unknown").forEach(u ->
                        byRid.computeIfPresent(u.asText(), (k, r) -> r.failed("the log does not know this receipt for this crawler's key")));
            }
            todo = stillPending;
        }
        for (String rid : todo) {
            byRid.computeIfPresent(rid, (k, r) -> r.failed("not covered by a checkpoint when the crawl ended"));
        }
        byRid.forEach((rid, r) -> proven.put(origin + " " + logId + " " + rid, r));
        return new ManifestHeader.Log(origin, jwks, jwksError, checkpoints, checkpointError);
    }

    private JsonNode proofs(URI u) {
        SignatureHeaders sig = signer.sign(SignedRequest.of("GET", u), SignaturePolicy.PER_REQUEST);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(30))
                    .header("Authorization", LicenseTokens.AUTH_SCHEME + " " + token.get())
                    .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature())
                    .header("User-Agent", Crawler.PRODUCT + "/0.1").GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Json.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String get(URI u, String accept) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(15)).header("Accept", accept)
                    .header("User-Agent", Crawler.PRODUCT + "/0.1").GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static LicenseClaims claims(String t) {
        return LicenseClaims.fromJws(CompactJws.parse(t, LicenseTokens.TYP, LicenseTokenVerifier.DEFAULT_MAX_TOKEN_CHARS, "license token"));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
