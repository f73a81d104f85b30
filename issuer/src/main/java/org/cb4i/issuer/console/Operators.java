package org.cb4i.issuer.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.store.ConsoleStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.json.Json;

/**
 * The operators' pages of the console: signed in with the issuer's admin token from a loopback address only; what
 * they do goes through {@link AdminOps}, as {@code cb4i issuer} and {@code /admin} do (the same checks, audit trail and
 * notices). An operator has no member page and no vote.
 */
final class Operators {
    /** The account of an operator signed in with the admin token. */
    static final String OPERATOR = "operator";

    private final Console console;
    private final Collective collective;
    private final ConsoleStore store;
    private final Sessions sessions;
    private final byte[] adminToken;
    private final AdminOps admin;
    private final Consumer<String> log;

    Operators(Console console, Collective collective, Sessions sessions, byte[] adminToken, Consumer<String> log) {
        this.console = console;
        this.collective = collective;
        this.store = collective.store().console();
        this.sessions = sessions;
        this.adminToken = adminToken.clone();
        this.admin = new AdminOps(collective);
        this.log = log;
    }

    /** The answer to an operators' route ({@code "METHOD /path"}), or empty when it is not one. */
    Optional<Console.Reply> route(String route, Buffer body, Optional<ConsoleStore.Session> session, Passkeys.Site site, String remote) {
        switch (route) {
            case "GET /console/operator" -> {
                if (session.isEmpty()) {
                    return Optional.of(Console.Reply.page(200, console.page("console/operator-signin.jte", Map.of())));
                }
                return Optional.of(Console.Reply.page(200, page(operator(session.get()), "", "")));
            }
            case "POST /console/operator/signin" -> {
                console.limit(remote);
                if (!loopback(remote)) {
                    throw new ConsoleException(403, "not_loopback", "operators sign in with the admin token only on the issuer's own machine");
                }
                List<String> token = Console.form(body).getOrDefault("token", List.of());
                if (token.size() != 1 || !MessageDigest.isEqual(token.get(0).trim().getBytes(StandardCharsets.US_ASCII), adminToken)) {
                    throw new ConsoleException(401, "token_refused", "that is not the issuer's admin token");
                }
                log.accept("console: an operator signed in from " + remote);
                return Optional.of(Console.Reply.redirect("/console/operator").withSession(sessions.start(OPERATOR)));
            }
            case "GET /console/operator/link" -> {
                return Optional.of(Console.Reply.page(200, console.page("console/operator-link.jte", Map.of())));
            }
            case "POST /console/api/operator/link" -> {
                // A one-time sign-in link for an operator (the embedded default prints one): loopback only, like the admin token.
                console.limit(remote);
                if (!loopback(remote)) {
                    throw new ConsoleException(403, "not_loopback", "operators sign in only on the issuer's own machine");
                }
                String token = Console.json(body).path("link").asText("");
                if (token.length() < 20 || token.length() > 100) {
                    throw new ConsoleException(400, "link_unknown", "no sign-in link: open the whole link the issuer printed");
                }
                if (store.useSignInLink(ConsoleStore.digest(token), collective.clock().instant()).isEmpty()) {
                    throw new ConsoleException(410, "link_used", "this sign-in link was used or expired: sign in with the admin token instead");
                }
                log.accept("console: an operator signed in with a one-time link from " + remote);
                return Optional.of(Console.Reply.json(Map.of("next", "/console/operator")).withSession(sessions.start(OPERATOR)));
            }
            case "POST /console/operator/invite" -> {
                ConsoleStore.Session s = operator(Console.signedIn(session));
                Map<String, List<String>> form = Console.form(body);
                Console.csrf(s, form);
                List<String> licensee = form.getOrDefault("licensee", List.of());
                JsonNode made = licensee.size() == 1 ? apply(Map.of("op", "console.invite", "licensee", licensee.get(0)))
                        : apply(Map.of("op", "console.invite", "origin", form.getOrDefault("origin", List.of("")).get(0)));
                return Optional.of(Console.Reply.page(200, page(s, site.origin() + made.path("link_path").asText(), "")));
            }
            case "POST /console/operator/strike" -> {
                ConsoleStore.Session s = operator(Console.signedIn(session));
                Map<String, List<String>> form = Console.form(body);
                Console.csrf(s, form);
                if (!form.getOrDefault("confirm", List.of()).equals(List.of("yes"))) {
                    throw new ConsoleException(400, "not_confirmed", "tick the confirmation: a strike reaches every member's proxy");
                }
                String action = form.getOrDefault("action", List.of("")).get(0);
                if (!action.equals("strike") && !action.equals("resume")) {
                    throw new ConsoleException(400, "invalid_request", "action: strike or resume");
                }
                String reason = form.getOrDefault("reason", List.of("")).get(0).strip();
                if (reason.isEmpty() || reason.length() > 500) {
                    throw new ConsoleException(400, "invalid_request", "reason: say why, in at most 500 characters (it is published)");
                }
                String usage = Console.one(form, "usage");
                if (usage.isEmpty() || usage.equals("every")) {
                    apply(Map.of("op", action, "all", true, "reason", reason));
                    return Optional.of(Console.Reply.page(200, page(s, "", action.equals("strike")
                            ? "Every licensee is struck: every member's proxy refuses them within the status ttl." : "The strike ended.")));
                }
                apply(Map.of("op", action, "all", true, "reason", reason, "usage", usage)); // one usage only ([STS-9])
                return Optional.of(Console.Reply.page(200, page(s, "", action.equals("strike") ? "Every licensee is struck for " + usage
                        + " only: every member's proxy refuses that use within the status ttl; their other uses keep working."
                        : "The strike of " + usage + " ended.")));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private JsonNode apply(Map<String, Object> op) {
        try {
            return Json.mapper().valueToTree(admin.apply(Json.mapper().valueToTree(op)));
        } catch (StoreException e) {
            throw new ConsoleException(e.kind() == StoreException.Kind.NOT_FOUND ? 404 : 400, "refused", e.getMessage());
        }
    }

    /** Statements shown on the page, newest first; every one is in {@code cb4i issuer statements}. */
    static final int STATEMENTS_SHOWN = 100;

    private String page(ConsoleStore.Session s, String invite, String done) {
        java.time.Instant now = collective.clock().instant();
        List<Pages.MemberRow> members = collective.store().members().stream().filter(m -> m.left().isEmpty())
                .map(m -> new Pages.MemberRow(m.origin(), m.organisation(), m.joined().toString(), store.passkeys(Console.account(m.origin())).size()))
                .toList();
        List<org.cb4i.issuer.store.IssuerStore.AgreementRow> agreements = collective.store().agreements(Optional.empty());
        List<Pages.LicenseeRow> licensees = collective.store().licensees().stream().map(l -> new Pages.LicenseeRow(l.id(), l.created().toString(),
                l.removed().map(r -> "removed " + r).or(() -> l.suspension().map(why -> "suspended (" + why + ")")).orElse("registered"),
                (int) agreements.stream().filter(a -> a.licensee().equals(l.id())).count(), store.passkeys(Licensees.account(l.id())).size(),
                l.removed().isPresent())).toList();
        List<Pages.OfferRow> offers = collective.store().offers().all().stream().map(o -> new Pages.OfferRow(o.id(), o.state(),
                usages(o.grantJson()), Licensees.price(Json.readObject(o.grantJson(), "offer " + o.id(), org.cb4i.sdk.Reason.MALFORMED_JSON).path("price")),
                o.acceptUntil().map(java.time.Instant::toString).orElse(""), collective.store().offers().acceptances(o.id()).size())).toList();
        List<Pages.AgreementRow> shownAgreements = agreements.stream().map(a -> new Pages.AgreementRow(a.id(), a.licensee(), usages(a.grantJson()),
                a.notBefore() + " to " + a.notAfter(), a.terminated().map(t -> "terminated " + t).orElse(now.isBefore(a.notBefore()) ? "not yet in force"
                        : now.isBefore(a.notAfter()) ? "active" : "ended") + amendedText(a.id()))).toList();
        Map<List<String>, long[]> totals = new java.util.TreeMap<>(java.util.Comparator.comparing((List<String> k) -> String.join("\n", k)));
        for (var d : collective.store().usage().usageByDay(Optional.empty(), Optional.empty(), Optional.of(now.minus(Console.USAGE_SHOWN)))) {
            long[] t = totals.computeIfAbsent(List.of(d.licensee(), d.member(), d.usage()), k -> new long[2]);
            t[0] += d.requests();
            t[1] += d.bytes();
        }
        List<Pages.UsageRow> usage = totals.entrySet().stream().map(e -> new Pages.UsageRow(e.getKey().get(0), e.getKey().get(1), e.getKey().get(2),
                e.getValue()[0], e.getValue()[1])).toList();
        List<Pages.StatementRow> statements = new java.util.ArrayList<>();
        for (var row : collective.store().statements().newest(STATEMENTS_SHOWN)) { // a large month's statements are gigabytes: not read whole
            var st = org.cb4i.sdk.settlement.Statement.verify(row.jws(), iss -> collective.jwks());
            statements.add(new Pages.StatementRow(row.number(), row.period(), row.kind().replace('_', ' '), row.party(),
                    Console.amount(st.currency(), st.totalMinor()), row.status().orElse("")));
        }
        List<Pages.Proposal> proposals = collective.store().decisions().proposals().stream().map(p -> console.proposal(p, Optional.empty())).toList();
        List<String> usageStrikes = collective.store().usageStrikes().stream().map(u -> u.usage() + " of " + (u.licensee().equals(
                org.cb4i.issuer.store.IssuerStore.UsageStrike.EVERY_LICENSEE) ? "every licensee" : "licensee " + u.licensee()) + " since " + u.since())
                .toList();
        return console.page("console/operator.jte", Map.of("view", new Pages.OperatorView(collective.config().id(), s.csrf(),
                collective.store().strikeAll(), usageStrikes, members, licensees, offers, shownAgreements, usage, statements, collective.store().statements().count(), proposals, invite, done)));
    }

    /** ", amended N times" for an agreement with amendments ([ISS-12]), else "". */
    private String amendedText(String agreement) {
        int n = collective.store().amendments(agreement).size();
        return n == 0 ? "" : ", amended " + (n == 1 ? "once" : n + " times");
    }

    private static String usages(String grantJson) {
        List<String> u = new java.util.ArrayList<>();
        Json.readObject(grantJson, "grant", org.cb4i.sdk.Reason.MALFORMED_JSON).path("usages").forEach(x -> u.add(x.asText()));
        return String.join(", ", u);
    }

    private static ConsoleStore.Session operator(ConsoleStore.Session s) {
        if (!s.account().equals(OPERATOR)) {
            throw new ConsoleException(403, "not_an_operator", "this console page is the operators'");
        }
        return s;
    }

    private static boolean loopback(String remote) {
        return remote.equals("127.0.0.1") || remote.equals("::1") || remote.equals("0:0:0:0:0:0:0:1");
    }
}
