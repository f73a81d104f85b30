package org.cb4i.proxy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.endpoints.DiscoveryEndpoints;
import org.cb4i.proxy.endpoints.LogEndpoints;
import org.cb4i.proxy.pipeline.ProxyHandler;
import org.cb4i.proxy.pipeline.ProxyShared;

/** One event loop's share of the proxy: its own listener (the port is shared) and its own origin client. */
final class ProxyVerticle extends VerticleBase {
    private final ProxyShared shared;
    private final int port;
    private HttpServer server;

    ProxyVerticle(ProxyShared shared, int port) {
        this.shared = shared;
        this.port = port;
    }

    /**
     * The largest body piece the HTTP decoders hand on at once. Netty's default (8 KiB) cut what one socket read brought
     * (a whole 20 KB page, say) into pieces, and each piece became a write system call of its own towards the other
     * side; a piece is a slice of the read buffer, not a copy, so a larger bound costs no memory.
     */
    static final int RELAY_CHUNK = 64 * 1024;

    static HttpServerOptions serverOptions(ProxyConfig c, int port) {
        HttpServerOptions o = new HttpServerOptions()
                .setHost(c.listen().host())
                .setPort(port)
                .setMaxInitialLineLength(c.limits().maxRequestLine())
                .setMaxHeaderSize(c.limits().maxHeaderBytes())
                .setIdleTimeout((int) c.limits().idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(false)
                .setHttp2ClearTextEnabled(c.http2().enabled() && c.http2().cleartext())
                .setMaxChunkSize(RELAY_CHUNK)
                .setTcpNoDelay(true);
        c.tls().ifPresent(t -> o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(t.certificate().toString()).setKeyPath(t.key().toString())));
        ProxyConfig.Http2 h2 = c.http2();
        if (h2.enabled()) {
            // HTTP/2 to clients (security.md PRX-13 and PRX-14): a bounded number of streams and of header bytes, rapid reset
            // and CONTINUATION floods cut short by closing the connection; the origin still gets HTTP/1.1.
            o.setUseAlpn(c.tls().isPresent())
                    .setAlpnVersions(List.of(io.vertx.core.http.HttpVersion.HTTP_2, io.vertx.core.http.HttpVersion.HTTP_1_1))
                    .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxConcurrentStreams(h2.maxConcurrentStreams())
                            .setMaxHeaderListSize(c.limits().maxHeaderBytes()))
                    .setHttp2RstFloodMaxRstFramePerWindow(h2.maxResetsPerWindow())
                    .setHttp2RstFloodWindowDuration((int) h2.resetWindow().toSeconds())
                    .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
        }
        return o;
    }

    @Override
    public Future<?> start() {
        ProxyConfig c = shared.state().config();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setPipelining(false)
                .setDecompressionSupported(false)
                .setMaxHeaderSize(Math.max(c.limits().maxHeaderBytes(), 16384))
                .setMaxChunkSize(RELAY_CHUNK)
                .setConnectTimeout((int) c.originTimeouts().connect().toMillis())
                .setTrustAll(false),
                new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(4096));
        ProxyHandler handler = new ProxyHandler(shared, client, vertx,
                List.of(new DiscoveryEndpoints(client, shared.log(), shared.retiredLogs(), shared.offers()), new LogEndpoints(shared.log(), shared.retiredLogs(), vertx, shared.fleet())));
        server = vertx.createHttpServer(serverOptions(c, port))
                .connectionHandler(this::armHeaderDeadline)
                .requestHandler(req -> {
                    disarmHeaderDeadline(req.connection());
                    handler.handle(req);
                })
                .invalidRequestHandler(req -> {
                    disarmHeaderDeadline(req.connection());
                    handler.invalid(req);
                });
        return server.listen().onSuccess(sv -> shared.events().accept("listening on " + c.listen().host() + ":" + sv.actualPort()
                + " (" + Thread.currentThread().getName() + ")"));
    }

    /**
     * Connections whose first request's header section has not arrived yet, with the timer that closes them (security.md
     * PRX-11: a client dripping its headers a byte at a time never trips the idle timeout). Touched only on this
     * verticle's event loop.
     */
    private final java.util.Map<HttpConnection, Long> awaitingHeaders = new java.util.HashMap<>();

    private void armHeaderDeadline(HttpConnection conn) {
        long ms = Math.max(1, shared.state().config().limits().headerTimeout().toMillis());
        long timer = vertx.setTimer(ms, id -> {
            if (awaitingHeaders.remove(conn) != null) {
                shared.headerTimeouts().increment();
                conn.close();
            }
        });
        awaitingHeaders.put(conn, timer);
        conn.closeHandler(v -> disarmHeaderDeadline(conn));
    }

    private void disarmHeaderDeadline(HttpConnection conn) {
        if (!awaitingHeaders.isEmpty()) {
            Long timer = awaitingHeaders.remove(conn);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        }
    }

    HttpServer server() {
        return server;
    }
}
