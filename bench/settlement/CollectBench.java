// Collection at scale ([SET-9]): a member proxy's receipts log of N entries (written straight into the log, as the
// proxy would have), served by a real proxy on loopback, read and verified by the collective's collector, with
// entries/s against the floor of hashing the same entry bytes once (openssl dgst -sha256 over the log's files: the sealed
// segments and the active entries.log; a log over log.segments.max_bytes, 256 MiB by default, is cut into segments). After it,
// where the time goes: the same leaf hashes in this JVM, with each entry read, and with the [SET-8] pages written and read;
// then a second collection of N new entries in the same process (compiled), as a running issuer collects every interval.
//   java -Xmx1g -cp cli/target/cb4i.jar bench/settlement/CollectBench.java DIR N [postgresql://user:password@host:5432/database]
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.receipts.ReceiptLog;
import org.cb4i.proxy.sample.EmbeddedDefault;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.LogEntry;

public class CollectBench {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        long n = Long.parseLong(a[1]);
        Files.createDirectories(dir);
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String member = "http://127.0.0.1:" + port;
        Path state = dir.resolve("proxy");
        SigningKey collectiveKey = KeyFiles.readOrGenerate(state.resolve("collective"));
        Files.createDirectories(dir.resolve("collective"));
        KeyFiles.writeKeyPair(dir.resolve("collective"), collectiveKey, true);
        // The issuer's store: the embedded one by default, or an empty PostgreSQL database (a third argument,
        // postgresql://user:password@host:5432/database), to compare what storing each entry as a row costs on each.
        org.cb4i.issuer.store.StoreLocation where = a.length > 2 ? org.cb4i.issuer.store.StoreLocation.parse(a[2], dir)
                : new org.cb4i.issuer.store.StoreLocation.Folder(dir.resolve("issuer-store"));
        Files.createDirectories(dir.resolve("issuer-store"));
        IssuerConfig ic = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, EmbeddedDefault.COLLECTIVE, EmbeddedDefault.COLLECTIVE,
                java.net.URI.create("http://127.0.0.1:1"), dir.resolve("collective/private.jwk"), where,
                dir.resolve("issuer-store/admin.token"), Duration.ofDays(30), Duration.ofSeconds(60), Duration.ofDays(2), 1024, Duration.ofDays(1),
                65536, new IssuerConfig.Collection(Duration.ZERO, true, true));
        System.out.println("issuer store: " + where);
        IssuerStore store = IssuerStore.open(ic.store());
        Collective c = new Collective(ic, store, collectiveKey, Clock.systemUTC());
        AdminOps ops = new AdminOps(c);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        SigningKey content = KeyFiles.generate(KeyAlgorithm.ED25519);
        ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", member, "content_keys", KeySet.of(content.publicKey()).toJsonObject(),
                "joined", 0)));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "ai-lab", "jwk", crawler.publicKey().toJsonObject())));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "a1", "licensee", "ai-lab", "grant", Map.of("usages", List.of("ai-train"),
                "price", Map.of("currency", "EUR", "per_request", "0.001")), "not_before", 0, "not_after", Instant.now().plusSeconds(86400).getEpochSecond())));
        String jti = c.issue("ai-lab", Optional.empty()).claims().id();

        Path collectorJwks = dir.resolve("collector.jwks.json");
        Files.writeString(collectorJwks, Json.write(KeySet.of(c.collectorKey().publicKey()).toJsonObject()));
        ProxyConfig pc = EmbeddedDefault.config(state, port, 1, Optional.of(collectorJwks.toUri()));
        long t0 = System.nanoTime();
        append(pc, n, member, jti, crawler);
        System.out.printf("log of %d entries written in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        Path logDir = state.resolve("proxy-log");
        List<String> files = new java.util.ArrayList<>();
        try (var segs = Files.list(logDir.resolve("segments"))) {
            segs.filter(f -> f.toString().endsWith(".log")).sorted().forEach(f -> files.add(f.toString()));
        } catch (java.nio.file.NoSuchFileException e) {
            // no sealed segment yet
        }
        files.add(logDir.resolve("entries.log").toString());
        long logBytes = 0;
        for (String f : files) {
            logBytes += Files.size(Path.of(f));
        }
        Proxy proxy = Proxy.start(pc, Clock.systemUTC(), line -> { });
        ops.apply(Json.mapper().valueToTree(Map.of("op", "log.add", "member", member, "url", member)));

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        List<org.cb4i.issuer.settlement.Collector.Result> results = c.collect();
        double wall = (System.nanoTime() - w0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        results.forEach(r -> System.out.println(r.outcome() + ": " + r.detail()));
        long counted = store.usage().counted(results.get(0).logId());
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        long floorStart = System.nanoTime();
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "dgst", "-sha256"));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        double floor = (System.nanoTime() - floorStart) / 1e9;
        System.out.printf("collected and verified %d entries (%d MB of entries) in %.1f s wall, %.1f s CPU (collector and proxy, one process): "
                + "%.0f entries/s%n", counted, logBytes / 1_000_000, wall, cpu, counted / wall);
        System.out.printf("floor: openssl dgst -sha256 over the log's %d file(s): %.2f s (%.0f entries/s); ratio %.1fx%n", files.size(), floor,
                counted / floor, wall / floor);
        System.out.printf("heap in use after collection: %.0f MiB (max %d MiB)%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0, rt.maxMemory() / 1048576);
        // What the entries' wire format ([SET-8]) costs by itself, on one thread, with no network and no store: the proxy
        // writing each entry as a JSON string in pages of 10,000 (knowing whose it is by its iss), and the collector reading
        // the pages back, hashing each entry (its leaf) and reading what it says. Beside it, the same leaf hashes in this JVM.
        List<byte[]> entries = new java.util.ArrayList<>();
        for (String f : files) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(Path.of(f)));
            while (b.remaining() >= 8) {
                int len = b.getInt();
                b.getInt(); // CRC32C, checked by the proxy when it serves
                if (len <= 0 || len > b.remaining()) {
                    break;
                }
                byte[] e = new byte[len];
                b.get(e);
                entries.add(e);
            }
        }
        long h0 = System.nanoTime();
        for (byte[] e : entries) {
            org.cb4i.sdk.log.MerkleTree.leafHash(e);
        }
        double hashes = (System.nanoTime() - h0) / 1e9;
        long p0 = System.nanoTime();
        for (byte[] e : entries) {
            org.cb4i.sdk.log.MerkleTree.leafHash(e);
            LogEntry.parse(e);
        }
        double hashAndRead = (System.nanoTime() - p0) / 1e9;
        long f0 = System.nanoTime();
        long read = 0;
        for (int start = 0; start < entries.size(); start += 10_000) {
            java.io.ByteArrayOutputStream page = new java.io.ByteArrayOutputStream(10_000 * 480);
            page.writeBytes("{\"entries\":[".getBytes(StandardCharsets.US_ASCII));
            for (int i = start; i < Math.min(start + 10_000, entries.size()); i++) {
                byte[] e = entries.get(i);
                page.writeBytes(((i > start ? "," : "") + "{\"index\":" + i).getBytes(StandardCharsets.US_ASCII));
                if (org.cb4i.proxy.endpoints.LogEndpoints.issOf(e).equals(EmbeddedDefault.COLLECTIVE)) {
                    page.writeBytes(",\"entry\":".getBytes(StandardCharsets.US_ASCII));
                    page.writeBytes(org.cb4i.proxy.endpoints.LogEndpoints.jsonString(e));
                }
                page.write('}');
            }
            page.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
            read += org.cb4i.issuer.settlement.Collector.readPage(page.toByteArray(), "page").size();
        }
        double format = (System.nanoTime() - f0) / 1e9;
        System.out.printf("the same leaf hashes in this JVM, one thread: %.2f s (%.1fx the floor)%n", hashes, hashes / floor);
        System.out.printf("the same, and each entry read (what it says: whose, which usage, how many bytes), one thread: %.2f s (%.1fx the floor)%n",
                hashAndRead, hashAndRead / floor);
        System.out.printf("the wire format alone ([SET-8] pages written and read back, each entry hashed and read), one thread, no network, no store: "
                + "%d entries in %.2f s (%.1fx the floor)%n", read, format, format / floor);
        entries.clear();

        // A second collection, of as many new entries, in the same process: what a running issuer does every collection
        // interval, its code compiled by now (the first run above includes the JIT compiling it: seconds of CPU).
        proxy.close();
        append(pc, 2 * n, member, jti, crawler);
        proxy = Proxy.start(pc, Clock.systemUTC(), line -> { });
        cpu0 = os.getProcessCpuTime();
        w0 = System.nanoTime();
        results = c.collect();
        double wall2 = (System.nanoTime() - w0) / 1e9;
        double cpu2 = (os.getProcessCpuTime() - cpu0) / 1e9;
        long counted2 = store.usage().counted(results.get(0).logId()) - counted;
        System.out.printf("a second collection of %d new entries in the same process (compiled): %.1f s wall, %.1f s CPU: %.0f entries/s; %.1fx the "
                + "floor above%n", counted2, wall2, cpu2, counted2 / wall2, wall2 / floor);
        proxy.close();
        store.close();
    }

    /** Appends entries to the proxy's log (the proxy stopped) until it holds {@code size}, as the proxy would have logged them. */
    static void append(ProxyConfig pc, long size, String member, String jti, SigningKey crawler) throws Exception {
        try (ReceiptLog log = ReceiptLog.open(pc.log(), Clock.systemUTC(), System.out::println)) {
            CompletableFuture<Long> last = null;
            for (long i = log.size(); i < size; i++) {
                String rid = log.newRid();
                byte[] e = new LogEntry(rid, Instant.now(), EmbeddedDefault.COLLECTIVE, "ai-lab", jti, crawler.thumbprint(), "GET", member + "/articles/" + i
                        + ".html", 200, 21583, Optional.empty(), "ab".repeat(32), List.of("ai-train"), Optional.empty(), Optional.empty(), true).toBytes();
                last = log.append(rid, e);
                if (i % 50_000 == 49_999) {
                    last.get();
                }
            }
            if (last != null) {
                last.get();
            }
        }
    }
}
