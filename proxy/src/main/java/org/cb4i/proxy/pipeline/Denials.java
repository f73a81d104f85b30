package org.cb4i.proxy.pipeline;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * Writes denials ([ENF-3], [ENF-4]): the status of the reason, an RFC 9457 {@code application/problem+json} body
 * whose {@code reason} is the stable code, {@code Link rel="license"}, {@code WWW-Authenticate: License} (RSL CAP)
 * with the reason's {@code error} when it is about the credentials (always on 401 and 402), {@code Retry-After} for
 * quotas, {@code Cache-Control: no-store}, and on a reserved path TDMRep's {@code tdm-reservation} and
 * {@code tdm-policy} ([DSC-7]). The detail never contains a stack trace or an internal address.
 */
final class Denials {
    private Denials() {}

    static void send(HttpServerResponse resp, boolean http2, SiteState st, Reason reason, String detail, OptionalLong retryAfter, boolean reserved) {
        send(resp, http2, st, reason, detail, retryAfter, reserved, null, java.util.List.of());
    }

    /**
     * @param issuer the collective of the license refused, when known: its notice feed is linked from a suspension ([NTC-3])
     * @param offers the open offers granting what the path requires, listed with their price in a 402 ([OFR-4])
     */
    static void send(HttpServerResponse resp, boolean http2, SiteState st, Reason reason, String detail, OptionalLong retryAfter, boolean reserved,
            String issuer, java.util.List<Map<String, Object>> offers) {
        if (resp.headWritten() || resp.ended()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:cb4i:reason:" + reason.name());
        body.put("title", title(reason));
        body.put("status", reason.httpStatus());
        body.put("reason", reason.name());
        body.put("detail", detail);
        if ((reason == Reason.LICENSE_SUSPENDED || reason == Reason.LICENSE_REVOKED) && st != null && issuer != null) {
            st.config().issuers().stream().filter(i -> i.id().equals(issuer)).findFirst().flatMap(ProxyConfig.Issuer::notices)
                    .ifPresent(u -> body.put("notices", u.toString()));
        }
        if (reason == Reason.LICENSE_REQUIRED && st != null) {
            Map<String, Object> offer = new LinkedHashMap<>();
            offer.put("license", st.publisherOrigin + "/license.xml");
            offer.put("issuers", st.issuersForOffer());
            offer.put("usages", st.offeredUsages);
            if (!offers.isEmpty()) {
                offer.put("offers", offers);
            }
            offer.put("how", "obtain a license token from one of the issuers, bound to your crawler's key; send it as "
                    + "'Authorization: License <token>' with a Web Bot Auth signature made with that key");
            body.put("offer", offer);
        }
        resp.setStatusCode(reason.httpStatus());
        resp.putHeader("Content-Type", "application/problem+json");
        resp.putHeader("Cache-Control", "no-store");
        if (st != null) {
            resp.putHeader("Link", st.licenseLink);
            String realm = "realm=\"" + st.publisherOrigin + "\"";
            if (reason.authError() != null) {
                resp.putHeader("WWW-Authenticate", "License " + realm + ", error=\"" + reason.authError() + "\"");
            }
            if (reserved) {
                st.tdmHeaders(resp.headers());
            }
        }
        retryAfter.ifPresent(s -> resp.putHeader("Retry-After", Long.toString(s)));
        if ((reason == Reason.MALFORMED_REQUEST || reason == Reason.AMBIGUOUS_PATH || reason == Reason.BODY_TOO_LARGE)
                && !http2) {
            resp.putHeader("Connection", "close"); // HTTP/1: what follows on the connection cannot be trusted; an h2 stream ends alone
        }
        resp.end(Buffer.buffer(Json.write(body)));
    }

    private static String title(Reason r) {
        return switch (r.httpStatus()) {
            case 400 -> "Bad request";
            case 401 -> "License not accepted";
            case 402 -> "License required";
            case 403 -> "Not covered by the license";
            case 413 -> "Request body too large";
            case 429 -> "Quota exceeded";
            case 502 -> "Origin unreachable";
            case 504 -> "Origin timeout";
            default -> "Cannot decide";
        };
    }
}
