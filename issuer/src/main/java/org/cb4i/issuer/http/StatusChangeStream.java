package org.cb4i.issuer.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.sdk.json.Json;

/**
 * The change stream of the status list ([STS-8]), {@code GET /status/changes}: server-sent events that tell proxies
 * "the list changed, fetch it now", so that a strike reaches them in well under a second instead of within the list's
 * {@code ttl}. Each event is {@code event: status}, {@code id: <seq>}, {@code data: {"uri", "seq"}}, one per list that
 * changed; a subscriber first gets each list's current {@code seq}, then every change, and a comment every 15 s so
 * that it can tell a dead stream.
 *
 * <p>Changes are read from the store (each list's newest snapshot's sequence number, every 100 ms, off the request threads),
 * so a change made through another process holding the same store is announced too. A subscriber that cannot keep up
 * (its write queue is full) is dropped; it reconnects and gets the current {@code seq} again.
 */
public final class StatusChangeStream {
    /** Subscribers held at most: one per proxy instance, so this bounds memory, not a real collective. */
    static final int MAX_SUBSCRIBERS = 10_000;
    private static final long POLL_MILLIS = 100;
    private static final long HEARTBEAT_MILLIS = 15_000;

    private final Vertx vertx;
    private final Collective collective;
    private final Consumer<String> log;
    private final Set<HttpServerResponse> subscribers = ConcurrentHashMap.newKeySet();
    private volatile java.util.Map<Integer, Long> seqs = java.util.Map.of();
    private volatile boolean polling;
    private long pollTimer = -1;
    private long heartbeatTimer = -1;

    public StatusChangeStream(Vertx vertx, Collective collective, Consumer<String> log) {
        this.vertx = vertx;
        this.collective = collective;
        this.log = log;
    }

    /** Starts watching the store. */
    public StatusChangeStream start() {
        seqs = collective.statusSeqs();
        pollTimer = vertx.setPeriodic(POLL_MILLIS, id -> poll());
        heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> subscribers.forEach(r -> send(r, ": keep-alive\n\n")));
        return this;
    }

    private void poll() {
        if (polling) {
            return;
        }
        polling = true;
        vertx.executeBlocking(collective::statusSeqs, false).onComplete(ar -> {
            polling = false;
            if (ar.failed()) {
                log.accept("status change stream: cannot read the store: " + ar.cause().getMessage());
                return;
            }
            java.util.Map<Integer, Long> before = seqs;
            seqs = ar.result();
            StringBuilder events = new StringBuilder();
            seqs.forEach((n, q) -> {
                if (!q.equals(before.get(n))) {
                    events.append(event(n, q));
                }
            });
            if (events.length() > 0) {
                String e = events.toString();
                subscribers.forEach(r -> send(r, e));
            }
        });
    }

    /** Answers a subscription: the stream stays open until the subscriber or the issuer closes it. */
    public void subscribe(HttpServerRequest req) {
        HttpServerResponse r = req.response();
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            r.setStatusCode(503).putHeader("Retry-After", "30").putHeader("Content-Type", "text/plain").end("too many subscribers\n");
            return;
        }
        r.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        subscribers.add(r);
        r.closeHandler(v -> subscribers.remove(r));
        r.exceptionHandler(t -> subscribers.remove(r));
        StringBuilder first = new StringBuilder("retry: 1000\n\n");
        seqs.forEach((n, q) -> first.append(event(n, q)));
        send(r, first.toString());
    }

    private String event(int list, long n) {
        return "id: " + n + "\nevent: status\ndata: " + Json.write(ordered(collective.config().statusListUri(list).toString(), n)) + "\n\n";
    }

    private static java.util.Map<String, Object> ordered(String uri, long n) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("uri", uri);
        m.put("seq", n);
        return m;
    }

    private void send(HttpServerResponse r, String text) {
        if (r.writeQueueFull()) {
            subscribers.remove(r);
            r.reset();
            return;
        }
        r.write(text);
    }

    /** Ends every stream (at a stop, so that the drain does not wait for them) and stops watching. */
    public void close() {
        vertx.cancelTimer(pollTimer);
        vertx.cancelTimer(heartbeatTimer);
        for (HttpServerResponse r : subscribers) {
            subscribers.remove(r);
            if (!r.ended() && !r.closed()) {
                r.end();
            }
        }
    }

    /** How many proxies listen now. */
    public int subscribers() {
        return subscribers.size();
    }
}
