package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.denied;
import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Testbed;

/** SPEC.md §6, revocation and suspension through status lists served by the suite's collective. */
public final class StatusChecks {
    private StatusChecks() {}

    /** A license naming index {@code idx} of the list at {@code uri}. */
    static String licenseAt(Testbed bed, String uri, long idx) {
        return bed.license(c -> ((ObjectNode) c.get("status").get("status_list")).put("idx", idx).put("uri", uri));
    }

    static HttpExchange.Response fetch(Testbed bed, String token) throws Exception {
        return bed.send(bed.licensedGet("/licensed/" + mark(), token, bed.crawler));
    }

    /** Repeats a licensed fetch until {@code reason} comes back or {@code within} passes. */
    static void eventually(Testbed bed, String token, String reason, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpExchange.Response r;
        do {
            r = fetch(bed, token);
            if (r.status() != 200) {
                break;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        denied(r, reason);
    }

    static final int[] ALL_VALID = new int[16];

    /**
     * A list that must not be used: a 503 denial, MALFORMED_STATUS_LIST ([STS-3]) or STATUS_UNAVAILABLE ([STS-6]),
     * both fail closed; which one is the implementation's choice.
     */
    static void refusedList(HttpExchange.Response r) {
        that(r.status() == 503, "expected 503 for a status list that must not be used; got " + r);
        denied(r, r.text().contains("\"MALFORMED_STATUS_LIST\"") ? "MALFORMED_STATUS_LIST" : "STATUS_UNAVAILABLE");
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("a license at a VALID index is served", List.of("STS-2"), bed -> served(fetch(bed, licenseAt(bed, bed.mainStatusList, 0)))));
        c.add(new Check("status 0x01 is LICENSE_REVOKED (401 invalid_token)", List.of("STS-2", "ENF-3", "ENF-4"), bed ->
                denied(fetch(bed, licenseAt(bed, bed.mainStatusList, 7)), "LICENSE_REVOKED")));
        c.add(new Check("status 0x02 is LICENSE_SUSPENDED (401 invalid_token)", List.of("STS-2", "ENF-4"), bed ->
                denied(fetch(bed, licenseAt(bed, bed.mainStatusList, 8)), "LICENSE_SUSPENDED")));
        c.add(new Check("status 0x03 is PAYMENT_OVERDUE (401 invalid_token)", List.of("STS-2", "ENF-4"), bed ->
                denied(fetch(bed, licenseAt(bed, bed.mainStatusList, 9)), "PAYMENT_OVERDUE")));
        c.add(new Check("an index beyond the list is treated as revoked", List.of("STS-2", "ENF-4"), bed ->
                denied(fetch(bed, licenseAt(bed, bed.mainStatusList, 100_000)), "LICENSE_REVOKED")));
        c.add(new Check("a usage struck alone (usage_status) is refused 401 LICENSE_SUSPENDED; the license's other usage is served",
                List.of("STS-9", "ENF-4"), bed -> {
                    String name = "usage-" + mark();
                    int[] values = new int[16];
                    values[1] = 2; // ai-train SUSPENDED; the license (0) and search (2) VALID
                    bed.statusList(name, values, Duration.ofSeconds(300), Instant.now().plusSeconds(3600), Instant.now());
                    String uri = bed.statusUri(name);
                    String token = bed.license(x -> {
                        x.putArray("usages").add("ai-train").add("search");
                        ((ObjectNode) x.get("status").get("status_list")).put("idx", 0).put("uri", uri);
                        ObjectNode us = x.putObject("usage_status");
                        us.putObject("ai-train").putObject("status_list").put("idx", 1).put("uri", uri);
                        us.putObject("search").putObject("status_list").put("idx", 2).put("uri", uri);
                    });
                    denied(fetch(bed, token), "LICENSE_SUSPENDED");
                    served(bed.send(bed.licensedGet("/search/" + mark(), token, bed.crawler)));
                }));
        c.add(new Check("a status reference with a negative idx or a relative uri is INVALID_CLAIM", List.of("STS-1", "TOK-4", "ENF-4"), bed -> {
            denied(fetch(bed, licenseAt(bed, bed.mainStatusList, -1)), "INVALID_CLAIM");
            denied(fetch(bed, licenseAt(bed, "/status/main", 0)), "INVALID_CLAIM");
        }));
        c.add(new Check("a list with bytes after the zlib stream is refused: 503, never read as VALID", List.of("STS-3", "ENF-4"), bed -> {
            String name = "trailing-" + mark();
            byte[] z = Testbed.zlib(new byte[4]);
            byte[] bad = java.util.Arrays.copyOf(z, z.length + 2);
            bed.serveStatusToken(name, bed.statusToken(bed.statusUri(name), 2, Base64.getUrlEncoder().withoutPadding().encodeToString(bad),
                    Duration.ofSeconds(300), Instant.now().plusSeconds(3600), Instant.now(), bed.issuerKey(), "statuslist+jwt"));
            refusedList(fetch(bed, licenseAt(bed, bed.statusUri(name), 0)));
        }));
        c.add(new Check("a list with bits=3 is refused: 503", List.of("STS-3", "ENF-4"), bed -> {
            String name = "bits3-" + mark();
            bed.serveStatusToken(name, bed.statusToken(bed.statusUri(name), 3, Base64.getUrlEncoder().withoutPadding().encodeToString(Testbed.zlib(new byte[4])),
                    Duration.ofSeconds(300), Instant.now().plusSeconds(3600), Instant.now(), bed.issuerKey(), "statuslist+jwt"));
            refusedList(fetch(bed, licenseAt(bed, bed.statusUri(name), 0)));
        }));
        c.add(new Check("a list whose sub is not the URI it was fetched from, of another typ, or signed by another key is not used: 503",
                List.of("STS-4", "ENF-4"), bed -> {
                    String lst = Base64.getUrlEncoder().withoutPadding().encodeToString(Testbed.zlib(new byte[4]));
                    Instant exp = Instant.now().plusSeconds(3600);
                    String a = "sub-" + mark();
                    bed.serveStatusToken(a, bed.statusToken(bed.statusUri("elsewhere"), 2, lst, Duration.ofSeconds(300), exp, Instant.now(), bed.issuerKey(), "statuslist+jwt"));
                    String b = "typ-" + mark();
                    bed.serveStatusToken(b, bed.statusToken(bed.statusUri(b), 2, lst, Duration.ofSeconds(300), exp, Instant.now(), bed.issuerKey(), "license+jwt"));
                    String k = "key-" + mark();
                    bed.serveStatusToken(k, bed.statusToken(bed.statusUri(k), 2, lst, Duration.ofSeconds(300), exp, Instant.now(), bed.otherCrawler, "statuslist+jwt"));
                    for (String name : List.of(a, b, k)) {
                        refusedList(fetch(bed, licenseAt(bed, bed.statusUri(name), 0)));
                    }
                }));
        c.add(new Check("a list is fetched with Accept: application/statuslist+jwt", List.of("STS-4"), bed -> {
            String name = "accept-" + mark();
            bed.statusList(name, ALL_VALID, Duration.ofSeconds(300), Instant.now().plusSeconds(3600), Instant.now());
            served(fetch(bed, licenseAt(bed, bed.statusUri(name), 0)));
            var seen = bed.statusFetches(name);
            that(!seen.isEmpty(), "the proxy never fetched the status list");
            String accept = seen.get(0).getHeader("Accept");
            that(accept != null && accept.contains("application/statuslist+jwt"), "expected Accept: application/statuslist+jwt; got " + accept);
        }));
        c.add(new Check("a list is refreshed every ttl, and never replaced by one with an earlier iat", List.of("STS-5"), bed -> {
            String name = "refresh-" + mark();
            Instant t0 = Instant.now();
            bed.statusList(name, ALL_VALID, Duration.ofSeconds(1), t0.plusSeconds(3600), t0);
            String token = licenseAt(bed, bed.statusUri(name), 3);
            served(fetch(bed, token));
            int[] revoked = new int[16];
            revoked[3] = 1;
            bed.statusList(name, revoked, Duration.ofSeconds(1), t0.plusSeconds(3600), t0.minusSeconds(100));
            long until = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < until) {
                served(fetch(bed, token));
                Thread.sleep(300);
            }
            that(bed.statusFetches(name).size() >= 2, "the list (ttl 1 s) was not fetched again within 3 s");
            bed.statusList(name, revoked, Duration.ofSeconds(1), t0.plusSeconds(3600), t0.plusSeconds(1));
            eventually(bed, token, "LICENSE_REVOKED", Duration.ofSeconds(5));
        }));
        c.add(new Check("an unreachable issuer: the last good list is used until its exp, then STATUS_UNAVAILABLE (503)", List.of("STS-6", "ENF-4"), bed -> {
            String name = "down-" + mark();
            Instant exp = Instant.now().plusSeconds(4);
            bed.statusList(name, ALL_VALID, Duration.ofSeconds(1), exp, Instant.now());
            String token = licenseAt(bed, bed.statusUri(name), 0);
            served(fetch(bed, token));
            bed.failStatusList(name);
            Thread.sleep(1500);
            served(fetch(bed, token));
            Thread.sleep(Math.max(0, exp.toEpochMilli() - System.currentTimeMillis()) + 1200);
            denied(fetch(bed, token), "STATUS_UNAVAILABLE");
        }));
        c.add(new Check("a list served already expired is not used: STATUS_UNAVAILABLE (503)", List.of("STS-6", "ENF-4"), bed -> {
            String name = "expired-" + mark();
            bed.statusList(name, ALL_VALID, Duration.ofSeconds(300), Instant.now().minusSeconds(120), Instant.now().minusSeconds(3600));
            denied(fetch(bed, licenseAt(bed, bed.statusUri(name), 0)), "STATUS_UNAVAILABLE");
        }));
        return c;
    }
}
