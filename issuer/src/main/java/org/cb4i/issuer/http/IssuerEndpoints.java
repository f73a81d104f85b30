package org.cb4i.issuer.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.ClientAuthentication;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.collective.OAuthException;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.IssuerStore.LicenseeRow;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.sdk.status.StatusListToken;

/**
 * The issuer's HTTP interface (SPEC.md §13), one method per endpoint:
 * {@code POST /token} (RSL OLP, client credentials), {@code POST /introspect} (RFC 7662), {@code GET /jwks},
 * {@code GET /repertoire[?time=]}, {@code GET /status/N[?time=]}, {@code GET /.well-known/cb4i}, and the
 * authenticated {@code POST /admin}. Runs on a worker context: the store is called directly.
 */
public final class IssuerEndpoints {
    private static final String FORM = "application/x-www-form-urlencoded";

    private final Collective collective;
    private final ClientAuthentication auth;
    private final AdminOps admin;
    private final byte[] adminToken;
    private final Consumer<String> log;

    private final StatusChangeStream statusChanges;
    /** Members' consent requests are signed per request, valid at most 60 s ([CNS-3]). */
    private final org.cb4i.sdk.httpsig.WebBotAuthVerifier memberSignatures;
    private final org.cb4i.issuer.console.Console console;

    public IssuerEndpoints(Collective collective, ClientAuthentication auth, String adminToken, StatusChangeStream statusChanges, Consumer<String> log) {
        this.collective = collective;
        this.statusChanges = statusChanges;
        this.memberSignatures = org.cb4i.sdk.httpsig.WebBotAuthVerifier.builder().clock(collective.clock())
                .maxValidity(java.time.Duration.ofSeconds(60)).build();
        this.auth = auth;
        this.admin = new AdminOps(collective);
        this.adminToken = adminToken.getBytes(StandardCharsets.US_ASCII);
        this.log = log;
        this.console = new org.cb4i.issuer.console.Console(collective, this.adminToken, log);
    }


    public void handle(HttpServerRequest req) {
        try {
            route(req);
        } catch (RuntimeException e) {
            log.accept("internal error on " + req.method() + " " + req.path() + ": " + e);
            problem(req.response(), 500, "server_error", "the issuer failed to answer; the failure is in its log");
        }
    }

    private void route(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/token" -> post(req, body -> token(req, body));
            case "/introspect" -> post(req, body -> introspect(req, body));
            case "/admin" -> post(req, body -> admin(req, body));
            case "/jwks" -> get(req, () -> send(req.response(), 200, "application/jwk-set+json", Json.write(collective.jwks().toJsonObject()), "no-cache"));
            case "/repertoire" -> get(req, () -> repertoire(req));
            case "/status/changes" -> get(req, () -> statusChanges.subscribe(req));
            case "/.well-known/cb4i" -> get(req, () -> send(req.response(), 200, "application/json", Json.write(discovery()), "no-cache"));
            case "/consent" -> {
                if (req.method() == HttpMethod.POST) {
                    post(req, body -> consentChange(req, body));
                } else {
                    get(req, () -> consentGet(req));
                }
            }
            case "/notices" -> get(req, () -> notices(req));
            case "/offers" -> get(req, () -> offers(req));
            case "/decisions" -> post(req, body -> decision(req, body));
            case "/proposals" -> get(req, () -> proposals(req));
            case "/healthz" -> get(req, () -> send(req.response(), 200, "text/plain; charset=utf-8", "ok\n", "no-store"));
            default -> {
                if (path.equals("/console") || path.startsWith("/console/")) {
                    if (req.method() == HttpMethod.POST) {
                        post(req, body -> console.handle(req, body));
                    } else {
                        get(req, () -> console.handle(req, null));
                    }
                    return;
                }
                if (path.matches("/status/[1-9][0-9]{0,5}")) {
                    int n = Integer.parseInt(path.substring("/status/".length()));
                    if (n <= collective.statusLists()) {
                        get(req, () -> statusList(req, n));
                        return;
                    }
                }
                if (path.matches("/offers/[A-Za-z0-9._-]{1,100}/accept")) {
                    String id = path.substring("/offers/".length(), path.length() - "/accept".length());
                    post(req, body -> acceptOffer(req, id, body));
                    return;
                }
                if (path.matches("/offers/[A-Za-z0-9._-]{1,100}")) {
                    get(req, () -> offer(req, path.substring("/offers/".length())));
                    return;
                }
                if (path.matches("/notices/N[1-9][0-9]{0,17}")) {
                    get(req, () -> notice(req, Long.parseLong(path.substring("/notices/N".length()))));
                    return;
                }
                if (path.startsWith("/statements/") && path.endsWith("/entries")) {
                    get(req, () -> invoiceEntries(req, path.substring("/statements/".length(), path.length() - "/entries".length())));
                    return;
                }
                notFound(req, path);
            }
        }
    }

    private void notFound(HttpServerRequest req, String path) {
        problem(req.response(), 404, "not_found", "no such endpoint: " + path
                + " (endpoints: /token /introspect /jwks /repertoire /status/1…" + collective.statusLists() + " /status/changes /.well-known/cb4i /statements/NUMBER/entries /consent /decisions /proposals /notices /offers /admin /console/)");
    }

    // ------------------------------------------------------------------ endpoints

    private void token(HttpServerRequest req, Buffer body) {
        Map<String, String> form;
        try {
            form = form(req, body);
            if (!"client_credentials".equals(form.get("grant_type"))) {
                throw new OAuthException(form.containsKey("grant_type") ? "unsupported_grant_type" : "invalid_request", 400,
                        form.containsKey("grant_type") ? "grant_type " + form.get("grant_type") + " is not supported; use client_credentials"
                                : "grant_type is missing; use grant_type=client_credentials");
            }
            String host = req.authority() == null ? null : req.authority().toString();
            if (host == null) {
                throw OAuthException.invalidRequest("the request has no Host");
            }
            SignedRequest signed = SignedRequest.received(req.method().name(), collective.config().publicUrl().getScheme(), host, req.uri(),
                    name -> req.headers().getAll(name));
            LicenseeRow who = auth.authenticate(form, signed);
            Collective.Issued issued = collective.issue(who.id(), Optional.ofNullable(form.get("agreement")));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("access_token", issued.token());
            out.put("token_type", "License");
            out.put("expires_in", issued.claims().expiresAt().getEpochSecond() - issued.claims().issuedAt().getEpochSecond());
            out.put("license_id", issued.claims().id());
            out.put("agreement", issued.row().agreement());
            log.accept("issued license " + issued.claims().id() + " to " + who.id() + " under " + issued.row().agreement() + ", until "
                    + issued.claims().expiresAt());
            HttpServerResponse r = req.response().putHeader("Pragma", "no-cache");
            send(r, 200, "application/json", Json.write(out), "no-store");
        } catch (OAuthException e) {
            oauthError(req, e);
        } catch (StoreException e) {
            oauthError(req, new OAuthException("server_error", 503, e.getMessage()));
        }
    }

    /**
     * [SET-12]: the entries a closed invoice counted, with inclusion proofs in its entries root, for the licensee alone
     * (a request signed per request with its registered key). Off the request thread: a large invoice takes a while.
     */
    private void invoiceEntries(HttpServerRequest req, String number) {
        long start;
        long end;
        try {
            start = req.getParam("start") == null ? 0 : Long.parseLong(req.getParam("start"));
            end = req.getParam("end") == null ? start + org.cb4i.issuer.settlement.InvoiceEntries.MAX_PAGE : Long.parseLong(req.getParam("end"));
        } catch (NumberFormatException e) {
            problem(req.response(), 400, "invalid_request", "start and end are positions in the invoice's entries: ?start=N&end=M");
            return;
        }
        String host = req.authority() == null ? "" : req.authority().toString();
        SignedRequest signed = SignedRequest.received(req.method().name(), collective.config().publicUrl().getScheme(), host, req.uri(),
                name -> req.headers().getAll(name));
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            LicenseeRow who = auth.bySignature(signed);
            return org.cb4i.issuer.settlement.InvoiceEntries.page(collective.store(), collective.jwks(), number, who.id(), start, end);
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                send(req.response(), 200, "application/json", Json.write(ar.result()), "no-store");
            } else if (ar.cause() instanceof OAuthException e) {
                req.response().putHeader("WWW-Authenticate", "Signature");
                problem(req.response(), 401, "unauthorized", e.getMessage());
            } else if (ar.cause() instanceof StoreException e) {
                adminRefused(req, e);
            } else {
                log.accept("internal error on " + req.path() + ": " + ar.cause());
                problem(req.response(), 500, "server_error", "the issuer failed to answer; the failure is in its log");
            }
        });
    }

    /**
     * [CNS-3]: a member's consent document, to a request signed per request by one of that member's content keys (its
     * proxies ask with it). Off the request thread (the store is read, a replay marker written).
     */
    private void consentGet(HttpServerRequest req) {
        String origin = req.getParam("origin");
        if (origin == null || origin.isEmpty()) {
            problem(req.response(), 400, "invalid_request", "name the member: /consent?origin=<the member site's origin>");
            return;
        }
        String host = req.authority() == null ? "" : req.authority().toString();
        SignedRequest signed = SignedRequest.received(req.method().name(), collective.config().publicUrl().getScheme(), host, req.uri(),
                name -> req.headers().getAll(name));
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            IssuerStore.MemberRow m = collective.currentMember(origin).orElseThrow(() -> StoreException.notFound(origin
                    + " is not a member of " + collective.config().id() + " now"));
            memberBySignature(signed, Optional.of(m));
            return collective.consentDocument(m).compact();
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                send(req.response(), 200, org.cb4i.sdk.consent.ConsentDocument.MEDIA_TYPE, ar.result(), "no-store");
            } else {
                memberRefused(req, ar.cause());
            }
        });
    }

    /**
     * [CNS-6]: a member's own change of its consent, a {@code consent-request+jwt} signed with one of its content keys.
     */
    private void consentChange(HttpServerRequest req, Buffer body) {
        String compact = body.toString(StandardCharsets.US_ASCII).trim();
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            String origin;
            try {
                origin = org.cb4i.sdk.consent.ConsentRequest.memberOf(compact);
            } catch (org.cb4i.sdk.Cb4iException e) {
                throw new MemberRefused(400, e.reason() + ": " + e.getMessage());
            }
            IssuerStore.MemberRow m = collective.currentMember(origin).orElseThrow(() -> StoreException.notFound(origin
                    + " is not a member of " + collective.config().id() + " now"));
            org.cb4i.sdk.consent.ConsentRequest r;
            try {
                r = org.cb4i.sdk.consent.ConsentRequest.verify(compact, collective.memberKeys(m), collective.now());
            } catch (org.cb4i.sdk.Cb4iException e) {
                throw new MemberRefused(org.cb4i.sdk.member.MemberSignedRequest.aboutTheSignature(e) ? 401 : 400, e.reason() + ": " + e.getMessage());
            }
            if (!collective.store().firstUse("consent:" + m.origin() + ":" + r.id(), collective.now().plus(java.time.Duration.ofMinutes(5)),
                    collective.now())) {
                throw new MemberRefused(409, "this consent request (jti " + r.id() + ") was taken already; sign a new one");
            }
            collective.setConsent(m, r.optOut(), "member " + r.keyThumbprint(), Optional.of(compact));
            return collective.consentDocument(m);
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                log.accept("consent of " + ar.result().member() + " set by the member: version " + ar.result().version());
                send(req.response(), 200, org.cb4i.sdk.consent.ConsentDocument.MEDIA_TYPE, ar.result().compact(), "no-store");
            } else {
                memberRefused(req, ar.cause());
            }
        });
    }

    /**
     * The current member whose content key signed {@code signed} per request ([CNS-3], [DEC-7]), never replayed: {@code
     * expected} when the request is about one member (another member's key is then 403), else whichever member holds the
     * key.
     */
    private IssuerStore.MemberRow memberBySignature(SignedRequest signed, Optional<IssuerStore.MemberRow> expected) {
        IssuerStore.MemberRow[] who = new IssuerStore.MemberRow[1];
        org.cb4i.sdk.httpsig.VerifiedSignature sig;
        try {
            sig = memberSignatures.verify(signed, org.cb4i.sdk.httpsig.SignaturePolicy.PER_REQUEST, (keyId, agents) -> {
                if (expected.isPresent()) {
                    Optional<org.cb4i.sdk.key.VerificationKey> k = collective.memberKeys(expected.get()).find(keyId);
                    if (k.isEmpty()) {
                        boolean other = otherMembersKey(keyId);
                        throw new MemberRefused(other ? 403 : 401, "key " + keyId + (other ? " is another member's; a member reads only its own consent"
                                : " is not a content key of " + expected.get().origin() + " (cb4i issuer member add --content-keys)"));
                    }
                    who[0] = expected.get();
                    return k;
                }
                for (IssuerStore.MemberRow m : collective.store().members()) {
                    Optional<org.cb4i.sdk.key.VerificationKey> k = collective.memberKeys(m).find(keyId);
                    if (k.isPresent() && collective.currentMember(m.origin()).map(c -> c.seq() == m.seq()).orElse(false)) {
                        who[0] = m;
                        return k;
                    }
                }
                throw new MemberRefused(401, "key " + keyId + " is not a content key of a current member");
            });
        } catch (org.cb4i.sdk.Cb4iException e) {
            throw new MemberRefused(401, "the request's signature was refused: " + e.reason() + ": " + e.getMessage()
                    + " (sign it per request with the member's content key, covering \"@method\" \"@target-uri\" \"@authority\")");
        }
        if (!collective.store().firstUse("sig:" + sig.signature(), sig.expires().plus(java.time.Duration.ofMinutes(5)), collective.now())) {
            throw new MemberRefused(401, "replayed request: this signature was used already; sign each request afresh");
        }
        return who[0];
    }

    /** [NTC-2]: the collective's public notices as a JSON Feed 1.1, newest first, 100 a page. */
    private void notices(HttpServerRequest req) {
        Optional<Long> before = Optional.empty();
        String b = req.getParam("before");
        if (b != null) {
            if (!b.matches("N[1-9][0-9]{0,17}")) {
                problem(req.response(), 400, "invalid_request", "before is a notice id (N12): the page of the notices published before it");
                return;
            }
            before = Optional.of(Long.parseLong(b.substring(1)));
        }
        Optional<Long> from = before;
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            String base = collective.config().publicUrl().toString().replaceAll("/+$", "");
            List<org.cb4i.issuer.store.NoticeStore.NoticeRow> rows = collective.store().notices().newest(from, NOTICES_PAGE + 1);
            Map<String, Object> feed = new LinkedHashMap<>();
            feed.put("version", "https://jsonfeed.org/version/1.1");
            feed.put("title", "Notices of " + collective.config().id());
            feed.put("home_page_url", base + "/");
            feed.put("feed_url", base + "/notices");
            feed.put("description", "Strikes, their end, agreements terminated and licensees removed, each signed by the collective (notice+jwt, "
                    + "keys at " + base + "/jwks)");
            List<Object> items = new java.util.ArrayList<>();
            for (var row : rows.subList(0, Math.min(rows.size(), NOTICES_PAGE))) {
                // The issuer's own signed notices, as it kept them: read, not verified again on every request (readers verify).
                org.cb4i.sdk.notice.Notice n = org.cb4i.sdk.notice.Notice.readOwn(row.jws());
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", base + "/notices/" + n.id());
                item.put("url", base + "/notices/" + n.id());
                item.put("title", n.title());
                item.put("content_text", n.reason());
                item.put("date_published", n.issuedAt().toString());
                Map<String, Object> ext = new LinkedHashMap<>();
                ext.put("kind", n.kind());
                ext.put("scope", n.scope());
                n.proposal().ifPresent(p -> ext.put("proposal", p));
                ext.put("jws", n.compact());
                item.put("_cb4i", ext);
                items.add(item);
            }
            feed.put("items", items);
            if (rows.size() > NOTICES_PAGE) {
                feed.put("next_url", base + "/notices?before=N" + rows.get(NOTICES_PAGE - 1).n());
            }
            return Json.write(feed);
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                send(req.response(), 200, "application/feed+json", ar.result(), "no-cache");
            } else {
                log.accept("internal error on " + req.path() + ": " + ar.cause());
                problem(req.response(), 500, "server_error", "the issuer failed to answer; the failure is in its log");
            }
        });
    }

    static final int NOTICES_PAGE = 100;

    /** [OFR-2]: the offers open now, public, each with its price and its signed form. */
    private void offers(HttpServerRequest req) {
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            List<Object> out = new java.util.ArrayList<>();
            for (org.cb4i.sdk.offer.Offer o : collective.offers().open()) {
                out.add(collective.offers().view(o));
            }
            return Json.write(Map.of("offers", out));
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                send(req.response(), 200, "application/json", ar.result(), "no-cache");
            } else {
                log.accept("internal error on " + req.path() + ": " + ar.cause());
                problem(req.response(), 500, "server_error", "the issuer failed to answer; the failure is in its log");
            }
        });
    }

    /** [OFR-2]: one published offer as the collective signed it (a draft is not public). */
    private void offer(HttpServerRequest req, String id) {
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> collective.store().offers().get(id), false).onComplete(ar -> {
            if (ar.failed()) {
                problem(req.response(), 503, "server_error", "the offers cannot be read now");
            } else if (ar.result().isEmpty() || ar.result().get().jws().isEmpty()) {
                problem(req.response(), 404, "not_found", "no published offer " + id);
            } else {
                req.response().putHeader("cb4i-offer-state", ar.result().get().state());
                send(req.response(), 200, org.cb4i.sdk.offer.Offer.MEDIA_TYPE, ar.result().get().jws().get(), "no-cache");
            }
        });
    }

    /** [OFR-3]: a licensee accepts an offer with an acceptance+jwt signed by its registered key. */
    private void acceptOffer(HttpServerRequest req, String id, Buffer body) {
        String compact = body.toString(StandardCharsets.US_ASCII).trim();
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> collective.offers().accept(id, compact), false).onComplete(ar -> {
            if (ar.succeeded()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("agreement", ar.result().agreement());
                out.put("not_before", ar.result().notBefore().getEpochSecond());
                out.put("not_after", ar.result().notAfter().getEpochSecond());
                out.put("token_endpoint", collective.config().tokenEndpoint().toString());
                log.accept("offer " + id + " accepted: agreement " + ar.result().agreement());
                send(req.response(), 200, "application/json", Json.write(out), "no-store");
            } else if (ar.cause() instanceof org.cb4i.issuer.collective.Offers.OfferRefused e) {
                if (e.status == 401) {
                    req.response().putHeader("WWW-Authenticate", "Signature");
                }
                problem(req.response(), e.status, switch (e.status) {
                    case 401 -> "unauthorized";
                    case 403 -> "forbidden";
                    case 404 -> "not_found";
                    case 409 -> "conflict";
                    default -> "invalid_request";
                }, e.getMessage());
            } else if (ar.cause() instanceof StoreException e) {
                adminRefused(req, e);
            } else {
                log.accept("internal error on " + req.path() + ": " + ar.cause());
                problem(req.response(), 500, "server_error", "the issuer failed to answer; the failure is in its log");
            }
        });
    }

    /** [NTC-2]: one notice, as the collective signed it. */
    private void notice(HttpServerRequest req, long n) {
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> collective.store().notices().get(n), false).onComplete(ar -> {
            if (ar.failed()) {
                problem(req.response(), 503, "server_error", "the notices cannot be read now");
            } else if (ar.result().isEmpty()) {
                problem(req.response(), 404, "not_found", "no notice N" + n);
            } else {
                send(req.response(), 200, org.cb4i.sdk.notice.Notice.MEDIA_TYPE, ar.result().get().jws(), "public, max-age=86400, immutable");
            }
        });
    }

    /** [DEC-6]: a member opens a proposal or votes, with a {@code decision-request+jwt} signed with one of its content keys. */
    private void decision(HttpServerRequest req, Buffer body) {
        String compact = body.toString(StandardCharsets.US_ASCII).trim();
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            String origin;
            try {
                origin = org.cb4i.sdk.decision.DecisionRequest.memberOf(compact);
            } catch (org.cb4i.sdk.Cb4iException e) {
                throw new MemberRefused(400, e.reason() + ": " + e.getMessage());
            }
            IssuerStore.MemberRow m = collective.currentMember(origin).orElseThrow(() -> new MemberRefused(401, origin
                    + " is not a member of " + collective.config().id() + " now"));
            org.cb4i.sdk.decision.DecisionRequest.Verified r;
            try {
                r = org.cb4i.sdk.decision.DecisionRequest.verify(compact, collective.memberKeys(m), collective.now());
            } catch (org.cb4i.sdk.Cb4iException e) {
                throw new MemberRefused(org.cb4i.sdk.member.MemberSignedRequest.aboutTheSignature(e) ? 401 : 400, e.reason() + ": " + e.getMessage());
            }
            if (!collective.store().firstUse("decision:" + m.origin() + ":" + r.request().id(), collective.now().plus(java.time.Duration.ofMinutes(5)),
                    collective.now())) {
                throw new MemberRefused(409, "this decision request (jti " + r.request().id() + ") was taken already; sign a new one");
            }
            org.cb4i.issuer.store.DecisionStore.ProposalRow p;
            if (r.propose().isPresent()) {
                p = collective.decisions().open(r.propose().get(), "member " + m.origin() + " " + r.request().keyThumbprint(), Optional.of(compact));
            } else {
                p = collective.decisions().vote(r.proposal().get(), m, r.vote().get(), compact);
            }
            return collective.decisions().view(p, Optional.of(m.organisation()));
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                log.accept("decision by a member: proposal " + ar.result().get("id") + " " + ar.result().get("state"));
                send(req.response(), 200, "application/json", Json.write(ar.result()), "no-store");
            } else {
                memberRefused(req, ar.cause());
            }
        });
    }

    /** [DEC-7]: the proposals, with their tallies and the asking member's own vote, to a current member. */
    private void proposals(HttpServerRequest req) {
        String host = req.authority() == null ? "" : req.authority().toString();
        SignedRequest signed = SignedRequest.received(req.method().name(), collective.config().publicUrl().getScheme(), host, req.uri(),
                name -> req.headers().getAll(name));
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            IssuerStore.MemberRow m = memberBySignature(signed, Optional.empty());
            List<Object> out = new java.util.ArrayList<>();
            for (var p : collective.store().decisions().proposals()) {
                out.add(collective.decisions().view(p, Optional.of(m.organisation())));
            }
            return Map.of("proposals", out);
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                send(req.response(), 200, "application/json", Json.write(ar.result()), "no-store");
            } else {
                memberRefused(req, ar.cause());
            }
        });
    }

    private boolean otherMembersKey(String keyId) {
        return collective.store().members().stream().anyMatch(o -> collective.memberKeys(o).find(keyId).isPresent());
    }

    /** A refused member's request (consent, decisions): its HTTP status and why. */
    private static final class MemberRefused extends RuntimeException {
        final int status;

        MemberRefused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private void memberRefused(HttpServerRequest req, Throwable t) {
        if (t instanceof MemberRefused e) {
            if (e.status == 401) {
                req.response().putHeader("WWW-Authenticate", "Signature");
            }
            problem(req.response(), e.status, switch (e.status) {
                case 401 -> "unauthorized";
                case 403 -> "forbidden";
                case 409 -> "replayed";
                default -> "invalid_request";
            }, e.getMessage());
        } else if (t instanceof StoreException e) {
            adminRefused(req, e);
        } else {
            log.accept("internal error on " + req.path() + ": " + t);
            problem(req.response(), 500, "server_error", "the issuer failed to answer; the failure is in its log");
        }
    }

    private void introspect(HttpServerRequest req, Buffer body) {
        try {
            Map<String, String> form = form(req, body);
            String token = form.get("token");
            if (token == null || token.isEmpty()) {
                throw OAuthException.invalidRequest("token is missing (token=<the license token>)");
            }
            send(req.response(), 200, "application/json", Json.write(collective.introspect(token)), "no-store");
        } catch (OAuthException e) {
            oauthError(req, e);
        }
    }

    private void admin(HttpServerRequest req, Buffer body) {
        String h = req.getHeader("Authorization");
        byte[] presented = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim().getBytes(StandardCharsets.US_ASCII) : new byte[0];
        if (!MessageDigest.isEqual(presented, adminToken)) {
            req.response().putHeader("WWW-Authenticate", "Bearer realm=\"cb4i-issuer-admin\"");
            problem(req.response(), 401, "unauthorized", h == null ? "the admin endpoint needs Authorization: Bearer <the admin token>"
                    : "the admin token does not match");
            return;
        }
        // Off the request thread: an operation may take long (collecting usage fetches every member's log), and
        // token requests must not wait behind it.
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> admin.apply(AdminOps.parse(body.toString(StandardCharsets.UTF_8))), false)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        Map<String, Object> out = ar.result();
                        log.accept("admin " + out.get("op") + (out.containsKey("licensee") ? " " + out.get("licensee") : "")
                                + (out.containsKey("origin") ? " " + out.get("origin") : "") + (out.containsKey("jti") ? " " + out.get("jti") : ""));
                        send(req.response(), 200, "application/json", Json.write(out), "no-store");
                    } else if (ar.cause() instanceof StoreException e) {
                        adminRefused(req, e);
                    } else {
                        log.accept("internal error on admin: " + ar.cause());
                        problem(req.response(), 500, "server_error", "the issuer failed to answer; the failure is in its log");
                    }
                });
    }

    private void adminRefused(HttpServerRequest req, StoreException e) {
        int status = switch (e.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case LIMITED -> 429;
            case FAILURE -> 503;
        };
        problem(req.response(), status, e.kind().name().toLowerCase(Locale.ROOT), e.getMessage());
    }

    private void repertoire(HttpServerRequest req) {
        Optional<Instant> t = time(req);
        if (t == null) {
            return;
        }
        Repertoire r = collective.repertoire(t);
        send(req.response(), 200, Repertoire.MEDIA_TYPE, r.compact(), "no-cache");
    }

    private void statusList(HttpServerRequest req, int n) {
        Optional<Instant> t = time(req);
        if (t == null) {
            return;
        }
        if (t.isEmpty()) {
            send(req.response(), 200, StatusListToken.MEDIA_TYPE, collective.currentStatusList(n).compact(), "no-cache");
            return;
        }
        Optional<StatusListToken> past = collective.statusListAt(n, t.get());
        if (past.isEmpty()) {
            problem(req.response(), 404, "not_kept", "no status list is kept for time " + t.get().getEpochSecond()
                    + " (before the first list, or in the future)");
            return;
        }
        send(req.response(), 200, StatusListToken.MEDIA_TYPE, past.get().compact(), "public, max-age=86400, immutable");
    }

    private Map<String, Object> discovery() {
        var c = collective.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("collective", c.id());
        m.put("repertoire", c.repertoireId());
        m.put("token_endpoint", c.tokenEndpoint().toString());
        m.put("introspection_endpoint", c.introspectionEndpoint().toString());
        m.put("jwks_uri", c.jwksUri().toString());
        m.put("repertoire_uri", c.repertoireUri().toString());
        m.put("consent_endpoint", c.publicUrl().toString().replaceAll("/+$", "") + "/consent");
        m.put("notices", c.publicUrl().toString().replaceAll("/+$", "") + "/notices");
        m.put("offers", c.publicUrl().toString().replaceAll("/+$", "") + "/offers");
        List<String> lists = new java.util.ArrayList<>();
        for (int n = 1; n <= collective.statusLists(); n++) {
            lists.add(c.statusListUri(n).toString());
        }
        m.put("status_lists", lists);
        m.put("status_ttl", c.statusTtl().toSeconds());
        m.put("status_changes", c.publicUrl().toString().replaceAll("/+$", "") + "/status/changes");
        m.put("grant_types_supported", List.of("client_credentials"));
        m.put("token_endpoint_auth_methods_supported", List.of("web-bot-auth", "private_key_jwt"));
        m.put("keys", collective.jwks().toJsonObject());
        // [SET-8]: the key member proxies name as issuers[].collector_key, so that the collector may read their logs.
        m.put("collector_jwks", org.cb4i.sdk.key.KeySet.of(collective.collectorKey().publicKey()).toJsonObject());
        return m;
    }

    // ------------------------------------------------------------------ plumbing

    private void get(HttpServerRequest req, Runnable then) {
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            req.response().putHeader("Allow", "GET, HEAD");
            problem(req.response(), 405, "method_not_allowed", req.path() + " answers GET");
            return;
        }
        then.run();
    }

    private void post(HttpServerRequest req, Consumer<Buffer> then) {
        if (req.method() != HttpMethod.POST) {
            req.response().putHeader("Allow", "POST");
            problem(req.response(), 405, "method_not_allowed", req.path() + " answers POST");
            return;
        }
        int max = collective.config().maxBodyBytes();
        String cl = req.getHeader("Content-Length");
        if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0) {
                problem(req.response().putHeader("Connection", "close"), 400, "invalid_request", "Content-Length is not a number");
                return;
            }
            if (n > max) {
                problem(req.response().putHeader("Connection", "close"), 413, "too_large", "the body is " + n + " bytes; at most " + max + " are accepted");
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = new boolean[1];
        req.handler(b -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + b.length() > max) {
                refused[0] = true;
                problem(req.response().putHeader("Connection", "close"), 413, "too_large", "the body is larger than " + max + " bytes");
                return;
            }
            body.appendBuffer(b);
        });
        req.endHandler(v -> {
            if (!refused[0]) {
                then.accept(body);
            }
        });
    }

    /** An {@code application/x-www-form-urlencoded} body; repeated or undecodable parameters are refused (RFC 6749 §3.2). */
    private static Map<String, String> form(HttpServerRequest req, Buffer body) {
        String ct = req.getHeader("Content-Type");
        if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            throw OAuthException.invalidRequest("the body must be " + FORM + "; Content-Type is " + (ct == null ? "missing" : ct));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body.getBytes())).toString();
        } catch (CharacterCodingException e) {
            throw OAuthException.invalidRequest("the body is not UTF-8");
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&", -1)) {
            int eq = pair.indexOf('=');
            String k;
            String v;
            try {
                k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthException.invalidRequest("the form has a malformed %-escape in \"" + printable(pair) + "\"");
            }
            if (out.put(k, v) != null) {
                throw OAuthException.invalidRequest("parameter " + printable(k) + " is repeated");
            }
        }
        return out;
    }

    /** {@code ?time=}: empty when absent, null when refused (the response is sent). */
    private static Optional<Instant> time(HttpServerRequest req) {
        List<String> ts = req.params().getAll("time");
        if (ts.isEmpty()) {
            return Optional.empty();
        }
        try {
            long t = Long.parseLong(ts.get(0));
            if (ts.size() > 1 || t < 0 || t >= (1L << 53)) {
                throw new NumberFormatException();
            }
            return Optional.of(Instant.ofEpochSecond(t));
        } catch (NumberFormatException e) {
            problem(req.response(), 400, "invalid_request", "time must be one NumericDate (seconds since the epoch)");
            return null;
        }
    }

    private static void oauthError(HttpServerRequest req, OAuthException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.error());
        m.put("error_description", e.getMessage());
        HttpServerResponse r = req.response();
        if (e.retryAfterSeconds() > 0) {
            r.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.error().equals("invalid_client")) {
            // RFC 9421 §5.1: what a signature on this request must cover.
            r.putHeader("Accept-Signature", "sig1=(\"@method\" \"@target-uri\" \"@authority\");tag=\"web-bot-auth\"");
        }
        send(r.putHeader("Pragma", "no-cache"), e.status(), "application/json", Json.write(m), "no-store");
    }

    private static void problem(HttpServerResponse r, int status, String error, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("error_description", detail);
        send(r, status, "application/json", Json.write(m), "no-store");
    }

    private static void send(HttpServerResponse r, int status, String type, String body, String cache) {
        if (r.ended() || r.headWritten()) {
            return;
        }
        r.setStatusCode(status).putHeader("Content-Type", type).putHeader("Cache-Control", cache).end(body);
    }

    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
