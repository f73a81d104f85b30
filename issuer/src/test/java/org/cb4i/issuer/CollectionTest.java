package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.settlement.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The collector against logs that misbehave ([SET-9]): it counts an entry only under a checkpoint signed by the log's
 * key that extends the last one it verified; a log whose entries do not hash to the signed root, that forks, shrinks
 * or is signed by another key is flagged with the evidence and its unverified usage held out; a new log id waits for
 * approval; entries under licenses the collective did not issue are alerted and not billed; nothing is counted twice.
 * And settlement by the stored usage ([SET-2] [SET-5] [SET-10]): prices by entry time across an amendment, a month
 * with no usage but a minimum.
 */
class CollectionTest extends IssuerFixture {
    FakeMemberLog log;
    String jti;

    @Override
    Issuer startIssuer() throws Exception {
        IssuerConfig cfg = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, ID, ID, java.net.URI.create("https://licenses.collective.example"),
                dir.resolve("collective/private.jwk"), store(), dir.resolve("store/admin.token"), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofDays(60), 1024, Duration.ofDays(1), 16 * 1024, new IssuerConfig.Collection(Duration.ZERO, true, true));
        Issuer i = Issuer.start(cfg, clock, line -> { });
        base = "http://127.0.0.1:" + i.port();
        return i;
    }

    @AfterEach
    void stopLog() {
        if (log != null) {
            log.close();
        }
    }

    /** A member behind a fake log, registered for collection, and a license the collective issued. */
    void member() throws Exception {
        log = new FakeMemberLog();
        var content = KeyFiles.generate(KeyAlgorithm.ED25519);
        ok(Map.of("op", "member.add", "origin", log.origin(), "content_keys", KeySet.of(content.publicKey()).toJsonObject(), "joined", 0));
        ok(Map.of("op", "log.add", "member", log.origin(), "url", log.origin()));
        jti = issuer.collective().issue("crawler-co", Optional.empty()).claims().id();
    }

    JsonNode ok(Object op) throws Exception {
        HttpResponse<String> r = admin(op);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    byte[] entry(int i, String license, Instant at, boolean attested) {
        return new LogEntry("r" + i, at, ID, "crawler-co", license, crawler.thumbprint(), "GET", log.origin() + "/a/" + i, 200, 1000,
                Optional.empty(), "00".repeat(32), List.of("ai-train"), attested ? Optional.of("sig1=()") : Optional.empty(),
                attested ? Optional.of("sig1=:AA==:") : Optional.empty(), true).toBytes();
    }

    void add(int n, Instant at) {
        for (int k = 0; k < n; k++) {
            log.entries.add(entry(log.entries.size(), jti, at, false));
        }
        log.sign(log.logKey, clock.instant());
    }

    String outcome() throws Exception {
        return ok(Map.of("op", "collect")).get("results").get(0).get("outcome").asText();
    }

    long counted() throws Exception {
        return ok(Map.of("op", "log.list")).get("logs").get(0).get("counted").asLong();
    }

    @Test
    void entriesUnderASignedCheckpoint_areCounted_once_andAcknowledged() throws Exception {
        member();
        add(5, clock.instant());
        assertThat(outcome()).isEqualTo("collected");
        assertThat(counted()).isEqualTo(5);
        assertThat(log.acks.get()).isEqualTo(1);
        assertThat(outcome()).as("nothing new").isEqualTo("unchanged");
        add(3, clock.instant());
        assertThat(outcome()).isEqualTo("collected");
        assertThat(counted()).as("nothing counted twice").isEqualTo(8);
        JsonNode usage = ok(Map.of("op", "usage")).get("usage");
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).get("requests").asLong()).isEqualTo(8);
        assertThat(usage.get(0).get("billable").asLong()).isEqualTo(8);
    }

    @Test
    void entriesThatDoNotHashToTheSignedRoot_areFlagged_andNotCounted_untilResolved() throws Exception {
        member();
        add(4, clock.instant());
        log.entries.set(2, entry(2, jti, clock.instant().plusSeconds(1), false)); // changed after the checkpoint was signed
        assertThat(outcome()).isEqualTo("flagged");
        assertThat(counted()).isZero();
        JsonNode alerts = ok(Map.of("op", "log.list")).get("alerts");
        assertThat(alerts.get(0).get("kind").asText()).isEqualTo("log.contradiction");
        assertThat(alerts.get(0).get("evidence").asText()).contains("computed_root", log.checkpoint);
        assertThat(outcome()).as("a flagged log is not read until resolved").isEqualTo("skipped");
        log.entries.set(2, entry(2, jti, clock.instant(), false));
        log.sign(log.logKey, clock.instant());
        ok(Map.of("op", "log.resolve", "log_id", log.logId));
        assertThat(outcome()).isEqualTo("collected");
        assertThat(counted()).isEqualTo(4);
    }

    @Test
    void aLogThatForksShrinksOrIsSignedByAnotherKey_isFlagged_andKeepsWhatWasVerified() throws Exception {
        member();
        add(3, clock.instant());
        assertThat(outcome()).isEqualTo("collected");
        // A fork: the first entry rewritten, two appended, all signed again.
        log.entries.set(0, entry(0, jti, clock.instant().minusSeconds(60), false));
        add(2, clock.instant());
        assertThat(outcome()).isEqualTo("flagged");
        assertThat(counted()).as("the verified usage stays counted").isEqualTo(3);
        assertThat(ok(Map.of("op", "log.list")).get("logs").get(0).get("last_error").asText()).contains("do not hash to the signed root");

        log.entries.set(0, entry(0, jti, clock.instant(), false));
        log.entries.subList(3, log.entries.size()).clear();
        log.entries.remove(2);
        log.sign(log.logKey, clock.instant());
        ok(Map.of("op", "log.resolve", "log_id", log.logId));
        assertThat(outcome()).as("a log never shrinks").isEqualTo("flagged");
        assertThat(ok(Map.of("op", "log.list")).get("logs").get(0).get("last_error").asText()).contains("never shrinks");

        log.entries.add(2, entry(2, jti, clock.instant(), false));
        log.entries.set(2, entry(9, jti, clock.instant(), false));
        log.sign(log.logKey, clock.instant());
        ok(Map.of("op", "log.resolve", "log_id", log.logId));
        assertThat(outcome()).as("two checkpoints of one size with different roots").isEqualTo("flagged");

        log.entries.set(2, entry(2, jti, clock.instant(), false));
        log.sign(KeyFiles.generate(KeyAlgorithm.ED25519), clock.instant());
        ok(Map.of("op", "log.resolve", "log_id", log.logId));
        assertThat(outcome()).as("a checkpoint signed by another key").isEqualTo("flagged");
        assertThat(counted()).isEqualTo(3);
    }

    @Test
    void aNewLogId_raisesAnAlert_andIsNotCountedUntilApproved() throws Exception {
        member();
        add(1, clock.instant());
        log.extraLogIds.add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        JsonNode results = ok(Map.of("op", "collect")).get("results");
        assertThat(results).hasSize(2);
        JsonNode list = ok(Map.of("op", "log.list"));
        assertThat(list.get("alerts")).anySatisfy(a -> assertThat(a.get("kind").asText()).isEqualTo("log.new"));
        assertThat(list.get("logs")).anySatisfy(l -> assertThat(l.get("state").asText()).isEqualTo("pending"));
        assertThat(results).anySatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("skipped"));
    }

    @Test
    void aFinalCheckpoint_retiresTheLog_butASuccessorRegisteredToAnotherMember_isNotFollowed() throws Exception {
        member();
        add(2, clock.instant());
        try (FakeMemberLog other = new FakeMemberLog()) {
            var content = KeyFiles.generate(KeyAlgorithm.ED25519);
            ok(Map.of("op", "member.add", "origin", other.origin(), "content_keys", KeySet.of(content.publicKey()).toJsonObject(), "joined", 0));
            ok(Map.of("op", "log.add", "member", other.origin(), "url", other.origin()));
            log.entries.add(entry(2, jti, clock.instant(), false));
            log.signFinal(other.logId, clock.instant());
            JsonNode results = ok(Map.of("op", "collect")).get("results");
            JsonNode mine = null;
            for (JsonNode r : results) {
                if (r.get("log_id").asText().equals(log.logId)) {
                    mine = r;
                }
            }
            assertThat(mine.get("outcome").asText()).as("[LOG-6] its entries up to the final checkpoint are counted").isEqualTo("collected");
            assertThat(mine.get("detail").asText()).contains("retired", "is not followed");
            JsonNode list = ok(Map.of("op", "log.list"));
            assertThat(list.get("alerts")).anySatisfy(a -> assertThat(a.get("kind").asText()).isEqualTo("log.successor"));
            assertThat(list.get("logs")).anySatisfy(l -> {
                assertThat(l.get("log_id").asText()).isEqualTo(other.logId);
                assertThat(l.get("member").asText()).as("still the other member's").isEqualTo(other.origin());
            });
            assertThat(list.get("logs")).anySatisfy(l -> {
                assertThat(l.get("log_id").asText()).isEqualTo(log.logId);
                assertThat(l.get("state").asText()).isEqualTo("retired");
                assertThat(l.get("counted").asLong()).isEqualTo(3);
            });
            // Retired: not read again, even when the log serves something else later.
            log.entries.add(entry(3, jti, clock.instant(), false));
            log.sign(log.logKey, clock.instant());
            JsonNode again = ok(Map.of("op", "collect")).get("results");
            assertThat(again).anySatisfy(r -> {
                assertThat(r.get("log_id").asText()).isEqualTo(log.logId);
                assertThat(r.get("outcome").asText()).isEqualTo("retired");
                assertThat(r.get("to").asLong()).isEqualTo(3);
            });
        }
    }

    @Test
    void entriesUnderALicenseTheCollectiveDidNotIssue_areAlerted_andNotBilled() throws Exception {
        member();
        log.entries.add(entry(0, "forged-license", clock.instant(), false));
        log.entries.add(entry(1, jti, clock.instant(), false));
        log.sign(log.logKey, clock.instant());
        assertThat(outcome()).isEqualTo("collected");
        JsonNode u = ok(Map.of("op", "usage")).get("usage").get(0);
        assertThat(u.get("requests").asLong()).isEqualTo(2);
        assertThat(u.get("billable").asLong()).isEqualTo(1);
        assertThat(ok(Map.of("op", "log.list")).get("alerts")).anySatisfy(a -> assertThat(a.get("detail").asText()).contains("forged-license"));
    }

    @Test
    void aProxyThatIsDown_failsTheCollection_andCountsNothing() throws Exception {
        member();
        add(2, clock.instant());
        log.down = true;
        assertThat(outcome()).isEqualTo("failed");
        assertThat(counted()).isZero();
        log.down = false;
        assertThat(outcome()).isEqualTo("collected");
        assertThat(counted()).isEqualTo(2);
    }

    @Test
    void anAmendmentMidMonth_pricesEachEntryByItsTime_andAMonthWithoutUsageBillsItsMinimum() throws Exception {
        member();
        ok(Map.of("op", "agreement.price", "id", "a1", "price", Map.of("currency", "EUR", "per_request", "0.50", "minimum", "3"),
                "from", Instant.parse("2026-06-15T00:00:00Z").getEpochSecond()));
        HttpResponse<String> other = admin(Map.of("op", "agreement.price", "id", "a1", "price", Map.of("currency", "USD", "per_request", "1"),
                "from", Instant.parse("2026-06-20T00:00:00Z").getEpochSecond()));
        assertThat(other.statusCode()).as("currencies mixed within one agreement").isEqualTo(400);
        add(2, Instant.parse("2026-06-10T00:00:00Z")); // at 0.001 (the agreement's first schedule)
        add(3, Instant.parse("2026-06-16T00:00:00Z")); // at 0.50
        clock.set(Instant.parse("2026-07-01T00:10:00Z"));
        log.sign(log.logKey, clock.instant());
        assertThat(outcome()).isEqualTo("collected");
        JsonNode june = ok(Map.of("op", "settle", "period", "2026-06", "close", true));
        Statement invoice = Statement.verify(june.get("statements").get(0).asText(), iss -> issuer.collective().jwks());
        assertThat(invoice.lines()).extracting(Statement.Line::amountMinor).containsExactly(0L, 150L, 150L); // 2 x 0.001 -> 0; 3 x 0.50; minimum 3
        assertThat(invoice.lines().get(2).kind()).isEqualTo("minimum");

        clock.set(Instant.parse("2026-08-01T00:10:00Z"));
        log.sign(log.logKey, clock.instant());
        assertThat(outcome()).isEqualTo("unchanged");
        JsonNode july = ok(Map.of("op", "settle", "period", "2026-07", "close", true));
        Statement empty = Statement.verify(july.get("statements").get(0).asText(), iss -> issuer.collective().jwks());
        assertThat(empty.lines()).extracting(Statement.Line::kind).containsExactly("minimum");
        assertThat(empty.totalMinor()).isEqualTo(300);
        Statement summary = Statement.verify(july.get("statements").get(july.get("statements").size() - 1).asText(), iss -> issuer.collective().jwks());
        assertThat(summary.kind()).isEqualTo(Statement.Kind.SUMMARY);
        assertThat(summary.payouts()).extracting(Statement.Share::member, Statement.Share::amountMinor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(log.origin(), 300L)); // [SET-7]: nothing to weigh, shared equally
        assertThat(admin(Map.of("op", "settle", "period", "2026-07", "close", true)).statusCode()).as("a closed period never changes").isEqualTo(409);
        HttpResponse<String> earlier = admin(Map.of("op", "settle", "period", "2026-05", "close", true));
        assertThat(earlier.statusCode()).as("periods close in order").isEqualTo(409);
        assertThat(json(earlier).get("error_description").asText()).contains("comes before 2026-07");
    }

    @Test
    void membersPaidByValue_shareThePayoutsByPositiveValue_andAMemberValuedBelowZeroIsListedWithNothing() throws Exception {
        member();
        var keys = KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject();
        String second = "https://second.example";
        String third = "https://third.example";
        ok(Map.of("op", "member.add", "origin", second, "content_keys", keys, "joined", 0));
        ok(Map.of("op", "member.add", "origin", third, "content_keys", keys, "joined", 0));
        // What cb4i value --weights-out writes, as the schedule's allocation ([SET-1], [SET-7]).
        ok(Map.of("op", "agreement.price", "id", "a1", "price", Map.of("currency", "EUR", "per_request", "0.01", "allocation",
                Map.of("value", Map.of(log.origin(), "0.6", second, "0.2", third, "-0.05"))), "from", Instant.parse("2026-06-02T00:00:00Z").getEpochSecond()));
        add(100, Instant.parse("2026-06-10T00:00:00Z"));
        clock.set(Instant.parse("2026-07-01T00:10:00Z"));
        log.sign(log.logKey, clock.instant());
        assertThat(outcome()).isEqualTo("collected");
        JsonNode june = ok(Map.of("op", "settle", "period", "2026-06", "close", true));
        Statement summary = Statement.verify(june.get("statements").get(june.get("statements").size() - 1).asText(), iss -> issuer.collective().jwks());
        assertThat(summary.kind()).isEqualTo(Statement.Kind.SUMMARY);
        // 100 entries at 1 cent, all generated by the first member, shared 0.6 : 0.2; the third is paid nothing, not less.
        assertThat(summary.payouts()).extracting(Statement.Share::member, Statement.Share::amountMinor).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(log.origin(), 75L), org.assertj.core.groups.Tuple.tuple(second, 25L),
                org.assertj.core.groups.Tuple.tuple(third, 0L));
    }

    @Test
    void entriesServedAfterTheMemberOptedThemOut_areBilledAsAnyOther_andCountedOnTheirLines() throws Exception { // [CNS-8]
        member();
        ok(Map.of("op", "agreement.price", "id", "a1", "price", Map.of("currency", "EUR", "per_request", "0.01"), "from",
                Instant.parse("2026-06-02T00:00:00Z").getEpochSecond()));
        add(2, Instant.parse("2026-06-04T00:00:00Z")); // before any opt-out
        clock.set(Instant.parse("2026-06-05T00:00:00Z"));
        ok(Map.of("op", "consent.set", "origin", log.origin(), "opt_out", Map.of("usages", List.of("ai-train"))));
        add(3, Instant.parse("2026-06-05T00:00:30Z")); // served 30 s after ai-train was opted out: the window
        clock.set(Instant.parse("2026-06-06T00:00:00Z"));
        ok(Map.of("op", "consent.set", "origin", log.origin(), "opt_out", Map.of("paths", List.of("/a/6"))));
        add(2, Instant.parse("2026-06-07T00:00:00Z")); // /a/5 is in; /a/6 was opted out by path
        clock.set(Instant.parse("2026-06-08T00:00:00Z"));
        ok(Map.of("op", "consent.set", "origin", log.origin(), "opt_out", Map.of("agreements", List.of(
                "https://licenses.collective.example/agreements/a1"))));
        add(1, Instant.parse("2026-06-09T00:00:00Z")); // under an agreement the member opted out of
        clock.set(Instant.parse("2026-07-01T00:10:00Z"));
        log.sign(log.logKey, clock.instant());
        assertThat(outcome()).isEqualTo("collected");
        JsonNode june = ok(Map.of("op", "settle", "period", "2026-06", "close", true));
        Statement invoice = Statement.verify(june.get("statements").get(0).asText(), iss -> issuer.collective().jwks());
        Statement.Line usage = invoice.lines().get(0);
        assertThat(usage.requests()).isEqualTo(8);
        assertThat(usage.optedOut()).as("3 in the window, 1 by path, 1 by agreement").isEqualTo(5);
        assertThat(usage.amountMinor()).as("billed as any other").isEqualTo(8);
        Statement payout = Statement.verify(june.get("statements").get(1).asText(), iss -> issuer.collective().jwks());
        assertThat(payout.kind()).isEqualTo(Statement.Kind.PAYOUT);
        assertThat(payout.lines().get(0).optedOut()).isEqualTo(5);
        String payload = new String(java.util.Base64.getUrlDecoder().decode(payout.compact().split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(payload).contains("\"opted_out\":5");
    }

    @Test
    void statementsOfAnInterruptedClose_neverCount_andTheNextCloseStartsAfresh_whileAClosedPeriodKeepsItsOwn() throws Exception { // [SET-10]
        member();
        ok(Map.of("op", "agreement.price", "id", "a1", "price", Map.of("currency", "EUR", "per_request", "0.01", "minimum", "1"), "from",
                Instant.parse("2026-06-02T00:00:00Z").getEpochSecond()));
        clock.set(Instant.parse("2026-07-01T00:10:00Z"));
        log.sign(log.logKey, clock.instant());
        assertThat(outcome()).isEqualTo("unchanged"); // an empty log, verified to the period's end
        var statements = issuer.collective().store().statements();
        // A close that stored a statement and was killed before its last transaction.
        statements.beginClose("2026-06");
        statements.addClosing(List.of(new org.cb4i.issuer.store.StatementStore.NewStatement("2026-06-I0001", "invoice", "crawler-co",
                Optional.of("a1"), "left.by.a-killed-close", Optional.empty())), clock.instant());
        assertThat(statements.statements(Optional.of("2026-06"))).as("an interrupted close's statements do not count").isEmpty();
        assertThat(statements.statement("2026-06-I0001")).isEmpty();
        JsonNode june = ok(Map.of("op", "settle", "period", "2026-06", "close", true));
        Statement invoice = Statement.verify(june.get("statements").get(0).asText(), iss -> issuer.collective().jwks());
        assertThat(invoice.number()).isEqualTo("2026-06-I0001");
        assertThat(statements.statement("2026-06-I0001").orElseThrow().jws()).isEqualTo(invoice.compact());
        int kept = statements.statements(Optional.of("2026-06")).size();
        assertThat(kept).isGreaterThanOrEqualTo(3); // the invoice, a payout, the summary
        // Closing it again is refused and removes nothing of what the first close made final.
        assertThat(admin(Map.of("op", "settle", "period", "2026-06", "close", true)).statusCode()).isEqualTo(409);
        assertThat(statements.statements(Optional.of("2026-06"))).hasSize(kept);
    }
}
