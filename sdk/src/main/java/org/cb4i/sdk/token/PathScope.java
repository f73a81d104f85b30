package org.cb4i.sdk.token;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.terms.PathPattern;

/**
 * One entry of a license's {@code paths} claim ([TOK-9]): for {@code origin} (or every member site when
 * absent), the RFC 9309 patterns a licensee may and may not fetch.
 *
 * @param origin a lowercase {@code scheme://host[:port]} with no path, or empty for every member
 * @param allow patterns granted; at least one
 * @param disallow patterns carved out of the grant
 */
public record PathScope(Optional<String> origin, List<PathPattern> allow, List<PathPattern> disallow) {
    public PathScope {
        Objects.requireNonNull(origin, "origin");
        origin = origin.map(PathScope::normaliseOrigin);
        allow = List.copyOf(allow);
        disallow = List.copyOf(disallow);
        if (allow.isEmpty()) {
            throw new IllegalArgumentException("a paths entry must allow at least one pattern");
        }
    }

    /**
     * Normalises an origin to lowercase {@code scheme://host[:port]}, dropping a default port.
     *
     * @throws IllegalArgumentException when it is not an http(s) origin (has a path, query, user info, …)
     */
    public static String normaliseOrigin(String origin) {
        String known = NORMALISED.getIfPresent(origin);
        if (known != null) {
            return known;
        }
        String n = parseOrigin(origin);
        NORMALISED.put(origin, n);
        return n;
    }

    /**
     * Origins already normalised: a verifier or a proxy meets the same few thousand origins millions of times. Only
     * successes are kept; bounded.
     */
    private static final com.github.benmanes.caffeine.cache.Cache<String, String> NORMALISED =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    private static String parseOrigin(String origin) {
        URI u;
        try {
            u = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not an origin: \"" + origin + "\"");
        }
        String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme) && !"http".equals(scheme) || u.getHost() == null || u.getRawUserInfo() != null
                || (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
                || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("not an origin (scheme://host[:port], http or https, nothing after): \"" + origin + "\"");
        }
        int port = u.getPort();
        boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** The entry as the JSON members of a {@code paths} claim. */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> e = new java.util.LinkedHashMap<>();
        origin.ifPresent(o -> e.put("origin", o));
        e.put("allow", allow.stream().map(PathPattern::pattern).toList());
        if (!disallow.isEmpty()) {
            e.put("disallow", disallow.stream().map(PathPattern::pattern).toList());
        }
        return e;
    }

    /** Whether this entry applies to {@code origin} (already normalised). */
    boolean appliesTo(String normalisedOrigin) {
        return origin.isEmpty() || origin.get().equals(normalisedOrigin);
    }
}
