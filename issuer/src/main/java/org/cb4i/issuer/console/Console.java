package org.cb4i.issuer.console;

import com.fasterxml.jackson.databind.JsonNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.store.ConsoleStore;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.UsageStore;
import org.cb4i.sdk.consent.OptOut;
import org.cb4i.sdk.decision.Tally;
import org.cb4i.sdk.json.Json;

/**
 * The console at {@code /console/}. Pages are rendered from jte templates compiled with the build; every asset is
 * served by the issuer itself under a strict Content-Security-Policy (scripts and styles from {@code 'self'} only).
 * Passkeys need a secure context, so the console answers at {@code http://localhost:PORT/console/} or at the
 * issuer's https {@code public_url}, never at an IP address. Every POST must come from the console's own origin
 * ({@code Origin} header), and every form of a signed-in page carries the session's CSRF token. Invite tokens travel
 * in the URL's fragment, which browsers never send, so they are never in a request line or a log.
 */
public final class Console {
    /** Requests to the sign-in and registration endpoints a client address may make in a minute. */
    static final int SIGN_IN_ATTEMPTS_PER_MINUTE = 20;
    static final Duration USAGE_SHOWN = Duration.ofDays(90);
    private static final List<String> USAGES = List.of("ai-all", "ai-train", "ai-input", "ai-index", "search");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final Collective collective;
    private final ConsoleStore store;
    private final Sessions sessions;
    private final Passkeys passkeys;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Consumer<String> log;
    private final Map<String, long[]> attempts = new ConcurrentHashMap<>();

    private final Operators operators;
    private final Licensees licensees;

    /** @param adminToken the issuer's admin token, with which operators sign in from loopback only */
    public Console(Collective collective, byte[] adminToken, Consumer<String> log) {
        this.collective = collective;
        this.store = collective.store().console();
        this.sessions = new Sessions(store, collective.clock());
        this.operators = new Operators(this, collective, sessions, adminToken, log);
        this.passkeys = new Passkeys(store, collective.clock(), collective.config().id());
        this.licensees = new Licensees(this, collective, passkeys);
        this.log = log;
    }

    static String account(String memberOrigin) {
        return "member:" + memberOrigin;
    }

    /**
     * Answers a request under {@code /console}. Runs the store work off the event loop.
     *
     * @param body the request's body for a POST (already bounded), null for a GET
     */
    public void handle(HttpServerRequest req, Buffer body) {
        HttpServerResponse r = req.response();
        // Referrer-Policy same-origin, not no-referrer: with no-referrer a browser's own form POST says "Origin: null".
        r.putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "same-origin")
                .putHeader("Cache-Control", "no-store");
        String path = req.path();
        if (path.startsWith("/console/assets/")) {
            asset(req, path.substring("/console/assets/".length()));
            return;
        }
        Optional<Passkeys.Site> site = site(req);
        Optional<String> cookie = Optional.ofNullable(req.getCookie(Sessions.COOKIE)).map(c -> c.getValue());
        String remote = req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress();
        String origin = req.getHeader("Origin");
        String saved = req.getParam("saved");
        io.vertx.core.Vertx.currentContext().owner().executeBlocking(() -> {
            if (site.isEmpty()) {
                return Reply.page(403, page("console/elsewhere.jte", Map.of("port", port(req))));
            }
            if (req.method() == HttpMethod.POST && !site.get().origin().equals(origin)) {
                throw new ConsoleException(403, "origin_refused", "a console form or call must come from " + site.get().origin() + " (Origin: " + origin + ")");
            }
            return route(req.method(), path, body, site.get(), cookie, remote, Optional.ofNullable(saved).filter(v -> v.matches("[a-z]{1,20}")),
                    req.getHeader("X-CSRF-Token"));
        }, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ar.result().send(r, site.map(s -> s.origin().startsWith("https:")).orElse(false));
            } else if (ar.cause() instanceof ConsoleException e) {
                problem(r, e.status(), e.reason(), e.getMessage());
            } else if (ar.cause() instanceof IllegalArgumentException e) {
                problem(r, 400, "invalid_request", e.getMessage());
            } else {
                log.accept("console: internal error on " + req.method() + " " + path + ": " + ar.cause());
                problem(r, 500, "server_error", "the console failed to answer; the failure is in the issuer's log");
            }
        });
    }

    private Reply route(HttpMethod method, String path, Buffer body, Passkeys.Site site, Optional<String> cookie, String remote, Optional<String> saved,
            String csrfHeader) {
        Optional<ConsoleStore.Session> session = sessions.find(cookie);
        switch (method.name() + " " + path) {
            case "GET /console", "GET /console/" -> {
                if (session.isPresent() && session.get().account().equals(Operators.OPERATOR)) {
                    return Reply.redirect("/console/operator");
                }
                if (session.isPresent() && Licensees.isLicensee(session.get().account())) {
                    return Reply.page(200, licensees.home(session.get(), saved));
                }
                return session.isPresent() ? Reply.page(200, home(session.get(), saved.orElse("")))
                        : Reply.page(200, page("console/signin.jte", Map.of()));
            }
            case "GET /console/invite" -> {
                return Reply.page(200, page("console/invite.jte", Map.of()));
            }
            case "POST /console/api/register/options" -> {
                limit(remote);
                String account = invited(json(body).path("invite").asText(""));
                return Reply.json(Map.of("account", account, "options", passkeys.creationOptions(site, account)));
            }
            case "POST /console/api/register" -> {
                limit(remote);
                JsonNode in = json(body);
                String token = in.path("invite").asText("");
                String account = invited(token);
                ConsoleStore.Passkey key = passkeys.register(site, account, in.path("credential").toString());
                if (!store.redeem(ConsoleStore.digest(token), collective.clock().instant(), key)) {
                    throw new ConsoleException(410, "invite_used", "this invite was used or expired while the passkey was made: ask an operator for a new one");
                }
                log.accept("console: a passkey was registered for " + account);
                return Reply.json(Map.of("next", "/console/")).withSession(sessions.start(account));
            }
            case "POST /console/api/signin/options" -> {
                limit(remote);
                return Reply.json(passkeys.requestOptions(site));
            }
            case "POST /console/api/signin" -> {
                limit(remote);
                Passkeys.Verified v = passkeys.signIn(site, json(body).path("credential").toString());
                if (v.account().startsWith("member:") && collective.currentMember(v.account().substring("member:".length())).isEmpty()) {
                    throw new ConsoleException(403, "not_a_member", "this passkey's member is no longer a member of the collective");
                }
                if (Licensees.isLicensee(v.account())) {
                    licensees.licensee(v.account()); // a licensee removed from the collective signs in no more
                }
                return Reply.json(Map.of("next", "/console/")).withSession(sessions.start(v.account()));
            }
            case "POST /console/consent" -> {
                ConsoleStore.Session s = signedIn(session);
                Map<String, List<String>> form = form(body);
                csrf(s, form);
                IssuerStore.MemberRow m = member(s);
                List<String> out = form.getOrDefault("usage", List.of()).stream().filter(USAGES::contains).distinct().toList();
                OptOut before = optOut(m.origin());
                OptOut after = new OptOut(out, before.agreements(), before.paths());
                collective.setConsent(m, after, "member (console, passkey)", Optional.empty());
                return Reply.redirect("/console/?saved=consent");
            }
            case "POST /console/proposal" -> {
                // A member opens a proposal ([DEC-1]); every member organisation then votes on it, this one too.
                ConsoleStore.Session s = signedIn(session);
                Map<String, List<String>> form = form(body);
                csrf(s, form);
                IssuerStore.MemberRow m = member(s);
                String action = one(form, "action");
                String scope = one(form, "scope");
                String usage = one(form, "usage");
                org.cb4i.sdk.decision.DecisionRequest.Proposal p;
                try {
                    p = new org.cb4i.sdk.decision.DecisionRequest.Proposal(action, scope.equals("all") ? Optional.empty() : Optional.of(scope),
                            usage.isEmpty() || usage.equals("every") ? Optional.empty() : Optional.of(org.cb4i.sdk.terms.Usage.parse(usage).orElseThrow(() ->
                                    new ConsoleException(400, "invalid_request", "usage: every, ai-train, ai-input, ai-index or search"))), Optional.empty(),
                            one(form, "reason").strip());
                } catch (org.cb4i.sdk.Cb4iException e) {
                    throw new ConsoleException(400, "invalid_request", e.getMessage());
                }
                try {
                    collective.decisions().open(p, "member " + m.origin() + " (console, " + s.account() + ")", Optional.empty());
                } catch (org.cb4i.issuer.store.StoreException e) {
                    throw new ConsoleException(400, "proposal_refused", e.getMessage());
                }
                return Reply.redirect("/console/?saved=proposal#proposals");
            }
            case "POST /console/api/vote/options" -> {
                // A vote is confirmed with the passkey over a challenge that names it: the assertion is the member's signature of it.
                VoteCall c = voteCall(session, csrfHeader, body);
                List<String> keys = store.passkeys(c.session().account()).stream().map(ConsoleStore.Passkey::credentialId).toList();
                return Reply.json(passkeys.requestOptions(site, c.purpose(), keys));
            }
            case "POST /console/api/vote" -> {
                VoteCall c = voteCall(session, csrfHeader, body);
                String assertion = c.in().path("credential").toString();
                Passkeys.Verified v = passkeys.assertion(site, assertion, c.purpose());
                if (!v.account().equals(c.session().account())) {
                    throw new ConsoleException(403, "passkey_refused", "the vote was confirmed with another account's passkey");
                }
                try {
                    collective.decisions().vote(c.proposal(), c.member(), c.vote(), "console passkey " + v.credentialId() + " " + assertion);
                } catch (org.cb4i.issuer.store.StoreException e) {
                    throw new ConsoleException(e.kind() == org.cb4i.issuer.store.StoreException.Kind.NOT_FOUND ? 404 : 409, "vote_refused", e.getMessage());
                }
                return Reply.json(Map.of("next", "/console/?saved=vote#proposals"));
            }
            case "POST /console/signout" -> {
                ConsoleStore.Session s = signedIn(session);
                csrf(s, form(body));
                sessions.end(cookie.get());
                return Reply.redirect("/console/").withoutSession();
            }
            default -> {
                Optional<Reply> forOperators = operators.route(method.name() + " " + path, body, session, site, remote);
                if (forOperators.isPresent()) {
                    return forOperators.get();
                }
                Optional<Reply> forLicensees = licensees.route(method.name() + " " + path, body, session, site, csrfHeader);
                if (forLicensees.isPresent()) {
                    return forLicensees.get();
                }
                if (method == HttpMethod.GET && path.matches("/console/statements/[A-Za-z0-9-]{1,40}\\.jwt")) {
                    return statement(signedIn(session), path.substring("/console/statements/".length(), path.length() - ".jwt".length()));
                }
                throw new ConsoleException(404, "not_found", "no console page " + method + " " + path);
            }
        }
    }

    /** A vote call of a signed-in member, its CSRF header checked: which proposal, which choice, and what its challenge is for. */
    private record VoteCall(ConsoleStore.Session session, IssuerStore.MemberRow member, JsonNode in, String proposal, Tally.Vote vote) {
        String purpose() {
            return votePurpose(proposal, vote, session.account());
        }
    }

    private VoteCall voteCall(Optional<ConsoleStore.Session> session, String csrfHeader, Buffer body) {
        ConsoleStore.Session s = signedIn(session);
        csrfHeader(s, csrfHeader);
        JsonNode in = json(body);
        return new VoteCall(s, member(s), in, in.path("proposal").asText(""), vote(in.path("vote").asText("")));
    }

    private static Tally.Vote vote(String v) {
        for (Tally.Vote t : Tally.Vote.values()) {
            if (t.token().equals(v)) {
                return t;
            }
        }
        throw new ConsoleException(400, "invalid_request", "vote: yes, no or abstain; found \"" + v + "\"");
    }

    /** What a vote's challenge is kept for: the proposal, the choice and the account, hashed. */
    static String votePurpose(String proposal, Tally.Vote vote, String account) {
        return "vote:" + ConsoleStore.digest(proposal + "\n" + vote.token() + "\n" + account);
    }

    static void csrfHeader(ConsoleStore.Session s, String token) {
        if (!Sessions.same(token, s.csrf())) {
            throw new ConsoleException(403, "csrf_refused", "the call lacks this session's token: reload the page and try again");
        }
    }

    /** The member's payout statements (and credit notes to it), newest first. */
    private List<Pages.Payout> payouts(IssuerStore.MemberRow m) {
        List<Pages.Payout> out = new ArrayList<>();
        for (var row : collective.store().statements().statementsOf(m.origin())) {
            if (row.kind().equals("payout") || row.kind().equals("credit_note")) {
                org.cb4i.sdk.settlement.Statement st = org.cb4i.sdk.settlement.Statement.verify(row.jws(), iss -> collective.jwks());
                out.add(0, new Pages.Payout(row.number(), row.period(), amount(st.currency(), st.totalMinor()), row.kind().replace('_', ' ')));
            }
        }
        return out;
    }

    static String amount(String currency, long minor) {
        int digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
        return java.math.BigDecimal.valueOf(minor, Math.max(0, digits)).toPlainString() + " " + currency;
    }

    /**
     * A member's own payout statement, or a licensee's own invoice or credit note, signed, to keep and check ({@code cb4i
     * statement check}); another's is not found.
     */
    private Reply statement(ConsoleStore.Session s, String number) {
        java.util.function.Predicate<org.cb4i.issuer.store.StatementStore.StatementRow> own;
        if (Licensees.isLicensee(s.account())) {
            String id = licensees.licensee(s.account()).id();
            own = r -> r.party().equals(id) && (r.kind().equals("invoice") || r.kind().equals("credit_note"));
        } else {
            String origin = member(s).origin();
            own = r -> r.party().equals(origin) && (r.kind().equals("payout") || r.kind().equals("credit_note"));
        }
        var row = collective.store().statements().statement(number).filter(own);
        if (row.isEmpty()) {
            throw new ConsoleException(404, "not_found", "you have no statement " + number);
        }
        return new Reply(200, "application/jwt", row.get().jws(), null, Optional.empty(), false);
    }

    private List<Pages.Proposal> proposals(IssuerStore.MemberRow m) {
        return collective.store().decisions().proposals().stream().filter(p -> collective.store().decisions().inElectorate(p.id(), m.organisation()))
                .map(p -> proposal(p, Optional.of(m.organisation()))).toList();
    }

    /** A proposal as the console shows it, with {@code voter}'s own vote when one is asking. */
    Pages.Proposal proposal(org.cb4i.issuer.store.DecisionStore.ProposalRow p, Optional<String> voter) {
        Map<String, Object> v = collective.decisions().view(p, voter);
        return new Pages.Proposal(p.id(), p.action(), p.licensee().map(l -> "licensee " + l).orElse("every licensee")
                + p.usage().map(u -> ", for " + u + " only").orElse(""), p.reason(),
                p.deadline().toString(), p.state(), ((Number) v.get("yes")).longValue(), ((Number) v.get("no")).longValue(),
                ((Number) v.get("abstain")).longValue(), ((Number) v.get("remaining")).longValue(), String.valueOf(v.getOrDefault("your_vote", "")));
    }

    private String home(ConsoleStore.Session s, String saved) {
        IssuerStore.MemberRow m = member(s);
        OptOut o = optOut(m.origin());
        long version = collective.store().consent(m.origin()).map(IssuerStore.ConsentRow::version).orElse(0L);
        List<UsageStore.DayUsage> usage = collective.store().usage().usageByDay(Optional.empty(), Optional.of(m.origin()),
                Optional.of(collective.clock().instant().minus(USAGE_SHOWN)));
        List<Pages.Choice> choices = new ArrayList<>();
        for (String u : USAGES) {
            choices.add(new Pages.Choice(u, o.usageTokens().contains(u)));
        }
        List<Pages.Key> keys = store.passkeys(s.account()).stream().map(k -> new Pages.Key(k.credentialId().substring(0, Math.min(12, k.credentialId().length())),
                k.createdAt().toString())).toList();
        java.time.LocalDate today = java.time.LocalDate.ofInstant(collective.clock().instant(), java.time.ZoneOffset.UTC);
        List<String> days = new ArrayList<>();
        for (java.time.LocalDate d = today.minusDays(USAGE_SHOWN.toDays() - 1); !d.isAfter(today); d = d.plusDays(1)) {
            days.add(d.toString());
        }
        long[] perDay = new long[days.size()];
        for (UsageStore.DayUsage d : usage) {
            int i = days.indexOf(d.day());
            if (i >= 0) {
                perDay[i] += d.requests();
            }
        }
        List<String> licensees = collective.store().licensees().stream().filter(l -> l.removed().isEmpty()).map(IssuerStore.LicenseeRow::id).toList();
        return page("console/member.jte", Map.of("view", new Pages.MemberView(m.origin(), collective.config().id(), s.csrf(), version, saved, choices, keys,
                usage.stream().map(d -> new Pages.Fetched(d.day(), d.licensee(), d.usage(), d.requests(), d.bytes())).toList(),
                Pages.Chart.perDay(days, perDay, "requests"), proposals(m), licensees, payouts(m), consentHistory(m))));
    }

    /** Every version of the member's consent, newest first ([CNS-6]: each is kept, with when and by whom). */
    private List<Pages.ConsentVersion> consentHistory(IssuerStore.MemberRow m) {
        List<Pages.ConsentVersion> out = new ArrayList<>();
        for (IssuerStore.ConsentRow r : collective.store().consentHistory(m.origin())) {
            OptOut o = OptOut.read(Json.readObject(r.optOutJson(), "stored consent", org.cb4i.sdk.Reason.MALFORMED_JSON), "stored consent");
            List<String> parts = new ArrayList<>();
            if (!o.usageTokens().isEmpty()) {
                parts.add("uses " + String.join(", ", o.usageTokens()));
            }
            if (!o.agreements().isEmpty()) {
                parts.add("agreements " + String.join(", ", o.agreements()));
            }
            if (!o.paths().isEmpty()) {
                parts.add("paths " + String.join(", ", o.paths().stream().map(org.cb4i.sdk.terms.PathPattern::pattern).toList()));
            }
            out.add(0, new Pages.ConsentVersion(r.version(), r.at().toString(), setBy(r.setBy()),
                    parts.isEmpty() ? "nothing" : String.join("; ", parts)));
        }
        return out;
    }

    /** Who set a consent version, as the member reads it: "you (console, passkey)", "you, with key …", or "operator". */
    private static String setBy(String stored) {
        if (stored.startsWith("member (")) {
            return "you " + stored.substring("member ".length());
        }
        return stored.startsWith("member ") ? "you, with key " + stored.substring("member ".length()) : stored;
    }

    private OptOut optOut(String origin) {
        return collective.store().consent(origin).map(c -> OptOut.read(Json.readObject(c.optOutJson(), "stored consent",
                org.cb4i.sdk.Reason.MALFORMED_JSON), "stored consent")).orElse(new OptOut(List.of(), List.of(), List.of()));
    }

    private IssuerStore.MemberRow member(ConsoleStore.Session s) {
        if (!s.account().startsWith("member:")) {
            throw new ConsoleException(403, "not_a_member", "this console page is a member's");
        }
        return collective.currentMember(s.account().substring("member:".length()))
                .orElseThrow(() -> new ConsoleException(403, "not_a_member", "this account's member is no longer a member of the collective"));
    }

    private String invited(String token) {
        if (token.length() < 20 || token.length() > 100) {
            throw new ConsoleException(400, "invite_unknown", "no invite in the link: open the whole link an operator gave you");
        }
        // Only members and licensees register passkeys; an operator's one-time link signs in on the issuer's machine only.
        return store.inviteAccount(ConsoleStore.digest(token), collective.clock().instant()).filter(a -> a.startsWith("member:") || a.startsWith("licensee:"))
                .orElseThrow(() -> new ConsoleException(410, "invite_used", "this invite was used, expired or never made: ask an operator for a new one"));
    }

    /** The one value of a form field ("" when absent). @throws ConsoleException 400 when it is given twice */
    static String one(Map<String, List<String>> form, String name) {
        List<String> v = form.getOrDefault(name, List.of());
        if (v.size() > 1) {
            throw new ConsoleException(400, "invalid_request", name + " is given " + v.size() + " times");
        }
        return v.isEmpty() ? "" : v.get(0);
    }

    static ConsoleStore.Session signedIn(Optional<ConsoleStore.Session> s) {
        return s.orElseThrow(() -> new ConsoleException(401, "signed_out", "sign in first (your session ended or never began)"));
    }

    static void csrf(ConsoleStore.Session s, Map<String, List<String>> form) {
        List<String> t = form.getOrDefault("csrf", List.of());
        if (t.size() != 1 || !Sessions.same(t.get(0), s.csrf())) {
            throw new ConsoleException(403, "csrf_refused", "the form lacks this session's token: reload the page and try again");
        }
    }

    void limit(String remote) {
        long minute = collective.clock().instant().getEpochSecond() / 60;
        long[] w = attempts.compute(remote, (k, v) -> v == null || v[0] != minute ? new long[] {minute, 1} : new long[] {minute, v[1] + 1});
        if (w[1] > SIGN_IN_ATTEMPTS_PER_MINUTE) {
            throw new ConsoleException(429, "too_many_attempts", "too many sign-in attempts from this address: wait a minute");
        }
        if (attempts.size() > 10_000) {
            attempts.entrySet().removeIf(e -> e.getValue()[0] != minute);
        }
    }

    /** The console's origin as the browser sees it: localhost at the issuer's port, or the https public_url; never an IP. */
    private Optional<Passkeys.Site> site(HttpServerRequest req) {
        String host = req.authority() == null ? "" : req.authority().host().toLowerCase(Locale.ROOT);
        int port = req.authority() == null ? -1 : req.authority().port();
        URI pub = collective.config().publicUrl();
        if (host.equals("localhost") && !req.isSSL()) {
            return Optional.of(new Passkeys.Site("http://localhost" + (port > 0 ? ":" + port : ""), "localhost"));
        }
        if ("https".equals(pub.getScheme()) && host.equals(pub.getHost().toLowerCase(Locale.ROOT))) {
            return Optional.of(new Passkeys.Site("https://" + pub.getRawAuthority(), pub.getHost()));
        }
        return Optional.empty();
    }

    private static int port(HttpServerRequest req) {
        return req.localAddress() == null ? 0 : req.localAddress().port();
    }

    String page(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        return out.toString();
    }

    static JsonNode json(Buffer body) {
        try {
            return Json.readTree(body == null ? "{}" : body.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConsoleException(400, "invalid_request", "the body is not JSON");
        }
    }

    static Map<String, List<String>> form(Buffer body) {
        return new QueryStringDecoder("?" + (body == null ? "" : body.toString(StandardCharsets.UTF_8))).parameters();
    }

    private static void asset(HttpServerRequest req, String name) {
        String type = name.endsWith(".js") ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8" : null;
        InputStream in = type == null || !name.matches("[a-z-]+\\.(js|css)") ? null : Console.class.getResourceAsStream("/console/" + name);
        if (in == null) {
            problem(req.response(), 404, "not_found", "no console asset " + name);
            return;
        }
        try (in) {
            req.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache").end(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            problem(req.response(), 500, "server_error", "the asset cannot be read");
        }
    }

    static void problem(HttpServerResponse r, int status, String error, String detail) {
        if (r.ended() || r.headWritten()) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("error_description", detail);
        r.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(m));
    }

    /** What a console request is answered with. */
    record Reply(int status, String type, String body, String location, Optional<Sessions.Started> session, boolean clear) {
        static Reply page(int status, String html) {
            return new Reply(status, "text/html; charset=utf-8", html, null, Optional.empty(), false);
        }

        static Reply json(Object o) {
            return new Reply(200, "application/json", Json.write(o), null, Optional.empty(), false);
        }

        static Reply redirect(String to) {
            return new Reply(303, "text/plain; charset=utf-8", "", to, Optional.empty(), false);
        }

        Reply withSession(Sessions.Started s) {
            return new Reply(status, type, body, location, Optional.of(s), false);
        }

        Reply withoutSession() {
            return new Reply(status, type, body, location, Optional.empty(), true);
        }

        void send(HttpServerResponse r, boolean secure) {
            String attrs = "; Path=/console; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
            session.ifPresent(s -> r.putHeader("Set-Cookie", Sessions.COOKIE + "=" + s.id() + attrs + "; Max-Age=" + Sessions.LIFETIME.toSeconds()));
            if (clear) {
                r.putHeader("Set-Cookie", Sessions.COOKIE + "=" + attrs + "; Max-Age=0");
            }
            if (location != null) {
                r.putHeader("Location", location);
            }
            r.setStatusCode(status).putHeader("Content-Type", type).end(body);
        }
    }
}
