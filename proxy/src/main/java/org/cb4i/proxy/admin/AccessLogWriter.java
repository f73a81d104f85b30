package org.cb4i.proxy.admin;

import io.vertx.core.http.HttpServerRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * The structured access log: one JSON object per request (time, client, method, path, status, outcome, reason,
 * licensee, license id, bytes, duration), written by a background thread so the event loop never waits on I/O.
 *
 * <p>No line is lost without being counted ({@link #dropped()}, {@code cb4i_proxy_access_log_dropped}): a line is
 * dropped when the queue is full (the disk slower than the traffic) or when writing it failed (then the file is opened
 * again for the next line). A file log is rotated at a size or an age ({@link ProxyConfig.Rotation}): renamed to
 * {@code <file>.<UTC time>}, a new file begun, the oldest rotated files beyond {@code keep} deleted. {@link #reopen()}
 * (the proxy calls it on {@code SIGUSR1}) closes and opens the file again, for an external rotation (logrotate renames
 * the file, then signals).
 */
public final class AccessLogWriter implements AutoCloseable {
    private static final java.time.format.DateTimeFormatter STAMP = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rotations = new AtomicLong();
    private final Path file;
    private final ProxyConfig.Rotation rotation;
    private Writer out;
    private long written;
    private java.time.Instant openedAt;
    private final Clock clock;
    private final Thread thread;
    private final java.util.function.Consumer<String> events;
    private volatile boolean closed;
    private volatile boolean reopen;
    private String lastError;

    private AccessLogWriter(Writer out, Path file, ProxyConfig.Rotation rotation, Clock clock, java.util.function.Consumer<String> events) {
        this.out = out;
        this.file = file;
        this.rotation = rotation;
        this.clock = clock;
        this.events = events;
        this.openedAt = clock.instant();
        try {
            this.written = file == null ? 0 : Files.size(file);
        } catch (IOException e) {
            this.written = 0;
        }
        this.thread = out == null && file == null ? null : new Thread(this::run, "cb4i-access-log");
        if (thread != null) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** {@code off}, {@code stdout}, or a file path (appended to), never rotated. */
    public static AccessLogWriter open(String target, Clock clock) throws IOException {
        return open(new ProxyConfig.AccessLog(target), clock, e -> { });
    }

    /**
     * The access log as configured.
     *
     * @param events where a write failure or a rotation that failed is reported (once until it is fixed)
     * @throws IOException when the file cannot be opened at the start
     */
    public static AccessLogWriter open(ProxyConfig.AccessLog config, Clock clock, java.util.function.Consumer<String> events) throws IOException {
        String target = config.target();
        if (target.equals("off")) {
            return new AccessLogWriter(null, null, ProxyConfig.Rotation.NONE, clock, events);
        }
        if (target.equals("stdout")) {
            return new AccessLogWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)), null, ProxyConfig.Rotation.NONE,
                    clock, events);
        }
        Path p = Path.of(target).toAbsolutePath();
        Files.createDirectories(p.getParent());
        // Opened here, so that a file that cannot be written stops the start with a clear message.
        Writer first = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new AccessLogWriter(first, p, config.rotation(), clock, events);
    }

    private Writer openFile() throws IOException {
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written = Files.size(file);
        openedAt = clock.instant();
        return w;
    }

    /** Closes and opens the file again at its path (after an external rotation renamed it). */
    public void reopen() {
        reopen = true;
    }

    /** Rotations done so far. */
    public long rotations() {
        return rotations.get();
    }

    public void log(HttpServerRequest req, int status, Outcome outcome, Reason reason, String licensee, String jti, long bytes, long nanos) {
        if (out == null) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", clock.instant().toString());
        m.put("client", req.remoteAddress() == null ? null : req.remoteAddress().hostAddress());
        m.put("method", req.method().name());
        m.put("uri", req.uri());
        m.put("status", status);
        m.put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
        if (reason != null) {
            m.put("reason", reason.name());
        }
        if (licensee != null) {
            m.put("licensee", licensee);
            m.put("jti", jti);
        }
        m.put("bytes", bytes);
        m.put("ms", Math.round(nanos / 10_000.0) / 100.0);
        offer(Json.write(m));
    }

    /** Queues one line (counted as dropped when the queue is full). */
    void offer(String line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    /** Lines lost: dropped because the writer could not keep up, or because writing them failed. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            String line;
            try {
                line = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                if (file != null) {
                    prepareFile(line == null ? 0 : line.length() + 1);
                }
                if (line == null) {
                    out.flush();
                    continue;
                }
                out.write(line);
                out.write('\n');
                written += line.length() + 1;
                if (queue.isEmpty()) {
                    out.flush();
                }
                lastError = null;
            } catch (IOException e) {
                if (line != null) {
                    dropped.incrementAndGet();
                }
                failed(e);
            }
        }
        try {
            if (out != null) {
                out.flush();
                if (file != null) {
                    out.close();
                }
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Opens the file when it is not open (or {@link #reopen()} was asked), rotating it first when it is due. */
    private void prepareFile(int next) throws IOException {
        if (reopen && out != null) {
            reopen = false;
            Writer w = out;
            out = null;
            w.close();
        }
        if (out == null) {
            out = openFile();
        }
        boolean bySize = rotation.maxBytes() > 0 && written > 0 && written + next > rotation.maxBytes();
        boolean byAge = rotation.every().isPresent() && !clock.instant().isBefore(openedAt.plus(rotation.every().get())) && written > 0;
        if (bySize || byAge) {
            rotate();
        }
    }

    private void rotate() throws IOException {
        out.flush();
        Writer w = out;
        out = null;
        w.close();
        String stamp = STAMP.format(clock.instant());
        Path to = file.resolveSibling(file.getFileName() + "." + stamp);
        for (int i = 1; Files.exists(to); i++) {
            to = file.resolveSibling(file.getFileName() + "." + stamp + "-" + i);
        }
        Files.move(file, to);
        out = openFile();
        if (rotation.keep() > 0) {
            String prefix = file.getFileName() + ".";
            java.util.List<Path> old;
            try (var list = Files.list(file.getParent())) {
                old = list.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().length() > prefix.length()
                        && Character.isDigit(f.getFileName().toString().charAt(prefix.length()))).sorted().toList();
            }
            for (int i = 0; i < old.size() - rotation.keep(); i++) {
                Files.deleteIfExists(old.get(i));
            }
        }
        rotations.incrementAndGet(); // counted once the rotation is whole: renamed, reopened, the oldest pruned
    }

    private void failed(IOException e) {
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!why.equals(lastError)) {
            events.accept("access log: cannot write " + (file == null ? "to stdout" : file) + " (" + why + "); lines are counted in "
                    + "cb4i_proxy_access_log_dropped until it can");
        }
        lastError = why;
        if (file != null && out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // opened again for the next line
            }
            out = null;
        }
        try {
            Thread.sleep(100); // a disk that fails fails again at once: do not spin
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
