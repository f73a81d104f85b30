package org.cb4i.issuer.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Schema version 16: a store's usage kept one row per entry (usage_entries, up to version 15) moves into pages
 * ({@link UsagePage}, V15), then the table is dropped. Pages hold up to 10,000 entries, and never straddle a size the
 * store recorded for the log (its verified size, what a close settled of it), so that a page lies wholly on one side of
 * each. Entries beyond a log's verified size (left by a collection that stopped) are dropped: the next collection reads
 * them again. In Flyway's transaction: a store whose move fails is left as it was.
 */
final class UsageEntriesToPages implements JavaMigration {
    private static final int PAGE = 10_000;

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("16");
    }

    @Override
    public String getDescription() {
        return "usage entries to pages";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        Map<String, Long> sizes = new HashMap<>();
        Map<String, TreeSet<Long>> cuts = new HashMap<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT log_id, size FROM member_logs")) {
                while (rs.next()) {
                    sizes.put(rs.getString(1), rs.getLong(2));
                    cuts.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getLong(2));
                }
            }
            for (String t : List.of("settled_up_to", "period_logs")) {
                try (ResultSet rs = st.executeQuery("SELECT log_id, size FROM " + t)) {
                    while (rs.next()) {
                        cuts.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getLong(2));
                    }
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.setFetchSize(PAGE);
            try (ResultSet rs = st.executeQuery("SELECT log_id, idx, leaf, at, licensee, jti, agreement, member, usage, bytes, attested, billable, note, "
                    + "jkt, rid, path FROM usage_entries ORDER BY log_id, idx")) {
                List<UsageStore.EntryRow> page = new ArrayList<>();
                while (rs.next()) {
                    String log = rs.getString(1);
                    long idx = rs.getLong(2);
                    if (idx >= sizes.getOrDefault(log, 0L)) {
                        continue; // not verified: read again by the next collection
                    }
                    if (!page.isEmpty() && (!page.get(0).logId().equals(log) || idx / PAGE != page.get(0).index() / PAGE
                            || crosses(cuts.get(log), page.get(0).index(), idx))) {
                        UsageStore.writePages(c, page);
                        page.clear();
                    }
                    page.add(new UsageStore.EntryRow(log, idx, rs.getString(3), Instant.ofEpochSecond(rs.getLong(4)), opt(rs, 5), opt(rs, 6), opt(rs, 7),
                            rs.getString(8), rs.getString(9), rs.getLong(10), rs.getBoolean(11), rs.getBoolean(12), opt(rs, 13), opt(rs, 14), opt(rs, 15),
                            opt(rs, 16)));
                }
                if (!page.isEmpty()) {
                    UsageStore.writePages(c, page);
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE usage_entries");
        }
    }

    /** Whether a recorded size lies in (first, idx]: the entry at idx would then be on the other side of it from the page's first. */
    private static boolean crosses(TreeSet<Long> cuts, long first, long idx) {
        Long next = cuts == null ? null : cuts.higher(first);
        return next != null && next <= idx;
    }

    private static Optional<String> opt(ResultSet rs, int col) throws SQLException {
        return Optional.ofNullable(rs.getString(col));
    }
}
