package org.cb4i.verifier.statement;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.dataset.ManifestHeader;
import org.cb4i.sdk.dataset.ManifestLines;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.CompactRange;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.settlement.Statement;
import org.cb4i.verifier.trust.TrustStore;

/**
 * Checks a settlement statement ([SET-11]) as its receiver would: its signature against the trust store, its
 * arithmetic, and, for an invoice, its lines against the receipts the licensee holds in its crawl's manifest (billed
 * entries it holds no receipt for, receipts it holds that were not billed, and whether the invoice counts exactly
 * those entries), and its checkpoints against those in the manifest (one log must not show two histories).
 */
public final class StatementCheck {
    private StatementCheck() {}

    /** What a check found: problems make it fail; notes say what was checked. */
    public record Finding(boolean problem, String message) {}

    /**
     * @param statement the statement as read, when its signature verified
     */
    public record Result(Optional<Statement> statement, List<Finding> findings) {
        public boolean ok() {
            return statement.isPresent() && findings.stream().noneMatch(Finding::problem);
        }
    }

    /**
     * Checks a statement.
     *
     * @param dataset the licensee's crawl folder (its {@code manifest.jsonl}), for an invoice
     * @throws IOException when the manifest cannot be read
     */
    public static Result check(String compact, TrustStore trust, Optional<Path> dataset) throws IOException {
        List<Finding> out = new ArrayList<>();
        Statement s;
        try {
            s = Statement.verify(compact, iss -> trust.collective(iss, Instant.now()).orElse(KeySet.of()));
        } catch (Cb4iException e) {
            out.add(new Finding(true, "the statement does not verify against the trust store: " + e.getMessage()));
            return new Result(Optional.empty(), out);
        }
        out.add(new Finding(false, s.kind().token() + " " + s.number() + " for " + s.period() + " is signed by " + s.issuer()
                + ", a collective the trust store trusts" + (s.draft() ? " (a DRAFT: the period was not closed)" : "")));
        s.arithmeticProblems().forEach(p -> out.add(new Finding(true, p)));
        if (s.arithmeticProblems().isEmpty()) {
            out.add(new Finding(false, "the sums add up: " + s.lines().size() + " lines, total " + s.totalMinor() + " minor units of " + s.currency()));
        }
        if (dataset.isPresent()) {
            if (s.kind() != Statement.Kind.INVOICE) {
                out.add(new Finding(true, "--dataset checks an invoice against the licensee's receipts; this is a " + s.kind().token()));
            } else {
                againstDataset(s, dataset.get(), out);
            }
        }
        return new Result(Optional.of(s), out);
    }

    private static void againstDataset(Statement s, Path dir, List<Finding> out) throws IOException {
        Path manifest = dir.resolve("manifest.jsonl");
        YearMonth month = YearMonth.parse(s.period());
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Map<String, Long> held = new TreeMap<>();
        List<String[]> receipts = new ArrayList<>(); // log id, index, leaf hex
        ManifestHeader header;
        try (InputStream in = Files.newInputStream(manifest)) {
            ManifestLines lines = new ManifestLines(in, 64 << 20);
            byte[] first = lines.next();
            if (first == null || first == ManifestLines.TOO_LONG) {
                throw new IOException(manifest + ": no header line");
            }
            header = ManifestHeader.parse(first, manifest + ":1");
            byte[] line;
            while ((line = lines.next()) != null) {
                if (line == ManifestLines.TOO_LONG) {
                    continue;
                }
                ManifestRecord r;
                try {
                    r = ManifestRecord.read(line);
                } catch (Cb4iException e) {
                    continue; // the verifier reports unreadable lines; here they hold no receipt
                }
                if (r.receipt().isEmpty() || r.receipt().get().entry().isEmpty()) {
                    continue;
                }
                byte[] bytes = r.receipt().get().entry().get().getBytes(StandardCharsets.UTF_8);
                LogEntry e = LogEntry.parse(bytes);
                boolean billable = e.method().equals("GET") && e.status() >= 200 && e.status() < 300 && e.complete();
                if (!billable || !e.iss().equals(s.issuer()) || !s.licensee().orElse("").equals(e.licensee()) || e.time().isBefore(start)
                        || !e.time().isBefore(end)) {
                    continue;
                }
                held.merge(origin(e.url()) + " " + (e.usages().isEmpty() ? "all" : e.usages().get(0)), 1L, Long::sum);
                receipts.add(new String[] {r.receipt().get().log(), Long.toString(r.receipt().get().index()), HexFormat.of().formatHex(MerkleTree.leafHash(bytes))});
            }
        }
        Map<String, Long> billed = new TreeMap<>();
        long adjustments = 0;
        for (Statement.Line l : s.lines()) {
            if (l.kind().equals("usage")) {
                billed.merge(l.member().orElse("") + " " + l.usage().orElse(""), l.requests(), Long::sum);
            } else if (l.kind().equals("adjustment")) {
                adjustments += l.requests();
            }
        }
        long problems = 0;
        java.util.Set<String> keys = new java.util.TreeSet<>(billed.keySet());
        keys.addAll(held.keySet());
        for (String k : keys) {
            long b = billed.getOrDefault(k, 0L);
            long h = held.getOrDefault(k, 0L);
            String[] mu = k.split(" ", 2);
            if (b > h) {
                problems++;
                out.add(new Finding(true, mu[0] + ", " + mu[1] + ": " + b + " entries billed, the dataset holds receipts for " + h + ": " + (b - h)
                        + " billed entries have no receipt here (made with another key, or fetched outside this crawl)"));
            } else if (h > b) {
                problems++;
                out.add(new Finding(true, mu[0] + ", " + mu[1] + ": the dataset holds " + h + " receipts, " + b + " were billed: " + (h - b)
                        + " receipts held but not billed"));
            } else {
                out.add(new Finding(false, mu[0] + ", " + mu[1] + ": " + b + " entries billed, " + h + " receipts held"));
            }
        }
        if (adjustments > 0) {
            out.add(new Finding(false, adjustments + " entries of earlier months are billed as adjustments: check them against those months' receipts"));
        }
        if (s.entries().isPresent() && adjustments == 0) {
            receipts.sort((x, y) -> x[0].equals(y[0]) ? Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1])) : x[0].compareTo(y[0]));
            CompactRange root = CompactRange.empty();
            receipts.forEach(r -> root.append(Statement.entryLeafHash(r[0], Long.parseLong(r[1]), r[2])));
            if (HexFormat.of().formatHex(root.root()).equals(s.entries().get().rootHex()) && receipts.size() == s.entries().get().count()) {
                out.add(new Finding(false, "the invoice counts exactly the " + receipts.size() + " receipts the dataset holds for " + s.period()
                        + " (their Merkle root is the invoice's)"));
            } else if (problems == 0) {
                out.add(new Finding(true, "the invoice's entries (" + s.entries().get().count() + ", root " + s.entries().get().rootHex().substring(0, 16)
                        + "…) are not the " + receipts.size() + " receipts the dataset holds, although the counts agree"));
            }
        }
        checkpoints(s, header, out);
    }

    /** The trees the invoice counted up to against the checkpoints the crawl recorded: one log, one history. */
    private static void checkpoints(Statement s, ManifestHeader header, List<Finding> out) {
        for (Statement.Counted c : s.checkpoints()) {
            ManifestHeader.Log seen = header.logs().get(c.logId());
            if (seen == null || seen.jwks().isEmpty()) {
                continue;
            }
            boolean compared = false;
            for (String mine : seen.checkpoints()) {
                Checkpoint m;
                try {
                    m = Checkpoint.verify(mine, KeyFiles.parseKeySet(seen.jwks().get(), "log " + c.logId()));
                } catch (Cb4iException e) {
                    continue; // the verifier reports a manifest checkpoint that does not verify
                }
                if (m.size() == c.size()) {
                    compared = true;
                    if (!m.rootHex().equals(c.rootHex())) {
                        out.add(new Finding(true, "log " + c.logId() + " shows two histories: at " + c.size() + " entries the invoice counted up to root "
                                + c.rootHex() + ", the crawl's checkpoint signed by the log has " + m.rootHex()));
                    }
                }
            }
            out.add(new Finding(false, "log " + c.logId().substring(0, Math.min(12, c.logId().length())) + "… of " + c.member()
                    + ": the invoice counted up to its tree of " + c.size() + " entries" + (compared ? ", the same tree the crawl recorded" : "")));
        }
    }

    private static String origin(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getRawAuthority();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
