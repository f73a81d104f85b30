package org.cb4i.proxy.admin;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How full the disk of the receipts log is: a full disk is the one way the log stops recording, and then every licensed
 * request is refused (503 {@code LOG_UNAVAILABLE}), so the operator is warned well before: {@code /readyz} says so (still
 * ready) when less than {@link #WARN_BYTES} or {@link #WARN_PERCENT}% of the disk is free, whichever is larger, and
 * {@code /metrics} carries the free bytes and the log's own size.
 */
public final class DiskSpace {
    static final long WARN_BYTES = 1L << 30;
    static final int WARN_PERCENT = 5;

    private final Path dir;

    public DiskSpace(Path dir) {
        this.dir = dir;
    }

    /** Bytes free for this process on the log's disk (-1 when it cannot be read). */
    public long free() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The bytes the log's files take on its disk (sealed segments and acknowledgements included). */
    public long logBytes() {
        try (var files = Files.walk(dir, 2)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1; // a segment moved away while it was being counted: the next scrape counts again
        }
    }

    /** What {@code /readyz} should say of the disk, when the operator should act. */
    public Optional<String> warning() {
        try {
            FileStore s = Files.getFileStore(dir);
            return warning(s.getUsableSpace(), s.getTotalSpace(), dir);
        } catch (IOException e) {
            return Optional.of("the disk of the receipts log (" + dir + ") cannot be read: " + e.getMessage());
        }
    }

    /** The warning for {@code free} bytes of {@code total} on the disk of {@code dir}, when there is one. */
    public static Optional<String> warning(long free, long total, Path dir) {
        long threshold = Math.max(WARN_BYTES, total / 100 * WARN_PERCENT);
        if (free >= threshold) {
            return Optional.empty();
        }
        return Optional.of("the disk of the receipts log (" + dir + ") has " + (free >> 20) + " MiB free of " + (total >> 20) + " MiB; when it is full "
                + "the log cannot record and licensed requests are refused (503 LOG_UNAVAILABLE): free space or move log.dir");
    }
}
