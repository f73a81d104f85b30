package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.denied;
import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Profile;
import org.cb4i.conformance.blackbox.Testbed;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;

/** SPEC.md §4, license tokens, as a proxy applies them to requests. */
public final class TokenChecks {
    private TokenChecks() {}

    static HttpExchange.Response fetch(Testbed bed, String target, String token) throws Exception {
        return bed.send(bed.licensedGet(target, token, bed.crawler));
    }

    static HttpExchange.Response fetch(Testbed bed, String token) throws Exception {
        return fetch(bed, "/licensed/" + mark(), token);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("the License scheme is case-insensitive", List.of("TOK-1"), bed -> {
            HttpExchange.Request r = bed.crawlerGet("/licensed/" + mark()).header("Authorization", "license " + bed.license());
            served(bed.send(bed.sign(r, bed.crawler, "@authority")));
        }));
        c.add(new Check("a token that is not a compact JWS is MALFORMED_TOKEN", List.of("TOK-1", "ENF-4"), bed ->
                denied(fetch(bed, "not-a-token"), "MALFORMED_TOKEN")));
        c.add(new Check("a license+jwt from a collective the site does not trust is UNKNOWN_ISSUER", List.of("TOK-2", "ENF-4"), bed ->
                denied(fetch(bed, bed.license(x -> x.put("iss", "https://stranger.example"))), "UNKNOWN_ISSUER")));
        c.add(new Check("a token signed by a key the collective's JWKS lacks is UNKNOWN_KEY; a changed payload is BAD_SIGNATURE", List.of("TOK-2", "ENF-4"), bed -> {
            SigningKey stranger = KeyFiles.generate(KeyAlgorithm.ED25519);
            denied(fetch(bed, Testbed.jws(stranger, "license+jwt", "EdDSA", bed.claims())), "UNKNOWN_KEY");
            String good = bed.license();
            String[] p = good.split("\\.");
            String other = bed.license(x -> x.put("sub", "someone-else")).split("\\.")[1];
            denied(fetch(bed, p[0] + "." + other + "." + p[2]), "BAD_SIGNATURE");
        }));
        c.add(new Check("an alg that does not fit the key (ES256 on Ed25519), or none, is ALG_NOT_ALLOWED", List.of("TOK-3", "ENF-4"), bed -> {
            denied(fetch(bed, Testbed.jws(bed.issuerKey(), "license+jwt", "ES256", bed.claims())), "ALG_NOT_ALLOWED");
            denied(fetch(bed, Testbed.jws(bed.issuerKey(), "license+jwt", "none", bed.claims())), "ALG_NOT_ALLOWED");
        }));
        c.add(new Check("a token of another typ (statuslist+jwt) is WRONG_TYPE", List.of("TOK-1", "ENF-4"), bed ->
                denied(fetch(bed, Testbed.jws(bed.issuerKey(), "statuslist+jwt", "EdDSA", bed.claims())), "WRONG_TYPE")));
        c.add(new Check("a missing required claim is MISSING_CLAIM; a claim of the wrong type is INVALID_CLAIM", List.of("TOK-4", "ENF-4"), bed -> {
            denied(fetch(bed, bed.license(x -> x.remove("cnf"))), "MISSING_CLAIM");
            denied(fetch(bed, bed.license(x -> x.remove("exp"))), "MISSING_CLAIM");
            denied(fetch(bed, bed.license(x -> x.put("usages", "ai-train"))), "INVALID_CLAIM");
            denied(fetch(bed, bed.license(x -> x.put("exp", "tomorrow"))), "INVALID_CLAIM");
        }));
        c.add(new Check("expired, not yet valid, and issued-in-the-future tokens are refused (60 s skew at most 5 min)", List.of("TOK-5", "ENF-4"), bed -> {
            long t = now();
            denied(fetch(bed, bed.license(x -> x.put("iat", t - 7200).put("exp", t - 600))), "TOKEN_EXPIRED");
            denied(fetch(bed, bed.license(x -> x.put("nbf", t + 3600))), "TOKEN_NOT_YET_VALID");
            denied(fetch(bed, bed.license(x -> x.put("iat", t + 3600).put("nbf", t - 60).put("exp", t + 7200))), "TOKEN_ISSUED_IN_FUTURE");
        }));
        c.add(new Check("a token for another repertoire is WRONG_AUDIENCE (403 insufficient_scope); an array aud with this one is served",
                List.of("TOK-6", "ENF-4"), bed -> {
                    denied(fetch(bed, bed.license(x -> x.put("aud", "https://other-repertoire.example"))), "WRONG_AUDIENCE");
                    served(fetch(bed, bed.license(x -> x.putArray("aud").add("https://other-repertoire.example").add(Profile.ISSUER_ID))));
                }));
        c.add(new Check("cnf.jkt that is not the thumbprint of cnf.jwk is CONFIRMATION_MISMATCH; a private cnf.jwk is INVALID_CLAIM",
                List.of("TOK-7", "ENF-4"), bed -> {
                    denied(fetch(bed, bed.license(x -> ((ObjectNode) x.get("cnf")).put("jkt", bed.otherCrawler.thumbprint()))), "CONFIRMATION_MISMATCH");
                    String d = bed.crawler.privateJwk().toJSONObject().get("d").toString();
                    denied(fetch(bed, bed.license(x -> ((ObjectNode) x.get("cnf").get("jwk")).put("d", d))), "INVALID_CLAIM");
                }));
        c.add(new Check("a license whose usages do not cover the path's is USAGE_NOT_LICENSED (403)", List.of("TOK-8", "ENF-3", "ENF-4"), bed -> {
            denied(fetch(bed, bed.license(x -> x.putArray("usages").add("search"))), "USAGE_NOT_LICENSED");
            served(fetch(bed, "/search/" + mark(), bed.license(x -> x.putArray("usages").add("search"))));
            served(fetch(bed, bed.license(x -> x.putArray("usages").add("ai-train").add("some-future-usage"))));
        }));
        c.add(new Check("a URL outside the license's paths is PATH_NOT_LICENSED (403); inside is served", List.of("TOK-9", "ENF-3", "ENF-4"), bed -> {
            String token = bed.license(x -> x.putArray("paths").addObject().put("origin", Profile.PUBLISHER).putArray("allow").add("/licensed/a/*"));
            served(fetch(bed, "/licensed/a/" + mark(), token));
            denied(fetch(bed, "/licensed/b/" + mark(), token), "PATH_NOT_LICENSED");
            String otherSite = bed.license(x -> x.putArray("paths").addObject().put("origin", "https://another-site.example").putArray("allow").add("/*"));
            denied(fetch(bed, otherSite), "PATH_NOT_LICENSED");
            String disallowed = bed.license(x -> {
                ObjectNode e = x.putArray("paths").addObject();
                e.putArray("allow").add("/licensed/*");
                e.putArray("disallow").add("/licensed/secret/*");
            });
            denied(fetch(bed, "/licensed/secret/" + mark(), disallowed), "PATH_NOT_LICENSED");
        }));
        // Quota checks use a licensee of their own: under [TOK-10] a quota binds every live license of its licensee.
        c.add(new Check("a used-up requests_per_day quota is QUOTA_EXCEEDED (429) with Retry-After", List.of("TOK-10", "ENF-3", "ENF-4"), bed -> {
            String sub = "quota-crawler-" + mark();
            String token = bed.license(x -> x.put("sub", sub).putObject("quota").put("requests_per_day", 2));
            served(fetch(bed, token));
            served(fetch(bed, token));
            HttpExchange.Response r = fetch(bed, token);
            denied(r, "QUOTA_EXCEEDED");
            that(r.header("Retry-After").orElse("").matches("\\d+"), "a quota denial carries Retry-After in seconds; got " + r.header("Retry-After"));
        }));
        c.add(new Check("a quota is the licensee's, not the license's: a second license of the licensee gets no second quota", List.of("TOK-10"), bed -> {
            String sub = "quota-crawler-" + mark();
            String first = bed.license(x -> x.put("sub", sub).putObject("quota").put("requests_per_day", 2));
            String second = bed.license(x -> x.put("sub", sub).putObject("quota").put("requests_per_day", 2));
            served(fetch(bed, first));
            served(fetch(bed, second));
            denied(fetch(bed, second), "QUOTA_EXCEEDED");
            denied(fetch(bed, first), "QUOTA_EXCEEDED");
        }));
        c.add(new Check("of two live licenses of one licensee with different quotas, the smaller applies", List.of("TOK-10"), bed -> {
            String sub = "quota-crawler-" + mark();
            String big = bed.license(x -> x.put("sub", sub).putObject("quota").put("requests_per_day", 5));
            String small = bed.license(x -> x.put("sub", sub).putObject("quota").put("requests_per_day", 1));
            served(fetch(bed, big));
            denied(fetch(bed, small), "QUOTA_EXCEEDED");
            denied(fetch(bed, big), "QUOTA_EXCEEDED");
        }));
        c.add(new Check("unknown claims are ignored", List.of("TOK-12"), bed ->
                served(fetch(bed, bed.license(x -> x.put("x_future_claim", "ignored").putObject("x_other").put("a", 1))))));
        return c;
    }
}
