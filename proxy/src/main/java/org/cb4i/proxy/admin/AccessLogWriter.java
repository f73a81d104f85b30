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
import org.cb4i.proxy.admin.Outcome;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * The structured access log: one JSON object per request (time, client, method, path, status, outcome, reason,
 * licensee, license id, bytes, duration), written by a background thread so the event loop never waits on I/O.
 * When the queue is full, lines are dropped and counted rather than slowing the proxy down.
 */
public final class AccessLogWriter implements AutoCloseable {
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closed;

    private AccessLogWriter(Writer out, Clock clock) {
        this.out = out;
        this.clock = clock;
        this.thread = out == null ? null : new Thread(this::run, "cb4i-access-log");
        if (thread != null) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** {@code off}, {@code stdout}, or a file path (appended to). */
    public static AccessLogWriter open(String target, Clock clock) throws IOException {
        if (target.equals("off")) {
            return new AccessLogWriter(null, clock);
        }
        if (target.equals("stdout")) {
            return new AccessLogWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)), clock);
        }
        Path p = Path.of(target);
        if (p.toAbsolutePath().getParent() != null) {
            Files.createDirectories(p.toAbsolutePath().getParent());
        }
        return new AccessLogWriter(Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND), clock);
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
        if (!queue.offer(Json.write(m))) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the writer could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        try {
            while (!closed || !queue.isEmpty()) {
                String line = queue.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) {
                    out.flush();
                    continue;
                }
                out.write(line);
                out.write('\n');
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the access log is best-effort; the receipts log is the record that counts
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
