package org.cb4i.issuer.settlement;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StatementStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.issuer.store.UsageStore;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.log.CompactRange;
import org.cb4i.sdk.settlement.Billing;
import org.cb4i.sdk.settlement.InvoiceLine;
import org.cb4i.sdk.settlement.PriceSchedule;
import org.cb4i.sdk.settlement.Statement;
import org.cb4i.sdk.settlement.UsageTotal;
import org.cb4i.sdk.terms.Usage;

/**
 * Settles one calendar month (UTC) ([SET-10]): for each priced agreement an invoice to its licensee, a payout
 * statement for each member paid, and a summary per currency, all signed by the collective. Without closing, the
 * statements are drafts and nothing is stored; closing stores them numbered, never to change, and records how far each
 * log was settled (its verified size and the month's end), so that entries of the month collected later become
 * adjustment lines of a later month.
 * Memory does not grow with the number of entries: they are streamed and folded into per-line totals.
 */
public final class PeriodSettlement {
    private final String collectiveId;
    private final IssuerStore store;
    private final java.util.function.UnaryOperator<Statement> signer;
    private final org.cb4i.sdk.key.KeySet keys;
    private final Instant now;
    private java.util.function.Function<IssuerStore.AgreementRow, Optional<org.cb4i.sdk.token.Agreement>> agreementRef = a -> Optional.empty();

    /**
     * @param collectiveId the collective's id ({@code iss} of its statements)
     * @param signer signs a statement with the collective's key
     * @param keys the collective's public keys (stored statements are read back with them)
     * @param now the time of the settlement (whole seconds)
     */
    public PeriodSettlement(String collectiveId, IssuerStore store, java.util.function.UnaryOperator<Statement> signer, org.cb4i.sdk.key.KeySet keys,
            Instant now) {
        this.collectiveId = collectiveId;
        this.store = store;
        this.signer = signer;
        this.keys = keys;
        this.now = now;
    }

    /**
     * How an agreement is named in its licenses ({@code agreement.uri}), so that entries served after a member opted that
     * agreement out are counted ([CNS-8]); without it, only usage and path opt-outs are judged.
     */
    public PeriodSettlement agreementReferences(java.util.function.Function<IssuerStore.AgreementRow, Optional<org.cb4i.sdk.token.Agreement>> ref) {
        this.agreementRef = ref;
        return this;
    }

    /** A member log whose usage for the period could not be verified to its end. */
    public record Incomplete(String member, String logId, Optional<Instant> verifiedUntil, String why) {}

    /** One statement in brief: what the settlement made, without its lines. */
    public record Brief(String number, Statement.Kind kind, String party, String currency, long totalMinor) {}

    /**
     * What a settlement made; the statements themselves went to the sink as they were signed.
     *
     * @param closed whether the period is closed (now, or before: then the sink was given the stored statements)
     * @param notes what was left out and why (agreements without a price, usage under no agreement)
     */
    public record Outcome(String period, boolean closed, List<Brief> statements, List<Incomplete> incomplete, List<String> notes) {}

    /** A member's shares of the period's invoices in one currency, kept compact: 10,000 members x 100 invoices is a million. */
    private static final class Shares {
        int n;
        int[] invoice = new int[8];
        long[] amount = new long[8];
        /** The member's own usage lines of that invoice (this period's, not adjustments): requests, bytes, attested, opted out ([CNS-8]). */
        long[][] counts = new long[8][];

        void add(int invoiceIndex, long minor, long[] usage) {
            if (n == invoice.length) {
                invoice = java.util.Arrays.copyOf(invoice, n * 2);
                amount = java.util.Arrays.copyOf(amount, n * 2);
                counts = java.util.Arrays.copyOf(counts, n * 2);
            }
            invoice[n] = invoiceIndex;
            counts[n] = usage;
            amount[n++] = minor;
        }
    }

    /**
     * Settles a period.
     *
     * @param sink receives each statement as it is signed (the caller writes it out); none is kept in memory
     * @param close store the statements, numbered and final
     * @param allowIncomplete close although some members' logs are not verified to the period's end (their lines say
     *     so, with the time they are verified to)
     * @throws StoreException (conflict) when closing a period that is closed, before an earlier period with unsettled
     *     usage is closed, or with members' logs not verified to its end and no {@code allowIncomplete}
     */
    public Outcome settle(YearMonth month, boolean close, boolean allowIncomplete, java.util.function.Consumer<Statement> sink) {
        String period = month.toString();
        Instant start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Optional<Instant> closedAt = store.statements().closed(period);
        if (closedAt.isPresent()) {
            if (close) {
                throw StoreException.conflict("period " + period + " was closed on " + closedAt.get() + "; a closed period never changes (late usage "
                        + "becomes adjustment lines of the next period; a disputed line is answered with a credit note)");
            }
            List<Brief> stored = new ArrayList<>();
            store.statements().forEachStatement(period, jws -> {
                Statement st = Statement.verify(jws, iss -> keys);
                sink.accept(st);
                stored.add(brief(st));
            });
            return new Outcome(period, true, stored, List.of(), List.of());
        }
        if (!end.isBefore(now.plusSeconds(1)) && close) {
            throw StoreException.invalid("period " + period + " has not ended yet (it ends " + end + "); it can be settled as a draft, not closed");
        }
        List<String> closedPeriods = store.statements().closedPeriods();
        if (close && !closedPeriods.isEmpty() && period.compareTo(closedPeriods.get(closedPeriods.size() - 1)) < 0) {
            // What the last close settled is recorded per log as of its period: closing an earlier one after it would bill twice.
            throw StoreException.conflict("period " + period + " comes before " + closedPeriods.get(closedPeriods.size() - 1)
                    + ", which is closed: periods close in order; its late usage is billed as adjustments of the next open period");
        }
        Optional<Instant> earliest = store.usage().earliestUnsettled(start);
        if (close && earliest.isPresent()) {
            String p = YearMonth.from(earliest.get().atZone(ZoneOffset.UTC)).toString();
            if (!closedPeriods.contains(p)) {
                throw StoreException.conflict("period " + p + " has unsettled usage and is not closed: close periods in order (cb4i issuer settle --period "
                        + p + " --close)");
            }
        }
        List<Incomplete> incomplete = incomplete(end);
        if (close && !incomplete.isEmpty() && !allowIncomplete) {
            StringBuilder b = new StringBuilder("cannot close " + period + ": the usage of " + incomplete.size() + " member log(s) is not verified to the period's end");
            incomplete.forEach(i -> b.append("; ").append(i.member()).append(" (log ").append(i.logId(), 0, Math.min(12, i.logId().length())).append("…): ")
                    .append(i.why()));
            throw StoreException.conflict(b.append(". Collect again (cb4i issuer collect), or close with --allow-incomplete to bill what is verified "
                    + "and mark those members' lines incomplete").toString());
        }
        Map<String, Instant> incompleteUntil = new HashMap<>();
        incomplete.forEach(i -> incompleteUntil.merge(i.member(), i.verifiedUntil().orElse(Instant.EPOCH), (a, b) -> a.isBefore(b) ? a : b));
        List<String> members = new ArrayList<>(new TreeSet<>(store.members().stream()
                .filter(m -> m.joined().isBefore(end) && m.left().map(l -> l.isAfter(start)).orElse(true)).map(IssuerStore.MemberRow::origin).toList()));
        Map<String, UsageStore.LogRow> logs = new HashMap<>();
        store.usage().logs().forEach(l -> logs.put(l.logId(), l));
        Map<String, String> roots = new HashMap<>(); // each log's verified root, computed once for every invoice

        List<Brief> made = new ArrayList<>();
        // Stored a few at a time: one transaction (one forced commit) per statement would make a large month wait on the disk.
        List<StatementStore.NewStatement> pending = new ArrayList<>();
        long[] pendingChars = {0};
        Runnable flush = () -> {
            if (!pending.isEmpty()) {
                store.statements().addClosing(pending, now);
                pending.clear();
                pendingChars[0] = 0;
            }
        };
        java.util.function.Consumer<Statement> emit = st -> {
            if (close) {
                pending.add(new StatementStore.NewStatement(st.number(), st.kind().token(), party(st), st.agreement(), st.compact(), Optional.empty()));
                pendingChars[0] += st.compact().length();
                if (pending.size() >= 500 || pendingChars[0] >= (32 << 20)) {
                    flush.run();
                }
            }
            sink.accept(st);
            made.add(brief(st));
        };
        if (close) {
            store.statements().beginClose(period);
        }
        List<Statement.InvoiceRef> invoiceRefs = new ArrayList<>();
        List<String> invoiceCurrencies = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Shares> shares = new TreeMap<>(); // member + " " + currency
        int n = close ? store.statements().count(period, "invoice") : 0;
        ConsentAtFetch consent = new ConsentAtFetch(store);
        List<IssuerStore.AgreementRow> agreements = store.agreements(Optional.empty());
        Map<String, List<StatementStore.PriceVersion>> versionsOf = new HashMap<>();
        Map<String, Optional<org.cb4i.sdk.token.Agreement>> agreementRefs = new HashMap<>();
        Map<String, Tally> tallies = new HashMap<>();
        for (IssuerStore.AgreementRow a : agreements) {
            versionsOf.put(a.id(), versions(a));
            agreementRefs.put(a.id(), agreementRef.apply(a));
            tallies.put(a.id(), new Tally(start, logs, roots));
        }
        // One pass over the usage pages tallies every agreement: their entries lie mixed in the members' logs.
        store.usage().forEachUnsettled(end, e -> {
            Tally t = tallies.get(e.agreement());
            if (t != null) {
                t.add(e, versionAt(versionsOf.get(e.agreement()), e.at()), consent.optedOut(e.member(), e.at(), Usage.parse(e.usage()).orElse(Usage.ALL),
                        agreementRefs.get(e.agreement()), e.path()));
            }
        });
        for (IssuerStore.AgreementRow a : agreements) {
            List<StatementStore.PriceVersion> versions = versionsOf.get(a.id());
            Optional<StatementStore.PriceVersion> current = versions.stream().filter(v -> v.from().isBefore(end)).reduce((x, y) -> y);
            boolean active = a.notBefore().isBefore(end) && a.notAfter().isAfter(start);
            Tally tally = tallies.remove(a.id()); // its statement made, its totals are not needed any more
            if (current.isEmpty()) {
                if (tally.count > 0) {
                    notes.add("agreement " + a.id() + " has no price schedule in force by " + end + ": its " + tally.count + " entries are not billed");
                }
                continue;
            }
            if (!active && tally.count == 0) {
                continue;
            }
            List<PriceSchedule> schedules = new ArrayList<>();
            for (StatementStore.PriceVersion v : versions) {
                schedules.add(PriceSchedule.read(v.scheduleJson(), "agreement " + a.id() + " price from " + v.from()));
            }
            PriceSchedule periodSchedule = schedules.get(versions.indexOf(current.get()));
            Billing.Bill bill;
            try {
                bill = Billing.bill(periodSchedule, tally.totals(schedules, false), tally.totals(schedules, true), members);
            } catch (IllegalArgumentException e) {
                notes.add("agreement " + a.id() + " is not billed: " + e.getMessage());
                continue;
            }
            String number = (close ? "" : "DRAFT-") + period + "-I" + String.format("%04d", ++n);
            List<Statement.Line> lines = new ArrayList<>();
            int k = 0;
            for (InvoiceLine l : bill.lines()) {
                lines.add(new Statement.Line(++k, l.kind().token(), l.member(), l.usage().map(Usage::token), l.requests(), l.bytes(), l.attested(),
                        l.logged(), l.amountMinor(), l.member().map(incompleteUntil::get), Optional.empty(), Optional.empty(), Optional.empty(),
                        l.optedOut()));
            }
            emit.accept(signer.apply(new Statement("", collectiveId, Statement.Kind.INVOICE, number, period, now, !close,
                    bill.currency(), Optional.of(a.id()), Optional.of(a.licensee()), Optional.empty(), lines, bill.totalMinor(),
                    OptionalLong.of(bill.feeMinor()), List.of(), List.of(), tally.checkpoints(), Optional.of(tally.entries()), Optional.empty(),
                    Optional.empty())));
            int index = invoiceRefs.size();
            invoiceRefs.add(new Statement.InvoiceRef(number, a.id(), a.licensee(), bill.totalMinor(), bill.feeMinor()));
            invoiceCurrencies.add(bill.currency());
            Map<String, long[]> usageOf = new HashMap<>();
            for (InvoiceLine l : bill.lines()) {
                if (l.kind() == InvoiceLine.Kind.USAGE) {
                    long[] u = usageOf.computeIfAbsent(l.member().orElseThrow(), x -> new long[4]);
                    u[0] += l.requests();
                    u[1] += l.bytes();
                    u[2] += l.attested();
                    u[3] += l.optedOut();
                }
            }
            for (var p : bill.payouts()) {
                shares.computeIfAbsent(p.member() + " " + bill.currency(), x -> new Shares()).add(index, p.amountMinor(),
                        usageOf.getOrDefault(p.member(), new long[4]));
            }
        }
        Map<String, String> payoutNumbers = new HashMap<>();
        Map<String, Map<String, Long>> shareByCurrency = new TreeMap<>();
        int pn = close ? store.statements().count(period, "payout") : 0;
        for (var e : shares.entrySet()) {
            String member = e.getKey().substring(0, e.getKey().lastIndexOf(' '));
            String currency = e.getKey().substring(e.getKey().lastIndexOf(' ') + 1);
            Shares sh = e.getValue();
            List<Statement.Line> ls = new ArrayList<>(sh.n);
            long total = 0;
            for (int i = 0; i < sh.n; i++) {
                Statement.InvoiceRef inv = invoiceRefs.get(sh.invoice[i]);
                long[] u = sh.counts[i];
                ls.add(new Statement.Line(i + 1, "share", Optional.empty(), Optional.empty(), u[0], u[1], u[2], u[0] - u[2], sh.amount[i],
                        Optional.ofNullable(incompleteUntil.get(member)), Optional.of(inv.number()), Optional.of(inv.agreement()), Optional.of(inv.licensee()),
                        u[3]));
                total += sh.amount[i];
            }
            String number = (close ? "" : "DRAFT-") + period + "-P" + String.format("%04d", ++pn);
            payoutNumbers.put(e.getKey(), number);
            shareByCurrency.computeIfAbsent(currency, x -> new TreeMap<>()).put(member, total);
            emit.accept(signer.apply(new Statement("", collectiveId, Statement.Kind.PAYOUT, number, period, now, !close, currency,
                    Optional.empty(), Optional.empty(), Optional.of(member), ls, total, OptionalLong.empty(), List.of(), List.of(), List.of(),
                    Optional.empty(), Optional.empty(), Optional.empty())));
        }
        int sn = close ? store.statements().count(period, "summary") : 0;
        for (String currency : new java.util.TreeSet<>(invoiceCurrencies)) {
            List<Statement.InvoiceRef> refs = new ArrayList<>();
            for (int i = 0; i < invoiceRefs.size(); i++) {
                if (invoiceCurrencies.get(i).equals(currency)) {
                    refs.add(invoiceRefs.get(i));
                }
            }
            List<Statement.Share> paid = new ArrayList<>();
            shareByCurrency.getOrDefault(currency, Map.of()).forEach((m, amt) -> paid.add(new Statement.Share(m, amt,
                    Optional.ofNullable(payoutNumbers.get(m + " " + currency)))));
            long total = refs.stream().mapToLong(Statement.InvoiceRef::totalMinor).sum();
            long fee = refs.stream().mapToLong(Statement.InvoiceRef::feeMinor).sum();
            String number = (close ? "" : "DRAFT-") + period + "-S" + String.format("%04d", ++sn);
            emit.accept(signer.apply(new Statement("", collectiveId, Statement.Kind.SUMMARY, number, period, now, !close, currency,
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of(), total, OptionalLong.of(fee), paid, refs, List.of(), Optional.empty(),
                    Optional.empty(), Optional.empty())));
        }
        // What the statements were made from is not needed any more: let the store have the memory for the close.
        shares.clear();
        shareByCurrency.clear();
        payoutNumbers.clear();
        if (close) {
            flush.run();
            store.statements().close(period, end, store.usage(), now);
        }
        return new Outcome(period, close, made, incomplete, notes);
    }

    private String party(Statement s) {
        return s.licensee().or(s::member).orElse(collectiveId);
    }

    private Brief brief(Statement s) {
        return new Brief(s.number(), s.kind(), party(s), s.currency(), s.totalMinor());
    }

    /** Logs not verified to the period's end: flagged, never collected, or whose last verified checkpoint is older (never a retired one). */
    private List<Incomplete> incomplete(Instant end) {
        List<Incomplete> out = new ArrayList<>();
        for (UsageStore.LogRow l : store.usage().logs()) {
            if (l.state().equals("pending") || l.state().equals("retired")) {
                continue; // a retired log's final checkpoint was verified ([LOG-6]): it holds nothing more, for any period
            }
            if (l.state().equals("flagged")) {
                out.add(new Incomplete(l.member(), l.logId(), l.checkpointTime(), "flagged: " + l.lastError().orElse("contradicts itself")));
            } else if (l.checkpointTime().isEmpty() || l.checkpointTime().get().isBefore(end)) {
                out.add(new Incomplete(l.member(), l.logId(), l.checkpointTime(), "verified only to " + l.checkpointTime().map(Instant::toString)
                        .orElse("nothing yet") + l.lastError().map(e -> "; last collection failed: " + e).orElse("")));
            }
        }
        return out;
    }

    private List<StatementStore.PriceVersion> versions(IssuerStore.AgreementRow a) {
        List<StatementStore.PriceVersion> v = store.statements().prices(a.id());
        if (!v.isEmpty()) {
            return v;
        }
        // An agreement stored before price versions were kept: its grant's price, from its start.
        try {
            var g = Json.readObject(a.grantJson(), "agreement " + a.id(), org.cb4i.sdk.Reason.MALFORMED_JSON);
            return g.has("price") ? List.of(new StatementStore.PriceVersion(a.id(), a.notBefore(), Json.write(g.get("price")))) : List.of();
        } catch (Cb4iException e) {
            return List.of();
        }
    }

    /** The index of the version in force at {@code t}; the first when {@code t} precedes them all. */
    private static int versionAt(List<StatementStore.PriceVersion> versions, Instant t) {
        int at = 0;
        for (int i = 0; i < versions.size(); i++) {
            if (!versions.get(i).from().isAfter(t)) {
                at = i;
            }
        }
        return at;
    }

    /** Folds an agreement's entries into per-line totals, the Merkle root over them and the checkpoints they lie under. */
    private static final class Tally {
        final Instant start;
        final Map<String, UsageStore.LogRow> logs;
        final Map<String, long[]> usage = new TreeMap<>();
        final Map<String, long[]> late = new TreeMap<>();
        final CompactRange root = CompactRange.empty();
        final Map<String, UsageStore.LogRow> counted = new TreeMap<>();
        final Map<String, String> roots;
        long count;

        Tally(Instant start, Map<String, UsageStore.LogRow> logs, Map<String, String> roots) {
            this.start = start;
            this.logs = logs;
            this.roots = roots;
        }

        void add(UsageStore.Billable e, int version, boolean optedOut) {
            long[] t = (e.at().isBefore(start) ? late : usage).computeIfAbsent(e.member() + "\n" + e.usage() + "\n" + version, k -> new long[5]);
            t[0]++;
            t[1] += e.bytes();
            if (e.attested()) {
                t[2]++;
                t[3] += e.bytes();
            }
            if (optedOut) {
                t[4]++;
            }
            root.append(Statement.entryLeafHash(e.logId(), e.index(), e.leafHex()));
            counted.putIfAbsent(e.logId(), logs.get(e.logId()));
            count++;
        }

        List<UsageTotal> totals(List<PriceSchedule> schedules, boolean adjustments) {
            List<UsageTotal> out = new ArrayList<>();
            (adjustments ? late : usage).forEach((k, t) -> {
                String[] p = k.split("\n");
                Usage u = Usage.parse(p[1]).orElse(Usage.ALL);
                out.add(new UsageTotal(p[0], u, schedules.get(Integer.parseInt(p[2])), t[0], t[1], t[2], t[3], t[4]));
            });
            return out;
        }

        List<Statement.Counted> checkpoints() {
            List<Statement.Counted> out = new ArrayList<>();
            counted.values().forEach(l -> out.add(new Statement.Counted(l.logId(), l.member(), l.size(), roots.computeIfAbsent(l.logId(),
                    id -> java.util.HexFormat.of().formatHex(CompactRange.parse(l.edge()).root())))));
            return out;
        }

        Statement.Entries entries() {
            return new Statement.Entries(count, java.util.HexFormat.of().formatHex(root.root()));
        }
    }
}
