package org.cb4i.conformance.blackbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The assertions the checks share, with messages that say what the spec wants and what came back. */
public final class Expect {
    private Expect() {}

    /** A reason of the registry (SPEC.md §0.4, {@code reasons.json}): its HTTP status and RSL CAP error value. */
    public record ReasonCode(String code, int status, Optional<String> authError) {}

    private static final Map<String, ReasonCode> REGISTRY = registry();

    private static Map<String, ReasonCode> registry() {
        try (InputStream in = Expect.class.getResourceAsStream("/org/cb4i/spec/reasons.json")) {
            Map<String, ReasonCode> m = new HashMap<>();
            for (JsonNode r : Testbed.JSON.readTree(in).get("reasons")) {
                String err = r.path("authError").asText("-");
                m.put(r.get("code").asText(), new ReasonCode(r.get("code").asText(), r.get("httpStatus").asInt(),
                        err.equals("-") || err.isEmpty() ? Optional.empty() : Optional.of(err)));
            }
            return Map.copyOf(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ReasonCode reason(String code) {
        ReasonCode r = REGISTRY.get(code);
        if (r == null) {
            throw new IllegalArgumentException("not in the reason registry: " + code);
        }
        return r;
    }

    public static void that(boolean ok, String message) {
        if (!ok) {
            throw new Unmet(message);
        }
    }

    /** As {@link #that(boolean, String)}, with a message built only on failure. */
    public static void that(boolean ok, java.util.function.Supplier<String> message) {
        if (!ok) {
            throw new Unmet(message.get());
        }
    }

    /** The origin's article, served as it is. */
    public static void served(HttpExchange.Response r) {
        that(r.status() == 200, "expected 200 with the origin's content; got " + r);
        that(Arrays.equals(r.body(), Testbed.ORIGIN_BODY), "expected the origin's content byte for byte; got " + r.body().length + " bytes: " + r);
    }

    /**
     * A denial as [ENF-4] writes it: the registry's status, {@code WWW-Authenticate: License error="…"} when the
     * reason has one, an RFC 9457 problem with {@code type urn:cb4i:reason:CODE}, {@code title}, {@code status},
     * {@code reason} and {@code detail}, {@code Link rel="license"} and {@code Cache-Control: no-store}.
     */
    public static JsonNode denied(HttpExchange.Response r, String code) {
        ReasonCode want = reason(code);
        that(r.status() == want.status(), "expected " + want.status() + " " + code + "; got " + r);
        JsonNode p = problem(r);
        that(code.equals(p.path("reason").asText()), "expected reason " + code + " in the problem body; got " + r);
        that(("urn:cb4i:reason:" + code).equals(p.path("type").asText()), "expected type urn:cb4i:reason:" + code + "; got " + p.path("type"));
        that(p.path("title").isTextual(), "the problem has no title: " + p);
        that(p.path("status").asInt() == want.status(), "the problem's status member is not " + want.status() + ": " + p);
        that(p.path("detail").isTextual(), "the problem has no detail: " + p);
        that(r.header("Link").orElse("").contains("rel=\"license\""), "a denial carries Link rel=\"license\"; got Link " + r.header("Link"));
        that(r.header("Cache-Control").orElse("").contains("no-store"), "a denial is never cacheable (Cache-Control: no-store); got " + r.header("Cache-Control"));
        String auth = r.header("WWW-Authenticate").orElse("");
        want.authError().ifPresent(err -> that(auth.matches("(?i)^License\\b.*") && auth.contains("error=\"" + err + "\""),
                "expected WWW-Authenticate: License error=\"" + err + "\"; got " + (auth.isEmpty() ? "none" : auth)));
        return p;
    }

    /** The response's problem+json body. */
    public static JsonNode problem(HttpExchange.Response r) {
        String type = r.header("Content-Type").orElse("");
        that(type.startsWith("application/problem+json"), "expected Content-Type application/problem+json; got " + (type.isEmpty() ? "none" : type) + ": " + r);
        try {
            return Testbed.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Unmet("the problem body is not JSON: " + r);
        }
    }

    /** A refusal by status alone (framing limits answered before any application code may run). */
    public static void status(HttpExchange.Response r, int status) {
        that(r.status() == status, "expected " + status + "; got " + r);
    }

    /** The origin never saw a request whose path contains {@code marker}. */
    public static void notForwarded(Testbed bed, String marker) {
        var seen = bed.originSaw(marker);
        that(seen.isEmpty(), () -> "the request was forwarded to the origin: " + seen.get(0).getUrl());
    }
}
