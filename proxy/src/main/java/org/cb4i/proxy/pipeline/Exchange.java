package org.cb4i.proxy.pipeline;

import io.vertx.core.http.HttpServerRequest;
import java.util.OptionalLong;
import org.cb4i.proxy.admin.Outcome;
import org.cb4i.sdk.Reason;

/**
 * One request in flight through the stages: the request, the configuration it started with, and what the access log
 * and metrics are told when it ends ({@link #done}, exactly once). Touched only on its event loop.
 */
final class Exchange {
    final HttpServerRequest req;
    final SiteState st;
    private final ProxyShared shared;
    final long start = System.nanoTime();
    Outcome outcome = Outcome.DENIED;
    Reason reason;
    String licensee;
    String jti;
    /** The collective of the license, once verified (its notice feed is linked from a suspension, [NTC-3]). */
    String issuer;
    /** The usages a licensed path requires (the 402 offer lists the offers granting them, [OFR-4]). */
    java.util.Set<org.cb4i.sdk.terms.Usage> required = java.util.Set.of();
    /** The path's rule reserves TDM rights (not open): responses say so, with the site's TDM policy ([DSC-7]). */
    boolean reserved;

    Exchange(HttpServerRequest req, SiteState st, ProxyShared shared) {
        this.req = req;
        this.st = st;
        this.shared = shared;
        shared.requestStarted();
    }

    void deny(Reason r, String detail) {
        deny(r, detail, OptionalLong.empty());
    }

    void deny(Reason r, String detail, OptionalLong retryAfter) {
        outcome = Outcome.DENIED;
        reason = r;
        req.resume();
        Denials.send(req.response(), req.version() == io.vertx.core.http.HttpVersion.HTTP_2, st, r, detail, retryAfter, reserved, issuer,
                r == Reason.LICENSE_REQUIRED ? shared.offers().map(o -> o.granting(required)).orElse(java.util.List.of()) : java.util.List.of());
        done(req.response().getStatusCode(), 0);
    }

    void done(int status, long bytes) {
        shared.requestFinished();
        shared.metrics().record(outcome, reason, System.nanoTime() - start);
        shared.accessLog().log(req, status, outcome, reason, licensee, jti, bytes, System.nanoTime() - start);
    }
}
