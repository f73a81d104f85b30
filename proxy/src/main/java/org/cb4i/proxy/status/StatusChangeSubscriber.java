package org.cb4i.proxy.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.json.Json;

/**
 * Listens to one issuer's status change stream ([STS-8]) and fetches a list again as soon as the issuer says it
 * changed. The stream is a hint: the lists are still refreshed every {@code ttl} whatever happens to it.
 *
 * <p>On its own thread, blocking: connects (the URL checked as any fetch, [FET-1]), reads events, and on each
 * {@code status} event whose {@code seq} is above the last one it acted on for that list, fetches the list through
 * {@code refresh} (which keeps the newer list, [STS-5]). Old or repeated events are ignored; a stream whose first
 * event is below what was seen (an issuer whose store was replaced) starts the count again. When the stream drops,
 * or stays silent for {@link #SILENCE} (the issuer sends a comment every 15 s), it says so once and reconnects after
 * 1 s, then 2, 4 … up to 30 s.
 */
public final class StatusChangeSubscriber implements AutoCloseable {
    static final Duration SILENCE = Duration.ofSeconds(45);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final URI stream;
    private final BoundedFetcher checker;
    private final Predicate<URI> refresh;
    private final Consumer<String> events;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile InputStream open;
    private volatile long lastLineNanos;
    private volatile long refreshes;

    /**
     * @param refresh fetches a list again now; false when this proxy does not use it
     */
    public StatusChangeSubscriber(URI stream, FetchPolicy policy, Predicate<URI> refresh, Consumer<String> events) {
        this.stream = stream;
        this.checker = new BoundedFetcher(policy);
        this.refresh = refresh;
        this.events = events;
        this.thread = new Thread(this::run, "cb4i-status-changes");
        thread.setDaemon(true);
    }

    public StatusChangeSubscriber start() {
        thread.start();
        return this;
    }

    public URI stream() {
        return stream;
    }

    /** Whether the stream is open now. */
    public boolean connected() {
        return connected;
    }

    /** Lists fetched because the stream said so, since the start. */
    public long refreshes() {
        return refreshes;
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        boolean saidDown = false;
        while (running) {
            String why;
            try {
                listen();
                why = "the issuer closed it";
                backoff = Duration.ofSeconds(1);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) { // a refused URL, a failed connection, a broken stream: all retried
                why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            boolean wasConnected = connected;
            connected = false;
            if (!running) {
                return;
            }
            if (wasConnected || !saidDown) {
                events.accept("status changes: " + stream + (wasConnected ? " dropped (" : " cannot be reached (") + why
                        + "); status lists are refreshed at their ttl until it " + (wasConnected ? "is back" : "answers"));
                saidDown = true;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private void listen() throws IOException, InterruptedException {
        checker.check(stream);
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(stream).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream").header("User-Agent", "cb4i-proxy").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                throw new StreamException("answered " + r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse("without a type"));
            }
            open = in;
            lastLineNanos = System.nanoTime();
            connected = true;
            events.accept("status changes: listening to " + stream);
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 8192);
            String event = "message";
            StringBuilder data = new StringBuilder();
            boolean first = true;
            for (String line; running && (line = lines.readLine()) != null; ) {
                lastLineNanos = System.nanoTime();
                if (line.isEmpty()) {
                    if (data.length() > 0 && event.equals("status")) {
                        dispatch(data.toString(), first);
                        first = false;
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 64 * 1024) {
                        throw new StreamException("an event larger than 64 KiB");
                    }
                    data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).strip());
                }
                // id:, retry: and comments (": keep-alive") need nothing more: the seq is in the data.
            }
        } finally {
            open = null;
        }
    }

    private void dispatch(String data, boolean first) {
        JsonNode n;
        try {
            n = Json.readTree(data);
        } catch (IOException e) {
            events.accept("status changes: " + stream + " sent an event that is not JSON; ignored");
            return;
        }
        String uri = n.path("uri").asText("");
        long seq = n.path("seq").asLong(-1);
        if (uri.isEmpty() || seq < 0) {
            return;
        }
        Long seen = lastSeq.get(uri);
        if (seen != null && seq <= seen && !(first && seq < seen)) {
            return; // an old or repeated announcement: nothing new to fetch
        }
        lastSeq.put(uri, seq);
        try {
            if (refresh.test(URI.create(uri))) {
                refreshes++;
            }
        } catch (IllegalArgumentException e) {
            // not a URI: nothing this proxy uses
        }
    }

    /** Closes a stream that has been silent too long, so that the reader reconnects; called every few seconds. */
    public void watch() {
        InputStream in = open;
        if (in != null && System.nanoTime() - lastLineNanos > SILENCE.toNanos()) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        running = false;
        InputStream in = open;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        thread.interrupt();
    }

    private static final class StreamException extends RuntimeException {
        StreamException(String message) {
            super(message, null, false, false);
        }
    }
}
