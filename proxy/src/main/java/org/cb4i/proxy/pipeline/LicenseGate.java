package org.cb4i.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.quota.QuotaKey;
import org.cb4i.proxy.quota.QuotaStore;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.VerifiedSignature;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.VerifiedLicense;

/**
 * The licensing stage, for a request on a licensed path ([ENF-2], [ENF-3]; SPEC.md §4 to §6), cheapest checks first:
 * classification (no license: a person passes, an AI crawler gets the offer), the license (verified, cached), the
 * proof of possession bound to its {@code cnf}, scope and usages, the status (without blocking when the list is held,
 * else off the event loop), the member's consent ([CNS-4]), the quota, and a receipt id from the log. Decides; does not answer.
 */
final class LicenseGate {
    private final ProxyShared shared;
    private final Vertx vertx;

    LicenseGate(ProxyShared shared, Vertx vertx) {
        this.shared = shared;
        this.vertx = vertx;
    }

    /** The decision for {@code x} on {@code rule}'s path; sets the exchange's licensee and jti once the license is known. */
    Future<Decision> decide(Exchange x, RequestTarget target, ProxyConfig.PathRule rule) {
        HttpServerRequest req = x.req;
        MultiMap h = req.headers();
        String auth = h.get(HttpHeaderNames.AUTHORIZATION);
        boolean hasLicense = auth != null && auth.length() > 8 && auth.regionMatches(true, 0, "License ", 0, 8);
        if (!hasLicense) {
            boolean signed = h.contains("signature-input") || h.contains("signature");
            if (signed || x.st.classifier.isAiCrawler(h.get(HttpHeaderNames.USER_AGENT))) {
                return denied(Reason.LICENSE_REQUIRED, target.path() + " needs a license for " + usages(rule) + "; the offer is in this body and at "
                        + "/license.xml");
            }
            return Future.succeededFuture(new Decision.Human());
        }
        VerifiedLicense lic;
        VerifiedSignature sig;
        try {
            lic = x.st.tokens.verify(auth.substring(8).strip());
            x.licensee = lic.claims().subject();
            x.jti = lic.claims().id();
            x.issuer = lic.claims().issuer();
            sig = x.st.signatures.verifyBound(signedRequest(req), rule.signature(), lic.claims().confirmation().key());
        } catch (Cb4iException e) {
            return denied(e.reason(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return denied(Reason.MALFORMED_REQUEST, "the request cannot be checked: " + e.getMessage());
        }
        LicenseClaims c = lic.claims();
        if (!c.covers(x.st.normalisedOrigin, target.pathAndQuery())) {
            return denied(Reason.PATH_NOT_LICENSED, "license " + c.id() + " does not cover " + target.pathAndQuery() + " on " + x.st.publisherOrigin);
        }
        for (Usage u : rule.usages()) {
            if (!c.permits(u)) {
                return denied(Reason.USAGE_NOT_LICENSED, target.path() + " needs " + usages(rule) + "; license " + c.id() + " grants " + c.usages());
            }
        }
        Optional<StatusValue> held;
        try {
            held = x.st.status.statusIfHeld(c, rule.usages());
        } catch (Cb4iException e) {
            return denied(e.reason(), e.getMessage());
        }
        if (held.isPresent()) {
            return afterStatus(x.st, lic, sig, rule, target.pathAndQuery(), held.get());
        }
        return vertx.executeBlocking(() -> x.st.status.statusOf(c, rule.usages()), false).compose(status -> afterStatus(x.st, lic, sig, rule, target.pathAndQuery(), status))
                .otherwise(t -> new Decision.Denied(t instanceof Cb4iException e ? e.reason() : Reason.STATUS_UNAVAILABLE,
                        t instanceof Cb4iException ? t.getMessage() : "the status list could not be read"));
    }

    private Future<Decision> afterStatus(SiteState st, VerifiedLicense lic, VerifiedSignature sig, ProxyConfig.PathRule rule, String pathAndQuery,
            StatusValue status) {
        LicenseClaims c = lic.claims();
        if (status != StatusValue.VALID) {
            return denied(status.reason(), "license " + c.id() + " is " + status.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + " in the collective's status list" + (c.usageStatus().isEmpty() ? "" : " (for " + usages(rule) + ")"));
        }
        // [CNS-4]: the member's own refusal comes after the collective's answer and before the quota, so a refused
        // request counts nothing.
        if (shared.consent().isPresent()) {
            Optional<org.cb4i.proxy.consent.MemberConsent.Refusal> no = shared.consent().get().check(c.issuer(), rule.usages(), c.agreement(), pathAndQuery);
            if (no.isPresent()) {
                return denied(no.get().reason(), no.get().detail());
            }
        }
        QuotaKey key = QuotaKey.of(c, st.publisherOrigin);
        Quota quota = shared.liveLicenses().effective(key, c, shared.clock().instant(), other -> stillValid(st, other));
        return shared.quotas().acquire(key, quota).transform(ar -> {
            if (ar.failed()) {
                return denied(Reason.QUOTA_UNAVAILABLE, ar.cause() instanceof QuotaStore.Unavailable ? ar.cause().getMessage()
                        : "the quota counters cannot be had");
            }
            OptionalLong wait = ar.result();
            if (wait.isPresent()) {
                return Future.succeededFuture(new Decision.Denied(Reason.QUOTA_EXCEEDED, "the quota of " + key.describe() + " (" + quota.describe()
                        + (quota.equals(c.quota()) ? "" : ", the smallest of its live licenses") + ") is used up", wait));
            }
            String rid = shared.log().newRid();
            if (rid == null) {
                return denied(Reason.LOG_UNAVAILABLE, "the receipts log cannot record usage now; licensed content is not served unmetered");
            }
            return Future.succeededFuture(new Decision.Licensed(lic, sig, rule, rid, key, quota));
        });
    }

    /** Whether another license of a quota key may still be used, as far as the status list held says (not held: yes). */
    private static boolean stillValid(SiteState st, LicenseClaims other) {
        try {
            return st.status.statusIfHeld(other).map(v -> v == StatusValue.VALID).orElse(true);
        } catch (Cb4iException e) {
            return true;
        }
    }

    private static Future<Decision> denied(Reason r, String detail) {
        return Future.succeededFuture(new Decision.Denied(r, detail));
    }

    /** The request as received, for signature verification (before any normalisation); fields are read in place. */
    private static SignedRequest signedRequest(HttpServerRequest req) {
        String host = RequestTarget.authority(req);
        if (host == null) {
            throw new IllegalArgumentException("no Host header");
        }
        MultiMap h = req.headers();
        return SignedRequest.received(req.method().name(), req.scheme(), host, req.uri(), h::getAll);
    }

    private static String usages(ProxyConfig.PathRule rule) {
        return rule.usageTokens().toString();
    }
}
