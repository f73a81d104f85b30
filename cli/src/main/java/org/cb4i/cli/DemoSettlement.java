package org.cb4i.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.proxy.Proxy;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.issuer.settlement.StatementFiles;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.settlement.Statement;
import org.cb4i.verifier.statement.StatementCheck;
import org.cb4i.verifier.trust.TrustStore;

/**
 * Step 7 of {@code cb4i demo}: the collective collects both sites' usage, closes the month, and the licensee checks
 * its invoice against the receipts in its crawl. The demo fails unless the invoice's amounts equal an independent
 * count of those receipts priced by the schedule here, with plain BigDecimal arithmetic.
 */
final class DemoSettlement {
    private DemoSettlement() {}

    interface Check {
        void check(boolean ok, String what);
    }

    static void run(Consumer<String> title, Consumer<String> say, Check check, ShiftedClock clock, Issuer issuer, List<Proxy> proxies, Path dir,
            Path dataset, Map<String, Object> price) throws Exception {
        title.accept("7. Getting paid");
        AdminOps admin = new AdminOps(issuer.collective());
        for (Proxy p : proxies) {
            String member = "http://127.0.0.1:" + p.port();
            admin.apply(Json.mapper().valueToTree(Map.of("op", "log.add", "member", member, "url", member)));
        }
        YearMonth month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        clock.jump(Duration.ofMinutes(45));
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant deadline = Instant.now().plusSeconds(10);
        // Each proxy signs its checkpoint again within a second of idling (the demo's checkpoint_refresh): wait for both.
        while (proxies.stream().anyMatch(p -> p.log().checkpoint().map(Checkpoint::time).map(t -> t.isBefore(end)).orElse(true))
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        say.accept("the demo's clock passes the end of " + month + " (it started half an hour before, so that the month can close now)");
        var collected = Json.mapper().valueToTree(admin.apply(Json.mapper().valueToTree(Map.of("op", "collect"))));
        long entries = 0;
        boolean all = true;
        for (var r : collected.get("results")) {
            all &= r.get("outcome").asText().equals("collected");
            entries += r.get("to").asLong() - r.get("from").asLong();
        }
        check.check(all, "the collector reads both member logs with requests signed by the collector key: " + entries + " entries, each under a "
                + "checkpoint signed by its log, each log proven to extend what was read before (cb4i issuer collect)");
        var settled = Json.mapper().valueToTree(admin.apply(Json.mapper().valueToTree(Map.of("op", "settle", "period", month.toString(), "close", true))));
        Path out = dir.resolve("statements");
        Files.createDirectories(out);
        List<Statement> statements = new ArrayList<>();
        for (var s : settled.get("statements")) {
            Statement st = Statement.verify(s.asText(), iss -> issuer.collective().jwks());
            statements.add(st);
            StatementFiles.write(out, st, false);
        }
        check.check(!statements.isEmpty(), "the collective closes " + month + " (cb4i issuer settle --period " + month + " --close): "
                + statements.size() + " signed statements in " + out + " (.jwt, with .json, .csv and .html beside them)");
        for (Statement s : statements) {
            if (s.kind() != Statement.Kind.SUMMARY) {
                StatementFiles.text(s).forEach(l -> say.accept("  " + l));
            }
        }
        Statement invoice = statements.stream().filter(s -> s.kind() == Statement.Kind.INVOICE).findFirst().orElseThrow();

        // The independent count: the crawl's receipts, priced here with BigDecimal.
        Map<String, long[]> held = new TreeMap<>();
        List<String> manifest = Files.readAllLines(dataset.resolve("manifest.jsonl"), StandardCharsets.UTF_8);
        for (String line : manifest.subList(1, manifest.size())) {
            ManifestRecord r = ManifestRecord.read(line.getBytes(StandardCharsets.UTF_8));
            Optional<String> entry = r.receipt().flatMap(ManifestRecord.Receipt::entry);
            if (entry.isPresent()) {
                LogEntry e = LogEntry.parse(entry.get().getBytes(StandardCharsets.UTF_8));
                String origin = e.url().substring(0, e.url().indexOf('/', "http://".length()));
                long[] t = held.computeIfAbsent(origin, k -> new long[2]);
                t[0]++;
                t[1] += e.bytes();
            }
        }
        long expectedTotal = 0;
        boolean lines = true;
        for (var h : held.entrySet()) {
            long cents = new BigDecimal((String) price.get("per_request")).multiply(BigDecimal.valueOf(h.getValue()[0]))
                    .add(new BigDecimal((String) price.get("per_mib")).multiply(BigDecimal.valueOf(h.getValue()[1])).divide(BigDecimal.valueOf(1 << 20)))
                    .movePointRight(2).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            expectedTotal += cents;
            lines &= invoice.lines().stream().anyMatch(l -> l.member().orElse("").equals(h.getKey()) && l.requests() == h.getValue()[0]
                    && l.amountMinor() == cents);
        }
        long minimum = new BigDecimal((String) price.get("minimum")).movePointRight(2).longValueExact();
        expectedTotal = Math.max(expectedTotal, minimum);
        check.check(lines && invoice.totalMinor() == expectedTotal, "an independent count of the crawl's " + held.values().stream().mapToLong(v -> v[0]).sum()
                + " receipts, priced at " + price.get("per_request") + " EUR a request and " + price.get("per_mib") + " EUR a MiB, gives "
                + StatementFiles.amount(expectedTotal, "EUR") + " EUR: the invoice says " + StatementFiles.amount(invoice.totalMinor(), "EUR") + " EUR");
        StatementCheck.Result r = StatementCheck.check(invoice.compact(), TrustStore.read(dir.resolve("trust.json")), Optional.of(dataset));
        Path invoiceFile = out.resolve(StatementFiles.stem(invoice, false) + ".jwt");
        check.check(r.ok(), "ai-lab checks its invoice against the receipts it holds (cb4i statement check " + invoiceFile + " --trust "
                + dir.resolve("trust.json") + " --dataset " + dataset + "): " + (r.ok() ? "it holds, entry for entry"
                        : r.findings().stream().filter(StatementCheck.Finding::problem).map(StatementCheck.Finding::message).findFirst().orElse("?")));
        Statement summary = statements.stream().filter(s -> s.kind() == Statement.Kind.SUMMARY).findFirst().orElseThrow();
        check.check(summary.arithmeticProblems().isEmpty(), "the summary: " + StatementFiles.amount(summary.totalMinor(), "EUR") + " EUR invoiced = "
                + StatementFiles.amount(summary.feeMinor().orElse(0), "EUR") + " EUR fee + " + summary.payouts().size() + " payouts of "
                + String.join(" and ", summary.payouts().stream().map(p -> StatementFiles.amount(p.amountMinor(), "EUR")).toList()) + " EUR, to the cent");
    }
}
