package org.cb4i.sdk.crawler;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.RobotsTxt;

/**
 * The sites of a crawl, each learned once, on first use: its robots.txt for this crawler (RFC 9309: 4xx means no
 * rules; 5xx or unreachable means everything is disallowed), the RSL terms its {@code License:} line names (kept with
 * their SHA-256 for the manifest), the signature policy its cb4i discovery document states, and when it may be asked
 * next (politeness). Used by the crawler's one thread.
 */
final class Sites {
    /** What the crawler knows of one site. */
    static final class Host {
        final String origin;
        RobotsTxt.Selection robots;
        List<String> robotsLicenses = List.of();
        Optional<String> contentUsage = Optional.empty();
        /** The RSL terms robots.txt names, as fetched: {@code url} and {@code sha256}. */
        Optional<Map<String, String>> terms = Optional.empty();
        SignaturePolicy policy = SignaturePolicy.REUSABLE;
        Instant nextAllowed = Instant.EPOCH;

        Host(String origin) {
            this.origin = origin;
        }
    }

    private final Crawler.Settings s;
    private final HttpClient http;
    private final Map<String, Host> hosts = new HashMap<>();

    Sites(Crawler.Settings s, HttpClient http) {
        this.s = s;
        this.http = http;
    }

    /** The site of {@code url} if it is known already. */
    Host known(URI url) {
        return hosts.get(Crawler.origin(url));
    }

    /** Every site met (in no particular order). */
    Collection<Host> all() {
        return hosts.values();
    }

    /** The site of {@code url}, learned on first use (robots.txt, the terms it names, discovery). */
    Host get(URI url) throws IOException {
        String origin = Crawler.origin(url);
        Host h = hosts.get(origin);
        if (h != null) {
            return h;
        }
        h = new Host(origin);
        hosts.put(origin, h);
        // robots.txt (RFC 9309): 4xx means no rules; 5xx or unreachable means assume everything is disallowed.
        Optional<HttpResponse<byte[]>> robots = plainGet(URI.create(origin + "/robots.txt"), "text/plain");
        if (robots.isPresent() && robots.get().statusCode() == 200) {
            RobotsTxt r = RobotsTxt.parse(Crawler.limit(robots.get().body(), RobotsTxt.MAX_BYTES));
            h.robots = r.forAgent(Crawler.PRODUCT);
            h.robotsLicenses = h.robots.licenses().stream().map(URI::toString).toList();
            h.contentUsage = Optional.of(h.robots.signalsFor("/").toContentUsage()).filter(x -> !x.isEmpty());
        } else if (robots.isPresent() && robots.get().statusCode() >= 400 && robots.get().statusCode() < 500) {
            h.robots = RobotsTxt.empty().forAgent(Crawler.PRODUCT);
        } else {
            h.robots = RobotsTxt.parse("User-agent: *\nDisallow: /\n").forAgent(Crawler.PRODUCT);
        }
        if (!h.robotsLicenses.isEmpty()) {
            Host site = h;
            String termsUrl = h.robotsLicenses.get(0);
            try {
                plainGet(URI.create(termsUrl), "application/rsl+xml").filter(r -> r.statusCode() == 200 && r.body().length <= Crawler.MAX_TERMS_BYTES)
                        .ifPresent(r -> {
                            Map<String, String> t = new java.util.LinkedHashMap<>(); // a fixed order in the manifest
                            t.put("url", termsUrl);
                            t.put("sha256", Crawler.sha256Hex(r.body()));
                            site.terms = Optional.of(t);
                        });
            } catch (IllegalArgumentException e) {
                // an unusable License URL: nothing to record but the URL itself
            }
        }
        h.nextAllowed = s.clock().instant().plusNanos((long) (1e9 / s.rps()));
        Optional<HttpResponse<byte[]>> d = plainGet(URI.create(origin + "/.well-known/cb4i"), "application/json");
        if (d.isPresent() && d.get().statusCode() == 200) {
            try {
                JsonNode j = Json.readTree(d.get().body());
                if ("per-request".equals(j.path("signature_policy").asText())) {
                    h.policy = SignaturePolicy.PER_REQUEST;
                }
            } catch (IOException e) {
                // not cb4i discovery: reusable signatures
            }
        }
        return h;
    }

    private Optional<HttpResponse<byte[]>> plainGet(URI u, String accept) {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(15)).header("Accept", accept)
                    .header("User-Agent", Crawler.PRODUCT + "/0.1").GET().build(), HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
