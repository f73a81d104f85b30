package org.cb4i.issuer.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the collector gathered ([SET-9]): the members' logs it reads (registered, approved, flagged), each log's last
 * verified checkpoint and the right edge of its tree, every entry it read with what it means for billing (kept a
 * collector page at a time, {@link UsagePage}, with totals by day beside), and the alerts an operator must see. An entry
 * counts only when its index is below its log's verified size: entries are written as pages arrive and become visible in
 * the one transaction that records the checkpoint their tree matched, so a collector killed mid-way neither loses nor
 * double-counts anything.
 */
public final class UsageStore {
    private final Database db;

    UsageStore(Database db) {
        this.db = db;
    }

    /**
     * A log the collector reads. {@code state}: {@code approved} (counted), {@code pending} (seen, not yet approved), {@code flagged},
     * {@code retired} (its final checkpoint verified, [LOG-6]: complete, not read again).
     */
    public record LogRow(String logId, String member, String url, String state, Instant registered, long size, Optional<String> checkpoint,
            Optional<Instant> checkpointTime, String edge, Optional<Instant> lastAttempt, Optional<Instant> lastSuccess, Optional<String> lastError) {}

    /** One entry as the collector read it; {@code agreement} empty when the license is not one this collective issued. */
    public record EntryRow(String logId, long index, String leafHex, Instant at, Optional<String> licensee, Optional<String> jti,
            Optional<String> agreement, String member, String usage, long bytes, boolean attested, boolean billable, Optional<String> note,
            Optional<String> jkt, Optional<String> rid, Optional<String> path) {
        /** An entry whose path is not kept. */
        public EntryRow(String logId, long index, String leafHex, Instant at, Optional<String> licensee, Optional<String> jti, Optional<String> agreement,
                String member, String usage, long bytes, boolean attested, boolean billable, Optional<String> note, Optional<String> jkt,
                Optional<String> rid) {
            this(logId, index, leafHex, at, licensee, jti, agreement, member, usage, bytes, attested, billable, note, jkt, rid, Optional.empty());
        }
    }

    /** An alert for the operator. */
    public record Alert(long seq, Instant at, Optional<String> logId, Optional<String> member, String kind, String detail, Optional<String> evidence,
            Optional<Instant> resolved) {}

    // ---------------------------------------------------------------- logs

    /**
     * Registers a member's log. {@code state} is {@code approved} when the operator registers it, {@code pending} when
     * the collector found it.
     *
     * @throws StoreException (conflict) when the log id is registered already
     */
    public void registerLog(String logId, String member, String url, String state, String emptyEdge, Instant now) {
        db.tx(() -> {
            if (log(logId).isPresent()) {
                throw StoreException.conflict("log " + logId + " is registered already (to " + log(logId).get().member() + ")");
            }
            db.update("INSERT INTO member_logs(log_id, member, url, state, registered, edge) VALUES (?, ?, ?, ?, ?, ?)", logId, member, url, state,
                    now.getEpochSecond(), emptyEdge);
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "log." + (state.equals("approved") ? "add" : "seen"),
                    logId + " " + member + " " + url);
            return null;
        });
    }

    /** Sets a log's state ({@code approved} after approval or resolution), with an audit line. */
    public void setState(String logId, String state, String action, Instant now) {
        db.tx(() -> {
            if (db.update("UPDATE member_logs SET state = ? WHERE log_id = ?", state, logId) == 0) {
                throw StoreException.notFound("no log " + logId + " is registered");
            }
            db.update("UPDATE alerts SET resolved = ? WHERE log_id = ? AND resolved IS NULL AND kind IN ('log.contradiction', 'log.new')",
                    now.getEpochSecond(), logId);
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), action, logId);
            return null;
        });
    }

    public Optional<LogRow> log(String logId) {
        return logs("WHERE log_id = ?", logId).stream().findFirst();
    }

    public List<LogRow> logs() {
        return logs("ORDER BY member, registered");
    }

    private List<LogRow> logs(String where, Object... args) {
        return db.query("SELECT log_id, member, url, state, registered, size, checkpoint, checkpoint_time, edge, last_attempt, last_success, last_error "
                + "FROM member_logs " + where, rs -> new LogRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochSecond(rs.getLong(5)), rs.getLong(6), Optional.ofNullable(rs.getString(7)), Database.optInstant(rs, 8), rs.getString(9),
                        Database.optInstant(rs, 10), Database.optInstant(rs, 11), Optional.ofNullable(rs.getString(12))), args);
    }

    // ---------------------------------------------------------------- collection

    /**
     * Drops what a collection stopped part-way left beyond a log's verified size (a crash, a kill): the next collection
     * reads those entries again from there.
     */
    public void discardUnverified(String logId) {
        db.tx(() -> {
            dropUnverified(logId);
            return null;
        });
    }

    /**
     * Writes entries read from a log beyond its verified size, as one page for each log ({@link UsagePage}) with its
     * totals by day; they stay invisible until {@link #verified} moves the size past them. A collection starts with
     * {@link #discardUnverified}, so an index is written once; a call's entries of one log must all lie beyond the
     * log's verified size, and the size is only ever moved past a whole call's (the collector's pages).
     */
    public void putEntries(List<EntryRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        db.tx(() -> {
            for (String logId : rows.stream().map(EntryRow::logId).distinct().toList()) {
                long size = db.query("SELECT size FROM member_logs WHERE log_id = ?", rs -> rs.getLong(1), logId).stream().findFirst().orElse(0L);
                long lowest = rows.stream().filter(r -> r.logId().equals(logId)).mapToLong(EntryRow::index).min().orElseThrow();
                if (lowest < size) {
                    throw StoreException.invalid("entry " + lowest + " of log " + logId + " is below the log's verified size (" + size
                            + "): entries are written once, beyond it");
                }
            }
            writePages(db.connection(), rows);
            return null;
        });
    }

    /** Writes {@code rows} as pages (one for each log among them) and their day totals, on {@code c}: the store's, or a migration's. */
    static void writePages(java.sql.Connection c, List<EntryRow> rows) throws SQLException {
        java.util.Map<String, List<EntryRow>> byLog = new java.util.LinkedHashMap<>();
        rows.forEach(r -> byLog.computeIfAbsent(r.logId(), k -> new ArrayList<>()).add(r));
        try (PreparedStatement page = c.prepareStatement("INSERT INTO usage_pages(log_id, first_idx, last_idx, entries, billable, min_at, max_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement data = c.prepareStatement("INSERT INTO usage_page_data(log_id, first_idx, page) VALUES (?, ?, ?)");
                PreparedStatement day = c.prepareStatement("INSERT INTO usage_days(log_id, first_idx, utc_day, licensee, member, usage, requests, bytes, "
                        + "attested, billable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (var log : byLog.entrySet()) {
                List<EntryRow> list = log.getValue();
                list.sort(java.util.Comparator.comparingLong(EntryRow::index));
                long first = list.get(0).index();
                long minAt = Long.MAX_VALUE;
                long maxAt = Long.MIN_VALUE;
                int billable = 0;
                java.util.Map<List<Object>, long[]> days = new java.util.LinkedHashMap<>();
                for (EntryRow r : list) {
                    long at = r.at().getEpochSecond();
                    minAt = Math.min(minAt, at);
                    maxAt = Math.max(maxAt, at);
                    billable += r.billable() ? 1 : 0;
                    long[] d = days.computeIfAbsent(List.of(Math.floorDiv(at, 86400L), r.licensee().orElse(""), r.member(), r.usage()), k -> new long[4]);
                    d[0]++;
                    d[1] += r.bytes();
                    d[2] += r.attested() ? 1 : 0;
                    d[3] += r.billable() ? 1 : 0;
                }
                Database.bind(page, log.getKey(), first, list.get(list.size() - 1).index(), list.size(), billable, minAt, maxAt);
                page.addBatch();
                data.setString(1, log.getKey());
                data.setLong(2, first);
                data.setBytes(3, UsagePage.encode(list));
                data.addBatch();
                for (var d : days.entrySet()) {
                    List<Object> k = d.getKey();
                    long[] v = d.getValue();
                    Database.bind(day, log.getKey(), first, k.get(0), k.get(1), k.get(2), k.get(3), v[0], v[1], v[2], v[3]);
                    day.addBatch();
                }
            }
            page.executeBatch();
            data.executeBatch();
            day.executeBatch();
        }
    }

    /**
     * Records that a log's checkpoint of {@code size} entries was verified: its entries below {@code size} count from now
     * on, and the collector resumes from there.
     */
    public void verified(String logId, long size, String checkpoint, Instant checkpointTime, String edge, Instant now) {
        db.tx(() -> {
            db.update("UPDATE member_logs SET size = ?, checkpoint = ?, checkpoint_time = ?, edge = ?, last_attempt = ?, last_success = ?, "
                    + "last_error = NULL WHERE log_id = ?", size, checkpoint, checkpointTime.getEpochSecond(), edge, now.getEpochSecond(),
                    now.getEpochSecond(), logId);
            return null;
        });
    }

    /**
     * Records that a log is retired ([LOG-6]), once its final checkpoint has been verified: it is not read again, and the
     * successor the checkpoint names is read as a log of the same member, approved by that signature (registered when
     * new, approved when it waited for approval). A successor registered to another member is not followed: an alert
     * says so.
     *
     * @return what became of the successor, for people
     */
    public String retire(String logId, String member, String url, String successor, String emptyEdge, Instant now) {
        return db.tx(() -> {
            db.update("UPDATE member_logs SET state = 'retired' WHERE log_id = ?", logId);
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "log.retire", logId + " successor " + successor);
            Optional<LogRow> s = log(successor);
            if (s.isEmpty()) {
                db.update("INSERT INTO member_logs(log_id, member, url, state, registered, edge) VALUES (?, ?, ?, 'approved', ?, ?)", successor, member,
                        url, now.getEpochSecond(), emptyEdge);
                db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "log.add", successor + " " + member + " " + url
                        + " (named by the final checkpoint of " + logId + ")");
                return "its successor " + successor + " is registered and approved by that signature";
            }
            if (!s.get().member().equals(member)) {
                String why = "log " + logId + " of " + member + " was retired naming successor " + successor + ", which is registered to "
                        + s.get().member() + ": it is not followed (cb4i issuer log list; register the member's new log by hand)";
                insertAlert(logId, member, "log.successor", why, null, now);
                return why;
            }
            if (s.get().state().equals("pending")) {
                db.update("UPDATE member_logs SET state = 'approved' WHERE log_id = ?", successor);
                db.update("UPDATE alerts SET resolved = ? WHERE log_id = ? AND resolved IS NULL AND kind = 'log.new'", now.getEpochSecond(), successor);
                db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "log.approve", successor
                        + " (named by the final checkpoint of " + logId + ")");
                return "its successor " + successor + ", found before and waiting for approval, is approved by that signature";
            }
            return "its successor " + successor + " is registered already (" + s.get().state() + ")";
        });
    }

    /** Records a failed attempt (the log stays where it was; its unverified entries are dropped). */
    public void failed(String logId, String error, Instant now) {
        db.tx(() -> {
            dropUnverified(logId);
            db.update("UPDATE member_logs SET last_attempt = ?, last_error = ? WHERE log_id = ?", now.getEpochSecond(), error, logId);
            return null;
        });
    }

    /**
     * Flags a log that contradicts itself: its state becomes {@code flagged}, its unverified entries are dropped, and an
     * alert keeps the evidence. Usage it verified before stays counted; nothing more is collected until an operator
     * resolves it.
     */
    public void flag(String logId, String member, String detail, String evidence, Instant now) {
        db.tx(() -> {
            dropUnverified(logId);
            db.update("UPDATE member_logs SET state = 'flagged', last_attempt = ?, last_error = ? WHERE log_id = ?", now.getEpochSecond(), detail, logId);
            insertAlert(logId, member, "log.contradiction", detail, evidence, now);
            return null;
        });
    }

    private void dropUnverified(String logId) throws SQLException {
        for (String t : List.of("usage_pages", "usage_page_data", "usage_days")) {
            db.update("DELETE FROM " + t + " WHERE log_id = ? AND first_idx >= (SELECT size FROM member_logs WHERE log_id = ?)", logId, logId);
        }
    }

    /** Raises an alert (an unknown licensee, a log that appeared), unless the same unresolved one is open already. */
    public void alert(String logId, String member, String kind, String detail, String evidence, Instant now) {
        db.tx(() -> {
            boolean open = !db.query("SELECT seq FROM alerts WHERE kind = ? AND detail = ? AND resolved IS NULL", rs -> rs.getLong(1), kind, detail).isEmpty();
            if (!open) {
                insertAlert(logId, member, kind, detail, evidence, now);
            }
            return null;
        });
    }

    private void insertAlert(String logId, String member, String kind, String detail, String evidence, Instant now) throws SQLException {
        db.update("INSERT INTO alerts(at, log_id, member, kind, detail, evidence) VALUES (?, ?, ?, ?, ?, ?)", now.getEpochSecond(), logId, member, kind,
                detail, evidence);
    }

    /** Alerts, oldest first; only the unresolved ones unless {@code all}. */
    public List<Alert> alerts(boolean all) {
        return db.query("SELECT seq, at, log_id, member, kind, detail, evidence, resolved FROM alerts" + (all ? "" : " WHERE resolved IS NULL")
                + " ORDER BY seq", rs -> new Alert(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)), Optional.ofNullable(rs.getString(3)),
                        Optional.ofNullable(rs.getString(4)), rs.getString(5), rs.getString(6), Optional.ofNullable(rs.getString(7)), Database.optInstant(rs, 8)));
    }

    // ---------------------------------------------------------------- reading usage

    /** Usage of one licensee, member, usage and UTC day. */
    public record DayUsage(String day, String licensee, String member, String usage, long requests, long bytes, long attested, long billable) {}

    /**
     * Counted usage (entries below their log's verified size) by licensee, member, usage and UTC day, from the pages'
     * day totals.
     *
     * @param licensee only this licensee, when present
     * @param member only this member, when present
     * @param since only the UTC days from the one of this time on, when present (usage is kept by day)
     */
    public List<DayUsage> usageByDay(Optional<String> licensee, Optional<String> member, Optional<Instant> since) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE d.first_idx < l.size");
        licensee.ifPresent(v -> {
            where.append(" AND d.licensee = ?");
            args.add(v);
        });
        member.ifPresent(v -> {
            where.append(" AND d.member = ?");
            args.add(v);
        });
        since.ifPresent(v -> {
            where.append(" AND d.utc_day >= ?");
            args.add(Math.floorDiv(v.getEpochSecond(), 86400L));
        });
        return db.query("SELECT d.utc_day, d.licensee, d.member, d.usage, SUM(d.requests), SUM(d.bytes), SUM(d.attested), SUM(d.billable) "
                + "FROM usage_days d JOIN member_logs l ON d.log_id = l.log_id" + where + " GROUP BY d.utc_day, d.licensee, d.member, d.usage "
                + "ORDER BY d.utc_day, d.licensee, d.member, d.usage", rs -> new DayUsage(java.time.LocalDate.ofEpochDay(rs.getLong(1)).toString(),
                        rs.getString(2).isEmpty() ? "(unknown)" : rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                        rs.getLong(7), rs.getLong(8)), args.toArray());
    }

    /** How many entries of a log count (below its verified size). */
    public long counted(String logId) {
        return db.query("SELECT COALESCE(SUM(p.entries), 0) FROM usage_pages p JOIN member_logs l ON p.log_id = l.log_id WHERE p.log_id = ? "
                + "AND p.first_idx < l.size", rs -> rs.getLong(1), logId).get(0);
    }

    /**
     * A counted, billable entry as settlement reads it: with its path and query when kept, to judge the member's consent
     * at its time ([CNS-8]), and the agreement it is billed under.
     */
    public record Billable(String logId, long index, String leafHex, Instant at, String member, String usage, long bytes, boolean attested,
            Optional<String> path, String agreement) {}

    /**
     * Streams every agreement's counted, billable entries not yet settled and made before {@code end}, in (log id, index)
     * order, to {@code sink}, a few pages at a time: one pass over the pages serves every agreement.
     */
    public void forEachUnsettled(Instant end, java.util.function.Consumer<Billable> sink) {
        long before = end.getEpochSecond();
        for (LogCut log : cuts("SELECT l.log_id, l.size, s.size, s.period_end FROM member_logs l LEFT JOIN settled_up_to s ON s.log_id = l.log_id "
                + "ORDER BY l.log_id")) {
            forEachPage(log.logId(), log.size(), before, log.settled(), e -> {
                if (e.billable() && e.agreement().isPresent() && e.at().getEpochSecond() < before && !log.settled().covers(e)) {
                    sink.accept(new Billable(e.logId(), e.index(), e.leafHex(), e.at(), e.member(), e.usage(), e.bytes(), e.attested(), e.path(),
                            e.agreement().get()));
                }
            });
        }
    }

    /** The earliest time of a counted, billable, unsettled entry before {@code before}, of any agreement. */
    public Optional<Instant> earliestUnsettled(Instant before) {
        long[] min = {Long.MAX_VALUE};
        forEachUnsettled(before, e -> min[0] = Math.min(min[0], e.at().getEpochSecond()));
        return min[0] == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochSecond(min[0]));
    }

    /** Pages read at once: each holds up to a collector page of entries (10,000, about a megabyte). */
    private static final int PAGES_AT_ONCE = 8;

    /**
     * What one close settled of a log: its entries made before {@code periodEnd} and below {@code size}; nothing when
     * {@code any} is false.
     */
    private record Settled(boolean any, long size, long periodEnd) {
        static Settled of(ResultSet rs, int col) throws SQLException {
            long size = rs.getLong(col);
            boolean any = !rs.wasNull();
            return new Settled(any, size, rs.getLong(col + 1));
        }

        boolean covers(EntryRow e) {
            return any && e.at().getEpochSecond() < periodEnd && e.index() < size;
        }
    }

    private record StoredPage(long firstIndex, byte[] bytes) {}

    /** A log, the entries of it that count (below {@code size}), and what a close settled of it. */
    private record LogCut(String logId, long size, Settled settled) {}

    private List<LogCut> cuts(String sql, Object... args) {
        return db.query(sql, rs -> new LogCut(rs.getString(1), rs.getLong(2), Settled.of(rs, 3)), args);
    }

    /**
     * Hands {@code sink} the entries of a log's pages below {@code size} that hold a billable entry made before
     * {@code before} and not wholly settled by {@code settled}, in index order. Pages are read {@link #PAGES_AT_ONCE} at a
     * time, each read starting after the last page read, so memory does not grow with the number of pages.
     */
    private void forEachPage(String logId, long size, long before, Settled settled, UsagePage.Sink sink) {
        String sql = "SELECT p.first_idx, d.page FROM usage_pages p JOIN usage_page_data d ON d.log_id = p.log_id AND d.first_idx = p.first_idx "
                + "WHERE p.log_id = ? AND p.first_idx > ? AND p.first_idx < ? AND p.billable > 0 AND p.min_at < ?"
                + (settled.any() ? " AND (p.max_at >= ? OR p.last_idx >= ?)" : "") + " ORDER BY p.first_idx LIMIT " + PAGES_AT_ONCE;
        long after = -1;
        while (true) {
            List<Object> args = new ArrayList<>(List.of(logId, after, size, before));
            if (settled.any()) {
                args.add(settled.periodEnd());
                args.add(settled.size());
            }
            List<StoredPage> pages = db.query(sql, rs -> new StoredPage(rs.getLong(1), rs.getBytes(2)), args.toArray());
            for (StoredPage page : pages) {
                UsagePage.decode(page.bytes(), logId, e -> {
                    if (e.index() < size) {
                        sink.accept(e);
                    }
                });
            }
            if (pages.size() < PAGES_AT_ONCE) {
                return;
            }
            after = pages.get(pages.size() - 1).firstIndex();
        }
    }

    /**
     * Records, inside a close's transaction, that every log's counted entries made before {@code end} are settled: those
     * read later (beyond each log's size now) become adjustments of a later period.
     */
    void markSettled(String period, Instant end) throws SQLException {
        db.update("MERGE INTO settled_up_to t USING (SELECT log_id, size, CAST(? AS BIGINT) AS period_end FROM member_logs) s ON t.log_id = s.log_id "
                + "WHEN MATCHED THEN UPDATE SET size = s.size, period_end = s.period_end "
                + "WHEN NOT MATCHED THEN INSERT (log_id, size, period_end) VALUES (s.log_id, s.size, s.period_end)", end.getEpochSecond());
        db.update("INSERT INTO period_logs(period, log_id, size, period_end) SELECT ?, log_id, size, ? FROM member_logs", period, end.getEpochSecond());
    }

    /** An entry a closed invoice counted, as its licensee may see it ([SET-12]). */
    public record InvoiceEntry(String logId, long index, String leafHex, Optional<String> rid, Optional<String> jkt, Instant at, String member,
            String usage, long bytes, boolean attested) {}

    /**
     * Streams, in (log id, index) order, the entries a closed period's invoice of {@code agreement} counted: billable
     * entries the period's close covered and the close before it ({@code previous}) did not.
     */
    public void forEachOfInvoice(String agreement, String period, Optional<String> previous, java.util.function.Consumer<InvoiceEntry> sink) {
        record Counted(LogCut log, long periodEnd) {}
        List<Counted> logs = db.query("SELECT c.log_id, c.size, q.size, q.period_end, c.period_end FROM period_logs c LEFT JOIN period_logs q "
                + "ON q.log_id = c.log_id AND q.period = ? WHERE c.period = ? ORDER BY c.log_id", rs -> new Counted(new LogCut(rs.getString(1),
                        rs.getLong(2), Settled.of(rs, 3)), rs.getLong(5)), previous.orElse(""), period);
        for (Counted c : logs) {
            forEachPage(c.log().logId(), c.log().size(), c.periodEnd(), c.log().settled(), e -> {
                if (e.billable() && e.agreement().equals(Optional.of(agreement)) && e.at().getEpochSecond() < c.periodEnd()
                        && !c.log().settled().covers(e)) {
                    sink.accept(new InvoiceEntry(e.logId(), e.index(), e.leafHex(), e.rid(), e.jkt(), e.at(), e.member(), e.usage(), e.bytes(),
                            e.attested()));
                }
            });
        }
    }
}
