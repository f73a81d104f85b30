package org.cb4i.proxy.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.function.Supplier;
import org.cb4i.proxy.config.HostPort;

/**
 * The admin listener, kept off the public one: {@code /metrics} (Prometheus), {@code /healthz} (the process is up)
 * and {@code /readyz} (it can serve licensed traffic: the receipts log is writable and every status list asked for can be had;
 * otherwise 503 with why, naming the setting that would allow a refused fetch). A proxy that serves but not as configured
 * (its shared quota store unreachable, counting per instance) is ready, and says so in {@code /readyz}'s body.
 */
public final class AdminServer {
    private AdminServer() {}

    /**
     * @param notReady null when ready, else why not
     * @param warning what an operator should know while it is ready, when something
     */
    public static Future<HttpServer> start(Vertx vertx, HostPort at, ProxyMetrics metrics, Supplier<String> notReady,
            Supplier<java.util.Optional<String>> warning) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(at.host()).setPort(at.port())).requestHandler(req -> {
            switch (req.path()) {
                case "/metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
                case "/healthz" -> req.response().putHeader("Content-Type", "text/plain").end("ok\n");
                case "/readyz" -> {
                    String why = notReady.get();
                    String body = why != null ? why : warning.get().map(w -> "ready, but " + w).orElse("ready");
                    req.response().setStatusCode(why == null ? 200 : 503).putHeader("Content-Type", "text/plain").end(body + "\n");
                }
                default -> req.response().setStatusCode(404).end();
            }
        }).listen();
    }
}
