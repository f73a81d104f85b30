package org.cb4i.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cb4i.proxy.admin.AccessLogWriter;
import org.cb4i.proxy.admin.AdminServer;
import org.cb4i.proxy.admin.ProxyMetrics;
import org.cb4i.sdk.config.ConfigException;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.receipts.ReceiptLog;
import org.cb4i.proxy.pipeline.ProxyShared;
import org.cb4i.proxy.quota.LocalQuotaStore;
import org.cb4i.proxy.quota.QuotaStore;
import org.cb4i.proxy.quota.RedisQuotaStore;
import org.cb4i.proxy.status.StatusChangeSubscriber;
import org.cb4i.proxy.pipeline.SiteState;

/**
 * A running enforcement proxy: one Vert.x instance, one listener per event loop on the shared port, an admin
 * listener, and the receipts log. {@link #close()} drains: it stops accepting, lets requests in flight finish
 * (up to {@link #DRAIN}), writes their log entries and publishes a final checkpoint.
 */
public final class Proxy implements AutoCloseable {
    public static final Duration DRAIN = Duration.ofSeconds(10);
    /** How often issuer key sets given as https URLs are fetched again. */
    public static final Duration KEY_REFRESH = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final ProxyShared shared;
    private final ReceiptLog log;
    private final AccessLogWriter accessLog;
    private final ExecutorService blocking;
    private final List<ProxyVerticle> verticles;
    private final int port;
    private final Integer adminPort;
    private final Clock clock;
    private final Consumer<String> events;
    private volatile FileTime configTime;

    private Proxy(Vertx vertx, ProxyShared shared, ReceiptLog log, AccessLogWriter accessLog, ExecutorService blocking,
            List<ProxyVerticle> verticles, int port, Integer adminPort, Clock clock, Consumer<String> events) {
        this.vertx = vertx;
        this.shared = shared;
        this.log = log;
        this.accessLog = accessLog;
        this.blocking = blocking;
        this.verticles = verticles;
        this.port = port;
        this.adminPort = adminPort;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Starts the proxy.
     *
     * @param events receives operator messages (start-up, reloads, log events)
     * @throws IOException when the log, keys or listener cannot be set up; nothing is left running
     */
    public static Proxy start(ProxyConfig config, Clock clock, Consumer<String> events) throws Exception {
        ExecutorService blocking = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cb4i-blocking");
            t.setDaemon(true);
            return t;
        });
        SiteState state = SiteState.build(config, clock, blocking);
        ReceiptLog log = ReceiptLog.open(config.log(), clock, events);
        List<ReceiptLog> retired = openRetired(config, clock, events);
        AccessLogWriter access = AccessLogWriter.open(config.accessLog(), clock, events);
        ProxyMetrics metrics = new ProxyMetrics();
        metrics.gauge("cb4i_proxy_log_entries", "entries in the receipts log", log::size);
        metrics.gauge("cb4i_proxy_log_writable", "1 when the receipts log can record", () -> log.writable() ? 1 : 0);
        metrics.gauge("cb4i_proxy_access_log_dropped", "access log lines lost: the queue was full (the disk slower than the traffic) or the write failed",
                access::dropped);
        metrics.gauge("cb4i_proxy_access_log_rotations", "times the access log file was rotated (access_log.max_bytes or every)", access::rotations);
        org.cb4i.proxy.admin.DiskSpace disk = new org.cb4i.proxy.admin.DiskSpace(config.log().dir());
        metrics.gauge("cb4i_proxy_log_bytes", "bytes the receipts log's files take on the hot disk (log.dir, sealed segments included)", disk::logBytes);
        metrics.gauge("cb4i_proxy_log_archived_bytes", "bytes of sealed segments moved to log.segments.archive_dir", () -> log.segments().bytes()[1]);
        metrics.gauge("cb4i_proxy_log_sealed_segments", "sealed segments of the receipts log (hot, archived or removed)", () -> log.segments().list().size());
        log.collectors(collectorsOf(config));
        retired.forEach(r -> r.collectors(collectorsOf(config)));
        metrics.gauge("cb4i_proxy_log_retired", "retired receipts logs this proxy still serves (log.dir/retired)", retired::size);
        metrics.gauge("cb4i_proxy_log_disk_free_bytes", "bytes free on the receipts log's disk (when full, licensed requests are refused)", disk::free);
        int cores = Runtime.getRuntime().availableProcessors();
        // On a cleartext listener with h2c, Vert.x makes the connection (where ProxyVerticle arms the header timeout) only
        // once the first header section is complete: the timeout is then kept below Vert.x, on the TCP connection.
        FirstHeaderDeadline[] h2cDeadline = {null};
        boolean h2cCleartext = config.http2().enabled() && config.http2().cleartext() && config.tls().isEmpty();
        Vertx vertx = vertx(config.transport(), new VertxOptions().setEventLoopPoolSize(cores).setWorkerPoolSize(4), events,
                t -> h2cCleartext ? (h2cDeadline[0] = new FirstHeaderDeadline(t)) : t);
        QuotaStore quotas = config.quota().redis().isPresent() ? new RedisQuotaStore(vertx, config.quota(), clock, events) : new LocalQuotaStore(clock);
        metrics.gauge("cb4i_proxy_quota_store_up", "1 when quota counters are where the configuration puts them (always, for quota.store: local)",
                () -> quotas.up() ? 1 : 0);
        metrics.gauge("cb4i_proxy_quota_decided_without_store", "licensed requests decided without the shared quota store (counted locally, or refused)",
                quotas::decidedWithoutStore);
        ProxyShared shared = new ProxyShared(state, log, quotas, metrics, access, clock, events);
        shared.retiredLogs(retired);
        if (config.fleetAdvertise().isPresent()) {
            org.cb4i.proxy.fleet.LogDirectory directory = new org.cb4i.proxy.fleet.LogDirectory(vertx, config.quota().redis().orElseThrow(),
                    org.cb4i.sdk.token.PathScope.normaliseOrigin(config.publisher().toString()), events).register(log.logId(), config.fleetAdvertise().get());
            retired.forEach(r -> directory.register(r.logId(), config.fleetAdvertise().get()));
            shared.fleet(directory);
        }
        // [CNS-4]: the member's consent, for each collective that names a consent endpoint (a reload may add one).
        org.cb4i.proxy.consent.MemberConsent consent = new org.cb4i.proxy.consent.MemberConsent(() -> shared.state().config(),
                id -> shared.state().issuerKeys(id), clock, blocking, events);
        consent.fetchAllNow(Duration.ofSeconds(3)); // an issuer that is down does not hold the start longer than this
        shared.consent(consent);
        vertx.setPeriodic(500, id -> consent.tick());
        // [OFR-4]: the collectives' open offers, for the 402 offer; fetched off the event loop.
        org.cb4i.proxy.offers.PublishedOffers offers = new org.cb4i.proxy.offers.PublishedOffers(() -> shared.state().config(),
                id -> shared.state().issuerKeys(id), events);
        blocking.execute(offers::refresh); // never holds the start: a 402 lists offers once fetched
        shared.offers(offers);
        vertx.setPeriodic(org.cb4i.proxy.offers.PublishedOffers.RETRY.toMillis(), id -> blocking.execute(offers::refreshDue));
        metrics.gauge("cb4i_proxy_consent_unavailable", "collectives whose member consent this site cannot use now (licensed requests under "
                + "them are answered 503 CONSENT_UNAVAILABLE)", () -> consent.unavailable().size());
        metrics.gauge("cb4i_proxy_header_timeouts", "connections closed because their first request's header section did not arrive within "
                + "limits.header_timeout (slow or stalled clients)", () -> shared.headerTimeouts().sum());
        // Cache counters of the current configuration's verifiers (they restart from zero on a reload).
        metrics.gauge("cb4i_proxy_token_cache_hits", "license verifications answered from the cache", () -> shared.state().tokens().cacheCounters().hits());
        metrics.gauge("cb4i_proxy_token_cache_misses", "license verifications that checked a signature", () -> shared.state().tokens().cacheCounters().misses());
        metrics.gauge("cb4i_proxy_token_cache_size", "verified licenses held", () -> shared.state().tokens().cacheCounters().size());
        metrics.gauge("cb4i_proxy_signature_cache_hits", "request signatures answered from the cache", () -> shared.state().signatures().cacheCounters().hits());
        metrics.gauge("cb4i_proxy_signature_cache_misses", "request signatures verified", () -> shared.state().signatures().cacheCounters().misses());
        try {
            int port = config.listen().port() == 0 ? freePort(config.listen().host()) : config.listen().port();
            if (h2cDeadline[0] != null) {
                h2cDeadline[0].guard(port, () -> shared.state().config().limits().headerTimeout(), shared.headerTimeouts());
            }
            // One instance per event loop, deployed together so that Vert.x spreads them over the loops and
            // round-robins accepted connections between their servers (which share the port).
            List<ProxyVerticle> verticles = java.util.Collections.synchronizedList(new ArrayList<>());
            await(vertx.deployVerticle(() -> {
                ProxyVerticle v = new ProxyVerticle(shared, port);
                verticles.add(v);
                return v;
            }, new DeploymentOptions().setInstances(cores)));
            Integer adminPort = null;
            if (config.admin().isPresent()) {
                HttpServer admin = await(AdminServer.start(vertx, config.admin().get(), metrics, () -> notReady(log, shared),
                        () -> warnings(shared.quotas().warning(), disk.warning(), log.releaseFailure()
                                .map(why -> "sealed receipts log segments cannot leave the hot disk: " + why))));
                adminPort = admin.actualPort();
            }
            Proxy p = new Proxy(vertx, shared, log, access, blocking, verticles, port, adminPort, clock, events);
            p.listenForStatusChanges(config);
            metrics.gauge("cb4i_proxy_status_streams_connected", "issuer status change streams open now ([STS-8])",
                    () -> p.statusStreams.stream().filter(StatusChangeSubscriber::connected).count());
            metrics.gauge("cb4i_proxy_status_pushed_refreshes", "status lists fetched because a change stream announced a change",
                    () -> p.statusStreams.stream().mapToLong(StatusChangeSubscriber::refreshes).sum());
            vertx.setPeriodic(5_000, id -> p.statusStreams.forEach(StatusChangeSubscriber::watch));
            p.watchConfig();
            p.reopenAccessLogOnSignal();
            p.refreshRemoteKeys(KEY_REFRESH);
            return p;
        } catch (Exception e) {
            quotas.close();
            await(vertx.close());
            log.close();
            closeRetired(retired, events);
            access.close();
            blocking.shutdownNow();
            throw e;
        }
    }

    /** The issuers' status change streams listened to ([STS-8]); replaced when a reload names other streams. */
    private final List<StatusChangeSubscriber> statusStreams = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void listenForStatusChanges(ProxyConfig c) {
        java.util.Set<java.net.URI> wanted = new java.util.LinkedHashSet<>();
        c.issuers().forEach(i -> i.statusChanges().ifPresent(wanted::add));
        if (wanted.equals(statusStreams.stream().map(StatusChangeSubscriber::stream).collect(java.util.stream.Collectors.toSet()))) {
            return;
        }
        statusStreams.forEach(StatusChangeSubscriber::close);
        statusStreams.clear();
        for (java.net.URI u : wanted) {
            statusStreams.add(new StatusChangeSubscriber(u, c.fetching().policy(), uri -> shared.state().refreshStatusList(uri), events).start());
        }
    }

    /**
     * Vert.x on the configured transport. {@code auto} takes epoll (Netty's native transport: fewer system calls a
     * request, 0.91x the JDK's NIO's CPU a request passed through in {@code bench/proxy/cpu-ab.sh}), else the JDK's NIO.
     * io_uring is cheaper still (0.82x epoll's) but only when asked for by name: on it a stop cut off a response still
     * being written (StopTest), so it is not the default. A transport asked for that cannot be loaded here falls back to
     * NIO; either way the operator is told which one runs, and why not the one wanted.
     */
    static Vertx vertx(ProxyConfig.Transport t, VertxOptions options, Consumer<String> events,
            java.util.function.UnaryOperator<io.vertx.core.transport.Transport> wrap) {
        io.vertx.core.transport.Transport chosen = switch (t) {
            case EPOLL -> io.vertx.core.transport.Transport.EPOLL;
            case IO_URING -> io.vertx.core.transport.Transport.IO_URING;
            case NIO -> io.vertx.core.transport.Transport.NIO;
            case AUTO -> io.vertx.core.transport.Transport.EPOLL.available() ? io.vertx.core.transport.Transport.EPOLL
                    : io.vertx.core.transport.Transport.NIO;
        };
        String why = null;
        if (!chosen.available()) {
            Throwable cause = chosen.unavailabilityCause();
            why = chosen.name() + " is not available here (" + (cause == null ? "unknown cause" : cause.getMessage()) + ")";
            chosen = io.vertx.core.transport.Transport.NIO;
        } else if (t == ProxyConfig.Transport.AUTO && chosen == io.vertx.core.transport.Transport.NIO) {
            why = "no native transport is available here";
        }
        Vertx v = Vertx.builder().with(options.setPreferNativeTransport(chosen != io.vertx.core.transport.Transport.NIO)).withTransport(wrap.apply(chosen)).build();
        events.accept("transport: " + chosen.name().toLowerCase(java.util.Locale.ROOT) + (why == null ? "" : " (" + why + ")")
                + (chosen == io.vertx.core.transport.Transport.IO_URING ? "; a stop on io_uring may cut off a response still being written "
                        + "(README, Benchmarks): use transport: auto where drains must be clean" : ""));
        return v;
    }

    /** The collectives whose collectors must acknowledge a sealed segment before it leaves the hot disk. */
    private static java.util.Set<String> collectorsOf(ProxyConfig config) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        config.issuers().stream().filter(i -> i.collectorKey().isPresent()).forEach(i -> out.add(i.id()));
        return out;
    }

    /** What /readyz adds to "ready": each warning that holds, joined. */
    @SafeVarargs
    private static Optional<String> warnings(Optional<String>... each) {
        List<String> all = new ArrayList<>();
        for (Optional<String> w : each) {
            w.ifPresent(all::add);
        }
        return all.isEmpty() ? Optional.empty() : Optional.of(String.join("; and ", all));
    }

    /** Why licensed traffic cannot be served now, or null when it can. */
    private static String notReady(ReceiptLog log, ProxyShared shared) {
        if (!log.writable()) {
            return "receipts log unavailable: " + log.failure().orElse("closing");
        }
        if (shared.quotas().refusing()) {
            return shared.quotas().warning().orElse("quota store unavailable");
        }
        var consent = shared.consent().map(org.cb4i.proxy.consent.MemberConsent::unavailable).orElse(java.util.Map.of());
        if (!consent.isEmpty()) {
            StringBuilder b = new StringBuilder("member consent unavailable (licensed requests under these collectives are answered 503):");
            consent.forEach((issuer, why) -> b.append("\n  ").append(issuer).append(": ").append(why));
            return b.toString();
        }
        var lists = shared.state().statusListsUnavailable();
        if (lists.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("status lists unavailable (licensed requests whose licenses name them are answered 503):");
        lists.forEach((uri, why) -> b.append("\n  ").append(uri).append(": ").append(why));
        return b.toString();
    }

    public int port() {
        return port;
    }

    public Optional<Integer> adminPort() {
        return Optional.ofNullable(adminPort);
    }

    public ReceiptLog log() {
        return log;
    }

    public ProxyConfig config() {
        return shared.state().config();
    }

    /**
     * Applies a new configuration: policy, issuers, limits of new connections, TLS certificates. The listen and
     * admin addresses and the log folder are kept (a restart changes those).
     *
     * @throws IOException when an issuer's keys cannot be loaded; the running configuration is then kept
     */
    public void reload(ProxyConfig next) throws Exception {
        SiteState state = SiteState.build(next, clock, blocking);
        ProxyConfig cur = config();
        if (!next.listen().equals(cur.listen()) || !next.log().dir().equals(cur.log().dir()) || !next.admin().equals(cur.admin())
                || !next.quota().equals(cur.quota())) {
            events.accept("config: listen, admin, log.dir and quota changes take effect at the next restart");
        }
        if (next.tls().isPresent()) {
            var t = next.tls().get();
            ServerSSLOptions ssl = new ServerSSLOptions().setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(t.certificate().toString()).setKeyPath(t.key().toString()));
            for (ProxyVerticle v : verticles) {
                await(v.server().updateSSLOptions(ssl));
            }
        }
        shared.swap(state);
        log.collectors(collectorsOf(next));
        shared.retiredLogs().forEach(r -> r.collectors(collectorsOf(next)));
        listenForStatusChanges(next);
        events.accept("config: reloaded (" + next.paths().size() + " path rules, " + next.issuers().size() + " issuers)");
    }

    /**
     * Fetches https issuer key sets again every {@code every}, off the event loop. New keys (a rotation) take effect
     * when fetched; a failed fetch keeps the keys held (an outage is not a mass revocation).
     */
    void refreshRemoteKeys(Duration every) {
        vertx.setPeriodic(every.toMillis(), id -> {
            ProxyConfig c = config();
            if (c.issuers().stream().noneMatch(i -> "https".equals(i.jwks().getScheme()) || "http".equals(i.jwks().getScheme()))) {
                return;
            }
            vertx.executeBlocking(() -> SiteState.build(c, clock, blocking), false).onComplete(ar -> {
                if (ar.failed()) {
                    events.accept("issuer keys: refresh failed, keeping the keys held: " + ar.cause().getMessage());
                } else if (config() == c && !ar.result().sameKeys(shared.state())) {
                    shared.swap(ar.result());
                    events.accept("issuer keys: changed keys loaded");
                }
            });
        });
    }

    /** {@code SIGUSR1} opens the access log file again (after logrotate renamed it). */
    private void reopenAccessLogOnSignal() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> {
                accessLog.reopen();
                events.accept("access log: opened again (SIGUSR1)");
            });
        } catch (IllegalArgumentException e) {
            events.accept("access log: SIGUSR1 is not available on this platform; use access_log.max_bytes or every to rotate it");
        }
    }

    /** Reloads when the file changes (checked every 2 s) or on SIGHUP. A bad file is reported and ignored. */
    private void watchConfig() {
        Optional<Path> file = config().file();
        if (file.isEmpty()) {
            return;
        }
        configTime = mtime(file.get());
        vertx.setPeriodic(2000, id -> {
            FileTime t = mtime(file.get());
            if (t != null && !t.equals(configTime)) {
                configTime = t;
                reloadFromFile(file.get());
            }
        });
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reloadFromFile(file.get()));
        } catch (IllegalArgumentException e) {
            events.accept("config: SIGHUP is not available on this platform; file changes still reload");
        }
    }

    private void reloadFromFile(Path file) {
        vertx.executeBlocking(() -> {
            try {
                reload(ConfigLoader.load(file));
            } catch (ConfigException e) {
                events.accept("config: NOT reloaded, the running configuration stays:\n" + e.getMessage());
            } catch (Exception e) {
                events.accept("config: NOT reloaded: " + e.getMessage());
            }
            return null;
        }, true);
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * What a stop did, for the operator to know it was clean.
     *
     * @param inFlight requests being answered when the stop began
     * @param cutOff of those, the ones still unanswered when {@link #DRAIN} ran out
     * @param served requests answered since the start
     * @param logEntries entries in the receipts log
     * @param finalCheckpoint the size of the last checkpoint published, if any
     * @param logClean whether that checkpoint covers every entry and the index was marked clean
     */
    public record Stopped(long inFlight, long cutOff, long served, String logId, Path logDir, long logEntries, Optional<Long> finalCheckpoint,
            boolean logClean, long accessLogDropped, Duration took) {
        /** The lines {@code cb4i proxy} prints when it stops. */
        public List<String> describe() {
            List<String> l = new ArrayList<>();
            l.add("stopped in " + took.toMillis() + " ms: " + inFlight + " request" + (inFlight == 1 ? "" : "s") + " in flight at the stop, "
                    + (cutOff == 0 ? "all answered" : cutOff + " cut off after " + DRAIN.toSeconds() + " s") + "; " + served + " answered since the start");
            if (logEntries == 0) {
                l.add("receipts log " + logId + " in " + logDir + ": no entries yet");
            } else {
                l.add("receipts log " + logId + " in " + logDir + ": " + logEntries + " entr" + (logEntries == 1 ? "y" : "ies") + ", "
                        + finalCheckpoint.map(n -> "final checkpoint of " + n + " entr" + (n == 1 ? "y" : "ies") + " signed").orElse("no checkpoint")
                        + (logClean ? "; index marked clean (the next start reads it without re-reading the entries)"
                                : "; NOT marked clean: the next start re-reads and checks every entry"));
            }
            if (accessLogDropped > 0) {
                l.add("access log: " + accessLogDropped + " lines were dropped under load");
            }
            return l;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Drains (stops accepting, lets requests in flight finish up to {@link #DRAIN}), closes the log, and says how it went. */
    public Stopped stop() {
        long t0 = System.nanoTime();
        long inFlight = shared.inFlight();
        try {
            List<Future<Void>> shutdowns = new ArrayList<>();
            for (ProxyVerticle v : verticles) {
                shutdowns.add(v.server().shutdown(DRAIN));
            }
            for (Future<Void> f : shutdowns) {
                await(f);
            }
        } catch (Exception e) {
            events.accept("shutdown: " + e.getMessage());
        }
        // Shutdown completes early only when every connection closed after its last response: then nothing was cut
        // off. When the drain time ran out, the requests still counted as in flight were cut off.
        boolean drained = System.nanoTime() - t0 < DRAIN.toNanos();
        long cutOff = drained ? 0 : Math.max(0, Math.min(inFlight, shared.inFlight()));
        shared.quotas().close();
        shared.fleet().ifPresent(org.cb4i.proxy.fleet.LogDirectory::close);
        statusStreams.forEach(StatusChangeSubscriber::close);
        try {
            await(vertx.close());
        } catch (Exception e) {
            events.accept("shutdown: " + e.getMessage());
        }
        try {
            log.close();
        } catch (IOException e) {
            events.accept("shutdown: receipts log: " + e.getMessage());
        }
        closeRetired(shared.retiredLogs(), events);
        accessLog.close();
        blocking.shutdownNow();
        return new Stopped(inFlight, cutOff, shared.served(), log.logId(), log.dir(), log.size(), log.checkpoint().map(c -> c.size()),
                log.closedClean(), accessLog.dropped(), Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * The retired logs kept in {@code log.dir/retired/} ([LOG-6]), opened to be served. One that cannot be opened is said
     * and left where it is: the proxy still starts, since licensed traffic does not depend on it.
     */
    private static List<ReceiptLog> openRetired(ProxyConfig config, Clock clock, Consumer<String> events) throws IOException {
        List<ReceiptLog> out = new ArrayList<>();
        for (java.nio.file.Path dir : org.cb4i.proxy.receipts.LogRetirement.retiredDirs(config.log().dir())) {
            try {
                out.add(ReceiptLog.openRetired(dir, config.log().segments(), clock, events));
            } catch (IOException | RuntimeException e) {
                events.accept("receipts log: the retired log in " + dir + " cannot be served (" + e.getMessage() + "); its collectors cannot read "
                        + "it until it can");
            }
        }
        return out;
    }

    private static void closeRetired(List<ReceiptLog> logs, Consumer<String> events) {
        for (ReceiptLog r : logs) {
            try {
                r.close();
            } catch (IOException e) {
                events.accept("shutdown: retired receipts log " + r.logId() + ": " + e.getMessage());
            }
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }
}
