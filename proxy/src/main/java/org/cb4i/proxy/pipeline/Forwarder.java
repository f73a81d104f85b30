package org.cb4i.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.Pipe;
import java.net.ConnectException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.Reason;

/**
 * The forwarding stage ([ENF-7] to [ENF-9]): the canonical request goes to the origin over pooled connections, its
 * body streamed within the limit; the response streams back with {@code Link}, {@code Content-Usage} and, when
 * licensed, {@code CB4I-Receipt}, {@code Cache-Control: private} and {@code Vary: Authorization}, its body hashed as it
 * streams; then the {@link ReceiptRecorder} records it. An origin that fails is a 502 or 504 with its reason.
 */
final class Forwarder {
    private final ProxyShared shared;
    private final HttpClient client;
    private final ReceiptRecorder recorder;

    Forwarder(ProxyShared shared, HttpClient client, ReceiptRecorder recorder) {
        this.shared = shared;
        this.client = client;
        this.recorder = recorder;
    }

    /** Forwards {@code ctx} to the origin; {@code lic} is its license when the request is licensed, else null. */
    void forward(Exchange ctx, RequestTarget target, Decision.Licensed lic) {
        HttpServerRequest req = ctx.req;
        SiteState st = ctx.st;
        ProxyConfig cfg = st.config;
        String cl = req.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (cl != null && Long.parseLong(cl) > cfg.limits().maxBodyBytes()) {
            ctx.deny(Reason.BODY_TOO_LARGE, "the request body is larger than " + cfg.limits().maxBodyBytes() + " bytes");
            return;
        }
        URI origin = cfg.origin();
        boolean tls = "https".equalsIgnoreCase(origin.getScheme());
        RequestOptions o = new RequestOptions()
                .setMethod(req.method())
                .setHost(origin.getHost())
                .setPort(origin.getPort() > 0 ? origin.getPort() : tls ? 443 : 80)
                .setSsl(tls)
                .setURI(target.pathAndQuery())
                .setConnectTimeout(cfg.originTimeouts().connect().toMillis())
                .setIdleTimeout(cfg.originTimeouts().response().toMillis());
        client.request(o).onComplete(ar -> {
            if (ar.failed()) {
                originFailed(ctx, ar.cause());
                return;
            }
            var creq = ar.result();
            copyRequestHeaders(req, creq.headers(), st, lic);
            boolean hasBody = cl != null && !cl.equals("0") || req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
            Future<HttpClientResponse> sent;
            if (hasBody) {
                // A body that fails half-way (bad chunk framing, over the limit, the client gone) must reach the origin
                // as a reset, never as a shorter request that ends cleanly: the pipe does not end the request on
                // failure (Vert.x's send(ReadStream) would).
                if (!creq.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                    creq.setChunked(true);
                }
                BodyLimit body = new BodyLimit(req, cfg.limits().maxBodyBytes());
                Pipe<Buffer> pipe = body.pipe();
                pipe.endOnFailure(false);
                pipe.to(creq).onFailure(t -> creq.reset());
                sent = creq.response().recover(t -> body.clientFailure() == null ? Future.failedFuture(t)
                        : Future.failedFuture(new BodyFailed(body.clientFailure())));
            } else {
                sent = creq.send();
                req.resume();
            }
            sent.onComplete(res -> {
                if (res.failed() && res.cause() instanceof BodyFailed b) {
                    boolean tooLarge = b.getCause() instanceof BodyLimit.TooLarge;
                    ctx.deny(tooLarge ? Reason.BODY_TOO_LARGE : Reason.MALFORMED_REQUEST, tooLarge
                            ? "the request body is larger than " + cfg.limits().maxBodyBytes() + " bytes"
                            : "the request body's framing cannot be read (the origin request was reset)");
                } else if (res.failed()) {
                    originFailed(ctx, res.cause());
                } else {
                    respond(ctx, res.result(), lic);
                }
            });
        });
    }
    /** The client's request body failed: the origin's request was reset because of the client, not the origin. */
    private static final class BodyFailed extends RuntimeException {
        BodyFailed(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
    private void copyRequestHeaders(HttpServerRequest req, MultiMap out, SiteState st, Decision.Licensed lic) {
        ProxyConfig cfg = st.config;
        MultiMap in = req.headers();
        Set<String> drop = Headers.dropped(in);
        String remote = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        boolean trusted = remote != null && cfg.trustedForwarders().stream().anyMatch(c -> c.contains(remote));
        String licenseeHeader = cfg.licenseeHeader().map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (drop.contains(name) || name.equals("host") || name.startsWith(":") || name.equals(licenseeHeader)
                    || (!cfg.forwardCredentials() && (Headers.CREDENTIALS.contains(name) && (!name.equals("authorization") || isLicense(e.getValue()))))
                    || (!trusted && Headers.FORWARDING.contains(name))) {
                continue;
            }
            out.add(e.getKey(), e.getValue());
        }
        String host = RequestTarget.authority(req);
        String priorFor = trusted ? in.get("x-forwarded-for") : null;
        out.set("X-Forwarded-For", priorFor == null ? String.valueOf(remote) : priorFor + ", " + remote);
        if (!trusted || !in.contains("x-forwarded-proto")) {
            out.set("X-Forwarded-Proto", req.scheme());
        }
        if (host != null && (!trusted || !in.contains("x-forwarded-host"))) {
            out.set("X-Forwarded-Host", host);
        }
        URI origin = cfg.origin();
        out.set(HttpHeaderNames.HOST, origin.getPort() > 0 ? origin.getHost() + ":" + origin.getPort() : origin.getHost());
        if (lic != null && licenseeHeader != null) {
            out.set(cfg.licenseeHeader().get(), lic.license().claims().subject());
        }
    }
    private static boolean isLicense(String auth) {
        return auth.regionMatches(true, 0, "License ", 0, 8);
    }
    private void respond(Exchange ctx, HttpClientResponse cresp, Decision.Licensed lic) {
        HttpServerRequest req = ctx.req;
        HttpServerResponse resp = req.response();
        SiteState st = ctx.st;
        if (resp.closed()) {
            cresp.exceptionHandler(t -> { }); // the reset below is ours: nothing to report
            cresp.request().reset();
            ctx.done(0, 0);
            return;
        }
        resp.setStatusCode(cresp.statusCode());
        resp.setStatusMessage(cresp.statusMessage());
        Set<String> drop = Headers.dropped(cresp.headers());
        for (Map.Entry<String, String> e : cresp.headers()) {
            if (!drop.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                resp.headers().add(e.getKey(), e.getValue());
            }
        }
        resp.headers().add("Link", st.licenseLink);
        st.config.contentUsage().ifPresent(cu -> resp.headers().set("Content-Usage", cu));
        if (ctx.reserved) {
            st.tdmHeaders(resp.headers());
        }
        if (lic != null) {
            resp.headers().set("CB4I-Receipt", "log=\"" + shared.log().logId() + "\", rid=\"" + lic.rid() + "\"");
            String cc = cresp.headers().get(HttpHeaderNames.CACHE_CONTROL);
            if (cc == null || !cc.toLowerCase(Locale.ROOT).contains("no-store")) {
                resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "private");
            }
            resp.headers().add(HttpHeaderNames.VARY, "Authorization");
        }
        boolean bodyless = req.method() == HttpMethod.HEAD || cresp.statusCode() == 204 || cresp.statusCode() == 304;
        if (!bodyless && !resp.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            resp.setChunked(true);
        }
        MeteredStream metered = lic == null ? null : new MeteredStream(cresp);
        Relay.run(metered == null ? cresp : metered, cresp, resp).onComplete(ar -> {
            long bytes = metered != null ? metered.bytes() : resp.bytesWritten();
            if (lic != null) {
                recorder.record(ctx, lic, cresp, metered, ar.succeeded());
            }
            ctx.done(cresp.statusCode(), bytes);
        });
    }
    private void originFailed(Exchange ctx, Throwable t) {
        if (ctx.req.response().headWritten()) {
            ctx.req.response().reset();
            ctx.done(502, 0);
            return;
        }
        boolean timeout = t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")
                || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("timeout");
        if (timeout) {
            ctx.deny(Reason.ORIGIN_TIMEOUT, "the origin did not answer within " + ctx.st.config.originTimeouts().response().toSeconds() + " s");
        } else {
            ctx.deny(Reason.ORIGIN_UNREACHABLE, t instanceof ConnectException ? "the origin refused the connection" : "the origin connection failed");
        }
    }
}
