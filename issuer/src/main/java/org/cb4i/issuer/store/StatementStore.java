package org.cb4i.issuer.store;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Settlement's records ([SET-10]): each agreement's price schedule versions (an amendment applies from its time on),
 * closed periods, and the statements issued for them, which are never rewritten.
 */
public final class StatementStore {
    private final Database db;

    StatementStore(Database db) {
        this.db = db;
    }

    /** A price schedule version: in force from {@code from}. */
    public record PriceVersion(String agreement, Instant from, String scheduleJson) {}

    /** Adds a version of an agreement's price schedule. @throws StoreException (conflict) when one starts at the same second */
    public void addPrice(String agreement, Instant from, String scheduleJson, Instant now) {
        db.tx(() -> {
            if (!db.query("SELECT from_at FROM agreement_prices WHERE agreement = ? AND from_at = ?", rs -> rs.getLong(1), agreement,
                    from.getEpochSecond()).isEmpty()) {
                throw StoreException.conflict("agreement " + agreement + " has a price schedule from " + from + " already");
            }
            db.update("INSERT INTO agreement_prices(agreement, from_at, schedule) VALUES (?, ?, ?)", agreement, from.getEpochSecond(), scheduleJson);
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "agreement.price", agreement + " from " + from);
            return null;
        });
    }

    /** An agreement's price versions, oldest first. */
    public List<PriceVersion> prices(String agreement) {
        return db.query("SELECT agreement, from_at, schedule FROM agreement_prices WHERE agreement = ? ORDER BY from_at",
                rs -> new PriceVersion(rs.getString(1), Instant.ofEpochSecond(rs.getLong(2)), rs.getString(3)), agreement);
    }

    /** A stored statement. {@code status}: for invoices, {@code open}, {@code paid} or {@code overdue}. */
    public record StatementRow(String number, String period, String kind, String party, Optional<String> agreement, String jws, Instant created,
            Optional<String> status, Optional<String> refersTo) {}

    public Optional<StatementRow> statement(String number) {
        return db.query(ROW + " WHERE number = ? AND " + FINAL, StatementStore::row, number).stream().findFirst();
    }

    /** A period's stored statements streamed to {@code sink} (a closed period's can be large). */
    public void forEachStatement(String period, java.util.function.Consumer<String> sink) {
        db.forEach("SELECT jws FROM statements WHERE period = ? AND " + FINAL + " ORDER BY created, number", rs -> {
            sink.accept(rs.getString(1));
            return null;
        }, period);
    }

    /** A statement to store at a period's close. */
    public record NewStatement(String number, String kind, String party, Optional<String> agreement, String jws, Optional<String> refersTo) {}

    /** Starts closing a period: removes what an interrupted close of it left. */
    public void beginClose(String period) {
        db.tx(() -> {
            db.update("DELETE FROM statements WHERE period = ? AND closing AND period NOT IN (SELECT period FROM periods)", period);
            return null;
        });
    }

    /**
     * Which statements count: those stored outside a close (credit notes), and those a close stored once its period is
     * recorded as closed. A close that was interrupted leaves statements that never count, removed by the next close.
     */
    private static final String FINAL = "(NOT closing OR period IN (SELECT period FROM periods))";

    /** Stores statements of a close in progress, in one transaction; they count only once {@link #close} makes the period final. */
    public void addClosing(List<NewStatement> statements, Instant now) {
        db.tx(() -> {
            for (NewStatement s : statements) {
                insert(s, now, true);
            }
            return null;
        });
    }

    /**
     * Closes a period in one transaction: records it, makes the statements {@link #addClosing} stored final (invoices
     * open), and marks the entries it settled ({@link UsageStore#markSettled}), so that later entries of the period
     * become adjustments.
     *
     * @throws StoreException (conflict) when the period is closed already
     */
    public void close(String period, Instant end, UsageStore usage, Instant now) {
        db.tx(() -> {
            if (closed(period).isPresent()) {
                throw StoreException.conflict("period " + period + " was closed on " + closed(period).get() + "; a closed period never changes");
            }
            int seq = db.query("SELECT COALESCE(MAX(seq), 0) + 1 FROM periods", rs -> rs.getInt(1)).get(0);
            db.update("INSERT INTO periods(period, closed_at, seq) VALUES (?, ?, ?)", period, now.getEpochSecond(), seq);
            // The statements the close stored become final with the period's row: none of them is rewritten (a large month's
            // statements are gigabytes, and rewriting them all in one transaction ran the embedded store out of memory).
            int n = db.query("SELECT COUNT(*) FROM statements WHERE period = ? AND closing", rs -> rs.getInt(1), period).get(0);
            usage.markSettled(period, end);
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "period.close", period + ": " + n + " statements");
            return null;
        });
    }

    /** Stores one statement issued outside a close (a credit note). */
    public void add(NewStatement s, Instant now) {
        db.tx(() -> {
            insert(s, now, false);
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "statement." + s.kind(), s.number()
                    + s.refersTo().map(r -> " for " + r).orElse(""));
            return null;
        });
    }

    private void insert(NewStatement s, Instant now, boolean closing) throws SQLException {
        db.update("INSERT INTO statements(number, period, kind, party, agreement, jws, created, status, status_at, refers_to, closing) VALUES "
                + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s.number(), s.number().substring(0, 7), s.kind(), s.party(), s.agreement().orElse(null), s.jws(),
                now.getEpochSecond(), s.kind().equals("invoice") ? "open" : null, s.kind().equals("invoice") ? now.getEpochSecond() : null,
                s.refersTo().orElse(null), closing);
    }

    /** Sets an invoice's status ({@code open}, {@code paid}, {@code overdue}). @throws StoreException (not found) for no such invoice */
    public void setStatus(String number, String status, Instant now) {
        db.tx(() -> {
            if (db.update("UPDATE statements SET status = ?, status_at = ? WHERE number = ? AND kind = 'invoice'", status, now.getEpochSecond(),
                    number) == 0) {
                throw StoreException.notFound("no invoice " + number);
            }
            db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", now.getEpochSecond(), "invoice.status", number + " " + status);
            return null;
        });
    }

    /** How many statements of a kind a period has (for numbering). */
    public int count(String period, String kind) {
        return db.query("SELECT COUNT(*) FROM statements WHERE period = ? AND kind = ? AND " + FINAL, rs -> rs.getInt(1), period, kind).get(0);
    }

    /** Closed periods, in order. */
    public List<String> closedPeriods() {
        return db.query("SELECT period FROM periods ORDER BY seq", rs -> rs.getString(1));
    }

    /** When a period was closed; empty while open. */
    public Optional<Instant> closed(String period) {
        return db.query("SELECT closed_at FROM periods WHERE period = ?", rs -> Instant.ofEpochSecond(rs.getLong(1)), period).stream().findFirst();
    }

    private static final String ROW = "SELECT number, period, kind, party, agreement, jws, created, status, refers_to FROM statements";

    private static StatementRow row(java.sql.ResultSet rs) throws SQLException {
        return new StatementRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Optional.ofNullable(rs.getString(5)), rs.getString(6),
                Instant.ofEpochSecond(rs.getLong(7)), Optional.ofNullable(rs.getString(8)), Optional.ofNullable(rs.getString(9)));
    }

    public List<StatementRow> statements(Optional<String> period) {
        return db.query(ROW + " WHERE " + FINAL + (period.isPresent() ? " AND period = ?" : "") + " ORDER BY created, number", StatementStore::row,
                period.map(p -> new Object[] {p}).orElse(new Object[0]));
    }

    /** One party's statements (a member's payouts, a licensee's invoices and credit notes), oldest first: read without the others. */
    public List<StatementRow> statementsOf(String party) {
        return db.query(ROW + " WHERE party = ? AND " + FINAL + " ORDER BY created, number", StatementStore::row, party);
    }

    /** The {@code limit} newest statements, newest first, and how many there are in all. */
    public List<StatementRow> newest(int limit) {
        return db.query(ROW + " WHERE " + FINAL + " ORDER BY created DESC, number DESC LIMIT " + Math.max(0, limit), StatementStore::row);
    }

    public int count() {
        return db.query("SELECT COUNT(*) FROM statements WHERE " + FINAL, rs -> rs.getInt(1)).get(0);
    }
}
