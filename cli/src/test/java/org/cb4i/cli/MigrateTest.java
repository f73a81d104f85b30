package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StoreLocation;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.issuer.testing.TestDatabase;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cb4i issuer migrate}: an embedded store copied into PostgreSQL, and the issuer carrying on from it. */
class MigrateTest {
    @TempDir
    Path dir;
    StoreLocation.Postgres db;

    @AfterEach
    void drop() {
        if (db != null) {
            TestDatabase.drop(db);
        }
    }

    static SettlementTest.Run cb4i(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new SettlementTest.Run(exit, out.toString(), err.toString());
    }

    @Test
    void anEmbeddedStoreMovesToPostgreSQL_andTheIssuerCarriesOnFromIt() throws Exception {
        db = TestDatabase.create();
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        Path yaml = IssuerYaml.onPort(0).write(dir.resolve("issuer.yaml"));
        IssuerConfig h2 = IssuerConfigLoader.load(yaml);
        String revoked;
        String kept;
        String listBefore;
        int auditBefore;
        try (IssuerStore store = IssuerStore.open(h2.store())) {
            Collective c = new Collective(h2, store, KeyFiles.readSigningKey(h2.key()), Clock.systemUTC());
            AdminOps ops = new AdminOps(c);
            ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", "https://news.example", "content_keys",
                    org.cb4i.sdk.key.KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(), "joined", 0)));
            for (String l : List.of("lab-a", "lab-b")) {
                ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", l, "jwk", KeyFiles.generate(KeyAlgorithm.ED25519).publicKey().toJsonObject())));
                ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "agr-" + l, "licensee", l, "grant", Map.of("usages",
                        List.of("ai-train"), "price", Map.of("currency", "EUR", "per_request", "0.002")), "not_before", 0,
                        "not_after", Instant.now().plus(Duration.ofDays(30)).getEpochSecond())));
            }
            revoked = c.issue("lab-a", Optional.empty()).claims().id();
            kept = c.issue("lab-b", Optional.empty()).claims().id();
            c.revoke(revoked);
            ops.apply(Json.mapper().valueToTree(Map.of("op", "strike", "licensee", "lab-b")));
            // The members' business moves too: consent, proposals, notices and offers.
            ops.apply(Json.mapper().valueToTree(Map.of("op", "consent.set", "origin", "https://news.example", "opt_out", Map.of("usages", List.of("ai-train")))));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "proposal.open", "action", "resume", "scope", Map.of("licensee", "lab-b"), "reason", "talks")));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "offer.add", "id", "o1", "grant", Map.of("usages", List.of("ai-input"), "price",
                    Map.of("currency", "EUR", "per_request", "0.001")), "not_after", Instant.now().plus(Duration.ofDays(30)).getEpochSecond())));
            // A strike of one usage and an amended agreement move too ([STS-9], [ISS-12]).
            ops.apply(Json.mapper().valueToTree(Map.of("op", "strike", "all", true, "usage", "search", "reason", "search paused")));
            ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.amend", "id", "agr-lab-a", "grant", Map.of("usages", List.of("ai-train"),
                    "quota", Map.of("rps", 1)), "reason", "slower")));
            // Collected usage moves as its pages ([SET-9]): three entries of a verified log.
            store.usage().registerLog("L".repeat(43), "https://news.example", "https://news.example", "approved",
                    org.cb4i.sdk.log.CompactRange.empty().toText(), Instant.now());
            List<org.cb4i.issuer.store.UsageStore.EntryRow> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rows.add(new org.cb4i.issuer.store.UsageStore.EntryRow("L".repeat(43), i, "0".repeat(64), Instant.ofEpochSecond(1_790_000_000L + i),
                        Optional.of("lab-a"), Optional.of("j"), Optional.of("agr-lab-a"), "https://news.example", "ai-train", 100 + i, i == 0, true,
                        Optional.empty(), Optional.empty(), Optional.of("rid" + i), Optional.of("/a/" + i)));
            }
            store.usage().putEntries(rows);
            store.usage().verified("L".repeat(43), 3, "", Instant.now(), org.cb4i.sdk.log.CompactRange.empty().toText(), Instant.now());
            listBefore = c.currentStatusList().list().encode();
            auditBefore = store.audit(1000).size();
        }

        SettlementTest.Run moved = cb4i("issuer", "migrate", "--config", yaml.toString(), "--to", url(db));
        assertThat(moved.exit()).as(moved.err()).isZero();
        assertThat(moved.out()).contains("copied " + dir.resolve("issuer-store") + " into " + db).contains("licenses").contains("Next: set store:");

        IssuerConfig pg = IssuerConfigLoader.load(IssuerYaml.onPort(0).store(url(db)).write(dir.resolve("issuer-pg.yaml")));
        try (IssuerStore store = IssuerStore.open(pg.store())) {
            Collective c = new Collective(pg, store, KeyFiles.readSigningKey(pg.key()), Clock.systemUTC());
            assertThat(c.currentStatusList().list().encode()).as("the same status list").isEqualTo(listBefore);
            assertThat(store.license(revoked).orElseThrow().revoked()).isTrue();
            assertThat(store.licensee("lab-b").orElseThrow().suspension()).hasValue("strike");
            assertThat(store.members()).hasSize(1);
            assertThat(store.audit(1000)).hasSize(auditBefore);
            assertThat(store.consentHistory("https://news.example")).hasSize(1);
            assertThat(store.decisions().proposals()).hasSize(1);
            assertThat(store.decisions().inElectorate("P1", "https://news.example")).isTrue();
            assertThat(store.notices().newest(Optional.empty(), 10)).as("the notices of the two strikes and the amendment").hasSize(3);
            assertThat(store.offers().get("o1")).isPresent();
            new AdminOps(c).apply(Json.mapper().valueToTree(Map.of("op", "resume", "licensee", "lab-b")));
            assertThat(store.usageStrikes()).extracting(IssuerStore.UsageStrike::usage).containsExactly("search");
            assertThat(store.amendments("agr-lab-a")).hasSize(1);
            assertThat(store.usage().counted("L".repeat(43))).isEqualTo(3);
            assertThat(store.usage().usageByDay(Optional.of("lab-a"), Optional.empty(), Optional.empty())).singleElement()
                    .satisfies(d -> assertThat(List.of(d.requests(), d.bytes(), d.attested())).containsExactly(3L, 303L, 1L));
            List<org.cb4i.issuer.store.UsageStore.Billable> billable = new java.util.ArrayList<>();
            store.usage().forEachUnsettled(Instant.ofEpochSecond(1_790_000_002L), billable::add);
            assertThat(billable).extracting(org.cb4i.issuer.store.UsageStore.Billable::path).containsExactly(Optional.of("/a/0"), Optional.of("/a/1"));
            int next = c.issue("lab-b", Optional.empty()).row().idx();
            assertThat(next).as("indices continue after the copied ones (two a license of ai-train: its own and ai-train's)").isEqualTo(4);
            assertThat(store.audit(1000)).as("the audit trail continues").hasSize(auditBefore + 2);
        }

        SettlementTest.Run again = cb4i("issuer", "migrate", "--config", yaml.toString(), "--to", url(db));
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("is not empty");
        SettlementTest.Run notADatabase = cb4i("issuer", "migrate", "--config", yaml.toString(), "--to", "elsewhere");
        assertThat(notADatabase.exit()).isEqualTo(2);
        assertThat(notADatabase.err()).contains("--to: expected a database URL");
    }

    static String url(StoreLocation.Postgres db) {
        return db.display().replace("postgresql://" + db.user() + "@", "postgresql://" + db.user() + ":" + db.password().orElse("") + "@");
    }
}
