package org.cb4i.verifier.statement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.CompactRange;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.settlement.Statement;
import org.cb4i.verifier.trust.TrustStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [SET-11]: a statement checked by its receiver: the signature against the trust store, the sums, and an invoice
 * against the receipts of the licensee's crawl (billed without a receipt, held but not billed, the exact entries by
 * their Merkle root, one history per log).
 */
class StatementCheckTest {
    static final String ISS = "https://collective.example";
    static final String SITE = "https://news.example";

    @TempDir
    Path dir;
    final SigningKey collective = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey logKey = KeyFiles.generate(KeyAlgorithm.ED25519);
    TrustStore trust;
    final List<byte[]> entries = new ArrayList<>();
    String logCheckpoint;
    String root;

    @BeforeEach
    void crawl() throws Exception {
        trust = TrustStore.empty().with("collectives", new TrustStore.Entry(ISS, Optional.empty(), KeySet.of(collective.publicKey()), Optional.empty(),
                Optional.empty()));
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 3; i++) {
            byte[] e = new LogEntry("r" + i, Instant.parse("2026-11-10T10:00:00Z"), ISS, "crawler-co", "lic-1", "jkt", "GET", SITE + "/a/" + i, 200, 100,
                    Optional.empty(), "00".repeat(32), List.of("ai-train"), Optional.empty(), Optional.empty(), true).toBytes();
            entries.add(e);
            tree.append(e);
        }
        logCheckpoint = Checkpoint.sign(logKey, 3, tree.root(3), Instant.parse("2026-12-01T00:01:00Z")).compact();
        root = HexFormat.of().formatHex(tree.root(3));
        StringBuilder m = new StringBuilder(Json.write(Map.of("type", "cb4i-manifest", "version", 1, "builder", "test", "usage", "ai-train", "created", 1,
                "licenses", List.of(), "status_lists", List.of(), "repertoires", List.of(), "sites", List.of(),
                "logs", Map.of(logKey.thumbprint(), Map.of("origin", SITE, "jwks", KeySet.of(logKey.publicKey()).toJsonObject(),
                        "checkpoints", List.of(logCheckpoint)))))).append('\n');
        for (int i = 0; i < entries.size(); i++) {
            m.append(Json.write(Map.of("id", i + 1, "url", SITE + "/a/" + i, "outcome", "fetched", "receipt", Map.of("log", logKey.thumbprint(), "rid", "r" + i,
                    "entry", new String(entries.get(i), StandardCharsets.UTF_8), "index", i)))).append('\n');
        }
        Files.writeString(dir.resolve("manifest.jsonl"), m.toString());
    }

    Statement invoice(long requests, List<Integer> counted, SigningKey key, long total, String rootHex) {
        CompactRange root = CompactRange.empty();
        counted.forEach(i -> root.append(Statement.entryLeafHash(logKey.thumbprint(), i, HexFormat.of().formatHex(MerkleTree.leafHash(entries.get(i))))));
        return new Statement("", ISS, Statement.Kind.INVOICE, "2026-11-I0001", "2026-11", Instant.parse("2026-12-01T01:00:00Z"), false, "EUR",
                Optional.of("a1"), Optional.of("crawler-co"), Optional.empty(), List.of(new Statement.Line(1, "usage", Optional.of(SITE),
                        Optional.of("ai-train"), requests, requests * 100, 0, requests, requests * 10, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty())), total, OptionalLong.of(0), List.of(), List.of(), List.of(new Statement.Counted(logKey.thumbprint(), SITE, 3,
                                rootHex)), Optional.of(new Statement.Entries(counted.size(), HexFormat.of().formatHex(root.root()))),
                Optional.empty(), Optional.empty()).sign(key);
    }

    List<String> problems(StatementCheck.Result r) {
        return r.findings().stream().filter(StatementCheck.Finding::problem).map(StatementCheck.Finding::message).toList();
    }

    @Test
    void anInvoiceThatCountsExactlyTheReceiptsHeld_holds() throws Exception {
        StatementCheck.Result r = StatementCheck.check(invoice(3, List.of(0, 1, 2), collective, 30, root).compact(), trust, Optional.of(dir));
        assertThat(problems(r)).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.findings()).anySatisfy(f -> assertThat(f.message()).contains("counts exactly the 3 receipts"));
    }

    @Test
    void billedWithoutAReceipt_heldButNotBilled_andOtherEntries_areReported() throws Exception {
        assertThat(problems(StatementCheck.check(invoice(4, List.of(0, 1, 2), collective, 40, root).compact(), trust, Optional.of(dir))))
                .anySatisfy(p -> assertThat(p).contains("4 entries billed, the dataset holds receipts for 3"));
        assertThat(problems(StatementCheck.check(invoice(2, List.of(0, 1), collective, 20, root).compact(), trust, Optional.of(dir))))
                .anySatisfy(p -> assertThat(p).contains("receipts held but not billed"));
        assertThat(problems(StatementCheck.check(invoice(3, List.of(0, 1, 1), collective, 30, root).compact(), trust, Optional.of(dir))))
                .anySatisfy(p -> assertThat(p).contains("are not the 3 receipts the dataset holds"));
    }

    @Test
    void aForeignSignature_sumsThatDoNotAddUp_andTwoHistories_areReported() throws Exception {
        StatementCheck.Result foreign = StatementCheck.check(invoice(3, List.of(0, 1, 2), KeyFiles.generate(KeyAlgorithm.ED25519), 30, logCheckpoint)
                .compact(), trust, Optional.empty());
        assertThat(foreign.ok()).isFalse();
        assertThat(foreign.statement()).isEmpty();
        assertThat(problems(StatementCheck.check(invoice(3, List.of(0, 1, 2), collective, 31, root).compact(), trust, Optional.empty())))
                .anySatisfy(p -> assertThat(p).contains("total_minor is 31, its lines add up to 30"));
        MerkleTree other = new MerkleTree();
        other.append("another history".getBytes(StandardCharsets.UTF_8));
        other.append("b".getBytes(StandardCharsets.UTF_8));
        other.append("c".getBytes(StandardCharsets.UTF_8));
        String fork = HexFormat.of().formatHex(other.root(3));
        assertThat(problems(StatementCheck.check(invoice(3, List.of(0, 1, 2), collective, 30, fork).compact(), trust, Optional.of(dir))))
                .anySatisfy(p -> assertThat(p).contains("shows two histories"));
    }

    @Test
    void online_billedEntriesOutsideTheRootOrWithoutAReceipt_areNamed() throws Exception { // [SET-12]
        Statement inv = invoice(3, List.of(0, 1, 2), collective, 30, root);
        MerkleTree t = new MerkleTree();
        List<String> leaves = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String leaf = HexFormat.of().formatHex(MerkleTree.leafHash(entries.get(i)));
            leaves.add(leaf);
            t.appendLeafHash(Statement.entryLeafHash(logKey.thumbprint(), i, leaf));
        }
        List<StatementCheck.BilledEntry> billed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            billed.add(new StatementCheck.BilledEntry(i, logKey.thumbprint(), i, leaves.get(i), Optional.of("r" + i), Optional.of("jkt"), t.inclusionProof(i, 3)));
        }
        StatementCheck.Result good = StatementCheck.check(inv.compact(), trust, Optional.of(dir), Optional.empty(),
                Optional.of(new StatementCheck.Online(billed, "jkt")));
        assertThat(problems(good)).isEmpty();
        assertThat(good.findings()).anySatisfy(f -> assertThat(f.message()).contains("each is a receipt your dataset holds"));

        List<StatementCheck.BilledEntry> forged = new ArrayList<>(billed);
        forged.set(1, new StatementCheck.BilledEntry(1, logKey.thumbprint(), 7, leaves.get(1), Optional.of("r7"), Optional.of("jkt"), t.inclusionProof(1, 3)));
        assertThat(problems(StatementCheck.check(inv.compact(), trust, Optional.of(dir), Optional.empty(), Optional.of(new StatementCheck.Online(forged, "jkt")))))
                .anySatisfy(p -> assertThat(p).contains("entry 7 of log " + logKey.thumbprint() + " is not in the invoice's entries root"))
                .anySatisfy(p -> assertThat(p).contains("is not among the receipts your dataset holds"));
    }
}
