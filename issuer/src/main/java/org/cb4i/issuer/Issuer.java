package org.cb4i.issuer;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cb4i.issuer.collective.ClientAuthentication;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.http.IssuerEndpoints;
import org.cb4i.issuer.http.Operations;
import org.cb4i.issuer.http.StatusChangeStream;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.jose.Base64Url;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;

/**
 * A running issuer: the store, the collective's key and the HTTP endpoints on one worker context (the store is
 * called directly from the handlers; the issuer's load is licence requests, not page views).
 */
public final class Issuer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final IssuerStore store;
    private final Collective collective;
    private final Requests requests;
    private final StatusChangeStream changes;
    private final Operations ops;
    private final Integer opsPort;

    /** Requests taken and answered, so that a stop can say whether it drained them. */
    private static final class Requests {
        final java.util.concurrent.atomic.LongAdder started = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.atomic.LongAdder finished = new java.util.concurrent.atomic.LongAdder();

        long inFlight() {
            return started.sum() - finished.sum();
        }
    }

    private Issuer(Vertx vertx, HttpServer server, IssuerStore store, Collective collective, Requests requests, StatusChangeStream changes,
            Operations ops, Integer opsPort) {
        this.changes = changes;
        this.ops = ops;
        this.opsPort = opsPort;
        this.vertx = vertx;
        this.server = server;
        this.store = store;
        this.collective = collective;
        this.requests = requests;
    }

    /**
     * Opens the store and starts listening.
     *
     * @throws IOException when the key cannot be read
     * @throws org.cb4i.issuer.store.StoreException when the store cannot be opened (in use, newer schema)
     * @throws Exception when the address cannot be bound ({@link java.net.BindException})
     */
    /** How often proposals past their deadline, and passed ones whose time has come, are looked at. */
    static final Duration DECISIONS_EVERY = Duration.ofSeconds(2);

    public static Issuer start(IssuerConfig config, Clock clock, Consumer<String> log) throws Exception {
        SigningKey key = KeyFiles.readSigningKey(config.key());
        IssuerStore store = IssuerStore.open(config.store());
        Vertx vertx = null;
        try {
            String token = adminToken(config.adminToken());
            Collective collective = new Collective(config, store, key, clock);
            vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4));
            StatusChangeStream changes = new StatusChangeStream(vertx, collective, log).start();
            Operations ops = new Operations(clock, config.operations().accessLog(), collective, changes::subscribers);
            IssuerEndpoints endpoints = new IssuerEndpoints(collective, new ClientAuthentication(collective, clock), token, changes, log);
            HttpServer[] server = new HttpServer[1];
            Requests requests = new Requests();
            await(vertx.deployVerticle(new VerticleBase() {
                @Override
                public Future<?> start() {
                    server[0] = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                            .setMaxInitialLineLength(8192).setMaxHeaderSize(16384).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS));
                    return server[0].requestHandler(req -> {
                        requests.started.increment();
                        long t0 = System.nanoTime();
                        req.response().endHandler(v -> { // answered, or closed by the client
                            requests.finished.increment();
                            ops.answered(req, req.response().getStatusCode(), System.nanoTime() - t0);
                        });
                        endpoints.handle(req);
                    }).listen();
                }
            }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
            log.accept("listening on " + config.host() + ":" + server[0].actualPort() + " as " + config.id());
            Integer opsPort = null;
            if (config.operations().listenHost().isPresent()) {
                HttpServer o = await(ops.serve(vertx, config.operations().listenHost().get(), config.operations().listenPort(), store::ping));
                opsPort = o.actualPort();
                log.accept("metrics and health on " + config.operations().listenHost().get() + ":" + opsPort + " (/metrics /healthz /readyz)");
            }
            if (!config.collection().interval().isZero()) {
                Vertx v = vertx;
                // [SET-9]: usage is collected on a timer, off the request threads; a round that finds nothing to read is quiet.
                String instance = java.util.UUID.randomUUID().toString();
                Duration lease = config.collection().interval().plusMinutes(1);
                // One instance collects at a time: each round is taken under a lease in the store, held a round and a minute.
                vertx.setPeriodic(config.collection().interval().toMillis(), id -> v.executeBlocking(() -> store.leases().take("collector", instance,
                        clock.instant(), clock.instant().plus(lease)) ? collective.collect() : java.util.List.<org.cb4i.issuer.settlement.Collector.Result>of(),
                        false).onComplete(ar -> {
                    if (ar.failed()) {
                        log.accept("collection failed: " + ar.cause().getMessage());
                        return;
                    }
                    for (var r : ar.result()) {
                        if (!r.outcome().equals("unchanged") && !r.outcome().equals("skipped")) {
                            log.accept("collection " + r.outcome() + ": " + r.member() + " log " + r.logId() + ": " + r.detail());
                        }
                    }
                }));
            }
            {
                // [DEC-3], [DEC-4]: proposals past their deadline are decided, and passed ones executed at their time, on a timer
                // (votes that settle a proposal early do so at once); one instance at a time, under a lease.
                Vertx v = vertx;
                String instance = java.util.UUID.randomUUID().toString();
                vertx.setPeriodic(DECISIONS_EVERY.toMillis(), id -> v.executeBlocking(() -> store.leases().take("decisions", instance, clock.instant(),
                        clock.instant().plusSeconds(60)) ? collective.decisions().settleDue() : java.util.List.<String>of(), false).onComplete(ar -> {
                    if (ar.failed()) {
                        log.accept("decisions: settling failed: " + ar.cause().getMessage());
                    } else {
                        ar.result().forEach(line -> log.accept("decisions: " + line));
                    }
                }));
            }
            return new Issuer(vertx, server[0], store, collective, requests, changes, ops, opsPort);
        } catch (Exception e) {
            if (vertx != null) {
                vertx.close();
            }
            store.close();
            throw e;
        }
    }

    /** Reads the admin token, creating it (owner-only) when absent. */
    static String adminToken(Path file) throws IOException {
        try {
            String t = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (t.length() < 16) {
                throw new IOException(file + ": the admin token is shorter than 16 characters; delete the file to have a new one made");
            }
            return t;
        } catch (NoSuchFileException e) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String t = Base64Url.encode(b);
            AtomicFiles.write(file, (t + "\n").getBytes(StandardCharsets.US_ASCII), true, false);
            return t;
        }
    }

    public int port() {
        return server.actualPort();
    }

    /**
     * Requests taken and not yet answered (the change stream's subscribers included). A client can read an answer a
     * moment before the issuer has counted it answered.
     */
    public long inFlight() {
        return requests.inFlight();
    }

    /** The operations listener's port (/metrics, /healthz, /readyz), when {@code admin_listen} is set. */
    public java.util.Optional<Integer> adminPort() {
        return java.util.Optional.ofNullable(opsPort);
    }

    public Collective collective() {
        return collective;
    }

    /**
     * What a stop did.
     *
     * @param inFlight requests being answered when the stop began
     * @param cutOff of those, the ones still unanswered after the 5 s drain
     * @param served requests answered since the start
     * @param store the store's folder, released
     */
    public record Stopped(long inFlight, long cutOff, long served, org.cb4i.issuer.store.StoreLocation store, Duration took) {
        /** The lines {@code cb4i issuer} prints when it stops. */
        public java.util.List<String> describe() {
            return java.util.List.of("stopped in " + took.toMillis() + " ms: " + inFlight + " request" + (inFlight == 1 ? "" : "s")
                    + " in flight at the stop, " + (cutOff == 0 ? "all answered" : cutOff + " cut off after 5 s") + "; " + served
                    + " answered since the start",
                    "store " + store + " closed and released (every change was committed as it was made; 'cb4i issuer' subcommands now edit it directly)");
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops accepting, lets requests in flight finish (up to 5 s), closes the store, and says how it went. */
    public Stopped stop() {
        long t0 = System.nanoTime();
        int listening = changes.subscribers();
        changes.close(); // the change streams end at once: they are not requests to drain
        long inFlight = Math.max(0, requests.inFlight() - listening);
        try {
            await(server.shutdown(Duration.ofSeconds(5)));
        } catch (Exception e) {
            // closing anyway
        }
        boolean drained = System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(); // else the drain time ran out
        long cutOff = drained ? 0 : Math.max(0, Math.min(inFlight, requests.inFlight()));
        try {
            await(vertx.close());
        } catch (Exception e) {
            // closing anyway
        }
        ops.close();
        store.close();
        return new Stopped(inFlight, cutOff, requests.finished.sum(), store.location(), Duration.ofNanos(System.nanoTime() - t0));
    }

    private static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
