// Settlement at scale ([SET-10]): a month of M members x L licensees (one counted entry per member per licensee, so
// M x L entries and M member logs), closed into L invoices of M lines, M payout statements and a summary, all signed;
// the time of the close and the heap it used, against the one-minute target.
//   java -Xmx1g -cp cli/target/cb4i.jar bench/settlement/SettleBench.java DIR [MEMBERS LICENSEES]
// To see where the time goes: -Ddraft=true settles without closing (nothing stored), -Dnoout=true writes no files
// (the statements come back in the answer, so at most 2,000 of them).
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.UsageStore;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.CompactRange;
import org.cb4i.sdk.log.MerkleTree;

public class SettleBench {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        int members = a.length > 1 ? Integer.parseInt(a[1]) : 10_000;
        int licensees = a.length > 2 ? Integer.parseInt(a[2]) : 100;
        Files.createDirectories(dir);
        SigningKey key = KeyFiles.readOrGenerate(dir.resolve("collective"));
        Instant now = Instant.parse("2026-12-01T01:00:00Z");
        IssuerConfig ic = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, "https://collective.example", "https://collective.example",
                java.net.URI.create("https://licenses.collective.example"), dir.resolve("collective/private.jwk"), dir.resolve("issuer-store"),
                dir.resolve("issuer-store/admin.token"), Duration.ofDays(1), Duration.ofSeconds(60), Duration.ofDays(2), 1024, Duration.ofDays(1), 65536);
        IssuerStore store = IssuerStore.open(ic.store());
        Collective c = new Collective(ic, store, key, Clock.fixed(now, ZoneOffset.UTC));
        AdminOps ops = new AdminOps(c);
        long t0 = System.nanoTime();
        var content = KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject();
        for (int m = 0; m < members; m++) {
            ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", "https://m" + m + ".example", "content_keys", content, "joined", 0)));
        }
        for (int l = 0; l < licensees; l++) {
            ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "lab-" + l, "jwk", KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()
                    .toJsonObject())));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "a-" + l, "licensee", "lab-" + l, "grant", Map.of("usages",
                    List.of("ai-train"), "price", Map.of("currency", "EUR", "per_request", "0.37", "per_mib", "0.05", "minimum", "10", "fee", "7.5")),
                    "not_before", 0, "not_after", now.plusSeconds(86400 * 365).getEpochSecond())));
        }
        // One log per member; its entries: one per licensee, in November, counted under a checkpoint after the month.
        Instant at = Instant.parse("2026-11-15T12:00:00Z");
        for (int m = 0; m < members; m++) {
            String logId = String.format("log%040d", m);
            String member = "https://m" + m + ".example";
            store.usage().registerLog(logId, member, member, "approved", CompactRange.empty().toText(), now);
            List<UsageStore.EntryRow> rows = new ArrayList<>();
            CompactRange edge = CompactRange.empty();
            for (int l = 0; l < licensees; l++) {
                byte[] leaf = MerkleTree.leafHash((logId + l).getBytes());
                edge.append(leaf);
                rows.add(new UsageStore.EntryRow(logId, l, HexFormat.of().formatHex(leaf), at, Optional.of("lab-" + l), Optional.of("jti-" + l),
                        Optional.of("a-" + l), member, "ai-train", 20_000 + 37L * m + l, (m + l) % 3 == 0, true, Optional.empty(), Optional.empty(),
                        Optional.empty()));
            }
            store.usage().putEntries(rows);
            store.usage().verified(logId, licensees, "", now.minusSeconds(600), edge.toText(), now);
        }
        System.out.printf("set up %d members, %d licensees, %d entries in %.0f s%n", members, licensees, (long) members * licensees, (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        long t1 = System.nanoTime();
        Map<String, Object> op = new java.util.HashMap<>(Map.of("op", "settle", "period", "2026-11", "close", !Boolean.getBoolean("draft")));
        if (!Boolean.getBoolean("noout")) {
            op.put("out", dir.resolve("statements").toAbsolutePath().toString());
        }
        var out = ops.apply(Json.mapper().valueToTree(op));
        double took = (System.nanoTime() - t1) / 1e9;
        System.out.printf("closed 2026-11: %d statements (%d invoices of %d lines, %d payouts, 1 summary) in %.1f s (target: under 60 s)%n",
                ((List<?>) out.get("briefs")).size(), licensees, members, members, took);
        try (var files = Files.list(Files.createDirectories(dir.resolve("statements")))) {
            System.out.printf("written: %d files, %d MB%n", files.count(), Files.walk(dir.resolve("statements")).filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length()).sum() / 1_000_000);
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        System.out.printf("heap in use before the close %.0f MiB, after it %.0f MiB; the close ran within a heap of %d MiB%n", before / 1048576.0,
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0, rt.maxMemory() / 1048576);
        store.close();
    }
}
