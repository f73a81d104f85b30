package org.cb4i.issuer.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies an issuer's store into an empty one ({@code cb4i issuer migrate}): the embedded H2 store of a collective that
 * outgrew one process into PostgreSQL. Every table (but the console's sessions and WebAuthn challenges, which last hours
 * and minutes: members sign in again), row for row, in one transaction of the target: a copy that fails
 * leaves the target as empty as it was, and the source is only read. Identity counters continue after the copied rows.
 */
public final class StoreCopy {
    /** The tables, parents before the tables that refer to them. */
    static final List<String> TABLES = List.of("meta", "members", "licensees", "agreements", "licenses", "status_history", "replay", "audit",
            "member_logs", "usage_pages", "usage_page_data", "usage_days", "settled_up_to", "period_logs", "alerts", "agreement_prices", "periods", "statements",
            "consent", "proposals", "electorates", "votes", "notices", "offers", "acceptances", "console_invites", "console_passkeys", "usage_strikes", "agreement_amendments");
    /** Tables whose {@code seq} is an identity column. */
    static final List<String> IDENTITY = List.of("members", "status_history", "audit", "alerts");

    private StoreCopy() {}

    /**
     * Copies {@code from} into {@code to}.
     *
     * @return the rows copied, per table
     * @throws StoreException when the target is not empty or either store cannot be used; the target is then unchanged
     */
    public static Map<String, Long> copy(StoreLocation from, StoreLocation to) {
        if (from.equals(to)) {
            throw StoreException.invalid("the source and the target are the same store");
        }
        Map<String, Long> copied = new LinkedHashMap<>();
        try (Database src = Database.open(from); Database dst = Database.open(to)) {
            dst.tx(() -> {
                Connection out = dst.connection();
                for (String t : List.of("members", "licensees", "licenses", "status_history", "usage_pages", "statements")) {
                    if (count(out, t) > 0) {
                        throw StoreException.conflict(to + " is not empty (table " + t + " has rows); migrate into a new database");
                    }
                }
                try (Statement st = out.createStatement()) {
                    st.execute("DELETE FROM meta"); // the target's own bookkeeping, replaced by the source's
                }
                Connection in = src.connection();
                for (String t : TABLES) {
                    copied.put(t, copyTable(in, out, t));
                }
                if (dst.postgres()) {
                    for (String t : IDENTITY) {
                        try (Statement st = out.createStatement()) {
                            st.execute("SELECT setval(pg_get_serial_sequence('" + t + "', 'seq'), COALESCE((SELECT MAX(seq) FROM " + t + "), 0) + 1, false)");
                        }
                    }
                }
                return null;
            });
        }
        return copied;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long copyTable(Connection in, Connection out, String table) throws SQLException {
        long n = 0;
        try (Statement st = in.createStatement()) {
            st.setFetchSize(1000);
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    cols.add(md.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
                }
                String sql = "INSERT INTO " + table + "(" + String.join(", ", cols) + ") VALUES (" + "?, ".repeat(cols.size() - 1) + "?)";
                try (PreparedStatement ps = out.prepareStatement(sql)) {
                    while (rs.next()) {
                        for (int i = 1; i <= cols.size(); i++) {
                            Object v = rs.getObject(i);
                            if (v instanceof java.sql.Clob clob) {
                                v = clob.getSubString(1, (int) clob.length());
                            }
                            if (v == null) {
                                ps.setNull(i, java.sql.Types.NULL);
                            } else {
                                ps.setObject(i, v);
                            }
                        }
                        ps.addBatch();
                        if (++n % 1000 == 0) {
                            ps.executeBatch();
                        }
                    }
                    ps.executeBatch();
                }
            }
        }
        return n;
    }
}
