package org.cb4i.issuer.collective;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.issuer.settlement.Collector;
import org.cb4i.issuer.settlement.PeriodSettlement;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StatementStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.issuer.store.UsageStore;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.log.CompactRange;
import org.cb4i.sdk.settlement.PriceSchedule;
import org.cb4i.sdk.settlement.Statement;

/**
 * The administration operations of usage collection and settlement (SPEC.md §15), shared by the CLI and
 * {@code /admin} as {@link AdminOps} are: member logs, collection, usage, price amendments, settling a period, invoice
 * status and credit notes.
 */
final class SettlementAdminOps {
    static final Set<String> OPS = Set.of("log.add", "log.approve", "log.resolve", "log.list", "collect", "usage", "agreement.price", "settle",
            "statement.list", "invoice.status", "credit");

    private final Collective collective;

    SettlementAdminOps(Collective collective) {
        this.collective = collective;
    }

    Map<String, Object> apply(String name, JsonNode op) {
        IssuerStore store = collective.store();
        Instant now = collective.now();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", name);
        switch (name) {
            case "log.add" -> {
                String member = AdminOps.origin(op, "member");
                if (store.members().stream().noneMatch(m -> m.origin().equals(member) && m.left().isEmpty())) {
                    throw StoreException.notFound(member + " is not a member; add it first (cb4i issuer member add)");
                }
                String url = op.has("url") ? AdminOps.text(op, "url", true) : member;
                if (!url.startsWith("https://") && !url.startsWith("http://")) {
                    throw StoreException.invalid("url: expected the proxy's base URL, e.g. https://news.example; found \"" + url + "\"");
                }
                List<String> ids = new ArrayList<>();
                if (op.has("log_id")) {
                    String id = AdminOps.text(op, "log_id", true);
                    if (!id.matches("[A-Za-z0-9_-]{43}")) {
                        throw StoreException.invalid("log_id: expected a log id (43 base64url characters, the log key's thumbprint)");
                    }
                    ids.add(id);
                } else {
                    try {
                        ids.addAll(collective.collector().logIdsAt(url));
                    } catch (Cb4iException e) {
                        throw StoreException.invalid("cannot find the proxy's logs at " + url + "/.well-known/cb4i (" + e.getMessage()
                                + "); name the log with --log");
                    }
                    if (ids.isEmpty()) {
                        throw StoreException.invalid(url + "/.well-known/cb4i names no log");
                    }
                }
                for (String id : ids) {
                    store.usage().registerLog(id, member, url, "approved", CompactRange.empty().toText(), now);
                }
                out.put("member", member);
                out.put("url", url);
                out.put("log_ids", ids);
            }
            case "log.approve", "log.resolve" -> {
                String id = AdminOps.text(op, "log_id", true);
                UsageStore.LogRow log = store.usage().log(id).orElseThrow(() -> StoreException.notFound("no log " + id + " is registered"));
                String from = name.equals("log.approve") ? "pending" : "flagged";
                if (!log.state().equals(from)) {
                    throw StoreException.conflict("log " + id + " is " + log.state() + ", not " + from);
                }
                store.usage().setState(id, "approved", name, now);
                out.put("log_id", id);
                out.put("state", "approved");
                out.put("resumes_from", log.size());
            }
            case "log.list" -> {
                List<Object> logs = new ArrayList<>();
                for (UsageStore.LogRow l : store.usage().logs()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("log_id", l.logId());
                    m.put("member", l.member());
                    m.put("url", l.url());
                    m.put("state", l.state());
                    m.put("verified_size", l.size());
                    l.checkpointTime().ifPresent(t -> m.put("verified_until", t.getEpochSecond()));
                    m.put("counted", store.usage().counted(l.logId()));
                    l.lastSuccess().ifPresent(t -> m.put("last_success", t.getEpochSecond()));
                    l.lastError().ifPresent(e -> m.put("last_error", e));
                    logs.add(m);
                }
                out.put("logs", logs);
                out.put("alerts", store.usage().alerts(op.path("all").asBoolean(false)).stream().map(a -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seq", a.seq());
                    m.put("at", a.at().getEpochSecond());
                    m.put("kind", a.kind());
                    a.logId().ifPresent(v -> m.put("log_id", v));
                    a.member().ifPresent(v -> m.put("member", v));
                    m.put("detail", a.detail());
                    a.evidence().ifPresent(v -> m.put("evidence", v));
                    a.resolved().ifPresent(v -> m.put("resolved", v.getEpochSecond()));
                    return m;
                }).toList());
            }
            case "collect" -> out.put("results", collective.collect().stream().map(Collector.Result::toJson).toList());
            case "usage" -> {
                Optional<String> licensee = Optional.ofNullable(AdminOps.text(op, "licensee", false));
                Optional<String> member = op.has("member") ? Optional.of(AdminOps.origin(op, "member")) : Optional.empty();
                out.put("usage", store.usage().usageByDay(licensee, member, AdminOps.time(op, "since")).stream().map(u -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("day", u.day());
                    m.put("licensee", u.licensee());
                    m.put("member", u.member());
                    m.put("usage", u.usage());
                    m.put("requests", u.requests());
                    m.put("bytes", u.bytes());
                    m.put("attested", u.attested());
                    m.put("billable", u.billable());
                    return m;
                }).toList());
            }
            case "agreement.price" -> {
                String id = AdminOps.text(op, "id", true);
                if (store.agreements(Optional.empty()).stream().noneMatch(a -> a.id().equals(id))) {
                    throw StoreException.notFound("no agreement " + id);
                }
                PriceSchedule p = schedule(op.get("price"));
                collective.requireCurrencyOf(id, p, "price");
                Instant from = AdminOps.time(op, "from").orElse(now);
                store.statements().addPrice(id, from, Json.write(op.get("price")), now);
                out.put("id", id);
                out.put("from", from.getEpochSecond());
            }
            case "settle" -> {
                YearMonth month = month(AdminOps.text(op, "period", true));
                Optional<java.nio.file.Path> dir = op.has("out") ? Optional.of(java.nio.file.Path.of(AdminOps.text(op, "out", true))) : Optional.empty();
                PeriodSettlement.Outcome o;
                List<String> kept;
                try (StatementWriter writer = new StatementWriter(dir)) { // its I/O threads stop however the settlement ends
                    synchronized (collective.collectionLock()) {
                        o = new PeriodSettlement(collective.config().id(), store, collective::sign, collective.jwks(), now).agreementReferences(a -> {
                            try {
                                return Optional.of(collective.agreementOf(a, Collective.Grant.read(Json.readObject(a.grantJson(), "agreement " + a.id(),
                                        org.cb4i.sdk.Reason.MALFORMED_JSON))));
                            } catch (RuntimeException e) {
                                return Optional.empty(); // a grant that cannot be read names no agreement a member could opt out of
                            }
                        }).settle(month,
                                op.path("close").asBoolean(false), op.path("allow_incomplete").asBoolean(false), writer::accept);
                    }
                    writer.finish();
                    kept = writer.kept;
                }
                out.put("period", o.period());
                out.put("closed", o.closed());
                dir.ifPresent(d -> out.put("out", d.toString()));
                out.put("briefs", o.statements().stream().map(b -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("number", b.number());
                    m.put("kind", b.kind().token());
                    m.put("party", b.party());
                    m.put("currency", b.currency());
                    m.put("total_minor", b.totalMinor());
                    return m;
                }).toList());
                if (dir.isEmpty()) {
                    out.put("statements", kept);
                }
                out.put("incomplete", o.incomplete().stream().map(i -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("member", i.member());
                    m.put("log_id", i.logId());
                    m.put("why", i.why());
                    return m;
                }).toList());
                out.put("notes", o.notes());
            }
            case "statement.list" -> {
                Optional<String> period = op.has("period") ? Optional.of(month(AdminOps.text(op, "period", true)).toString()) : Optional.empty();
                out.put("statements", store.statements().statements(period).stream().map(s -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("number", s.number());
                    m.put("kind", s.kind());
                    m.put("party", s.party());
                    s.agreement().ifPresent(v -> m.put("agreement", v));
                    s.status().ifPresent(v -> m.put("status", v));
                    s.refersTo().ifPresent(v -> m.put("refers_to", v));
                    m.put("statement", s.jws());
                    return m;
                }).toList());
            }
            case "invoice.status" -> {
                String number = AdminOps.text(op, "number", true);
                String status = AdminOps.text(op, "status", true);
                if (!Set.of("open", "paid", "overdue").contains(status)) {
                    throw StoreException.invalid("status: expected open, paid or overdue; found \"" + status + "\"");
                }
                store.statements().setStatus(number, status, now);
                out.put("number", number);
                out.put("status", status);
            }
            case "credit" -> out.putAll(credit(op, now));
            default -> throw StoreException.invalid("unknown op " + name);
        }
        return out;
    }

    /** A signed credit note that answers a disputed invoice line ([SET-10]); the invoice itself never changes. */
    private Map<String, Object> credit(JsonNode op, Instant now) {
        String number = AdminOps.text(op, "invoice", true);
        StatementStore.StatementRow row = collective.store().statements().statement(number).filter(s -> s.kind().equals("invoice"))
                .orElseThrow(() -> StoreException.notFound("no invoice " + number + " (credit notes answer lines of closed invoices)"));
        Statement invoice = Statement.verify(row.jws(), iss -> collective.jwks());
        int line = op.path("line").asInt(-1);
        Statement.Line disputed = invoice.lines().stream().filter(l -> l.line() == line).findFirst()
                .orElseThrow(() -> StoreException.invalid("line: invoice " + number + " has lines 1 to " + invoice.lines().size()));
        long amount = op.path("amount_minor").asLong(-1);
        // Credits already given on this line count: together they never exceed it.
        long credited = 0;
        for (StatementStore.StatementRow r : collective.store().statements().statements(Optional.of(invoice.period()))) {
            if (r.kind().equals("credit_note") && r.refersTo().orElse("").equals(number)) {
                Statement c = Statement.verify(r.jws(), iss -> collective.jwks());
                if (c.refersTo().orElse("").equals(number + "#" + line)) {
                    credited += c.totalMinor();
                }
            }
        }
        if (!op.path("amount_minor").isIntegralNumber() || amount <= 0 || amount > disputed.amountMinor() - credited) {
            throw StoreException.invalid("amount_minor: expected a whole number of minor units from 1 to " + (disputed.amountMinor() - credited)
                    + " (the line's " + disputed.amountMinor() + (credited > 0 ? ", less " + credited + " credited already" : "") + ")");
        }
        String reason = AdminOps.text(op, "reason", true);
        String cn = invoice.period() + "-C" + String.format("%04d", collective.store().statements().count(invoice.period(), "credit_note") + 1);
        Statement note = collective.sign(new Statement("", collective.config().id(), Statement.Kind.CREDIT_NOTE, cn, invoice.period(), now, false,
                invoice.currency(), invoice.agreement(), invoice.licensee(), Optional.empty(), List.of(new Statement.Line(1, "credit", disputed.member(),
                        disputed.usage(), 0, 0, 0, 0, amount, Optional.empty(), Optional.of(number + "#" + line), invoice.agreement(), invoice.licensee())),
                amount, java.util.OptionalLong.empty(), List.of(), List.of(), List.of(), Optional.empty(), Optional.of(number + "#" + line),
                Optional.of(reason)));
        collective.store().statements().add(new StatementStore.NewStatement(cn, "credit_note", invoice.licensee().orElseThrow(), invoice.agreement(),
                note.compact(), Optional.of(number)), now);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", cn);
        out.put("refers_to", number + "#" + line);
        out.put("amount_minor", amount);
        out.put("statement", note.compact());
        return out;
    }

    /**
     * Where a settlement's statements go: into a folder (their .jwt, .json, .csv and .html, written by the process that
     * holds the store), or, without one, into the answer, up to {@link #MAX_IN_ANSWER} of them.
     */
    static final class StatementWriter implements AutoCloseable {
        static final int MAX_IN_ANSWER = 2000;
        final Optional<java.nio.file.Path> dir;
        final List<String> kept = new ArrayList<>();
        final List<Statement> summaries = new ArrayList<>();
        /** Only with a folder to write to: a batch runs threads of its own. */
        final Optional<org.cb4i.sdk.files.AtomicFiles.Batch> batch;

        StatementWriter(Optional<java.nio.file.Path> dir) {
            this.dir = dir;
            this.batch = dir.map(d -> new org.cb4i.sdk.files.AtomicFiles.Batch(256, 4));
            dir.ifPresent(d -> {
                try {
                    java.nio.file.Files.createDirectories(d);
                } catch (java.io.IOException e) {
                    throw StoreException.invalid("out: cannot create " + d + " (" + e.getMessage() + ")");
                }
            });
        }

        void accept(Statement s) {
            if (dir.isEmpty()) {
                if (kept.size() == MAX_IN_ANSWER) {
                    throw StoreException.invalid("the period has more than " + MAX_IN_ANSWER + " statements: name a folder to write them to (--out)");
                }
                kept.add(s.compact());
            } else if (s.kind() == Statement.Kind.SUMMARY) {
                summaries.add(s); // named once it is known whether there are several (one per currency)
            } else {
                write(s, false);
            }
        }

        /** Writes the summaries and waits for every file to be on disk. @throws StoreException naming the files that could not be written */
        void finish() {
            if (batch.isEmpty()) {
                return;
            }
            summaries.forEach(s -> write(s, summaries.size() > 1));
            List<org.cb4i.sdk.files.AtomicFiles.Batch.Failure> failed;
            try {
                failed = batch.get().finish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while writing the statements");
            }
            if (!failed.isEmpty()) {
                throw new StoreException(failed.size() + " statement files could not be written, e.g. " + failed.get(0).target() + " ("
                        + failed.get(0).error().getMessage() + "); the statements are stored: write them again with settle --period P --out DIR");
            }
        }

        private void write(Statement s, boolean several) {
            try {
                org.cb4i.issuer.settlement.StatementFiles.write(batch.orElseThrow(), dir.get(), s, several);
            } catch (java.io.IOException e) {
                throw new StoreException(dir.get() + ": cannot write statement " + s.number() + " (" + e.getMessage() + ")");
            }
        }

        /** Stops the batch's threads; files it staged but did not commit (a settlement that failed) are deleted. */
        @Override
        public void close() {
            batch.ifPresent(org.cb4i.sdk.files.AtomicFiles.Batch::close);
        }
    }

    private static PriceSchedule schedule(JsonNode price) {
        if (price == null) {
            throw StoreException.invalid("price: required, the price schedule (SPEC.md [SET-1])");
        }
        try {
            return PriceSchedule.read(price, "price");
        } catch (MalformedInputException e) {
            throw StoreException.invalid(e.getMessage());
        }
    }

    private static YearMonth month(String period) {
        try {
            return YearMonth.parse(period);
        } catch (DateTimeParseException e) {
            throw StoreException.invalid("period: expected a calendar month as YYYY-MM, e.g. 2026-11; found \"" + period + "\"");
        }
    }
}
