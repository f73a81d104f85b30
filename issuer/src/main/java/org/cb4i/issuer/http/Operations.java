package org.cb4i.issuer.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.sdk.json.Json;

/**
 * What the issuer tells its operator, as the proxy does: Prometheus {@code /metrics} (requests by endpoint and status,
 * their duration, whether the store answers, status lists, change stream subscribers), {@code /healthz} (the process
 * is up) and {@code /readyz} (the store answers: 503 saying why when it does not), on a listener of their own
 * ({@code admin_listen}); and a JSON access log ({@code access_log}), one line per request answered.
 */
public final class Operations implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Writer access;
    private final boolean closeAccess;
    private volatile boolean storeUp = true;

    /** @param accessLog {@code off}, {@code stdout} or a file (appended to) */
    public Operations(Clock clock, String accessLog, Collective collective, Supplier<Integer> subscribers) throws IOException {
        this.clock = clock;
        if (accessLog.equals("off")) {
            access = null;
            closeAccess = false;
        } else if (accessLog.equals("stdout")) {
            access = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
            closeAccess = false;
        } else {
            Path f = Path.of(accessLog);
            if (f.getParent() != null) {
                Files.createDirectories(f.getParent());
            }
            access = Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            closeAccess = true;
        }
        Gauge.builder("cb4i_issuer_store_up", () -> storeUp ? 1 : 0).description("1 when the store answered its last check").register(registry);
        Gauge.builder("cb4i_issuer_status_lists", () -> {
            try {
                return collective.statusLists();
            } catch (RuntimeException e) { // the store is away: cb4i_issuer_store_up says so
                return Double.NaN;
            }
        }).description("status lists served ([ISS-9]; NaN while the store cannot be read)").register(registry);
        Gauge.builder("cb4i_issuer_status_subscribers", subscribers::get).description("proxies listening to /status/changes").register(registry);
    }

    /** Counts and logs one answered request. */
    public void answered(HttpServerRequest req, int status, long nanos) {
        String endpoint = endpoint(req.path());
        String key = endpoint + ' ' + status;
        counters.computeIfAbsent(key, k -> Counter.builder("cb4i_issuer_requests").description("requests answered, by endpoint and status")
                .tag("endpoint", endpoint).tag("status", Integer.toString(status)).register(registry)).increment();
        timers.computeIfAbsent(endpoint, e -> Timer.builder("cb4i_issuer_request_duration").description("time from request to answer")
                .tag("endpoint", e).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry)).record(Duration.ofNanos(nanos));
        if (access != null) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", clock.instant().toString());
            line.put("client", req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress());
            line.put("method", req.method().name());
            line.put("path", req.path());
            line.put("status", status);
            line.put("ms", Math.round(nanos / 1e5) / 10.0);
            synchronized (access) {
                try {
                    access.write(Json.write(line));
                    access.write('\n');
                    access.flush();
                } catch (IOException e) {
                    // an access log that cannot be written does not stop licensing; /metrics still counts the request
                }
            }
        }
    }

    /** The endpoint a path belongs to, as a metric label: never the path itself, whose values are unbounded. */
    static String endpoint(String path) {
        if (path.matches("/status/[0-9]+")) {
            return "/status/N";
        }
        if (path.startsWith("/statements/")) {
            return "/statements/N/entries";
        }
        return switch (path) {
            case "/token", "/introspect", "/admin", "/jwks", "/repertoire", "/status/changes", "/.well-known/cb4i", "/healthz" -> path;
            default -> "other";
        };
    }

    /** Serves /metrics, /healthz and /readyz on {@code host:port}; readiness asks {@code ping} off the event loop. */
    public Future<HttpServer> serve(Vertx vertx, String host, int port, Runnable ping) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(req -> {
            switch (req.path()) {
                case "/metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
                case "/healthz" -> req.response().putHeader("Content-Type", "text/plain").end("ok\n");
                case "/readyz" -> vertx.executeBlocking(() -> {
                    ping.run();
                    return null;
                }, false).timeout(3, java.util.concurrent.TimeUnit.SECONDS).onComplete(ar -> {
                    storeUp = ar.succeeded();
                    req.response().setStatusCode(ar.succeeded() ? 200 : 503).putHeader("Content-Type", "text/plain")
                            .end(ar.succeeded() ? "ready\n" : "store unavailable: " + ar.cause().getMessage() + "\n");
                });
                default -> req.response().setStatusCode(404).end();
            }
        }).listen();
    }

    /** The Prometheus exposition (for tests and the listener). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (closeAccess) {
            try {
                access.close();
            } catch (IOException e) {
                // closing anyway
            }
        } else if (access != null) {
            try {
                access.flush();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
