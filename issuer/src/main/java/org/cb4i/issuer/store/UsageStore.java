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
 * verified checkpoint and the right edge of its tree, every entry it read with what it means for billing, and the
 * alerts an operator must see. An entry counts only when its index is below its log's verified size: entries are
 * written as pages arrive and become visible in the one transaction that records the checkpoint their tree matched,
 * so a collector killed mid-way neither loses nor double-counts anything.
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

    private static final String COPY_COLUMNS = "log_id, idx, leaf, at, licensee, jti, agreement, member, usage, bytes, attested, billable, note, jkt, "
            + "rid, path";

    /** On PostgreSQL, a page of entries goes in with one {@code COPY} (text format), in the same kind of transaction. */
    private void copyEntries(List<EntryRow> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 320);
        for (EntryRow r : rows) {
            b.append(copyText(r.logId())).append('\t').append(r.index()).append('\t').append(copyText(r.leafHex())).append('\t')
                    .append(r.at().getEpochSecond()).append('\t').append(copyText(r.licensee())).append('\t').append(copyText(r.jti())).append('\t')
                    .append(copyText(r.agreement())).append('\t').append(copyText(r.member())).append('\t').append(copyText(r.usage())).append('\t')
                    .append(r.bytes()).append('\t').append(r.attested() ? 't' : 'f').append('\t').append(r.billable() ? 't' : 'f').append('\t')
                    .append(copyText(r.note())).append('\t').append(copyText(r.jkt())).append('\t').append(copyText(r.rid())).append('\t')
                    .append(copyText(r.path().map(p -> p.length() > 2048 ? p.substring(0, 2048) : p))).append('\n');
        }
        db.tx(() -> {
            org.postgresql.copy.CopyManager copy = db.connection().unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            try {
                copy.copyIn("COPY usage_entries(" + COPY_COLUMNS + ") FROM STDIN", new java.io.StringReader(b.toString()));
            } catch (java.io.IOException e) {
                throw new SQLException("COPY usage_entries: " + e.getMessage(), e);
            }
            return null;
        });
    }

    private static String copyText(Optional<String> v) {
        return v.isEmpty() ? "\\N" : copyText(v.get());
    }

    /** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
    private static String copyText(String v) {
        if (v.indexOf('\\') < 0 && v.indexOf('\t') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

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
     * Writes entries read from a log beyond its verified size; they stay invisible until {@link #verified} moves the
     * size past them. A collection starts with {@link #discardUnverified}, so an index is written once.
     */
    public void putEntries(List<EntryRow> rows) {
        if (db.postgres()) {
            copyEntries(rows);
            return;
        }
        db.tx(() -> {
            try (PreparedStatement ps = db.connection().prepareStatement("INSERT INTO usage_entries(log_id, idx, leaf, at, licensee, jti, agreement, member, "
                    + "usage, bytes, attested, billable, note, jkt, rid, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (EntryRow r : rows) {
                    Database.bind(ps, r.logId(), r.index(), r.leafHex(), r.at().getEpochSecond(), r.licensee().orElse(null), r.jti().orElse(null),
                            r.agreement().orElse(null), r.member(), r.usage(), r.bytes(), r.attested(), r.billable(), r.note().orElse(null),
                            r.jkt().orElse(null), r.rid().orElse(null), r.path().map(p -> p.length() > 2048 ? p.substring(0, 2048) : p).orElse(null));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
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
        db.update("DELETE FROM usage_entries WHERE log_id = ? AND idx >= (SELECT size FROM member_logs WHERE log_id = ?)", logId, logId);
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
     * Counted usage (entries below their log's verified size) by licensee, member, usage and UTC day.
     *
     * @param licensee only this licensee, when present
     * @param member only this member, when present
     * @param since only entries at or after this time, when present
     */
    public List<DayUsage> usageByDay(Optional<String> licensee, Optional<String> member, Optional<Instant> since) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE e.idx < l.size");
        licensee.ifPresent(v -> {
            where.append(" AND e.licensee = ?");
            args.add(v);
        });
        member.ifPresent(v -> {
            where.append(" AND e.member = ?");
            args.add(v);
        });
        since.ifPresent(v -> {
            where.append(" AND e.at >= ?");
            args.add(v.getEpochSecond());
        });
        // UTC days as whole days since the epoch: plain integer arithmetic, the same in every SQL engine.
        return db.query("SELECT e.at / 86400 AS utc_day, COALESCE(e.licensee, '(unknown)') AS who, e.member, e.usage, COUNT(*), SUM(e.bytes), "
                + "SUM(CASE WHEN e.attested THEN 1 ELSE 0 END), SUM(CASE WHEN e.billable THEN 1 ELSE 0 END) FROM usage_entries e JOIN member_logs l "
                + "ON e.log_id = l.log_id" + where + " GROUP BY utc_day, who, e.member, e.usage ORDER BY utc_day, who, e.member, e.usage",
                rs -> new DayUsage(java.time.LocalDate.ofEpochDay(rs.getLong(1)).toString(), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)), args.toArray());
    }

    /** How many entries of a log count (below its verified size). */
    public long counted(String logId) {
        return db.query("SELECT COUNT(*) FROM usage_entries e JOIN member_logs l ON e.log_id = l.log_id WHERE e.log_id = ? AND e.idx < l.size",
                rs -> rs.getLong(1), logId).get(0);
    }

    /** A counted, billable entry of an agreement, as settlement reads it. */
    /** A billable entry as settlement reads it: with its path and query when kept, to judge the member's consent at its time ([CNS-8]). */
    public record Billable(String logId, long index, String leafHex, Instant at, String member, String usage, long bytes, boolean attested,
            Optional<String> path) {}

    /**
     * Streams an agreement's counted, billable entries not yet settled and made before {@code end}, in (log id, index)
     * order, to {@code sink}, without holding them in memory.
     */
    public void forEachUnsettled(String agreement, Instant end, java.util.function.Consumer<Billable> sink) {
        db.forEach("SELECT e.log_id, e.idx, e.leaf, e.at, e.member, e.usage, e.bytes, e.attested, e.path FROM usage_entries e JOIN member_logs l "
                + "ON e.log_id = l.log_id LEFT JOIN settled_up_to s ON s.log_id = e.log_id WHERE e.idx < l.size AND e.agreement = ? AND e.billable "
                + "AND e.at < ? AND " + UNSETTLED + " ORDER BY e.log_id, e.idx", rs -> {
                    sink.accept(new Billable(rs.getString(1), rs.getLong(2), rs.getString(3), Instant.ofEpochSecond(rs.getLong(4)), rs.getString(5),
                            rs.getString(6), rs.getLong(7), rs.getBoolean(8), Optional.ofNullable(rs.getString(9))));
                    return null;
                }, agreement, end.getEpochSecond());
    }

    /** The earliest time of a counted, billable, unsettled entry before {@code before}, of any agreement. */
    public Optional<Instant> earliestUnsettled(Instant before) {
        return db.query("SELECT MIN(e.at) FROM usage_entries e JOIN member_logs l ON e.log_id = l.log_id LEFT JOIN settled_up_to s "
                + "ON s.log_id = e.log_id WHERE e.idx < l.size AND e.billable AND e.at < ? AND " + UNSETTLED, rs -> Database.optInstant(rs, 1),
                before.getEpochSecond()).get(0);
    }

    /** An entry no closed period settled: made after the last close's period, or read after it (beyond its size then). */
    private static final String UNSETTLED = "(s.log_id IS NULL OR e.at >= s.period_end OR e.idx >= s.size)";

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
        db.forEach("SELECT e.log_id, e.idx, e.leaf, e.rid, e.jkt, e.at, e.member, e.usage, e.bytes, e.attested FROM usage_entries e "
                + "JOIN period_logs p ON p.log_id = e.log_id AND p.period = ? LEFT JOIN period_logs q ON q.log_id = e.log_id AND q.period = ? "
                + "WHERE e.agreement = ? AND e.billable AND e.at < p.period_end AND e.idx < p.size "
                + "AND NOT (q.log_id IS NOT NULL AND e.at < q.period_end AND e.idx < q.size) ORDER BY e.log_id, e.idx", rs -> {
                    sink.accept(new InvoiceEntry(rs.getString(1), rs.getLong(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                            Optional.ofNullable(rs.getString(5)), Instant.ofEpochSecond(rs.getLong(6)), rs.getString(7), rs.getString(8), rs.getLong(9),
                            rs.getBoolean(10)));
                    return null;
                }, period, previous.orElse(""), agreement);
    }
}
