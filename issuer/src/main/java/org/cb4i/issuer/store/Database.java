package org.cb4i.issuer.store;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * The issuer's database: the embedded H2 store under one folder (one process at a time), or PostgreSQL (several
 * issuer instances at once). Opening it brings its schema up to date with Flyway, from the same migrations for both
 * ({@code db/migration}); then transactions, queries and the schema's version. Every store of the issuer
 * ({@link IssuerStore}, {@link UsageStore}, {@link StatementStore}) works through one instance, whose monitor
 * serialises this process's use of its one connection.
 *
 * <p>On PostgreSQL every transaction first takes one transaction-scoped advisory lock, so that the transactions of all
 * instances run one at a time, as one process's do: a status index, a replay marker or a status list snapshot is
 * decided by one instance with every other's committed changes in view ([ISS-6]). The issuer's writes are a few
 * milliseconds each (licenses, administration), so one queue for them costs nothing a collective would notice. A lost
 * connection (the server restarted) fails the operation at hand with a {@link StoreException} that says so, and the
 * next operation connects again.
 */
final class Database implements AutoCloseable {
    static {
        // H2 caches the values it reads and writes in a soft cache keyed by their hash: the store streams millions of
        // distinct ones (a month's entries, statements of megabytes), so hashing them costs more than the cache saves
        // (settling 10,000 members x 100 licensees: about a tenth of the time). Read by H2 when its classes load.
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
    }

    /** Flyway's logger (java.util.logging), held so that the level set on it stays. */
    private static final java.util.logging.Logger FLYWAY_LOG = java.util.logging.Logger.getLogger("org.flywaydb");

    /** The advisory lock every PostgreSQL transaction of the issuer takes ("cb4i" in ASCII). */
    private static final long WRITE_LOCK = 0x63623469L;

    private final StoreLocation where;
    private final FileChannel lockFile;
    private final FileLock lock;
    private Connection db;
    private boolean broken;

    private Database(StoreLocation where, Connection db, FileChannel lockFile, FileLock lock) {
        this.where = where;
        this.db = db;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    StoreLocation location() {
        return where;
    }

    boolean postgres() {
        return where instanceof StoreLocation.Postgres;
    }

    /** The connection, connected again first when the last one was lost. */
    synchronized Connection connection() throws SQLException {
        if (broken || db == null || db.isClosed()) {
            closeQuietly(db);
            db = null;
            try {
                db = connect(where);
            } catch (SQLException e) {
                throw new SQLException(firstLine(e.getMessage()), "08001", e); // could not connect, whatever the server said
            }
            broken = false;
        }
        return db;
    }

    /**
     * Opens the store, creating it when absent and migrating its schema.
     *
     * @throws StoreException when the folder cannot be used, the store is in use by another process, the database
     *     cannot be reached, or the store was written by a newer cb4i
     */
    static Database open(StoreLocation where) {
        if (where instanceof StoreLocation.Postgres pg) {
            migrate(where, pg.jdbcUrl(), pg.user(), pg.password().orElse(null));
            try {
                return new Database(where, connect(where), null, null);
            } catch (SQLException e) {
                throw new StoreException(where + ": cannot connect (" + firstLine(e.getMessage()) + ")");
            }
        }
        Path dir = ((StoreLocation.Folder) where).dir();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new StoreException(dir + ": cannot create the store folder (" + e.getMessage() + ")");
        }
        // One opener at a time, whether another process or this one: H2 would share an open database within a JVM.
        FileChannel lockFile;
        FileLock lock;
        try {
            lockFile = FileChannel.open(dir.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
        } catch (java.io.IOException e) {
            throw new StoreException(dir + ": cannot lock the store (" + e.getMessage() + ")");
        }
        if (lock == null) {
            closeQuietly(lockFile);
            throw new StoreException(dir + ": the store is in use by another process (a running issuer?). "
                    + "Stop it, or run the command against it with --server URL");
        }
        try {
            migrate(where, h2Url(dir), "cb4i", "");
            return new Database(where, connect(where), lockFile, lock);
        } catch (SQLException | RuntimeException e) {
            releaseQuietly(lock);
            closeQuietly(lockFile);
            if (e instanceof SQLException sql && sql.getErrorCode() == 90020) { // DATABASE_ALREADY_OPEN
                throw new StoreException(dir + ": the store is in use by another process (a running issuer?). "
                        + "Stop it, or run the command against it with --server URL");
            }
            throw e instanceof StoreException se ? se : new StoreException(dir + ": cannot open the store (" + firstLine(e.getMessage()) + ")");
        }
    }

    private static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("issuer") + ";WRITE_DELAY=0;FILE_LOCK=FILE";
    }

    private static Connection connect(StoreLocation where) throws SQLException {
        if (where instanceof StoreLocation.Postgres pg) {
            java.util.Properties p = new java.util.Properties();
            p.setProperty("user", pg.user());
            pg.password().ifPresent(pw -> p.setProperty("password", pw));
            p.setProperty("connectTimeout", "5");
            p.setProperty("socketTimeout", "60");
            p.setProperty("ApplicationName", "cb4i issuer");
            return DriverManager.getConnection(pg.jdbcUrl(), p);
        }
        return DriverManager.getConnection(h2Url(((StoreLocation.Folder) where).dir()), "cb4i", "");
    }

    /**
     * Brings the schema up to date (Flyway; it takes its own lock, so instances that start together migrate once). A
     * store made before Flyway kept its history is taken as it is (its tables are re-declared IF NOT EXISTS), and a
     * store whose schema is newer than this cb4i's migrations is refused rather than used half-understood.
     */
    private static void migrate(StoreLocation where, String url, String user, String password) {
        FLYWAY_LOG.setLevel(java.util.logging.Level.WARNING); // its INFO lines on every start say nothing an operator needs
        try {
            Flyway flyway = Flyway.configure(Database.class.getClassLoader()).dataSource(url, user, password)
                    .locations("classpath:db/migration").javaMigrations(new UsageEntriesToPages()).baselineOnMigrate(true).baselineVersion("0")
                    .baselineDescription("a store made before its schema history was kept").load();
            MigrationInfoService info = flyway.info();
            MigrationInfo[] known = info.all();
            MigrationInfo current = info.current();
            String newest = known.length == 0 ? "0" : known[known.length - 1].getVersion().getVersion();
            for (MigrationInfo m : info.applied()) {
                if (m.getState() == MigrationState.FUTURE_SUCCESS) {
                    throw new StoreException(where + ": the store's schema is at version " + current.getVersion() + ", written by a newer cb4i;"
                            + " this one knows versions up to " + newest);
                }
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException(where + ": cannot prepare the store's schema (" + firstLine(rootMessage(e)) + ")");
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : t.getMessage();
    }

    @Override
    public synchronized void close() {
        closeQuietly(db);
        if (lock != null) {
            releaseQuietly(lock);
            closeQuietly(lockFile);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null && !c.isClosed()) {
                c.close();
            }
        } catch (SQLException e) {
            // closing: nothing more to save
        }
    }

    private static void releaseQuietly(FileLock l) {
        try {
            if (l.isValid()) {
                l.release();
            }
        } catch (java.io.IOException e) {
            // released when the channel closes
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (java.io.IOException e) {
            // nothing held
        }
    }

    /**
     * The error an operation reports: a lost or refused connection says the database cannot be reached (and the next
     * operation connects again); anything else is the database's own message.
     */
    private StoreException failure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (postgres() && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
            broken = true;
            return new StoreException(where + ": the database cannot be reached now (" + firstLine(e.getMessage()) + "); try again");
        }
        return new StoreException(where + ": store error (" + firstLine(e.getMessage()) + ")");
    }

    interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    interface SqlFunction<A, B> {
        B apply(A a) throws SQLException;
    }

    synchronized <T> T tx(SqlSupplier<T> body) {
        try {
            Connection c = connection();
            c.setAutoCommit(false);
            try {
                if (postgres()) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                        ps.setLong(1, WRITE_LOCK);
                        ps.execute();
                    }
                }
                T v = body.get();
                c.commit();
                return v;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException lost) {
                    // the connection is gone: nothing was committed
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException lost) {
                    broken = true;
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized <T> List<T> query(String sql, SqlFunction<ResultSet, T> row, Object... args) {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.apply(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Runs a query and hands each row to {@code row} as it is read, without keeping them: for results of any size. */
    synchronized void forEach(String sql, SqlFunction<ResultSet, Void> row, Object... args) {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            bind(ps, args);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.apply(rs);
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    synchronized int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.NULL); // the column's type decides (PostgreSQL refuses a varchar null in a bigint column)
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    synchronized Optional<String> metaGet(String k) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT v FROM meta WHERE k = ?")) {
            ps.setString(1, k);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    synchronized void metaPut(String k, String v) throws SQLException {
        update("MERGE INTO meta t USING (SELECT CAST(? AS VARCHAR(64)) AS k, CAST(? AS VARCHAR(1024)) AS v) s ON t.k = s.k "
                + "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)", k, v);
    }

    static Optional<Instant> optInstant(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(v));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
