package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.store.ConsoleStore;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.junit.jupiter.api.Test;

/**
 * Who may do what in the console: every console route, tried as a stranger, as member A and member B, as licensee A
 * and licensee B and as an operator, each with its own session and CSRF token; and every admin operation tried with
 * each console session instead of the admin token. Only what the role may see is served: a stranger gets the sign-in
 * page or 401, a role on another role's route 403, a member or licensee on another's statement 404 — never the page.
 * Sessions are made in the store as a passkey sign-in makes them ({@code ConsoleBrowserTest} signs in for real).
 */
class ConsoleAuthorizationTest extends IssuerFixture {
    static final String A = "https://a.example";
    static final String B = "https://b.example";

    record Role(String name, String cookie, String csrf) {}

    String console() {
        return "http://localhost:" + issuer.port();
    }

    Role session(String name, String account) {
        String id = ConsoleStore.secret();
        String csrf = ConsoleStore.secret();
        issuer.collective().store().console().startSession(ConsoleStore.digest(id), account, csrf, clock.instant(), clock.instant().plus(Duration.ofHours(1)));
        return new Role(name, id, csrf);
    }

    HttpResponse<String> call(Role r, String method, String path, String type, String body, boolean withCsrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(console() + path)).header("Origin", console());
        if (r.cookie() != null) {
            b.header("Cookie", "cb4i_console=" + r.cookie());
        }
        if (withCsrf && r.csrf() != null) {
            b.header("X-CSRF-Token", r.csrf());
            if (type.startsWith("application/x-www-form-urlencoded")) {
                body = (body.isEmpty() ? "" : body + "&") + "csrf=" + r.csrf();
            }
        }
        b = method.equals("GET") ? b.GET() : b.header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyConsoleRouteAsEachRole_servesOnlyWhatTheRoleMaySee() throws Exception {
        for (String m : List.of(A, B)) {
            ok(admin(Map.of("op", "member.add", "origin", m, "content_keys", KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(),
                    "joined", 0)));
        }
        ok(admin(Map.of("op", "licensee.add", "id", "other-co", "jwk", KeyFiles.generate(KeyAlgorithm.ED25519).publicKey().toJsonObject())));
        ok(admin(Map.of("op", "agreement.add", "id", "a2", "licensee", "other-co", "grant", Map.of("usages", List.of("ai-train")), "not_after",
                clock.instant().plus(Duration.ofDays(30)).getEpochSecond())));
        for (String a : List.of("a1", "a2")) {
            ok(admin(Map.of("op", "agreement.price", "id", a, "price", Map.of("currency", "EUR", "minimum", "2"), "from",
                    clock.instant().plusSeconds(1).getEpochSecond())));
        }
        clock.set(Instant.parse("2026-07-01T00:10:00Z"));
        ok(admin(Map.of("op", "settle", "period", "2026-06", "close", true)));
        Map<String, String> statementOf = new LinkedHashMap<>(); // party -> a statement of it
        for (JsonNode st : ok(admin(Map.of("op", "statement.list", "period", "2026-06"))).path("statements")) {
            statementOf.putIfAbsent(st.path("party").asText(), st.path("number").asText());
        }
        assertThat(statementOf).containsKeys(A, B, "crawler-co", "other-co");

        Role stranger = new Role("stranger", null, null);
        Role memberA = session("member A", "member:" + A);
        Role memberB = session("member B", "member:" + B);
        Role licenseeA = session("licensee A", "licensee:crawler-co");
        Role licenseeB = session("licensee B", "licensee:other-co");
        Role operator = session("operator", "operator");
        List<Role> roles = List.of(stranger, memberA, memberB, licenseeA, licenseeB, operator);

        // route -> what each role gets: a status, and for 200 pages a piece of text only that role's page has.
        String form = "application/x-www-form-urlencoded";
        String json = "application/json";
        String offer = "{\"offer\": \"o1\", \"offer_sha256\": \"" + "0".repeat(64) + "\"}";
        String vote = "{\"proposal\": \"P1\", \"vote\": \"yes\"}";
        record Route(String method, String path, String type, String body) {}
        Map<Route, Map<Role, String>> expect = new LinkedHashMap<>();
        expect.put(new Route("GET", "/console/", "", ""), Map.of(stranger, "200 id=\"signin\"", memberA, "200 <h1>" + A, memberB, "200 <h1>" + B,
                licenseeA, "200 Licensee crawler-co", licenseeB, "200 Licensee other-co", operator, "303"));
        expect.put(new Route("GET", "/console/operator", "", ""), Map.of(stranger, "200 id=\"operator-signin\"", memberA, "403", memberB, "403",
                licenseeA, "403", licenseeB, "403", operator, "200 id=\"strike-switch\""));
        expect.put(new Route("POST", "/console/operator/invite", form, "licensee=other-co"), Map.of(stranger, "401", memberA, "403", memberB, "403",
                licenseeA, "403", licenseeB, "403", operator, "200 invite-link"));
        expect.put(new Route("POST", "/console/operator/strike", form, "action=strike&reason=test"), Map.of(stranger, "401", memberA, "403",
                memberB, "403", licenseeA, "403", licenseeB, "403", operator, "400 not_confirmed"));
        expect.put(new Route("POST", "/console/consent", form, "usage=ai-train"), Map.of(stranger, "401", memberA, "303", memberB, "303",
                licenseeA, "403", licenseeB, "403", operator, "403"));
        expect.put(new Route("POST", "/console/api/vote/options", json, vote), Map.of(stranger, "401", memberA, "200 challenge", memberB,
                "200 challenge", licenseeA, "403", licenseeB, "403", operator, "403"));
        expect.put(new Route("POST", "/console/api/vote", json, vote), Map.of(stranger, "401", memberA, "400 passkey_invalid", memberB,
                "400 passkey_invalid", licenseeA, "403", licenseeB, "403", operator, "403"));
        expect.put(new Route("POST", "/console/api/accept/options", json, offer), Map.of(stranger, "401", memberA, "403", memberB, "403",
                licenseeA, "200 challenge", licenseeB, "200 challenge", operator, "403"));
        expect.put(new Route("POST", "/console/api/accept", json, offer), Map.of(stranger, "401", memberA, "403", memberB, "403",
                licenseeA, "400 passkey_invalid", licenseeB, "400 passkey_invalid", operator, "403"));
        Map<Role, String> party = Map.of(memberA, A, memberB, B, licenseeA, "crawler-co", licenseeB, "other-co");
        for (Map.Entry<String, String> st : statementOf.entrySet()) {
            Map<Role, String> who = new LinkedHashMap<>();
            for (Role r : roles) {
                who.put(r, r == stranger ? "401" : r == operator ? "403" : st.getKey().equals(party.get(r)) ? "200 ey" : "404");
            }
            expect.put(new Route("GET", "/console/statements/" + st.getValue() + ".jwt", "", ""), who);
        }
        expect.put(new Route("GET", "/console/operator/link", "", ""), Map.of(stranger, "200 link-status", memberA, "200 link-status", memberB,
                "200 link-status", licenseeA, "200 link-status", licenseeB, "200 link-status", operator, "200 link-status"));
        String link = "{\"link\": \"" + "x".repeat(43) + "\"}";
        expect.put(new Route("POST", "/console/api/operator/link", json, link), Map.of(stranger, "410 link_used", memberA, "410 link_used", memberB,
                "410 link_used", licenseeA, "410 link_used", licenseeB, "410 link_used", operator, "410 link_used"));
        expect.put(new Route("GET", "/console/nowhere", "", ""), Map.of(stranger, "404", memberA, "404", memberB, "404", licenseeA, "404",
                licenseeB, "404", operator, "404"));

        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Route, Map<Role, String>> e : expect.entrySet()) {
            Route rt = e.getKey();
            for (Role r : roles) {
                HttpResponse<String> got = call(r, rt.method(), rt.path(), rt.type(), rt.body(), true);
                String want = e.getValue().get(r);
                String status = want.split(" ", 2)[0];
                boolean right = String.valueOf(got.statusCode()).equals(status) && (!want.contains(" ") || got.body().contains(want.split(" ", 2)[1]));
                if (!right) {
                    wrong.add(r.name() + " " + rt.method() + " " + rt.path() + ": wanted " + want + ", got " + got.statusCode() + " "
                            + got.body().substring(0, Math.min(160, got.body().length())).replace('\n', ' '));
                }
                // A stranger never sees a signed-in page; another role's page is never served.
                if (r != operator) {
                    assertThat(got.body()).as(r.name() + " " + rt.path()).doesNotContain("id=\"strike-switch\"");
                }
                if (rt.method().equals("POST") && r != stranger && !rt.path().equals("/console/api/operator/link")) { // a sign-in has no session yet
                    HttpResponse<String> noCsrf = call(r, rt.method(), rt.path(), rt.type(), rt.body(), false);
                    if (got.statusCode() != 403 && noCsrf.statusCode() != 403) {
                        wrong.add(r.name() + " " + rt.method() + " " + rt.path() + " without the CSRF token: " + noCsrf.statusCode());
                    }
                }
            }
        }
        assertThat(wrong).as("routes that served the wrong role").isEmpty();
        assertThat(ok(admin(Map.of("op", "consent.show", "origin", A))).toString()).as("member A's own consent form was taken").contains("ai-train");

        // The admin interface takes the admin token only: no console session, not even an operator's, reaches any operation.
        for (String op : AdminOps.allOps()) {
            for (Role r : roles) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/admin")).POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("op",
                        op))));
                if (r.cookie() != null) {
                    b.header("Cookie", "cb4i_console=" + r.cookie()).header("X-CSRF-Token", r.csrf());
                }
                HttpResponse<String> got = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(got.statusCode()).as(r.name() + " on admin op " + op + ": " + got.body()).isEqualTo(401);
            }
        }
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }
}
