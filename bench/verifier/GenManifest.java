import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.credential.ContentCredentials;
import org.cb4i.sdk.credential.CredentialClaims;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;

/**
 * Writes a synthetic manifest of N records (no content: manifest-only verification), every record with its own
 * receipt proven against one checkpoint of an N-entry log and a publisher credential: distinct per record, or one of
 * 100 when DISTINCT=0 (a re-verification). Also writes trust.json. Usage: GenManifest OUT_DIR N DISTINCT [warc]
 *
 * <p>With {@code warc}, every record also has its content: a distinct HTML article of about 20 KB in
 * {@code data.warc.gz} (a gzip member per record, as the crawler writes it), with its bytes and canonical-text
 * digests, signed by a distinct credential; the program then prints {@code jsoup_floor_seconds}: the time to parse
 * every page once with jsoup on all cores (one of the two floors of content verification).
 */
public class GenManifest {
    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        int n = Integer.parseInt(a[1]);
        boolean warcMode = a.length > 3 && a[3].equals("warc");
        boolean distinct = !a[2].equals("0") || warcMode;
        Files.createDirectories(out);
        String site = "https://news.example";
        String collectiveId = "https://c.example";
        Instant t0 = Instant.parse("2026-05-01T12:00:00Z");
        SigningKey collective = KeyFiles.generate(KeyAlgorithm.ED25519);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        SigningKey logKey = KeyFiles.generate(KeyAlgorithm.ED25519);
        SigningKey publisher = KeyFiles.generate(KeyAlgorithm.ED25519);
        java.net.URI list = java.net.URI.create("https://c.example/status/1");
        LicenseClaims lc = new LicenseClaims(collectiveId, "crawler-co", List.of(collectiveId), "lic-1", t0, t0, t0.plus(Duration.ofDays(30)),
                new Confirmation(crawler.publicKey()), EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE, Optional.empty(),
                Optional.of(new StatusReference(0, list)));
        String license = LicenseTokens.issue(lc, collective);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("type", "cb4i-manifest");
        header.put("version", 1);
        header.put("usage", "ai-train");
        header.put("licenses", List.of(license));
        header.put("status_lists", List.of(StatusListToken.sign(collective, list, t0, t0.plus(Duration.ofDays(1)), Duration.ofMinutes(1),
                StatusList.create(2, 16)).compact()));
        header.put("repertoires", List.of(Repertoire.sign(collective, collectiveId, collectiveId, t0, t0.plus(Duration.ofDays(1)),
                List.of(new Repertoire.Member(site, t0.minus(Duration.ofDays(1)), Optional.empty(), KeySet.of(publisher.publicKey())))).compact()));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        HexFormat hex = HexFormat.of();
        String[] entries = new String[n];
        String[] bytes = new String[n];
        MerkleTree tree = new MerkleTree();
        String[] texts = new String[n];
        java.util.Random rnd = new java.util.Random(42);
        String[] words = new String[2000];
        for (int k = 0; k < words.length; k++) {
            StringBuilder wb = new StringBuilder();
            for (int c = 3 + rnd.nextInt(7); c > 0; c--) {
                wb.append((char) ('a' + rnd.nextInt(26)));
            }
            words[k] = wb.toString();
        }
        for (int i = 0; i < n; i++) {
            if (warcMode) {
                byte[] page = page(i, words);
                bytes[i] = hex.formatHex(sha.digest(page));
                texts[i] = org.cb4i.sdk.text.CanonicalText.of(new String(page, StandardCharsets.UTF_8)).textSha256();
            } else {
                bytes[i] = hex.formatHex(sha.digest(("page " + i).getBytes(StandardCharsets.UTF_8)));
            }
            entries[i] = "{\"rid\":\"r" + i + "\",\"url\":\"" + site + "/articles/" + i + "\",\"sha256\":\"" + bytes[i] + "\",\"jti\":\"lic-1\",\"jkt\":\""
                    + crawler.thumbprint() + "\"}";
            tree.append(entries[i].getBytes(StandardCharsets.UTF_8));
        }
        Checkpoint cp = Checkpoint.sign(logKey, n, tree.root(n), t0.plusSeconds(700));
        String[] shared = new String[100];
        java.nio.channels.FileChannel warcChannel = warcMode ? java.nio.channels.FileChannel.open(out.resolve("data.warc.gz"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE) : null;
        org.netpreserve.jwarc.WarcWriter warc = warcMode ? new org.netpreserve.jwarc.WarcWriter(warcChannel, org.netpreserve.jwarc.WarcCompression.GZIP) : null;
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("manifest.jsonl"), StandardCharsets.UTF_8)) {
            w.write(Json.write(header));
            w.write('\n');
            for (int i = 0; i < n; i++) {
                String text = warcMode ? texts[i] : hex.formatHex(sha.digest(("text " + (distinct ? i : i % 100)).getBytes(StandardCharsets.UTF_8)));
                String credential;
                int slot = i % 100;
                if (!distinct && shared[slot] != null) {
                    credential = shared[slot];
                } else {
                    credential = ContentCredentials.sign(new CredentialClaims(site, site + "/articles/" + i, t0, List.of(), Optional.empty(),
                            Optional.empty(), Optional.empty(), Set.of(), new CredentialClaims.Digests(Optional.of(text), Optional.empty(), Optional.empty(),
                                    Optional.empty())), publisher);
                    shared[slot] = credential;
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", i + 1);
                r.put("url", site + "/articles/" + i);
                r.put("fetched_at", t0.plusSeconds(600).getEpochSecond());
                r.put("outcome", "fetched");
                r.put("content_type", "text/html");
                r.put("bytes_sha256", bytes[i]);
                r.put("text", Map.of("sha256", text));
                r.put("credential", credential);
                r.put("license", "lic-1");
                Map<String, Object> rc = new LinkedHashMap<>();
                rc.put("log", logKey.thumbprint());
                rc.put("rid", "r" + i);
                rc.put("entry", entries[i]);
                rc.put("index", i);
                rc.put("inclusion_proof", tree.inclusionProof(i, n).stream().map(hex::formatHex).toList());
                rc.put("checkpoint", cp.compact());
                r.put("receipt", rc);
                if (warcMode) {
                    byte[] page = page(i, words);
                    var http = new org.netpreserve.jwarc.HttpResponse.Builder(200, "OK")
                            .body(org.netpreserve.jwarc.MediaType.parse("text/html; charset=utf-8"), page).build();
                    var record = new org.netpreserve.jwarc.WarcResponse.Builder(java.net.URI.create(site + "/articles/" + i))
                            .date(t0.plusSeconds(600)).body(http).build();
                    long offset = warcChannel.position();
                    warc.write(record);
                    Map<String, Object> wm = new LinkedHashMap<>();
                    wm.put("file", "data.warc.gz");
                    wm.put("offset", offset);
                    wm.put("length", warcChannel.position() - offset);
                    wm.put("record_id", record.id().toString());
                    r.put("warc", wm);
                }
                w.write(Json.write(r));
                w.write('\n');
            }
        }
        if (warcMode) {
            warcChannel.close();
        }
        Map<String, Object> trust = Map.of("collectives", List.of(Map.of("id", collectiveId, "keys", KeySet.of(collective.publicKey()).toJsonObject())),
                "logs", List.of(Map.of("log_id", logKey.thumbprint(), "keys", KeySet.of(logKey.publicKey()).toJsonObject())));
        Files.writeString(out.resolve("trust.json"), Json.write(trust));
        // The floor: Ed25519 verifications per second on all cores (one per distinct credential).
        byte[] msg = "floor".getBytes(StandardCharsets.UTF_8);
        byte[] sig = publisher.sign(msg);
        var key = publisher.publicKey();
        int threads = Runtime.getRuntime().availableProcessors();
        for (int warm = 0; warm < 3000; warm++) {
            key.verify(msg, sig);
        }
        java.util.concurrent.atomic.LongAdder done = new java.util.concurrent.atomic.LongAdder();
        long until = System.nanoTime() + 3_000_000_000L;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                while (System.nanoTime() < until) {
                    key.verify(msg, sig);
                    done.increment();
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        System.out.println("floor " + (done.sum() / 3));
        if (warcMode) {
            // The jsoup floor: every page parsed once, on all cores (pages regenerated as written, not timed).
            byte[][] pages = new byte[n][];
            for (int i = 0; i < n; i++) {
                pages[i] = page(i, words);
            }
            for (int i = 0; i < Math.min(n, 2000); i++) {
                org.jsoup.Jsoup.parse(new String(pages[i], StandardCharsets.UTF_8));
            }
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            long t0p = System.nanoTime();
            Thread[] ps = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ps[t] = new Thread(() -> {
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        org.jsoup.Jsoup.parse(new String(pages[i], StandardCharsets.UTF_8));
                    }
                });
                ps[t].start();
            }
            for (Thread t : ps) {
                t.join();
            }
            System.out.printf("jsoup_floor_seconds %.3f%n", (System.nanoTime() - t0p) / 1e9);
        }
    }

    /** A distinct article of about 20 KB: 40 paragraphs of words from a fixed vocabulary (so that it compresses like text). */
    static byte[] page(int i, String[] words) {
        java.util.Random rnd = new java.util.Random(i);
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Article ").append(i)
                .append("</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>Article ").append(i).append("</h1>");
        for (int p = 0; p < 40; p++) {
            b.append("<p>");
            for (int k = 0; k < 70; k++) {
                b.append(words[rnd.nextInt(words.length)]).append(' ');
            }
            b.append("</p>");
        }
        return b.append("</article><footer>News Example</footer></body></html>").toString().getBytes(StandardCharsets.UTF_8);
    }
}
