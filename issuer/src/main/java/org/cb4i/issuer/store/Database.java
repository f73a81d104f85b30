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

/**
 * The issuer's embedded H2 database under one folder: opening it (one process at a time), transactions, queries and
 * the schema's version. Every store of the issuer ({@link IssuerStore}, {@link UsageStore}, {@link StatementStore})
 * works through one instance, whose monitor serialises all access to the one connection.
 */
final class Database implements AutoCloseable {
    private final Path dir;
    private final Connection db;
    private final FileChannel lockFile;
    private final FileLock lock;

    private Database(Path dir, Connection db, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.db = db;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    Path dir() {
        return dir;
    }

    Connection connection() {
        return db;
    }

    /**
     * Opens (creating when absent) the store in {@code dir}.
     *
     * @throws StoreException when the folder cannot be used, the store is in use by another process, or was
     *     written by a newer cb4i
     */
    static Database open(Path dir) {
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
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("issuer") + ";WRITE_DELAY=0;FILE_LOCK=FILE";
        Connection c;
        try {
            c = DriverManager.getConnection(url, "cb4i", "");
        } catch (SQLException e) {
            releaseQuietly(lock);
            closeQuietly(lockFile);
            if (e.getErrorCode() == 90020) { // DATABASE_ALREADY_OPEN
                throw new StoreException(dir + ": the store is in use by another process (a running issuer?). "
                        + "Stop it, or run the command against it with --server URL");
            }
            throw new StoreException(dir + ": cannot open the store (" + firstLine(e.getMessage()) + ")");
        }
        return new Database(dir, c, lockFile, lock);
    }

    @Override
    public synchronized void close() {
        try {
            if (!db.isClosed()) {
                db.close();
            }
        } catch (SQLException e) {
            // closing: nothing more to save
        }
        releaseQuietly(lock);
        closeQuietly(lockFile);
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

    interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    interface SqlFunction<A, B> {
        B apply(A a) throws SQLException;
    }

    synchronized <T> T tx(SqlSupplier<T> body) {
        try {
            db.setAutoCommit(false);
            try {
                T v = body.get();
                db.commit();
                return v;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(dir + ": store error (" + firstLine(e.getMessage()) + ")");
        }
    }

    synchronized <T> List<T> query(String sql, SqlFunction<ResultSet, T> row, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.apply(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException(dir + ": store error (" + firstLine(e.getMessage()) + ")");
        }
    }

    /** Runs a query and hands each row to {@code row} as it is read, without keeping them: for results of any size. */
    synchronized void forEach(String sql, SqlFunction<ResultSet, Void> row, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.apply(rs);
                }
            }
        } catch (SQLException e) {
            throw new StoreException(dir + ": store error (" + firstLine(e.getMessage()) + ")");
        }
    }

    synchronized int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    synchronized Optional<String> metaGet(String k) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT v FROM meta WHERE k = ?")) {
            ps.setString(1, k);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    synchronized void metaPut(String k, String v) throws SQLException {
        update("MERGE INTO meta(k, v) KEY(k) VALUES (?, ?)", k, v);
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
