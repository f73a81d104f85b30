package org.cb4i.proxy.endpoints;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.receipts.ReceiptLog;
import org.cb4i.proxy.pipeline.ProxyHandler;
import org.cb4i.proxy.pipeline.RequestTarget;
import org.cb4i.proxy.pipeline.SiteState;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.RslDocument;
import org.cb4i.sdk.terms.TdmRep;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.terms.UsageSignals;

/**
 * The discovery documents the proxy serves for its site ([DSC-1] to [DSC-5]), answered before the policy so that
 * anyone can read the terms: {@code /robots.txt} (the origin's, with {@code License:} and {@code Content-Usage:}
 * lines added), {@code /license.xml} (RSL 1.0, generated from the policy), {@code /.well-known/cb4i} and
 * {@code /.well-known/tdmrep.json} with the TDM policy they point to ({@code /.well-known/cb4i/tdm-policy.json}, [DSC-7]).
 */
public final class DiscoveryEndpoints implements ProxyHandler.Endpoints {
    private final HttpClient client;
    private final ReceiptLog log;
    private final List<ReceiptLog> retired;

    private final Optional<org.cb4i.proxy.offers.PublishedOffers> offers;

    /** @param retired the retired logs still served ([LOG-6]), listed after the active one */
    public DiscoveryEndpoints(HttpClient client, ReceiptLog log, List<ReceiptLog> retired) {
        this(client, log, retired, Optional.empty());
    }

    /** @param offers the collectives' open offers: a licensed path's RSL payment names the cheapest per-request price ([OFR-4]) */
    public DiscoveryEndpoints(HttpClient client, ReceiptLog log, List<ReceiptLog> retired, Optional<org.cb4i.proxy.offers.PublishedOffers> offers) {
        this.offers = offers;
        this.retired = retired;
        this.client = client;
        this.log = log;
    }

    @Override
    public boolean handle(HttpServerRequest req, RequestTarget target, SiteState st) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            return false;
        }
        switch (target.path()) {
            case "/robots.txt" -> robots(req, st);
            case "/license.xml" -> send(req, 200, RslDocument.MEDIA_TYPE, rsl(st, offers).toXml());
            case "/.well-known/cb4i" -> send(req, 200, "application/json", Json.writePretty(wellKnown(st)));
            case "/.well-known/tdmrep.json" -> send(req, 200, "application/json", tdmRep(st).toJson());
            case org.cb4i.sdk.terms.TdmPolicy.PATH -> send(req, 200, org.cb4i.sdk.terms.TdmPolicy.MEDIA_TYPE, org.cb4i.sdk.terms.TdmPolicy.forSite(
                    stripSlash(st.config().publisher().toString()), URI.create(stripSlash(st.config().publisher().toString()) + "/license.xml")));
            default -> {
                return false;
            }
        }
        return true;
    }

    static void send(HttpServerRequest req, int status, String type, String body) {
        req.resume();
        HttpServerResponse r = req.response();
        r.setStatusCode(status).putHeader("Content-Type", type).putHeader("Cache-Control", "max-age=300");
        if (req.method() == HttpMethod.HEAD) {
            r.putHeader("Content-Length", Integer.toString(Buffer.buffer(body).length())).end();
        } else {
            r.end(body);
        }
    }

    /** The RSL document of the site: one {@code <content>} per policy rule. */
    static RslDocument rsl(SiteState st) {
        return rsl(st, Optional.empty());
    }

    static RslDocument rsl(SiteState st, Optional<org.cb4i.proxy.offers.PublishedOffers> offers) {
        ProxyConfig c = st.config();
        List<RslDocument.Content> contents = new ArrayList<>();
        // RSL's server is the license server's base URL, its OLP endpoints (/token, /introspect) relative to it.
        Optional<URI> server = c.issuers().stream().map(ProxyConfig.Issuer::tokenEndpoint).flatMap(Optional::stream).findFirst()
                .map(t -> t.toString().endsWith("/token") ? URI.create(t.toString().substring(0, t.toString().length() - "/token".length())) : t);
        for (ProxyConfig.PathRule r : c.paths()) {
            RslDocument.License l = switch (r.access()) {
                case OPEN -> new RslDocument.License(Map.of("usage", Set.of("all")), Map.of(),
                        Optional.of(new RslDocument.Payment("free", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
                case DENY -> new RslDocument.License(Map.of(), Map.of("usage", Set.of("all")), Optional.empty());
                case LICENSED -> new RslDocument.License(Map.of("usage", tokens(r.usages())), Map.of(), Optional.of(offers
                        .flatMap(o -> o.cheapestPerRequest(r.usages()))
                        // [OFR-4]: an open offer prices a crawl: RSL's <payment type="crawl"> with its <amount>, <custom> the offer
                        .map(o -> new RslDocument.Payment("crawl", Optional.of(new java.math.BigDecimal(o.price().get("per_request").textValue())),
                                Optional.of(o.price().path("currency").asText()), Optional.empty(), Optional.of(URI.create(o.url()))))
                        .orElseGet(() -> new RslDocument.Payment("subscription", Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.of(URI.create(c.issuers().get(0).id()))))));
            };
            contents.add(new RslDocument.Content(r.match().pattern(), r.access() == ProxyConfig.Access.LICENSED ? server : Optional.empty(),
                    false, Optional.empty(), List.of(l), Optional.empty()));
        }
        return new RslDocument(30, contents);
    }

    private static Set<String> tokens(Set<Usage> us) {
        Set<String> out = new java.util.TreeSet<>();
        us.forEach(u -> out.add(u.token()));
        return out;
    }

    Map<String, Object> wellKnown(SiteState st) {
        ProxyConfig c = st.config();
        String origin = stripSlash(c.publisher().toString());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("publisher", origin);
        m.put("collectives", c.issuers().stream().map(ProxyConfig.Issuer::id).toList());
        List<Object> issuers = new ArrayList<>();
        for (ProxyConfig.Issuer i : c.issuers()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", i.id());
            i.tokenEndpoint().ifPresent(t -> e.put("token_endpoint", t.toString()));
            issuers.add(e);
        }
        m.put("issuers", issuers);
        m.put("repertoires", c.repertoires().isEmpty() ? c.issuers().stream().map(ProxyConfig.Issuer::id).toList() : c.repertoires());
        boolean perRequest = c.paths().stream().anyMatch(r -> r.signature() == org.cb4i.sdk.httpsig.SignaturePolicy.PER_REQUEST);
        m.put("signature_policy", perRequest ? "per-request" : "reusable");
        m.put("license", origin + "/license.xml");
        String base = origin + "/.well-known/cb4i/logs/" + log.logId() + "/";
        List<Object> logs = new ArrayList<>();
        logs.add(Map.of("log_id", log.logId(), "base", base, "jwks_uri", base + "jwks"));
        for (ReceiptLog r : retired) {
            String b = origin + "/.well-known/cb4i/logs/" + r.logId() + "/";
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("log_id", r.logId());
            e.put("base", b);
            e.put("jwks_uri", b + "jwks");
            e.put("retired", true);
            r.checkpoint().flatMap(org.cb4i.sdk.log.Checkpoint::successor).ifPresent(x -> e.put("successor", x));
            logs.add(e);
        }
        m.put("logs", logs);
        m.put("content_keys", Map.of("keys", List.of()));
        return m;
    }

    static TdmRep tdmRep(SiteState st) {
        List<TdmRep.Rule> rules = new ArrayList<>();
        URI policy = URI.create(st.tdmPolicy); // [DSC-7]: the TDMRep policy, which points to the license in turn
        List<ProxyConfig.PathRule> byLength = new ArrayList<>(st.config().paths());
        byLength.sort((a, b) -> Integer.compare(b.match().specificity(), a.match().specificity()));
        for (ProxyConfig.PathRule r : byLength) {
            int reservation = r.access() == ProxyConfig.Access.OPEN ? 0 : 1;
            rules.add(new TdmRep.Rule(r.match().pattern(), reservation, reservation == 1 ? Optional.of(policy) : Optional.empty()));
        }
        return new TdmRep(rules);
    }

    private void robots(HttpServerRequest req, SiteState st) {
        ProxyConfig c = st.config();
        URI o = c.origin();
        boolean tls = "https".equalsIgnoreCase(o.getScheme());
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(o.getHost())
                .setPort(o.getPort() > 0 ? o.getPort() : tls ? 443 : 80).setSsl(tls).setURI("/robots.txt")
                .setConnectTimeout(c.originTimeouts().connect().toMillis()).setIdleTimeout(c.originTimeouts().response().toMillis());
        client.request(ro).compose(r -> r.send()).compose(resp -> resp.statusCode() == 200
                ? resp.body().map(b -> b.toString(java.nio.charset.StandardCharsets.UTF_8))
                : io.vertx.core.Future.succeededFuture("")).onComplete(ar -> {
                    String origin = ar.succeeded() ? ar.result() : "";
                    send(req, 200, "text/plain; charset=utf-8", robotsWithTerms(origin, st));
                });
    }

    /** The origin's robots.txt with the site's license added globally and its Content-Usage signals in a * group. */
    static String robotsWithTerms(String originRobots, SiteState st) {
        String origin = stripSlash(st.config().publisher().toString());
        StringBuilder b = new StringBuilder();
        b.append("# License terms added by the cb4i proxy (https://rslstandard.org)\n");
        b.append("License: ").append(origin).append("/license.xml\n\n");
        b.append(originRobots.isBlank() ? "User-agent: *\nAllow: /\n" : originRobots.stripTrailing() + "\n");
        Optional<String> cu = st.config().contentUsage().or(() -> Optional.of(defaultSignals(st)).filter(s -> !s.isEmpty()));
        if (cu.isPresent()) {
            b.append("\n# Preferences for use without a license (IETF AIPREF)\nUser-agent: *\nContent-Usage: ").append(cu.get()).append('\n');
        }
        return b.toString();
    }

    /** Without a configured Content-Usage, the usages the policy licenses are marked as not free to use. */
    private static String defaultSignals(SiteState st) {
        EnumSet<Usage> licensed = EnumSet.noneOf(Usage.class);
        st.config().paths().stream().filter(r -> r.access() == ProxyConfig.Access.LICENSED).forEach(r -> licensed.addAll(r.usages()));
        UsageSignals s = UsageSignals.NONE;
        for (Usage u : licensed) {
            for (Usage covered : u.covered()) {
                s = s.and(UsageSignals.of(covered, org.cb4i.sdk.terms.Preference.DISALLOWED));
            }
        }
        return s.toContentUsage();
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
