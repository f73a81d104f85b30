package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.denied;
import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Profile;
import org.cb4i.conformance.blackbox.Testbed;

/**
 * SPEC.md §16, member consent: the suite's collective serves the member's consent document (the profile's opt-out: a
 * usage, an agreement, works by path), and the proxy must ask for it with the member's key, enforce it, take changes
 * within its ttl, never go back to an older version, and fail closed when it has none it may use.
 */
public final class ConsentChecks {
    private ConsentChecks() {}

    static HttpExchange.Response fetch(Testbed bed, String path, String token) throws Exception {
        return bed.send(bed.licensedGet(path, token, bed.crawler));
    }

    /** Repeats a licensed fetch of {@code path} until it answers {@code status}, or {@code within} passes; returns the last answer. */
    static HttpExchange.Response until(Testbed bed, String path, int status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpExchange.Response r;
        do {
            r = fetch(bed, path, bed.license());
            if (r.status() == status) {
                return r;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return r;
    }

    /** Within one ttl and a little: how long the proxy may take to take a change ([CNS-4]). */
    static Duration withinTtl() {
        return Duration.ofSeconds(Profile.CONSENT_TTL_SECONDS + 3);
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("the proxy asks for the member's consent signed per request with the member's key, naming its publisher origin",
                List.of("CNS-4", "CNS-3"), bed -> {
                    List<LoggedRequest> asked = bed.consentRequests();
                    that(!asked.isEmpty(), "the proxy never asked " + bed.collectiveBase() + "/consent for the member's consent");
                    LoggedRequest r = asked.get(asked.size() - 1);
                    String origin = URLEncoder.encode(Profile.PUBLISHER, StandardCharsets.UTF_8);
                    that(r.getUrl().contains("origin=" + origin), "the request does not name the publisher (?origin=" + origin + "): " + r.getUrl());
                    String input = r.getHeader("Signature-Input");
                    that(input != null && r.getHeader("Signature") != null, "the request is not signed (no Signature-Input and Signature)");
                    that(input.contains("keyid=\"" + Testbed.memberKey().thumbprint() + "\""), "not signed with the member's key ("
                            + Testbed.memberKey().thumbprint() + "): " + input);
                    for (String comp : List.of("\"@method\"", "\"@target-uri\"", "\"@authority\"")) {
                        that(input.contains(comp), "the signature does not cover " + comp + ": " + input);
                    }
                }));
        c.add(new Check("works the member withheld by path are MEMBER_OPTED_OUT (403); its other works are served", List.of("CNS-2", "CNS-4", "ENF-4"),
                bed -> {
                    denied(fetch(bed, Profile.WITHHELD + mark(), bed.license()), "MEMBER_OPTED_OUT");
                    served(fetch(bed, "/licensed/" + mark(), bed.license()));
                }));
        c.add(new Check("a license under an agreement the member left is MEMBER_OPTED_OUT; under another agreement it is served",
                List.of("CNS-2", "CNS-4", "TOK-11"), bed -> {
                    String left = bed.license(x -> x.putObject("agreement").put("uri", Profile.LEFT_AGREEMENT).put("sha256", "ab".repeat(32)));
                    String other = bed.license(x -> x.putObject("agreement").put("uri", Profile.ISSUER_ID + "/agreements/current")
                            .put("sha256", "ab".repeat(32)));
                    denied(fetch(bed, "/licensed/" + mark(), left), "MEMBER_OPTED_OUT");
                    served(fetch(bed, "/licensed/" + mark(), other));
                }));
        c.add(new Check("usages nest both ways: a path that requires ai-all is refused to a member that opted ai-index out; ai-train is not",
                List.of("CNS-2", "CNS-4"), bed -> {
                    String aiAll = bed.license(x -> x.putArray("usages").add("ai-all"));
                    denied(fetch(bed, "/ai-all/" + mark(), aiAll), "MEMBER_OPTED_OUT");
                    served(fetch(bed, "/licensed/" + mark(), aiAll));
                }));
        c.add(new Check("a change of the member's consent is enforced within its ttl; an older version is never taken back", List.of("CNS-4", "CNS-1"),
                bed -> {
                    String changed = "/licensed/changed-" + mark() + "/";
                    long v = bed.serveConsent(Instant.now().plusSeconds(3 * 3600), changed);
                    try {
                        denied(until(bed, changed + "x", 403, withinTtl()), "MEMBER_OPTED_OUT");
                        // An older version (a replayed or stale copy) opting those works back in is not taken.
                        bed.serveConsentVersion(v - 1, Instant.now().plusSeconds(3 * 3600), null);
                        Instant served = Instant.now();
                        that(bed.awaitConsentFetch(served, withinTtl()), "the proxy did not ask for the member's consent again within its ttl");
                        Thread.sleep(Profile.CONSENT_TTL_SECONDS * 1000L + 500);
                        denied(fetch(bed, changed + "y", bed.license()), "MEMBER_OPTED_OUT");
                    } finally {
                        bed.serveConsent(Instant.now().plusSeconds(3 * 3600), null);
                    }
                    served(until(bed, changed + "z", 200, withinTtl()));
                }));
        c.add(new Check("without a consent document it may use, the proxy refuses licensed requests with CONSENT_UNAVAILABLE (503); open paths are served",
                List.of("CNS-5", "ENF-4"), bed -> {
                    bed.serveConsent(Instant.now().plusSeconds(4), null);
                    Instant now = Instant.now();
                    that(bed.awaitConsentFetch(now, withinTtl()), "the proxy did not ask for the member's consent again within its ttl");
                    bed.consentDown();
                    try {
                        HttpExchange.Response r = until(bed, "/licensed/" + mark(), 503, Duration.ofSeconds(10));
                        denied(r, "CONSENT_UNAVAILABLE");
                        served(bed.send(bed.crawlerGet("/open/" + mark())));
                    } finally {
                        bed.serveConsent(Instant.now().plusSeconds(3 * 3600), null);
                    }
                    served(until(bed, "/licensed/" + mark(), 200, Duration.ofSeconds(10)));
                }));
        c.add(new Check("a 402 lists the collective's open offers granting the path's usages, with their price; RSL prices the crawl",
                List.of("OFR-4", "ENF-2"), bed -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    com.fasterxml.jackson.databind.JsonNode offers;
                    do {
                        HttpExchange.Response r = bed.send(bed.crawlerGet("/licensed/" + mark()));
                        that(r.status() == 402, "an AI crawler without a license is not answered 402: " + r);
                        offers = Testbed.JSON.readTree(r.text()).path("offer").path("offers");
                        if (!offers.isEmpty()) {
                            break;
                        }
                        Thread.sleep(250);
                    } while (System.nanoTime() < deadline);
                    that(offers.size() == 1 && Profile.OFFER_ID.equals(offers.get(0).path("id").asText()), "the 402 offer does not list "
                            + Profile.OFFER_ID + " (served at " + bed.collectiveBase() + "/offers) within 15 s: " + offers);
                    that(Profile.OFFER_PER_REQUEST.equals(offers.get(0).path("price").path("per_request").asText())
                            && "EUR".equals(offers.get(0).path("price").path("currency").asText()), "the listed offer does not carry its price: " + offers);
                    that(offers.get(0).path("accept").asText().endsWith("/offers/" + Profile.OFFER_ID + "/accept"), "the listed offer does not say where "
                            + "to accept it: " + offers);
                    HttpExchange.Response search = bed.send(bed.crawlerGet("/search/" + mark()));
                    that(Testbed.JSON.readTree(search.text()).path("offer").path("offers").isEmpty(), "an offer of ai-train is listed for a path "
                            + "that requires search: " + search.text());
                    HttpExchange.Response rsl = bed.send(bed.crawlerGet("/license.xml"));
                    that(rsl.text().contains("<amount currency=\"EUR\">" + Profile.OFFER_PER_REQUEST + "</amount>"), "license.xml does not price a "
                            + "crawl at the offer's " + Profile.OFFER_PER_REQUEST + " EUR");
                }));
        c.add(new Check("a LICENSE_SUSPENDED answer links the collective's notices", List.of("NTC-3"), bed -> {
            String token = bed.license(x -> ((com.fasterxml.jackson.databind.node.ObjectNode) x.get("status").get("status_list")).put("idx", 8)
                    .put("uri", bed.mainStatusList));
            com.fasterxml.jackson.databind.JsonNode p = denied(fetch(bed, "/licensed/" + mark(), token), "LICENSE_SUSPENDED");
            that((bed.collectiveBase() + "/notices").equals(p.path("notices").asText()), "the problem does not link " + bed.collectiveBase()
                    + "/notices: " + p);
        }));
        return c;
    }
}
