package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.UsageStore;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.CompactRange;
import org.cb4i.sdk.log.MerkleTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [SET-12]: {@code cb4i statement check --online} against a running issuer, on the real clock: the licensee's signed
 * request gets every entry last month's invoice counted, with inclusion proofs in the invoice's entries root, and each
 * is checked against the licensee's key; an entry the collector counted under the licensee's license but made with
 * another key is named; a stranger's key is refused.
 */
class InvoiceEntriesTest {
    @TempDir
    Path dir;

    @Test
    void theLicenseeChecksEveryBilledEntry_andAStrangerIsRefused() throws Exception {
        YearMonth last = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
        Instant at = last.atDay(10).atStartOfDay().toInstant(ZoneOffset.UTC);
        int port = CollectorCrashTest.freePort();
        Path yaml = dir.resolve("issuer.yaml");
        IssuerYaml.onPort(port).write(yaml);
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        ok("keys", "generate", "--out", dir.resolve("crawler").toString());
        SigningKey crawler = KeyFiles.readSigningKey(dir.resolve("crawler/private.jwk"));
        var cfg = IssuerConfigLoader.load(yaml);
        String member = "https://news.example";
        try (IssuerStore store = IssuerStore.open(cfg.store())) {
            Collective c = new Collective(cfg, store, KeyFiles.readSigningKey(cfg.key()), Clock.systemUTC());
            AdminOps ops = new AdminOps(c);
            ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", member, "content_keys",
                    KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(), "joined", 0)));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "ai-lab", "jwk", crawler.publicKey().toJsonObject())));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "a1", "licensee", "ai-lab", "grant", Map.of("usages",
                    List.of("ai-train"), "price", Map.of("currency", "EUR", "per_request", "0.01")), "not_before", 0,
                    "not_after", Instant.now().plusSeconds(86400).getEpochSecond())));
            // A member log the collector verified: five entries of last month, the fourth made with a key that is not ai-lab's.
            String logId = "L".repeat(43);
            store.usage().registerLog(logId, member, member, "approved", CompactRange.empty().toText(), Instant.now());
            List<UsageStore.EntryRow> rows = new ArrayList<>();
            CompactRange edge = CompactRange.empty();
            for (int i = 0; i < 5; i++) {
                byte[] leaf = MerkleTree.leafHash(("entry " + i).getBytes());
                edge.append(leaf);
                rows.add(new UsageStore.EntryRow(logId, i, java.util.HexFormat.of().formatHex(leaf), at, Optional.of("ai-lab"), Optional.of("lic"),
                        Optional.of("a1"), member, "ai-train", 1000, false, true, Optional.empty(), Optional.of(i == 3 ? "someone-else" : crawler.thumbprint()),
                        Optional.of("rid" + i)));
            }
            store.usage().putEntries(rows);
            store.usage().verified(logId, 5, "", Instant.now(), edge.toText(), Instant.now());
            ops.apply(Json.mapper().valueToTree(Map.of("op", "settle", "period", last.toString(), "close", true, "out",
                    dir.resolve("statements").toString())));
        }
        Issuer issuer = Issuer.start(cfg, Clock.systemUTC(), line -> { });
        try {
            Path invoice = dir.resolve("statements").resolve(last + "-I0001.invoice.jwt");
            Path trust = dir.resolve("trust.json");
            ok("trust", "add", "--trust", trust.toString(), "--collective", "https://collective.example", "--keys",
                    dir.resolve("collective/public.jwks").toString());
            CollectorCrashTest.Run r = CollectorCrashTest.cb4i("statement", "check", invoice.toString(), "--trust", trust.toString(), "--online",
                    "--issuer", "http://127.0.0.1:" + port, "--key", dir.resolve("crawler/private.jwk").toString(), "--fetch-from-private-addresses");
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out()).contains("billed entry 3 of log " + "L".repeat(43) + " was made with key someone-else, not yours");
            assertThat(r.out()).doesNotContain("not in the invoice's entries root");

            ok("keys", "generate", "--out", dir.resolve("stranger").toString());
            CollectorCrashTest.Run stranger = CollectorCrashTest.cb4i("statement", "check", invoice.toString(), "--trust", trust.toString(), "--online",
                    "--issuer", "http://127.0.0.1:" + port, "--key", dir.resolve("stranger/private.jwk").toString(), "--fetch-from-private-addresses");
            assertThat(stranger.exit()).isNotZero();
            assertThat(stranger.err()).contains("401", "no licensee is registered with key");
        } finally {
            issuer.stop();
        }
    }

    private static void ok(String... args) {
        CollectorCrashTest.Run r = CollectorCrashTest.cb4i(args);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }
}
