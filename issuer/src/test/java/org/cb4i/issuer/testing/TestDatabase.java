package org.cb4i.issuer.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.cb4i.issuer.store.StoreLocation;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL database for one test, on the server the environment names ({@code CB4I_TEST_POSTGRES}, default
 * {@code postgresql://cb4i:cb4i@127.0.0.1:5432/postgres}: the role {@code .ci/run} creates), dropped afterwards. Without
 * a reachable server, a test fails under CI and is skipped by hand, saying how to start one.
 */
public final class TestDatabase {
    /** Whether the issuer's tests run against PostgreSQL ({@code -Dcb4i.test.store=postgresql}; the build's second run of them). */
    public static final boolean ON_POSTGRES = "postgresql".equals(System.getProperty("cb4i.test.store"));

    private static final String SERVER = System.getenv().getOrDefault("CB4I_TEST_POSTGRES", "postgresql://cb4i:cb4i@127.0.0.1:5432/postgres");

    private TestDatabase() {}

    /** Creates an empty database and returns where it is. */
    public static StoreLocation.Postgres create() {
        String name = "cb4i_test_" + HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8).putLong(ThreadLocalRandom.current().nextLong()).array());
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            unavailable(e);
        }
        return (StoreLocation.Postgres) StoreLocation.parse(SERVER.replaceFirst("/[^/?]*(\\?.*)?$", "/" + name + "$1"), java.nio.file.Path.of("."));
    }

    /**
     * Drops it, whoever of the test's own is still connected. A server process of another role (autovacuum on the fresh
     * database) cannot be ended by the test role: the drop is tried again for a few seconds, then left with a warning
     * (naming it, to drop by hand) rather than failing the test it follows. Null (no database was made) does nothing.
     */
    public static void drop(StoreLocation.Postgres db) {
        if (db == null) {
            return; // none was made: the server was not reachable and the test skipped itself
        }
        String name = db.jdbcUrl().replaceFirst(".*/([^/?]+)(\\?.*)?$", "$1");
        SQLException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Connection c = admin(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                return;
            } catch (SQLException e) {
                last = e;
                try {
                    Thread.sleep(250); // waiting for a server process of another role to finish (this test measures no time)
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        System.err.println("warning: the test database " + name + " could not be dropped (" + (last == null ? "interrupted" : last.getMessage())
                + "); drop it by hand when the server is idle");
    }

    /** A connection to the server's maintenance database, as the test role. */
    public static Connection admin() throws SQLException {
        StoreLocation.Postgres s = (StoreLocation.Postgres) StoreLocation.parse(SERVER, java.nio.file.Path.of("."));
        Properties p = new Properties();
        p.setProperty("user", s.user());
        s.password().ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(s.jdbcUrl(), p);
    }

    private static void unavailable(SQLException e) {
        String why = "PostgreSQL is not reachable at " + SERVER.replaceFirst("//([^:@/]*):[^@/]*@", "//$1:…@") + " (" + e.getMessage() + "). Start it and "
                + "create the test role: pg_ctlcluster 15 main start; su postgres -c \"psql -c \\\"CREATE ROLE cb4i LOGIN CREATEDB PASSWORD 'cb4i'\\\"\""
                + " (or name another server in CB4I_TEST_POSTGRES)";
        if (System.getenv("CI") != null) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
    }
}
