package org.cb4i.issuer.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** The collective's public notices ([NTC-1]), numbered from 1 in the order they were published. */
public final class NoticeStore {
    private final Database db;

    NoticeStore(Database db) {
        this.db = db;
    }

    /** A notice as kept: its number, when, what kind, and the signed notice. */
    public record NoticeRow(long n, Instant at, String kind, String jws) {}

    /**
     * Publishes the next notice: {@code sign} is given its number and returns the signed notice.
     */
    public NoticeRow publish(Instant at, String kind, LongFunction<String> sign) {
        return db.tx(() -> {
            long n = db.query("SELECT COALESCE(MAX(n), 0) FROM notices", rs -> rs.getLong(1)).get(0) + 1;
            String jws = sign.apply(n);
            db.update("INSERT INTO notices(n, at, kind, jws) VALUES (?, ?, ?, ?)", n, at.getEpochSecond(), kind, jws);
            return new NoticeRow(n, at, kind, jws);
        });
    }

    /** The newest notices numbered below {@code before} (all when empty), at most {@code limit}, newest first. */
    public List<NoticeRow> newest(Optional<Long> before, int limit) {
        return db.query("SELECT n, at, kind, jws FROM notices WHERE n < ? ORDER BY n DESC LIMIT ?", rs -> new NoticeRow(rs.getLong(1),
                Instant.ofEpochSecond(rs.getLong(2)), rs.getString(3), rs.getString(4)), before.orElse(Long.MAX_VALUE), limit);
    }

    public Optional<NoticeRow> get(long n) {
        return db.query("SELECT n, at, kind, jws FROM notices WHERE n = ?", rs -> new NoticeRow(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)),
                rs.getString(3), rs.getString(4)), n).stream().findFirst();
    }
}
