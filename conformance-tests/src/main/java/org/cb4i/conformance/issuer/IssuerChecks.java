package org.cb4i.conformance.issuer;

import static org.cb4i.conformance.blackbox.Expect.that;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cb4i.conformance.blackbox.Testbed;
import org.cb4i.conformance.blackbox.Unmet;

/**
 * The black-box checks of an issuer (SPEC.md §13 and the parts of §3, §4 and §6 it serves): discovery, the token
 * endpoint with both ways of proving the key and its OAuth errors, the license it issues, introspection, the
 * repertoire and the status lists with their history, revocation and suspension through the administration API.
 */
public final class IssuerChecks {
    private IssuerChecks() {}

    /** One check of an issuer: its name, the requirements it tests, and its body. */
    public record Check(String name, List<String> requirements, Body body) {
        public String title() {
            return String.join(" ", requirements.stream().map(r -> "[" + r + "]").toList()) + " " + name;
        }
    }

    @FunctionalInterface
    public interface Body {
        void run(IssuerBed bed) throws Exception;
    }

    static JsonNode json(HttpResponse<String> r) throws java.io.IOException {
        return Testbed.JSON.readTree(r.body());
    }

    /** An OAuth error ([ISS-1]): the status, {@code error}, {@code error_description}, {@code Cache-Control: no-store}. */
    static void oauthError(HttpResponse<String> r, int status, String error) throws java.io.IOException {
        that(r.statusCode() == status, "expected " + status + " " + error + "; got " + r.statusCode() + " " + r.body());
        JsonNode b = json(r);
        that(error.equals(b.path("error").asText()), "expected error " + error + "; got " + r.body());
        that(b.path("error_description").isTextual(), "an OAuth error has an error_description: " + r.body());
        that(r.headers().firstValue("Cache-Control").orElse("").contains("no-store"), "an OAuth error is never cached (Cache-Control: no-store); got "
                + r.headers().firstValue("Cache-Control"));
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("/.well-known/cb4i names the endpoints, the grant type, the client authentication methods and the keys", List.of("ISS-1"),
                bed -> {
                    JsonNode d = bed.discovery;
                    for (String m : List.of("token_endpoint", "introspection_endpoint", "jwks_uri", "repertoire_uri")) {
                        that(d.path(m).isTextual() && java.net.URI.create(d.path(m).asText()).isAbsolute(), "no absolute " + m + " in " + d);
                    }
                    that(d.path("status_lists").isArray() && d.path("status_lists").size() > 0, "no status_lists in " + d);
                    that(d.path("status_ttl").isIntegralNumber(), "no status_ttl in " + d);
                    that(d.path("grant_types_supported").toString().contains("client_credentials"), "grant_types_supported lacks client_credentials");
                    that(d.path("token_endpoint_auth_methods_supported").toString().contains("private_key_jwt")
                            && d.path("token_endpoint_auth_methods_supported").toString().contains("web-bot-auth"),
                            "token_endpoint_auth_methods_supported must name web-bot-auth and private_key_jwt: " + d.path("token_endpoint_auth_methods_supported"));
                    that(d.path("keys").path("keys").isArray() && d.path("keys").path("keys").size() > 0, "no keys in " + d);
                }));
        c.add(new Check("a token request signed per request by the registered key gets a License token bound to that key", List.of("ISS-1", "ISS-2",
                "ISS-3", "TOK-1"), bed -> {
                    var l = bed.license();
                    JsonNode body = (JsonNode) l.get("response");
                    JsonNode claims = (JsonNode) l.get("claims");
                    that("License".equals(body.path("token_type").asText()), "token_type is " + body.path("token_type") + ", not License (RSL OLP)");
                    that(body.path("expires_in").isIntegralNumber() && body.path("expires_in").asLong() > 0, "no expires_in: " + body);
                    that(claims.path("jti").asText().equals(body.path("license_id").asText()), "license_id is not the token's jti");
                    that(bed.licensee.equals(claims.path("sub").asText()), "sub is " + claims.path("sub") + ", not the licensee");
                    that(bed.licenseeKey.thumbprint().equals(claims.path("cnf").path("jkt").asText()), "cnf.jkt is not the registered key's thumbprint");
                    that(claims.path("usages").toString().contains("ai-train"), "the license does not grant the agreement's usage: " + claims);
                    that(claims.path("exp").asLong() <= Instant.now().plusSeconds(2 * 86400 + 60).getEpochSecond(), "the license outlives its agreement");
                    String repertoire = bed.discovery.path("repertoire").asText(bed.discovery.path("collective").asText());
                    that(claims.path("aud").isTextual() ? claims.path("aud").asText().equals(repertoire) : claims.path("aud").toString()
                            .contains("\"" + repertoire + "\""), "aud " + claims.path("aud") + " does not name the repertoire " + repertoire);
                    JsonNode sl = claims.path("status").path("status_list");
                    that(sl.path("idx").isIntegralNumber() && sl.path("uri").isTextual(), "the license has no status reference: " + claims);
                }));
        c.add(new Check("a token request with an RFC 7523 private_key_jwt assertion gets a license", List.of("ISS-2"), bed -> {
            HttpResponse<String> r = bed.tokenByAssertion(bed.licenseeKey, bed.assertionClaims());
            that(r.statusCode() == 200, "private_key_jwt answered " + r.statusCode() + ": " + r.body());
            JsonNode claims = bed.verified(json(r).path("access_token").asText(), "license+jwt")[1];
            that(bed.licensee.equals(claims.path("sub").asText()) && bed.licenseeKey.thumbprint().equals(claims.path("cnf").path("jkt").asText()),
                    "the license is not the licensee's, bound to its key: " + claims);
        }));
        c.add(new Check("a token request with no proof of the key is invalid_client, naming the expected signature coverage", List.of("ISS-2"), bed -> {
            HttpResponse<String> r = bed.postForm("/token", IssuerBed.form(Map.of("grant_type", "client_credentials", "client_id", bed.licensee)),
                    Map.of());
            oauthError(r, 400, "invalid_client");
            String accept = r.headers().firstValue("Accept-Signature").orElse("");
            that(accept.contains("@method") && accept.contains("@target-uri") && accept.contains("@authority"),
                    "Accept-Signature (RFC 9421 §5.1) should name @method, @target-uri and @authority; got \"" + accept + "\"");
        }));
        c.add(new Check("a client assertion used twice, signed by another key, or valid for more than 5 minutes is invalid_client", List.of("ISS-2"),
                bed -> {
                    ObjectNode claims = bed.assertionClaims();
                    that(bed.tokenByAssertion(bed.licenseeKey, claims).statusCode() == 200, "the first use of an assertion was refused");
                    oauthError(bed.tokenByAssertion(bed.licenseeKey, claims), 400, "invalid_client");
                    oauthError(bed.tokenByAssertion(bed.otherKey, bed.assertionClaims()), 400, "invalid_client");
                    ObjectNode longLived = bed.assertionClaims();
                    longLived.put("exp", Instant.now().getEpochSecond() + 3600);
                    oauthError(bed.tokenByAssertion(bed.licenseeKey, longLived), 400, "invalid_client");
                }));
        c.add(new Check("a signature by a key no licensee registered, and a signed request replayed, are invalid_client", List.of("ISS-2"), bed -> {
            long now = Instant.now().getEpochSecond();
            oauthError(bed.tokenBySignature(bed.otherKey, Map.of("grant_type", "client_credentials"), now, now + 60), 400, "invalid_client");
            Map<String, String> once = bed.signedHeaders(bed.licenseeKey, now, now + 60);
            String body = IssuerBed.form(Map.of("grant_type", "client_credentials", "agreement", bed.agreement));
            String path = bed.resolve(bed.tokenEndpoint().toString()).getRawPath();
            HttpResponse<String> first = bed.postForm(path, body, once);
            that(first.statusCode() == 200, "a signed token request answered " + first.statusCode() + ": " + first.body());
            oauthError(bed.postForm(path, body, once), 400, "invalid_client");
        }));
        c.add(new Check("grant_type absent is invalid_request, another is unsupported_grant_type, a repeated parameter is invalid_request",
                List.of("ISS-1"), bed -> {
                    oauthError(bed.tokenBySignature(Map.of("agreement", bed.agreement)), 400, "invalid_request");
                    oauthError(bed.tokenBySignature(Map.of("grant_type", "password")), 400, "unsupported_grant_type");
                    oauthError(bed.tokenBySignature("grant_type=client_credentials&grant_type=client_credentials"), 400, "invalid_request");
                }));
        c.add(new Check("introspection says active for a license it issued, and inactive with a reason for anything else", List.of("ISS-5"), bed -> {
            var l = bed.license();
            HttpResponse<String> yes = bed.postForm(bed.discovery.path("introspection_endpoint").asText(), IssuerBed.form(Map.of("token",
                    (String) l.get("token"))), Map.of());
            that(yes.statusCode() == 200 && json(yes).path("active").asBoolean(false), "an issued license is not active: " + yes.body());
            that(json(yes).path("jti").asText().equals(((JsonNode) l.get("claims")).path("jti").asText()), "introspection names another jti");
            that("VALID".equals(json(yes).path("status").asText()), "introspection's status is " + json(yes).path("status") + ", not VALID");
            HttpResponse<String> no = bed.postForm(bed.discovery.path("introspection_endpoint").asText(), IssuerBed.form(Map.of("token",
                    "eyJhbGciOiJFZERTQSJ9.e30.AAAA")), Map.of());
            that(no.statusCode() == 200 && !json(no).path("active").asBoolean(true) && json(no).path("reason").isTextual(),
                    "a token that does not verify should be {active: false, reason}: " + no.body());
        }));
        c.add(new Check("a member reads its consent document with its own content key alone; the collective signs it for that member",
                List.of("CNS-3", "CNS-1"), bed -> {
                    HttpResponse<String> r = bed.consent(bed.memberKey);
                    that(r.statusCode() == 200, "GET /consent signed with the member's content key answered " + r.statusCode() + ": " + r.body());
                    that(r.headers().firstValue("Content-Type").orElse("").startsWith("application/consent+jwt"), "Content-Type is "
                            + r.headers().firstValue("Content-Type").orElse("none") + ", not application/consent+jwt");
                    JsonNode claims = bed.verified(r.body().strip(), "consent+jwt")[1];
                    that(bed.member.equals(claims.path("sub").asText()), "sub is " + claims.path("sub") + ", not the member " + bed.member);
                    that(claims.path("iss").asText().equals(bed.discovery.path("collective").asText()), "iss is not the collective: " + claims);
                    that(claims.path("version").isIntegralNumber() && claims.path("version").asLong() >= 0, "no integer version: " + claims);
                    that(claims.path("opt_out").isObject(), "no opt_out object: " + claims);
                    that(claims.path("exp").asLong() > claims.path("iat").asLong(), "exp is not after iat: " + claims);
                    HttpResponse<String> unsigned = bed.consent(null);
                    that(unsigned.statusCode() == 401, "an unsigned request answered " + unsigned.statusCode() + ", not 401");
                    HttpResponse<String> other = bed.consent(bed.otherKey);
                    that(other.statusCode() == 401 || other.statusCode() == 403, "a request signed by a key that is not the member's answered "
                            + other.statusCode());
                }));
        c.add(new Check("a member's signed change of its consent is taken once, with a new version its proxies then read", List.of("CNS-6"), bed -> {
                    long before = bed.verified(bed.consent(bed.memberKey).body().strip(), "consent+jwt")[1].path("version").asLong();
                    long now = Instant.now().getEpochSecond();
                    String jti = "conformance-" + Long.toString(IssuerBed.RANDOM.nextLong() & Long.MAX_VALUE, 36);
                    Map<String, Object> optOut = Map.of("usages", List.of("ai-train"), "paths", List.of("/drafts/"));
                    HttpResponse<String> set = bed.changeConsent(bed.memberKey, now, jti, optOut);
                    that(set.statusCode() == 200, "POST /consent with the member's signed change answered " + set.statusCode() + ": " + set.body());
                    JsonNode doc = bed.verified(set.body().strip(), "consent+jwt")[1];
                    that(doc.path("version").asLong() > before, "the version did not increase: " + doc.path("version") + " after " + before);
                    that(doc.path("opt_out").path("usages").toString().contains("ai-train"), "the change is not in the document: " + doc);
                    JsonNode read = bed.verified(bed.consent(bed.memberKey).body().strip(), "consent+jwt")[1];
                    that(read.path("version").asLong() == doc.path("version").asLong(), "GET /consent does not give the new version");
                    HttpResponse<String> again = bed.changeConsent(bed.memberKey, now, jti, optOut);
                    that(again.statusCode() == 409, "the same change sent again answered " + again.statusCode() + ", not 409");
                    HttpResponse<String> stale = bed.changeConsent(bed.memberKey, now - 600, jti + "-stale", Map.of());
                    that(stale.statusCode() == 400, "a change signed ten minutes ago answered " + stale.statusCode() + ", not 400");
                    HttpResponse<String> byOther = bed.changeConsent(bed.otherKey, now, jti + "-other", Map.of());
                    that(byOther.statusCode() == 401, "a change signed by another key answered " + byOther.statusCode() + ", not 401");
                    HttpResponse<String> back = bed.changeConsent(bed.memberKey, Instant.now().getEpochSecond(), jti + "-back", Map.of());
                    that(back.statusCode() == 200, "opting back in answered " + back.statusCode());
                }));
        c.add(new Check("a member opens a proposal and casts its one vote, signed with its key; members read it with its tally and their own vote",
                List.of("DEC-1", "DEC-2", "DEC-6", "DEC-7"), bed -> {
                    String run = Long.toString(IssuerBed.RANDOM.nextLong() & Long.MAX_VALUE, 36);
                    // A resumption of the suite's own licensee: harmless to the issuer under test whatever the vote decides.
                    HttpResponse<String> opened = bed.decide(bed.memberKey, "p-" + run, "propose", Map.of("action", "resume", "scope",
                            Map.of("licensee", bed.licensee), "reason", "conformance suite run " + run));
                    that(opened.statusCode() == 200, "POST /decisions with a signed proposal answered " + opened.statusCode() + ": " + opened.body());
                    JsonNode p = Testbed.JSON.readTree(opened.body());
                    String id = p.path("id").asText();
                    that(!id.isEmpty() && p.path("electorate").asInt() >= 1 && p.path("quorum").isIntegralNumber() && p.path("majority").isIntegralNumber()
                            && p.path("deadline").asLong() > p.path("opened").asLong(), "the proposal lacks id, electorate, rules or deadline: " + p);
                    HttpResponse<String> vote = bed.decide(bed.memberKey, "v-" + run, "vote", Map.of("proposal", id, "vote", "yes"));
                    that(vote.statusCode() == 200, "the member's vote answered " + vote.statusCode() + ": " + vote.body());
                    that("yes".equals(Testbed.JSON.readTree(vote.body()).path("your_vote").asText()), "the answer does not show the member's vote: "
                            + vote.body());
                    HttpResponse<String> twice = bed.decide(bed.memberKey, "w-" + run, "vote", Map.of("proposal", id, "vote", "no"));
                    that(twice.statusCode() == 409, "a second vote answered " + twice.statusCode() + ", not 409");
                    HttpResponse<String> stranger = bed.decide(bed.otherKey, "x-" + run, "vote", Map.of("proposal", id, "vote", "no"));
                    that(stranger.statusCode() == 401, "a vote signed by a key that is not the member's answered " + stranger.statusCode() + ", not 401");
                    HttpResponse<String> list = bed.proposals(bed.memberKey);
                    that(list.statusCode() == 200, "GET /proposals signed by the member answered " + list.statusCode() + ": " + list.body());
                    boolean found = false;
                    for (JsonNode q : Testbed.JSON.readTree(list.body()).path("proposals")) {
                        found |= id.equals(q.path("id").asText()) && "yes".equals(q.path("your_vote").asText()) && q.path("yes").asInt() >= 1;
                    }
                    that(found, "GET /proposals does not list " + id + " with the member's yes: " + list.body());
                    that(bed.proposals(null).statusCode() == 401, "an unsigned GET /proposals is not 401");
                }));
        c.add(new Check("a license names its agreement: {uri, sha256}", List.of("CNS-7", "TOK-11"), bed -> {
                    JsonNode claims = (JsonNode) bed.license().get("claims");
                    JsonNode a = claims.path("agreement");
                    that(a.path("uri").isTextual() && java.net.URI.create(a.path("uri").asText()).isAbsolute(), "the license names no agreement uri: " + claims);
                    that(a.path("sha256").asText().matches("[0-9a-f]{64}"), "the license's agreement has no sha256: " + a);
                }));
        c.add(new Check("the repertoire is signed by the collective's key and answers for the past", List.of("REP-1", "REP-2", "REP-3", "ISS-4"),
                bed -> {
                    HttpResponse<String> now = bed.get(bed.discovery.path("repertoire_uri").asText());
                    that(now.statusCode() == 200, "repertoire_uri answered " + now.statusCode());
                    JsonNode claims = bed.verified(now.body().strip(), "repertoire+jwt")[1];
                    that(claims.path("members").toString().contains(bed.member), "the repertoire does not list the member registered: " + claims);
                    long before = bed.memberJoined.getEpochSecond() - 3600;
                    HttpResponse<String> past = bed.get(bed.discovery.path("repertoire_uri").asText() + "?time=" + before);
                    if (past.statusCode() == 200) {
                        JsonNode old = bed.verified(past.body().strip(), "repertoire+jwt")[1];
                        boolean listedThen = false;
                        for (JsonNode m : old.path("members")) {
                            listedThen |= bed.member.equals(m.path("origin").asText()) && m.path("joined").asLong() <= before
                                    && (!m.has("left") || m.path("left").asLong() > before);
                        }
                        that(!listedThen, "the repertoire as of an hour before the member joined makes it a member then");
                    } else {
                        that(past.statusCode() == 404, "?time= before the member joined answered " + past.statusCode());
                    }
                }));
        c.add(new Check("a status list is a statuslist+jwt of the issuer for its own URI, and a new license is VALID in it", List.of("ISS-4", "STS-3",
                "STS-4", "STS-1"), bed -> {
                    JsonNode claims = (JsonNode) bed.license().get("claims");
                    JsonNode ref = claims.path("status").path("status_list");
                    JsonNode list = statusList(bed, ref.path("uri").asText(), null);
                    that(ref.path("uri").asText().equals(list.path("sub").asText()), "the list's sub is " + list.path("sub") + ", not its URI");
                    that(list.path("ttl").isIntegralNumber(), "the list has no ttl");
                    that(IssuerBed.valueAt(list.path("status_list"), ref.path("idx").asLong()) == 0, "a new license is not VALID in its list");
                }));
        c.add(new Check("past lists: ?time= gives the list in force then, bracketing it; 404 in the future or before the first; 400 when not a "
                + "NumericDate", List.of("STS-7", "ISS-4"), bed -> {
                    String uri = bed.discovery.path("status_lists").get(0).asText();
                    bed.license(); // a list is in force from now on at the latest
                    Thread.sleep(1100);
                    long t = Instant.now().getEpochSecond() - 1;
                    JsonNode then = statusList(bed, uri, t);
                    that(then.path("iat").asLong() <= t && t < then.path("exp").asLong(), "the list for ?time=" + t + " has iat " + then.path("iat")
                            + " and exp " + then.path("exp") + ": they do not bracket it");
                    that(bed.get(uri + "?time=" + (t + 86400 * 365)).statusCode() == 404, "a time a year ahead is not 404");
                    that(bed.get(uri + "?time=1").statusCode() == 404, "a time before the first list is not 404");
                    that(bed.get(uri + "?time=yesterday").statusCode() == 400, "?time=yesterday is not 400");
                }));
        c.add(new Check("revoking a license makes it INVALID in the next list, introspection inactive, and the past list still VALID",
                List.of("ISS-7", "ISS-6", "STS-7", "STS-2"), bed -> {
                    var l = bed.license();
                    JsonNode claims = (JsonNode) l.get("claims");
                    JsonNode ref = claims.path("status").path("status_list");
                    long before = Instant.now().getEpochSecond();
                    Thread.sleep(1100);
                    bed.admin(Map.of("op", "revoke", "jti", claims.path("jti").asText()));
                    JsonNode now = statusList(bed, ref.path("uri").asText(), null);
                    that(IssuerBed.valueAt(now.path("status_list"), ref.path("idx").asLong()) == 1, "a revoked license is not INVALID (1) in the list");
                    HttpResponse<String> intro = bed.postForm(bed.discovery.path("introspection_endpoint").asText(), IssuerBed.form(Map.of("token",
                            (String) l.get("token"))), Map.of());
                    that(intro.statusCode() == 200 && !json(intro).path("active").asBoolean(true), "a revoked license is still active: " + intro.body());
                    JsonNode past = statusList(bed, ref.path("uri").asText(), before);
                    that(IssuerBed.valueAt(past.path("status_list"), ref.path("idx").asLong()) == 0, "the list as of before the revocation says "
                            + IssuerBed.valueAt(past.path("status_list"), ref.path("idx").asLong()) + ", not VALID");
                }));
        c.add(new Check("suspending a licensee makes its licenses SUSPENDED and its token requests unauthorized_client; resuming restores VALID",
                List.of("ISS-8", "ISS-3", "STS-2"), bed -> {
                    JsonNode claims = (JsonNode) bed.license().get("claims");
                    JsonNode ref = claims.path("status").path("status_list");
                    bed.admin(Map.of("op", "strike", "licensee", bed.licensee));
                    try {
                        that(IssuerBed.valueAt(statusList(bed, ref.path("uri").asText(), null).path("status_list"), ref.path("idx").asLong()) == 2,
                                "a struck licensee's license is not SUSPENDED (2)");
                        oauthError(bed.tokenBySignature(Map.of("grant_type", "client_credentials")), 400, "unauthorized_client");
                    } finally {
                        bed.admin(Map.of("op", "resume", "licensee", bed.licensee));
                    }
                    that(IssuerBed.valueAt(statusList(bed, ref.path("uri").asText(), null).path("status_list"), ref.path("idx").asLong()) == 0,
                            "resuming did not restore VALID");
                }));
        c.add(new Check("a strike and its end are public notices: signed notice+jwt, listed newest first in a JSON Feed", List.of("NTC-1", "NTC-2"),
                bed -> {
                    String why = "conformance strike " + bed.run;
                    bed.admin(Map.of("op", "strike", "licensee", bed.licensee, "reason", why));
                    bed.admin(Map.of("op", "resume", "licensee", bed.licensee, "reason", why + " ended"));
                    String feedUrl = bed.discovery.path("notices").asText(bed.base + "/notices");
                    HttpResponse<String> feed = bed.get(feedUrl);
                    that(feed.statusCode() == 200, "GET " + feedUrl + " answered " + feed.statusCode());
                    that(feed.headers().firstValue("Content-Type").orElse("").startsWith("application/feed+json"), "the notices are not "
                            + "application/feed+json");
                    JsonNode f = json(feed);
                    that("https://jsonfeed.org/version/1.1".equals(f.path("version").asText()), "not a JSON Feed 1.1: " + f.path("version"));
                    JsonNode items = f.path("items");
                    that(items.size() >= 2, "the feed does not hold the strike and its end: " + items.size() + " items");
                    JsonNode[] ended = bed.verified(items.get(0).path("_cb4i").path("jws").asText(), "notice+jwt");
                    JsonNode[] struck = bed.verified(items.get(1).path("_cb4i").path("jws").asText(), "notice+jwt");
                    that("resume".equals(ended[1].path("kind").asText()) && "strike".equals(struck[1].path("kind").asText()),
                            "the newest two notices are not the end of the strike and the strike: " + ended[1] + " " + struck[1]);
                    that(bed.licensee.equals(struck[1].path("scope").path("licensee").asText()) && why.equals(struck[1].path("reason").asText()),
                            "the strike notice does not name the licensee and the reason: " + struck[1]);
                    HttpResponse<String> one = bed.get(items.get(1).path("url").asText());
                    that(one.statusCode() == 200 && one.body().strip().equals(items.get(1).path("_cb4i").path("jws").asText()),
                            "the notice's url does not answer the signed notice");
                }));
        c.add(new Check("administration refuses a request without the admin token (401), and a wrong operation whole (400)", List.of("ISS-6"), bed -> {
            HttpResponse<String> none = bed.adminRaw("{\"op\":\"status\"}", null);
            that(none.statusCode() == 401, "POST /admin without a bearer token answered " + none.statusCode());
            HttpResponse<String> wrong = bed.adminRaw("{\"op\":\"status\"}", "not-the-token");
            that(wrong.statusCode() == 401, "POST /admin with another token answered " + wrong.statusCode());
            String id = "conformance-half-" + bed.run;
            HttpResponse<String> half = bed.adminToken("{\"op\":\"licensee.add\",\"id\":\"" + id + "\"}");
            that(half.statusCode() == 400, "a licensee.add without its jwk answered " + half.statusCode() + ": " + half.body());
            that(!bed.admin(Map.of("op", "licensee.list")).toString().contains(id), "a refused licensee.add stored the licensee anyway");
        }));
        return c;
    }

    /** The status list at {@code uri} (as of {@code time} when given), verified and read ([STS-4]). */
    static JsonNode statusList(IssuerBed bed, String uri, Long time) throws Exception {
        HttpResponse<String> r = bed.get(uri + (time == null ? "" : "?time=" + time), "application/statuslist+jwt");
        that(r.statusCode() == 200, "GET " + uri + (time == null ? "" : "?time=" + time) + " answered " + r.statusCode());
        try {
            return bed.verified(r.body().strip(), "statuslist+jwt")[1];
        } catch (Unmet e) {
            throw new Unmet("the status list at " + uri + ": " + e.getMessage());
        }
    }
}
