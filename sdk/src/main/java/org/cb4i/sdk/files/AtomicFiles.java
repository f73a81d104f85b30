package org.cb4i.sdk.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Set;

/**
 * Writes files so that a reader never sees half of one: the bytes go to a temporary file in the same folder,
 * are forced to disk, and the file is renamed over the target. A private file is created 0600 before any
 * byte is written, so a key is never readable by others, not even for a moment.
 */
public final class AtomicFiles {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> WORLD_READABLE = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

    private AtomicFiles() {}

    /**
     * Writes {@code bytes} to {@code target} atomically.
     *
     * @param ownerOnly create the file with permissions 0600 (private keys)
     * @param replace whether an existing target may be replaced; when false and it exists,
     *     {@link FileAlreadyExistsException} is thrown and nothing is written
     */
    public static void write(Path target, byte[] bytes, boolean ownerOnly, boolean replace) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (!replace && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Path tmp = tempBeside(target);
        try {
            try (FileChannel ch = createTemp(tmp, ownerOnly)) {
                writeAll(ch, bytes);
                ch.force(true);
            }
            if (!replace) {
                // A hard link never replaces: of two writers racing for the same new file, exactly one wins.
                try {
                    Files.createLink(target, tmp);
                    return;
                } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                    if (e instanceof FileAlreadyExistsException) {
                        throw (FileAlreadyExistsException) e;
                    }
                    Files.move(tmp, target); // no links here: fails if it exists, not atomic against a racing writer
                    return;
                }
            }
            replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A fresh hidden name beside {@code target} for its temporary file. */
    private static Path tempBeside(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling("." + abs.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
    }

    /**
     * Creates {@code tmp} (it must not exist) and opens it for writing through the same descriptor: 0600 for a private
     * file, 0644 for a public one (a key set, a checkpoint, a signed page) where the file system has POSIX permissions.
     */
    private static FileChannel createTemp(Path tmp, boolean ownerOnly) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (supportsPosix(tmp.getParent())) {
            return FileChannel.open(tmp, options, PosixFilePermissions.asFileAttribute(ownerOnly ? OWNER_ONLY : WORLD_READABLE));
        }
        return FileChannel.open(tmp, options);
    }

    private static void writeAll(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Many replacements made durable together: the same guarantee as {@link #write} for each file (a reader sees the old
     * bytes or the new, never half), at a fraction of its cost on a large tree. {@link #write} forces each file to disk
     * before its rename, and the file system commits its journal for each force, one after another; a batch writes the
     * temporary files of up to {@code size} targets, forces them together on a pool of I/O threads (so that one journal
     * commit carries many), then renames each over its target and forces each folder once. Until its batch is committed
     * a target keeps its old content. Batches commit in order on a thread of their own while callers go on staging.
     * Thread-safe.
     */
    public static final class Batch implements AutoCloseable {
        /** A target that could not be replaced, and why; its old content is untouched. */
        public record Failure(Path target, IOException error) {}

        private record Staged(Path target, Path tmp, FileChannel channel) {}

        private final int size;
        private final ExecutorService committer = Executors.newSingleThreadExecutor(daemon("cb4i-commit"));
        private final ExecutorService forcers;
        private final List<Future<List<Failure>>> commits = new ArrayList<>();
        private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(2);
        private List<Staged> pending = new ArrayList<>();
        /** Full batches handed to the committer that it has not started: {@link #close} discards them. */
        private final List<List<Staged>> queued = new ArrayList<>();

        /** @param size how many files one commit carries; {@code ioThreads} how many forces are in flight at once */
        public Batch(int size, int ioThreads) {
            this.size = size;
            this.forcers = Executors.newFixedThreadPool(ioThreads, daemon("cb4i-force"));
        }

        /** Writes {@code bytes} to a temporary file beside {@code target}, which it replaces when its batch commits. */
        public void write(Path target, byte[] bytes) throws IOException {
            // Created and written through one descriptor, kept open until the commit forces it.
            Path tmp = tempBeside(target);
            FileChannel ch = createTemp(tmp, false);
            try {
                writeAll(ch, bytes);
            } catch (IOException | RuntimeException e) {
                ch.close();
                deleteQuietly(tmp);
                throw e;
            }
            List<Staged> full = null;
            synchronized (this) {
                pending.add(new Staged(target, tmp, ch));
                if (pending.size() >= size) {
                    full = pending;
                    pending = new ArrayList<>();
                }
            }
            if (full != null) {
                try {
                    submit(full);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while waiting for a batch commit");
                }
            }
        }

        /** Hands a full batch to the committer, first waiting while two are in flight (staging cannot run far ahead). */
        private void submit(List<Staged> batch) throws InterruptedException {
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                batch.forEach(Batch::discard);
                throw e;
            }
            synchronized (this) {
                queued.add(batch);
                commits.add(committer.submit(() -> {
                    try {
                        synchronized (this) {
                            if (!queued.removeIf(b -> b == batch)) {
                                return List.<Failure>of(); // discarded by close
                            }
                        }
                        return commit(batch);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
        }

        /** Commits what is staged, waits for every commit, and returns the targets that could not be replaced. */
        public List<Failure> finish() throws InterruptedException {
            List<Staged> rest;
            synchronized (this) {
                rest = pending;
                pending = new ArrayList<>();
            }
            if (!rest.isEmpty()) {
                submit(rest);
            }
            List<Future<List<Failure>>> all;
            synchronized (this) {
                all = List.copyOf(commits);
                commits.clear();
            }
            List<Failure> failures = new ArrayList<>();
            for (Future<List<Failure>> f : all) {
                try {
                    failures.addAll(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a batch commit failed unexpectedly", e.getCause());
                }
            }
            return failures;
        }

        private List<Failure> commit(List<Staged> batch) throws InterruptedException {
            List<Callable<IOException>> forces = new ArrayList<>();
            for (Staged s : batch) {
                forces.add(() -> {
                    try (FileChannel ch = s.channel()) {
                        ch.force(true);
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                });
            }
            List<Future<IOException>> forced;
            try {
                forced = forcers.invokeAll(forces);
            } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
                // Stopped before any rename (interrupted, or close shut the forcing threads before this commit could use
                // them): every target keeps its old content, and no temporary file is left behind.
                batch.forEach(Batch::discard);
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                return List.of();
            }
            List<Failure> failures = new ArrayList<>();
            Set<Path> dirs = new LinkedHashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                Staged s = batch.get(i);
                IOException error;
                try {
                    error = forced.get(i).get();
                    if (error == null) {
                        replace(s.tmp(), s.target());
                        dirs.add(s.target().toAbsolutePath().getParent());
                    }
                } catch (ExecutionException e) {
                    error = new IOException(e.getCause());
                } catch (IOException e) {
                    error = e;
                }
                if (error != null) {
                    failures.add(new Failure(s.target(), error));
                    deleteQuietly(s.tmp());
                }
            }
            dirs.forEach(AtomicFiles::forceDirectory);
            return failures;
        }

        /**
         * Stops the threads. Files staged but not committed ({@link #finish} not called, or interrupted) are deleted and
         * their targets left as they were.
         */
        @Override
        public void close() {
            committer.shutdownNow();
            forcers.shutdownNow();
            try {
                // A commit under way stops at its next wait (discarding its files) or finishes its renames.
                committer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Staged> rest;
            synchronized (this) {
                rest = pending;
                pending = new ArrayList<>();
                queued.forEach(rest::addAll);
                queued.clear();
            }
            rest.forEach(Batch::discard);
        }

        private static void discard(Staged s) {
            try {
                s.channel().close();
            } catch (IOException ignored) {
                // a file written but never forced, about to be deleted: nothing to report
            }
            deleteQuietly(s.tmp());
        }

        private static java.util.concurrent.ThreadFactory daemon(String name) {
            return r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            };
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is hidden (a dot name) and harmless
        }
    }

    /** Forces a folder's entries (a rename) to disk where the platform allows opening a folder; elsewhere a no-op. */
    public static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel; there the rename's durability is the file system's
        }
    }

    private static boolean supportsPosix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
