package org.cb4i.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.Pipe;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.admin.Outcome;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.VerifiedSignature;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.VerifiedLicense;

/**
 * The request pipeline (DESIGN.md layer 10; SPEC.md §10), one pass, cheapest checks first:
 * <ol>
 *   <li>framing: refuse what could be read two ways ([ENF-5]);</li>
 *   <li>the canonical target ({@link RequestTarget}; [ENF-6]);</li>
 *   <li>the proxy's own endpoints (robots.txt, license.xml, /.well-known/…);</li>
 *   <li>the policy of the path ({@link PathPolicy}; [ENF-1]);</li>
 *   <li>on a licensed path: classification ([ENF-2]), the license ({@code LicenseTokenVerifier}, cached), the
 *       proof of possession (Web Bot Auth bound to {@code cnf}), scope and usages, status (non-blocking when the list
 *       is held), quota, and the health of the receipts log;</li>
 *   <li>forwarding the canonical request over pooled connections, streaming both ways; the response gets
 *       {@code Link}, {@code Content-Usage} and, when licensed, {@code CB4I-Receipt}, {@code Cache-Control: private},
 *       {@code Vary: Authorization}; the body is hashed as it streams and the log entry appended when it ends.</li>
 * </ol>
 * One instance per event loop, with that loop's HTTP client.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
    /** The proxy's own endpoints, tried before the policy. */
    public interface Endpoints {
        /** Answers the request and returns true when {@code target} is one of its endpoints. */
        boolean handle(HttpServerRequest req, RequestTarget target, SiteState state);
    }

    private final ProxyShared shared;
    private final HttpClient client;
    private final Vertx vertx;
    private final List<Endpoints> endpoints;

    public ProxyHandler(ProxyShared shared, HttpClient client, Vertx vertx, List<Endpoints> endpoints) {
        this.shared = shared;
        this.client = client;
        this.vertx = vertx;
        this.endpoints = List.copyOf(endpoints);
    }

    /** A licensed request's evidence, carried to the log entry. */
    private record Licensed(VerifiedLicense license, VerifiedSignature signature, ProxyConfig.PathRule rule) {}

    /** One request in flight. */
    private final class Ctx {
        final HttpServerRequest req;
        final SiteState st;
        final long start = System.nanoTime();
        Outcome outcome = Outcome.DENIED;
        Reason reason;
        String licensee;
        String jti;
        /** The receipt id reserved for a licensed response. */
        String rid;

        Ctx(HttpServerRequest req, SiteState st) {
            this.req = req;
            this.st = st;
            shared.requestStarted();
        }

        void deny(Reason r, String detail) {
            deny(r, detail, OptionalLong.empty());
        }

        void deny(Reason r, String detail, OptionalLong retryAfter) {
            outcome = Outcome.DENIED;
            reason = r;
            req.resume();
            Denials.send(req.response(), st, r, detail, retryAfter);
            done(req.response().getStatusCode(), 0);
        }

        void done(int status, long bytes) {
            shared.requestFinished();
            shared.metrics().record(outcome, reason, System.nanoTime() - start);
            shared.accessLog().log(req, status, outcome, reason, licensee, jti, bytes, System.nanoTime() - start);
        }
    }

    /**
     * A request the HTTP decoder refused ([ENF-5]): an over-long request line or header section keeps the decoder's
     * 414 or 431; any other framing it would not read (Content-Length with Transfer-Encoding, an unknown coding,
     * several Content-Length...) is a {@code MALFORMED_REQUEST} denial like the ones this handler writes, and the
     * connection is closed.
     */
    public void invalid(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
            HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(req);
            return;
        }
        String why = cause == null || cause.getMessage() == null ? "" : cause.getMessage().replaceAll("[^\\x20-\\x7e]", "?");
        // The decoder refuses a request target with control characters before any handler sees it ([ENF-6]).
        boolean target = cause instanceof IllegalArgumentException && why.contains("URI");
        new Ctx(req, shared.state()).deny(target ? Reason.AMBIGUOUS_PATH : Reason.MALFORMED_REQUEST,
                (target ? "the request target has a control or other illegal character" : "HTTP framing the proxy will not forward")
                        + (why.isEmpty() ? "" : ": " + why));
    }

    @Override
    public void handle(HttpServerRequest req) {
        req.pause();
        Ctx ctx = new Ctx(req, shared.state());
        MultiMap h = req.headers();
        String framing = framingProblem(req, h);
        if (framing != null) {
            ctx.deny(Reason.MALFORMED_REQUEST, framing);
            return;
        }
        RequestTarget target;
        try {
            target = RequestTarget.canonical(req.uri(), false);
        } catch (RequestTarget.Ambiguous e) {
            ctx.deny(Reason.AMBIGUOUS_PATH, e.getMessage());
            return;
        }
        for (Endpoints e : endpoints) {
            if (e.handle(req, target, ctx.st)) {
                ctx.outcome = Outcome.DISCOVERY;
                ctx.done(req.response().getStatusCode(), 0);
                return;
            }
        }
        ProxyConfig.PathRule rule = ctx.st.policy.match(target.pathAndQuery());
        switch (rule.access()) {
            case DENY -> ctx.deny(Reason.PATH_DENIED, "this site does not serve " + target.path() + " to anyone");
            case OPEN -> {
                ctx.outcome = Outcome.OPEN;
                forward(ctx, target, null);
            }
            case LICENSED -> licensed(ctx, target, rule);
            default -> throw new IllegalStateException();
        }
    }

    /** RFC 3986 host [":" port]: reg-name, IPv4 or an IP literal's characters; no userinfo, path or white space. */
    static boolean validHost(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** [ENF-5]: messages whose framing two parsers could read differently are refused, never forwarded. */
    private static String framingProblem(HttpServerRequest req, MultiMap h) {
        if (req.method() == HttpMethod.CONNECT || req.method() == HttpMethod.TRACE) {
            return req.method() + " is not served";
        }
        List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty()) {
            if (te.size() != 1 || !te.get(0).equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding must be exactly \"chunked\"";
            }
            if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "both Content-Length and Transfer-Encoding";
            }
        }
        List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (cl.size() > 1 || (cl.size() == 1 && !isDecimal(cl.get(0)))) {
            return "Content-Length must be one decimal number";
        }
        List<String> host = h.getAll(HttpHeaderNames.HOST);
        if (req.version() != HttpVersion.HTTP_1_0 && host.size() != 1) {
            return "exactly one Host header is required";
        }
        if (!host.isEmpty() && !validHost(host.get(0))) {
            return "the Host header is not a host and port (RFC 9112 §3.2: no userinfo, spaces or other delimiters)";
        }
        if (h.getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            return "more than one Authorization header";
        }
        return null;
    }

    private void licensed(Ctx ctx, RequestTarget target, ProxyConfig.PathRule rule) {
        HttpServerRequest req = ctx.req;
        MultiMap h = req.headers();
        String auth = h.get(HttpHeaderNames.AUTHORIZATION);
        boolean hasLicense = auth != null && auth.length() > 8 && auth.regionMatches(true, 0, "License ", 0, 8);
        if (!hasLicense) {
            boolean signed = h.contains("signature-input") || h.contains("signature");
            if (signed || ctx.st.classifier.isAiCrawler(h.get(HttpHeaderNames.USER_AGENT))) {
                ctx.deny(Reason.LICENSE_REQUIRED, target.path() + " needs a license for " + usages(rule) + "; the offer is in this body and at /license.xml");
                return;
            }
            ctx.outcome = Outcome.HUMAN;
            forward(ctx, target, null);
            return;
        }
        VerifiedLicense lic;
        VerifiedSignature sig;
        try {
            lic = ctx.st.tokens.verify(auth.substring(8).strip());
            ctx.licensee = lic.claims().subject();
            ctx.jti = lic.claims().id();
            sig = ctx.st.signatures.verifyBound(signedRequest(req), rule.signature(), lic.claims().confirmation().key());
        } catch (Cb4iException e) {
            ctx.deny(e.reason(), e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            ctx.deny(Reason.MALFORMED_REQUEST, "the request cannot be checked: " + e.getMessage());
            return;
        }
        LicenseClaims c = lic.claims();
        if (!c.covers(ctx.st.normalisedOrigin, target.pathAndQuery())) {
            ctx.deny(Reason.PATH_NOT_LICENSED, "license " + c.id() + " does not cover " + target.pathAndQuery() + " on " + ctx.st.publisherOrigin);
            return;
        }
        for (Usage u : rule.usages()) {
            if (!c.permits(u)) {
                ctx.deny(Reason.USAGE_NOT_LICENSED, target.path() + " needs " + usages(rule) + "; license " + c.id() + " grants " + c.usages());
                return;
            }
        }
        Licensed evidence = new Licensed(lic, sig, rule);
        Optional<StatusValue> held;
        try {
            held = ctx.st.status.statusIfHeld(c);
        } catch (Cb4iException e) {
            ctx.deny(e.reason(), e.getMessage());
            return;
        }
        if (held.isPresent()) {
            afterStatus(ctx, target, evidence, held.get());
            return;
        }
        vertx.executeBlocking(() -> ctx.st.status.statusOf(c), false).onComplete(ar -> {
            if (ar.failed()) {
                Throwable t = ar.cause();
                ctx.deny(t instanceof Cb4iException e ? e.reason() : Reason.STATUS_UNAVAILABLE,
                        t instanceof Cb4iException ? t.getMessage() : "the status list could not be read");
            } else {
                afterStatus(ctx, target, evidence, ar.result());
            }
        });
    }

    private void afterStatus(Ctx ctx, RequestTarget target, Licensed lic, StatusValue status) {
        LicenseClaims c = lic.license().claims();
        if (status != StatusValue.VALID) {
            ctx.deny(status.reason(), "license " + c.id() + " is " + status.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " in the collective's status list");
            return;
        }
        OptionalLong wait = shared.quotas().acquire(c.id(), c.quota());
        if (wait.isPresent()) {
            ctx.deny(Reason.QUOTA_EXCEEDED, "license " + c.id() + " quota on this site (" + c.quota().describe() + ") is used up", wait);
            return;
        }
        ctx.rid = shared.log().newRid();
        if (ctx.rid == null) {
            ctx.deny(Reason.LOG_UNAVAILABLE, "the receipts log cannot record usage now; licensed content is not served unmetered");
            return;
        }
        ctx.outcome = Outcome.LICENSED;
        forward(ctx, target, lic);
    }

    /** The request as received, for signature verification (before any normalisation); fields are read in place. */
    private static SignedRequest signedRequest(HttpServerRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            throw new IllegalArgumentException("no Host header");
        }
        MultiMap h = req.headers();
        return SignedRequest.received(req.method().name(), req.scheme(), host, req.uri(), h::getAll);
    }

    private void forward(Ctx ctx, RequestTarget target, Licensed lic) {
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

    private void copyRequestHeaders(HttpServerRequest req, MultiMap out, SiteState st, Licensed lic) {
        ProxyConfig cfg = st.config;
        MultiMap in = req.headers();
        Set<String> drop = Headers.dropped(in);
        String remote = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        boolean trusted = remote != null && cfg.trustedForwarders().stream().anyMatch(c -> c.contains(remote));
        String licenseeHeader = cfg.licenseeHeader().map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        for (Map.Entry<String, String> e : in) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (drop.contains(name) || name.equals("host") || name.equals(licenseeHeader)
                    || (!cfg.forwardCredentials() && (Headers.CREDENTIALS.contains(name) && (!name.equals("authorization") || isLicense(e.getValue()))))
                    || (!trusted && Headers.FORWARDING.contains(name))) {
                continue;
            }
            out.add(e.getKey(), e.getValue());
        }
        String host = in.get(HttpHeaderNames.HOST);
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

    private void respond(Ctx ctx, HttpClientResponse cresp, Licensed lic) {
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
        if (lic != null) {
            resp.headers().set("CB4I-Receipt", "log=\"" + shared.log().logId() + "\", rid=\"" + ctx.rid + "\"");
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
                record(ctx, lic, cresp, metered, ar.succeeded());
            }
            ctx.done(cresp.statusCode(), bytes);
        });
    }

    private void record(Ctx ctx, Licensed lic, HttpClientResponse cresp, MeteredStream metered, boolean complete) {
        LicenseClaims c = lic.license().claims();
        boolean perRequest = lic.rule().signature() == SignaturePolicy.PER_REQUEST;
        LogEntry entry = new LogEntry(ctx.rid, shared.clock().instant(), c.subject(), c.id(), c.confirmation().jkt(),
                ctx.req.method().name(), ctx.st.publisherOrigin + ctx.req.uri(), cresp.statusCode(), metered.bytes(),
                Optional.ofNullable(cresp.headers().get(HttpHeaderNames.CONTENT_RANGE)), metered.sha256Hex(),
                lic.rule().usageTokens(),
                perRequest ? Optional.of(lic.signature().signatureInput()) : Optional.empty(),
                perRequest ? Optional.of(lic.signature().signature()) : Optional.empty(), complete);
        shared.quotas().addBytes(c.id(), c.quota(), metered.bytes());
        byte[] bytes = entry.toBytes();
        shared.log().append(ctx.rid, bytes).whenComplete((seq, err) -> {
            if (err != null) {
                // Never lose a usage record: if the log cannot take it, it goes to the operator's error stream.
                shared.events().accept("receipts log could not record an entry (" + err.getMessage() + "): "
                        + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }
        });
    }

    private void originFailed(Ctx ctx, Throwable t) {
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

    /** One to 18 ASCII digits (fits a long): a Content-Length value, checked without a regex on every request. */
    private static boolean isDecimal(String v) {
        if (v.isEmpty() || v.length() > 18) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String usages(ProxyConfig.PathRule rule) {
        return rule.usageTokens().toString();
    }
}
