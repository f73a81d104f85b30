package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.denied;
import static org.cb4i.conformance.blackbox.Expect.notForwarded;
import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.Expect;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Profile;
import org.cb4i.conformance.blackbox.Testbed;

/** SPEC.md §10, enforcement behaviour: policy, classification, denials, framing, the request target, forwarding. */
public final class EnforcementChecks {
    private EnforcementChecks() {}

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("a deny path is refused to everyone with PATH_DENIED and never forwarded", List.of("ENF-1", "ENF-4"), bed -> {
            String m = mark();
            denied(bed.send(bed.humanGet("/deny/" + m)), "PATH_DENIED");
            denied(bed.send(bed.licensedGet("/deny/" + m)), "PATH_DENIED");
            notForwarded(bed, m);
        }));
        c.add(new Check("an open path is served to an AI crawler without a license", List.of("ENF-1"), bed ->
                served(bed.send(bed.crawlerGet("/open/" + mark())))));
        c.add(new Check("the longest matching pattern wins (/open/private/* deny inside /open/* open)", List.of("ENF-1"), bed -> {
            denied(bed.send(bed.humanGet("/open/private/" + mark())), "PATH_DENIED");
            served(bed.send(bed.humanGet("/open/public-" + mark())));
        }));
        c.add(new Check("a path no rule matches is open", List.of("ENF-1"), bed -> served(bed.send(bed.crawlerGet("/elsewhere/" + mark())))));
        c.add(new Check("a human passes a licensed path, without a receipt", List.of("ENF-2"), bed -> {
            HttpExchange.Response r = bed.send(bed.humanGet("/licensed/" + mark()));
            served(r);
            that(r.header("CB4I-Receipt").isEmpty(), "a response to a human carries no receipt; got " + r.header("CB4I-Receipt"));
        }));
        c.add(new Check("AI crawlers' user agents without a license get 402 LICENSE_REQUIRED with the offer", List.of("ENF-2", "ENF-4"), bed -> {
            for (String ua : List.of("Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)", "ClaudeBot/1.0 (+claudebot@anthropic.com)",
                    "CCBot/2.0 (https://commoncrawl.org/faq/)", "Mozilla/5.0 (compatible; PerplexityBot/1.0)", "Mozilla/5.0 (compatible; Bytespider)")) {
                String m = mark();
                HttpExchange.Response r = bed.send(bed.request("GET", "/licensed/" + m).header("User-Agent", ua));
                JsonNode p = denied(r, "LICENSE_REQUIRED");
                that(r.header("WWW-Authenticate").orElse("").matches("(?i)^License\\b.*realm=.*error=\"invalid_request\".*"),
                        "a 402 carries WWW-Authenticate: License realm=\"…\", error=\"invalid_request\" (RSL CAP); got " + r.header("WWW-Authenticate")
                                + " for " + ua);
                JsonNode offer = p.path("offer");
                that(offer.isObject(), "the 402 problem has no offer: " + p);
                that(offer.toString().contains(Profile.TOKEN_ENDPOINT), "the offer names the issuer's token endpoint " + Profile.TOKEN_ENDPOINT + ": " + offer);
                that(offer.path("usages").toString().contains("ai-train"), "the offer lists the usages on offer (ai-train): " + offer);
                that(offer.toString().contains("license"), "the offer names the license document: " + offer);
                notForwarded(bed, m);
            }
        }));
        c.add(new Check("reserved paths answer tdm-reservation: 1 and a tdm-policy of TDMRep's ODRL profile; open paths neither", List.of("DSC-7",
                "DSC-6"), bed -> {
            HttpExchange.Response human = bed.send(bed.humanGet("/licensed/" + mark()));
            served(human);
            HttpExchange.Response offer = bed.send(bed.crawlerGet("/licensed/" + mark()));
            denied(offer, "LICENSE_REQUIRED");
            String policy = human.header("tdm-policy").orElse("");
            for (HttpExchange.Response r : List.of(human, offer)) {
                that("1".equals(r.header("tdm-reservation").orElse("")), "a reserved path's response carries tdm-reservation: 1; got "
                        + r.header("tdm-reservation") + " on " + r.request());
                that(!policy.isEmpty() && policy.equals(r.header("tdm-policy").orElse("")), "a reserved path's responses name one tdm-policy; got "
                        + r.header("tdm-policy") + " on " + r.request());
            }
            HttpExchange.Response open = bed.send(bed.crawlerGet("/open/" + mark()));
            served(open);
            that(open.header("tdm-reservation").isEmpty() && open.header("tdm-policy").isEmpty(), "an open path reserves nothing; got tdm-reservation "
                    + open.header("tdm-reservation"));
            java.net.URI u = java.net.URI.create(policy);
            HttpExchange.Response doc = bed.send(bed.request("GET", u.getRawPath()));
            that(doc.status() == 200 && doc.header("Content-Type").orElse("").matches("application/(ld\\+)?json.*"), "the TDM policy " + policy
                    + " is served as application/ld+json; got " + doc);
            List<String> problems = org.cb4i.sdk.terms.TdmPolicy.problems(Testbed.JSON.readTree(doc.body()));
            that(problems.isEmpty(), "the TDM policy does not follow TDMRep's ODRL profile: " + problems);
            JsonNode rules = Testbed.JSON.readTree(bed.send(bed.request("GET", "/.well-known/tdmrep.json")).body());
            boolean named = false;
            for (JsonNode rule : rules) {
                named |= rule.path("tdm-reservation").asInt() == 1 && policy.equals(rule.path("tdm-policy").asText());
            }
            that(named, "tdmrep.json's reserved rules name the same tdm-policy " + policy + ": " + rules);
        }));
        c.add(new Check("a signed request without a license gets 402 even with a browser's user agent", List.of("ENF-2"), bed -> {
            HttpExchange.Request r = bed.sign(bed.humanGet("/licensed/" + mark()), bed.crawler, "@authority");
            denied(bed.send(r), "LICENSE_REQUIRED");
        }));
        c.add(new Check("a licensed response carries CB4I-Receipt, Cache-Control: private and Vary: Authorization", List.of("ENF-3", "LOG-2"), bed -> {
            HttpExchange.Response r = bed.send(bed.licensedGet("/licensed/" + mark()));
            served(r);
            that(r.header("CB4I-Receipt").orElse("").matches("log=\"[A-Za-z0-9_-]{43}\", ?rid=\"[A-Za-z0-9_-]{22}\""),
                    "expected CB4I-Receipt: log=\"<43 base64url>\", rid=\"<22 base64url>\"; got " + r.header("CB4I-Receipt"));
            that(r.header("Cache-Control").orElse("").contains("private"), "expected Cache-Control: private; got " + r.header("Cache-Control"));
            that(r.header("Vary").orElse("").toLowerCase().contains("authorization"), "expected Vary: Authorization; got " + r.header("Vary"));
        }));
        c.add(new Check("an origin's Cache-Control: no-store is kept on a licensed response", List.of("ENF-3"), bed -> {
            HttpExchange.Response r = bed.send(bed.licensedGet("/licensed/nostore-" + mark()));
            that(r.status() == 200, "expected 200; got " + r);
            that(r.header("Cache-Control").orElse("").contains("no-store"), "expected the origin's no-store; got " + r.header("Cache-Control"));
        }));
        c.add(new Check("checks run in order: the token before the signature, the signature before paths, paths before status", List.of("ENF-3"), bed -> {
            long now = System.currentTimeMillis() / 1000;
            String expired = bed.license(x -> x.put("iat", now - 7200).put("exp", now - 3600));
            denied(bed.send(bed.crawlerGet("/licensed/" + mark()).header("Authorization", "License " + expired)), "TOKEN_EXPIRED");
            String elsewhere = bed.license(x -> x.putArray("paths").addObject().put("origin", Profile.PUBLISHER).putArray("allow").add("/other/*"));
            denied(bed.send(bed.crawlerGet("/licensed/" + mark()).header("Authorization", "License " + elsewhere)), "SIGNATURE_MISSING");
            String revokedElsewhere = bed.license(x -> {
                x.putArray("paths").addObject().put("origin", Profile.PUBLISHER).putArray("allow").add("/other/*");
                ((com.fasterxml.jackson.databind.node.ObjectNode) x.get("status").get("status_list")).put("idx", 7);
            });
            denied(bed.send(bed.licensedGet("/licensed/" + mark(), revokedElsewhere, bed.crawler)), "PATH_NOT_LICENSED");
        }));
        c.addAll(framing());
        c.addAll(targets());
        c.addAll(forwarding());
        return c;
    }

    /** [ENF-5]: framing two parsers could read differently, and the size limits. */
    static List<Check> framing() {
        List<Check> c = new ArrayList<>();
        record Case(String name, String method, String[] fields, String body) {}
        List<Case> cases = List.of(
                new Case("Content-Length with Transfer-Encoding", "POST", new String[] {"Content-Length", "5", "Transfer-Encoding", "chunked"}, "0\r\n\r\n"),
                new Case("Transfer-Encoding other than exactly chunked (gzip, chunked)", "POST", new String[] {"Transfer-Encoding", "gzip, chunked"}, "0\r\n\r\n"),
                new Case("Transfer-Encoding: identity", "POST", new String[] {"Transfer-Encoding", "identity"}, ""),
                new Case("two different Content-Length fields", "POST", new String[] {"Content-Length", "2", "Content-Length", "3"}, "abc"),
                new Case("a non-decimal Content-Length (+3)", "POST", new String[] {"Content-Length", "+3"}, "abc"),
                new Case("two Authorization fields", "GET", new String[] {"Authorization", "License a.b.c", "Authorization", "License d.e.f"}, ""),
                new Case("the method TRACE", "TRACE", new String[0], ""),
                new Case("the method CONNECT", "CONNECT", new String[0], ""));
        for (Case k : cases) {
            c.add(new Check("MALFORMED_REQUEST for " + k.name() + ", not forwarded", List.of("ENF-5", "ENF-4"), bed -> {
                String m = mark();
                HttpExchange.Request r = bed.request(k.method(), "/open/" + m);
                for (int i = 0; i < k.fields().length; i += 2) {
                    r.header(k.fields()[i], k.fields()[i + 1]);
                }
                r.body(k.body().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                denied(bed.send(r), "MALFORMED_REQUEST");
                notForwarded(bed, m);
            }));
        }
        c.add(new Check("MALFORMED_REQUEST for an HTTP/1.1 request without Host, and for two Host fields", List.of("ENF-5", "ENF-4"), bed -> {
            String m = mark();
            denied(bed.send(org.cb4i.conformance.blackbox.HttpExchange.request("GET", "/open/" + m).header("Connection", "close")), "MALFORMED_REQUEST");
            denied(bed.send(bed.request("GET", "/open/" + m).header("Host", "other.example")), "MALFORMED_REQUEST");
            notForwarded(bed, m);
        }));
        c.add(new Check("414 for a request line over the limit", List.of("ENF-5"), bed ->
                Expect.status(bed.send(bed.request("GET", "/open/" + "a".repeat(64 * 1024))), 414)));
        c.add(new Check("431 for a header section over the limit", List.of("ENF-5"), bed -> {
            HttpExchange.Request r = bed.request("GET", "/open/" + mark());
            for (int i = 0; i < 64; i++) {
                r.header("X-Padding-" + i, "p".repeat(1024));
            }
            Expect.status(bed.send(r), 431);
        }));
        c.add(new Check("413 for a declared body over the limit, not forwarded", List.of("ENF-5"), bed -> {
            String m = mark();
            Expect.status(bed.send(bed.request("POST", "/open/" + m).header("Content-Length", String.valueOf(8L << 30)).body("x".getBytes())), 413);
            notForwarded(bed, m);
        }));
        return c;
    }

    /** [ENF-6]: the request target. */
    static List<Check> targets() {
        List<Check> c = new ArrayList<>();
        List<String[]> ambiguous = List.of(
                new String[] {"an encoded slash %2F", "/open/a%2F"}, new String[] {"an encoded slash %2f (lower case)", "/open/a%2f"},
                new String[] {"an encoded backslash %5C", "/open/a%5C"}, new String[] {"an encoded NUL %00", "/open/a%00"},
                new String[] {"an encoded percent %25", "/open/a%25"}, new String[] {"a raw backslash", "/open/a\\"},
                new String[] {"dot segments above the root", "/../open/"}, new String[] {"a ; path parameter", "/open/a;jsessionid=1/"},
                new String[] {"an overlong UTF-8 form %C0%AF", "/open/a%C0%AF"}, new String[] {"invalid UTF-8 %E9", "/open/a%E9"},
                new String[] {"a malformed escape %G1", "/open/a%G1"}, new String[] {"a fragment", "/open/a#frag-"},
                new String[] {"a non-ASCII byte", "/open/caf\u00e9"}, new String[] {"a control character", "/open/a\u0001"});
        for (String[] a : ambiguous) {
            c.add(new Check("AMBIGUOUS_PATH for " + a[0] + ", not forwarded", List.of("ENF-6", "ENF-4"), bed -> {
                String m = mark();
                denied(bed.send(bed.humanGet(a[1] + m)), "AMBIGUOUS_PATH");
                notForwarded(bed, m);
            }));
        }
        c.add(new Check("the canonical form is forwarded: unreserved escapes decoded, others upper-cased, dot segments and repeated slashes removed",
                List.of("ENF-6"), bed -> {
                    String m = mark();
                    served(bed.send(bed.humanGet("/open/%7e" + m + "/./a//b/../c/%c3%a9?q=1")));
                    List<LoggedRequest> seen = bed.originSaw(m);
                    that(seen.size() == 1, "expected the origin to see the request once; it saw " + seen.size());
                    String want = "/open/~" + m + "/a/c/%C3%A9?q=1";
                    that(seen.get(0).getUrl().equals(want), "expected the origin to receive " + want + "; it received " + seen.get(0).getUrl());
                }));
        c.add(new Check("the policy is matched on the canonical form (/open/../deny/ and /open/%2e%2e/deny/ are deny)", List.of("ENF-6", "ENF-1"), bed -> {
            String m = mark();
            denied(bed.send(bed.humanGet("/open/../deny/" + m)), "PATH_DENIED");
            denied(bed.send(bed.humanGet("/open/%2e%2e/deny/" + m)), "PATH_DENIED");
            denied(bed.send(bed.humanGet("/open//private/" + m)), "PATH_DENIED");
            notForwarded(bed, m);
        }));
        return c;
    }

    /** [ENF-7]: what reaches the origin, and what happens when it fails. */
    static List<Check> forwarding() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("hop-by-hop fields and the fields named in Connection are removed; client X-Forwarded-*, Forwarded, X-Real-IP replaced",
                List.of("ENF-7"), bed -> {
                    String m = mark();
                    HttpExchange.Request r = bed.humanGet("/open/" + m);
                    r.fields().removeIf(f -> f[0].equals("Connection"));
                    r.header("Connection", "close, X-Conformance-Secret").header("X-Conformance-Secret", "1").header("Keep-Alive", "timeout=5")
                            .header("Proxy-Authorization", "Basic Zm9vOmJhcg==").header("X-Forwarded-For", "203.0.113.66")
                            .header("X-Forwarded-Host", "evil.example").header("Forwarded", "for=203.0.113.66").header("X-Real-IP", "203.0.113.66");
                    served(bed.send(r));
                    LoggedRequest o = only(bed, m);
                    for (String gone : List.of("X-Conformance-Secret", "Keep-Alive", "Proxy-Authorization", "Forwarded", "X-Real-IP")) {
                        that(!o.containsHeader(gone), "the origin received " + gone + ": " + o.getHeader(gone));
                    }
                    String xff = o.getHeader("X-Forwarded-For");
                    that(xff != null && !xff.contains("203.0.113.66"), "X-Forwarded-For must be the proxy's own view of the client; the origin received " + xff);
                    that("http".equalsIgnoreCase(o.getHeader("X-Forwarded-Proto")), "expected X-Forwarded-Proto: http; got " + o.getHeader("X-Forwarded-Proto"));
                    String xfh = o.getHeader("X-Forwarded-Host");
                    that(xfh != null && !xfh.contains("evil.example"), "expected X-Forwarded-Host from the request's Host; got " + xfh);
                }));
        c.add(new Check("the license and the signature are not forwarded to the origin", List.of("ENF-7"), bed -> {
            String m = mark();
            served(bed.send(bed.licensedGet("/licensed/" + m)));
            LoggedRequest o = only(bed, m);
            for (String gone : List.of("Authorization", "Signature", "Signature-Input", "Signature-Agent")) {
                that(!o.containsHeader(gone), "the origin received " + gone);
            }
        }));
        c.add(new Check("an Upgrade (WebSocket) is never tunnelled", List.of("ENF-7"), bed -> {
            String m = mark();
            HttpExchange.Request r = bed.humanGet("/open/" + m);
            r.fields().removeIf(f -> f[0].equals("Connection"));
            r.header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                    .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            HttpExchange.Response resp = bed.send(r);
            that(resp.status() != 101, "the proxy switched protocols: " + resp);
            for (LoggedRequest o : bed.originSaw(m)) {
                that(!o.containsHeader("Upgrade"), "the origin received Upgrade: " + o.getHeader("Upgrade"));
            }
        }));
        c.add(new Check("ORIGIN_UNREACHABLE (502) when the origin drops the connection", List.of("ENF-7", "ENF-4"), bed ->
                denied(bed.send(bed.humanGet("/open/reset-" + mark())), "ORIGIN_UNREACHABLE")));
        c.add(new Check("ORIGIN_TIMEOUT (504) when the origin does not answer in time", List.of("ENF-7", "ENF-4"), bed -> {
            long t0 = System.nanoTime();
            denied(bed.send(bed.humanGet("/open/slow-" + mark())), "ORIGIN_TIMEOUT");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            that(ms < Profile.SLOW_ORIGIN_MS, "the 504 came after " + ms + " ms, not before the origin answered");
        }));
        return c;
    }

    static LoggedRequest only(Testbed bed, String marker) {
        List<LoggedRequest> seen = bed.originSaw(marker);
        that(seen.size() == 1, "expected the origin to receive the request once; it received it " + seen.size() + " times");
        return seen.get(0);
    }
}
