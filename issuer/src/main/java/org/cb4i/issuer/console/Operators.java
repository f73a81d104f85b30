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
            case "POST /console/operator/invite" -> {
                ConsoleStore.Session s = operator(Console.signedIn(session));
                Map<String, List<String>> form = Console.form(body);
                Console.csrf(s, form);
                String origin = form.getOrDefault("origin", List.of("")).get(0);
                JsonNode made = apply(Map.of("op", "console.invite", "origin", origin));
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
                apply(Map.of("op", action, "all", true, "reason", reason));
                return Optional.of(Console.Reply.page(200, page(s, "", action.equals("strike")
                        ? "Every licensee is struck: every member's proxy refuses them within the status ttl." : "The strike ended.")));
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

    private String page(ConsoleStore.Session s, String invite, String done) {
        List<Pages.MemberRow> members = collective.store().members().stream().filter(m -> m.left().isEmpty())
                .map(m -> new Pages.MemberRow(m.origin(), m.organisation(), m.joined().toString(), store.passkeys(Console.account(m.origin())).size()))
                .toList();
        List<Pages.Proposal> proposals = collective.store().decisions().proposals().stream().map(p -> console.proposal(p, Optional.empty())).toList();
        return console.page("console/operator.jte", Map.of("view", new Pages.OperatorView(collective.config().id(), s.csrf(),
                collective.store().strikeAll(), members, proposals, invite, done)));
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
