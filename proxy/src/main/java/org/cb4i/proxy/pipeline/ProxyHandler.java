package org.cb4i.proxy.pipeline;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import org.cb4i.proxy.admin.Outcome;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.Reason;

/**
 * The request pipeline (DESIGN.md layer 10; SPEC.md §10), one pass through its stages, cheapest checks first:
 * <ol>
 *   <li>{@link Framing}: refuse what could be read two ways ([ENF-5]);</li>
 *   <li>the canonical target ({@link RequestTarget}; [ENF-6]);</li>
 *   <li>the proxy's own endpoints (robots.txt, license.xml, /.well-known/…);</li>
 *   <li>the policy of the path ({@link PathPolicy}; [ENF-1]): open, deny, or licensed;</li>
 *   <li>on a licensed path, the {@link LicenseGate}'s {@link Decision}: a person, a licensed request with its license
 *       and receipt id, or a denial with its reason;</li>
 *   <li>the {@link Forwarder}: to the origin and back, streaming both ways, the body hashed;</li>
 *   <li>the {@link ReceiptRecorder}: the licensed response's log entry.</li>
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
    private final List<Endpoints> endpoints;
    private final LicenseGate gate;
    private final Forwarder forwarder;

    public ProxyHandler(ProxyShared shared, HttpClient client, Vertx vertx, List<Endpoints> endpoints) {
        this.shared = shared;
        this.endpoints = List.copyOf(endpoints);
        this.gate = new LicenseGate(shared, vertx);
        this.forwarder = new Forwarder(shared, client, new ReceiptRecorder(shared));
    }

    /**
     * A request the HTTP decoder refused ([ENF-5]): an over-long request line or header section keeps the decoder's
     * 414 or 431; any other framing it would not read (Content-Length with Transfer-Encoding, an unknown coding,
     * several Content-Length...) is a {@code MALFORMED_REQUEST} denial like the ones this handler writes, and the
     * connection is closed.
     */
    public void invalid(HttpServerRequest req) {
        Decision.Denied d = Framing.decoderRefusal(req);
        if (d == null) {
            HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(req);
            return;
        }
        new Exchange(req, shared.state(), shared).deny(d.reason(), d.detail());
    }

    @Override
    public void handle(HttpServerRequest req) {
        req.pause();
        Exchange x = new Exchange(req, shared.state(), shared);
        MultiMap h = req.headers();
        String framing = Framing.problem(req, h);
        if (framing != null) {
            x.deny(Reason.MALFORMED_REQUEST, framing);
            return;
        }
        RequestTarget target;
        try {
            target = RequestTarget.canonical(req.uri(), false);
        } catch (RequestTarget.Ambiguous e) {
            x.deny(Reason.AMBIGUOUS_PATH, e.getMessage());
            return;
        }
        for (Endpoints e : endpoints) {
            if (e.handle(req, target, x.st)) {
                x.outcome = Outcome.DISCOVERY;
                x.done(req.response().getStatusCode(), 0);
                return;
            }
        }
        ProxyConfig.PathRule rule = x.st.policy.match(target.pathAndQuery());
        x.reserved = rule.access() != ProxyConfig.Access.OPEN;
        switch (rule.access()) {
            case DENY -> x.deny(Reason.PATH_DENIED, "this site does not serve " + target.path() + " to anyone");
            case OPEN -> {
                x.outcome = Outcome.OPEN;
                forwarder.forward(x, target, null);
            }
            case LICENSED -> {
                x.required = rule.usages();
                gate.decide(x, target, rule).onComplete(ar -> act(x, target, ar.result()));
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Carries out the gate's decision (a decision is never a failed future: failures are denials). */
    private void act(Exchange x, RequestTarget target, Decision d) {
        if (d instanceof Decision.Denied no) {
            x.deny(no.reason(), no.detail(), no.retryAfter());
        } else if (d instanceof Decision.Licensed lic) {
            x.outcome = Outcome.LICENSED;
            forwarder.forward(x, target, lic);
        } else {
            x.outcome = Outcome.HUMAN;
            forwarder.forward(x, target, null);
        }
    }
}
