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
     * An entry the issuer says a closed invoice counted ([SET-12]), with its inclusion proof in the invoice's entries root.
     *
     * @param position its place among the invoice's entries, in (log id, index) order
     */
    public record BilledEntry(long position, String logId, long index, String leafHex, Optional<String> rid, Optional<String> jkt, List<byte[]> proof) {}

    /** What {@code --online} fetched: every billed entry, and the thumbprint of the key the caller crawled with. */
    public record Online(List<BilledEntry> entries, String keyThumbprint) {}

    /** A member's own receipts log, entry by entry (the cli reads a proxy's log folder; the verifier knows no proxy). */
    @FunctionalInterface
    public interface MemberLog {
        void forEach(java.util.function.Consumer<byte[]> entry) throws IOException;
    }

    /**
     * Checks a statement.
     *
     * @param dataset the licensee's crawl folder (its {@code manifest.jsonl}), for an invoice
     * @throws IOException when the manifest cannot be read
     */
    public static Result check(String compact, TrustStore trust, Optional<Path> dataset) throws IOException {
        return check(compact, trust, dataset, Optional.empty());
    }

    /**
     * Checks a statement, and with {@code memberLog} a payout statement (or an invoice's lines of the member's content)
     * against the member's own log.
     *
     * @throws IOException when the manifest or the log cannot be read
     */
    public static Result check(String compact, TrustStore trust, Optional<Path> dataset, Optional<MemberLog> memberLog) throws IOException {
        return check(compact, trust, dataset, memberLog, Optional.empty());
    }

    /**
     * Checks a statement, and with {@code online} every entry the issuer says the invoice counted: in the invoice's
     * root, made with the caller's key, and (with {@code dataset}) among the receipts it holds.
     *
     * @throws IOException when the manifest or the log cannot be read
     */
    public static Result check(String compact, TrustStore trust, Optional<Path> dataset, Optional<MemberLog> memberLog, Optional<Online> online)
            throws IOException {
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
        if (memberLog.isPresent()) {
            againstMemberLog(s, memberLog.get(), out);
        }
        if (online.isPresent()) {
            againstBilled(s, online.get(), dataset, out);
        }
        return new Result(Optional.of(s), out);
    }

    /** [SET-12]: each billed entry in the invoice's root, made with the caller's key, and held as a receipt. */
    private static void againstBilled(Statement s, Online online, Optional<Path> dataset, List<Finding> out) throws IOException {
        if (s.entries().isEmpty()) {
            out.add(new Finding(true, "--online checks what an invoice counted; this statement counts no entries"));
            return;
        }
        long count = s.entries().get().count();
        byte[] root = HexFormat.of().parseHex(s.entries().get().rootHex());
        if (online.entries().size() != count) {
            out.add(new Finding(true, "the issuer gave " + online.entries().size() + " entries for an invoice that counts " + count));
        }
        java.util.Set<String> held = new java.util.HashSet<>();
        if (dataset.isPresent()) {
            heldReceipts(dataset.get(), held);
        }
        long notInRoot = 0;
        long otherKey = 0;
        long notHeld = 0;
        for (BilledEntry e : online.entries()) {
            if (!org.cb4i.sdk.log.MerkleProofs.verifyInclusion(Statement.entryLeafHash(e.logId(), e.index(), e.leafHex()), e.position(), count, e.proof(),
                    root)) {
                if (notInRoot++ < 5) {
                    out.add(new Finding(true, "entry " + e.index() + " of log " + e.logId() + " is not in the invoice's entries root"));
                }
            }
            if (!e.jkt().orElse("").equals(online.keyThumbprint())) {
                if (otherKey++ < 5) {
                    out.add(new Finding(true, "billed entry " + e.index() + " of log " + e.logId() + " was made with key " + e.jkt().orElse("(none)")
                            + ", not yours (" + online.keyThumbprint() + ")"));
                }
            }
            if (dataset.isPresent() && !held.contains(e.logId() + " " + e.index())) {
                if (notHeld++ < 5) {
                    out.add(new Finding(true, "billed entry " + e.index() + " of log " + e.logId() + " (receipt " + e.rid().orElse("?")
                            + ") is not among the receipts your dataset holds"));
                }
            }
        }
        if (notInRoot + otherKey + notHeld == 0 && online.entries().size() == count) {
            out.add(new Finding(false, "the issuer's " + count + " billed entries are each in the invoice's entries root and were made with your key"
                    + (dataset.isPresent() ? ", and each is a receipt your dataset holds" : "")));
        } else if (notInRoot + otherKey + notHeld > 15) {
            out.add(new Finding(true, notInRoot + " entries outside the root, " + otherKey + " made with another key, " + notHeld + " without a receipt here"));
        }
    }

    /** The receipts a crawl's manifest holds, as "log id SP index". */
    private static void heldReceipts(Path dir, java.util.Set<String> held) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve("manifest.jsonl"))) {
            ManifestLines lines = new ManifestLines(in, 64 << 20);
            lines.next();
            byte[] line;
            while ((line = lines.next()) != null) {
                if (line == ManifestLines.TOO_LONG) {
                    continue;
                }
                try {
                    ManifestRecord.read(line).receipt().filter(r -> r.entry().isPresent()).ifPresent(r -> held.add(r.log() + " " + r.index()));
                } catch (Cb4iException e) {
                    // an unreadable line holds no receipt
                }
            }
        }
    }

    /** [SET-11]: what the statement counts of a member's content against the member's own log, per licensee (and usage). */
    private static void againstMemberLog(Statement s, MemberLog log, List<Finding> out) throws IOException {
        if (s.kind() != Statement.Kind.PAYOUT && s.kind() != Statement.Kind.INVOICE) {
            out.add(new Finding(true, "--log checks a payout statement, or an invoice's lines of your content; this is a " + s.kind().token()));
            return;
        }
        YearMonth month = YearMonth.parse(s.period());
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        boolean payout = s.kind() == Statement.Kind.PAYOUT;
        Map<String, Long> held = new TreeMap<>();
        java.util.Set<String> origins = new java.util.TreeSet<>();
        long[] read = {0};
        long[] unreadable = {0};
        log.forEach(bytes -> {
            read[0]++;
            LogEntry e;
            try {
                e = LogEntry.parse(bytes);
            } catch (Cb4iException x) {
                unreadable[0]++;
                return;
            }
            boolean billable = e.method().equals("GET") && e.status() >= 200 && e.status() < 300 && e.complete();
            if (!billable || !e.iss().equals(s.issuer()) || e.time().isBefore(start) || !e.time().isBefore(end)) {
                return;
            }
            String origin = origin(e.url());
            if (payout ? !origin.equals(s.member().orElse("")) : !e.licensee().equals(s.licensee().orElse(""))) {
                return;
            }
            origins.add(origin);
            String usage = e.usages().isEmpty() ? "all" : e.usages().get(0);
            held.merge(payout ? e.licensee() : origin + " " + usage, 1L, Long::sum);
        });
        Map<String, Long> billed = new TreeMap<>();
        for (Statement.Line l : s.lines()) {
            if (payout) {
                billed.merge(l.licensee().orElse(""), l.requests(), Long::sum);
            } else if (l.kind().equals("usage") && origins.contains(l.member().orElse(""))) {
                billed.merge(l.member().orElse("") + " " + l.usage().orElse(""), l.requests(), Long::sum);
            }
        }
        java.util.Set<String> keys = new java.util.TreeSet<>(billed.keySet());
        keys.addAll(held.keySet());
        for (String k : keys) {
            long b = billed.getOrDefault(k, 0L);
            long h = held.getOrDefault(k, 0L);
            String who = payout ? "licensee " + k : k.replace(" ", ", ");
            if (b == h) {
                out.add(new Finding(false, who + ": " + b + " entries counted, " + h + " in your log"));
            } else {
                out.add(new Finding(true, who + ": the statement counts " + b + " entries, your log holds " + h + (h > b
                        ? " (entries not counted: collected after the close, or under a license the collective does not recognise)"
                        : " (counted entries your log does not hold)")));
            }
        }
        out.add(new Finding(unreadable[0] > 0, "your log: " + read[0] + " entries read" + (unreadable[0] > 0 ? " (" + unreadable[0]
                + " not JSON)" : "") + ", " + held.values().stream().mapToLong(Long::longValue).sum() + " billable ones of " + s.period() + " under "
                + s.issuer() + "'s licenses"));
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
