package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.settlement.Billing;
import org.cb4i.sdk.settlement.PriceSchedule;
import org.cb4i.sdk.settlement.UsageTotal;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.text.CanonicalText;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cb4i value} on the dataset {@code cb4i demo} crawls through real proxies: two member sites, 8 licensed pages
 * that verify and 2 open pages that do not (no license), the members known through the collective's repertoire.
 */
class ValueCommandTest {
    @TempDir
    static Path dir;
    static Path demo;
    static Path eval;

    @BeforeAll
    static void crawl() throws Exception {
        demo = dir.resolve("demo");
        StringWriter out = new StringWriter();
        assertThat(Main.run(new String[] {"demo", "--dir", demo.toString()}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)))
                .as(out.toString()).isZero();
        eval = Files.createDirectories(dir.resolve("eval"));
        Files.writeString(eval.resolve("questions.txt"), "How should a collective of writers bargain with the builders of language models?\n\n"
                + "Licenses, receipts and strikes: what the members decide holds on the wire.\n");
    }

    record Run(int exit, String out, String err) {}

    static Run value(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> a = new ArrayList<>(List.of("value"));
        a.addAll(List.of(args));
        int exit = Main.run(a.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void value_demoDatasetByMember_valuesTheTwoMembersVerifiedPagesOnly() throws Exception {
        Run r = value(demo.resolve("dataset").toString(), "--trust", demo.resolve("trust.json").toString(), "--eval", eval.toString(), "--format", "json",
                "--method", "exact");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("method").asText()).isEqualTo("exact");
        assertThat(j.get("by").asText()).isEqualTo("member");
        assertThat(j.get("groups")).hasSize(2);
        assertThat(j.get("left_out").get("not_verified").get("UNLICENSED").asLong()).isEqualTo(2);
        long records = 0;
        double sum = 0;
        for (JsonNode g : j.get("groups")) {
            assertThat(g.get("id").asText()).startsWith("http://127.0.0.1:");
            records += g.get("records").asLong();
            sum += g.get("value").asDouble();
        }
        assertThat(records).isEqualTo(8);
        // Exact Shapley values are efficient: they share out the grand coalition's utility, no more, no less.
        assertThat(sum).isCloseTo(j.get("grand_utility").asDouble(), within(1e-9));
        assertThat(j.get("grand_utility").asDouble()).isPositive();
        // The two demo sites serve the same articles: identical texts, identical values.
        assertThat(j.get("groups").get(0).get("value").asDouble()).isCloseTo(j.get("groups").get(1).get("value").asDouble(), within(1e-12));
    }

    @Test
    void value_weightsOut_isAnAllocationThatSettlementPaysMembersBy() throws Exception {
        Path weights = dir.resolve("weights.json");
        Run r = value(demo.resolve("dataset").toString(), "--trust", demo.resolve("trust.json").toString(), "--eval", eval.toString(), "--weights-out",
                weights.toString(), "--seed", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("tmc-shapley, seed 3").contains("left out: 2 UNLICENSED").contains("50.00%");
        JsonNode allocation = Json.mapper().readTree(Files.readString(weights));
        List<String> members = new ArrayList<>();
        allocation.get("value").fieldNames().forEachRemaining(members::add);
        assertThat(members).hasSize(2);
        PriceSchedule s = PriceSchedule.read("{\"currency\": \"EUR\", \"per_request\": \"0.25\", \"allocation\": " + Json.write(allocation) + "}", "schedule");
        Billing.Bill bill = Billing.bill(s, List.of(new UsageTotal(members.get(0), Usage.AI_TRAIN, s, 9, 0, 0, 0)), members);
        assertThat(bill.payouts()).extracting(org.cb4i.sdk.settlement.Payout::amountMinor).containsExactlyInAnyOrder(113L, 112L);
    }

    @Test
    void value_htmlReport_drawsTheChartAndTheTable() throws Exception {
        Path html = dir.resolve("value.html");
        Run r = value(demo.resolve("dataset").toString(), "--trust", demo.resolve("trust.json").toString(), "--eval", eval.toString(), "--format", "html",
                "--report", html.toString(), "--by", "publisher", "--method", "loo");
        assertThat(r.exit()).as(r.err()).isZero();
        String page = Files.readString(html);
        assertThat(page).contains("id=\"value-chart\"", "id=\"values\"", "What each publisher's data is worth", "Content-Security-Policy")
                .doesNotContain("<script");
        assertThat(r.err()).contains("Valuation of"); // the text summary on the terminal
    }

    @Test
    void value_tamperedDataset_leavesTheTamperedRecordOut() {
        Run r = value(demo.resolve("dataset-tampered").toString(), "--trust", demo.resolve("trust.json").toString(), "--eval", eval.toString(), "--method",
                "loo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("records valued: 7 of 10").contains("1 TAMPERED").contains("2 UNLICENSED");
    }

    @Test
    void value_evaluationTextFromTheTrainingData_warnsNamingTheRecordsAndGoesOn() throws Exception {
        String page = Files.readString(demo.resolve("site-a/articles/data-strike.html"));
        String paragraph = CanonicalText.of(page).paragraphs().stream().filter(p -> p.length() >= 50).findFirst().orElseThrow();
        Path leaky = Files.createDirectories(dir.resolve("leaky"));
        Files.writeString(leaky.resolve("copied.txt"), "An unrelated opening line.\n\n" + paragraph + "\n");
        Run r = value(demo.resolve("dataset").toString(), "--trust", demo.resolve("trust.json").toString(), "--eval", leaky.toString(), "--method",
                "loo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("warning: leak: record ").contains("data-strike.html").contains("copied.txt").contains("inflated");
    }

    @Test
    void value_badInput_isAClearErrorWithExitTwo() throws Exception {
        String ds = demo.resolve("dataset").toString();
        String trust = demo.resolve("trust.json").toString();
        Path empty = Files.createDirectories(dir.resolve("empty-eval"));
        Files.writeString(empty.resolve("blank.txt"), "  \n\n \t\n");
        Run r = value(ds, "--trust", trust, "--eval", empty.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("1 file but no text").contains("evaluation set").doesNotContain("Exception");

        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        r = value(ds, "--trust", trust, "--eval", latin1.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("latin1.txt: byte 3: not UTF-8");

        Path nobody = dir.resolve("nobody.json");
        Files.writeString(nobody, "{\"collectives\": [], \"publishers\": [], \"logs\": []}");
        r = value(ds, "--trust", nobody.toString(), "--eval", eval.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no record has verified text to value for ai-train").contains("10 records");

        r = value(ds, "--trust", trust, "--eval", eval.toString(), "--method", "shapley");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no method shapley").contains("tmc-shapley");

        r = value(ds, "--trust", trust, "--eval", eval.toString(), "--budget", "ten minutes");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--budget: expected a number of samples");
    }
}
