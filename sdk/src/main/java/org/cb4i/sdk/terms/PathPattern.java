package org.cb4i.sdk.terms;

import java.util.Objects;

/**
 * An RFC 9309 path pattern: a path prefix where {@code *} matches any run of characters and a final {@code $}
 * anchors the end ([VOC-5]). Used by robots.txt rules, license {@code paths}, RSL {@code <content url>}, TDMRep
 * {@code location} and the proxy's policy, so one matching algorithm serves them all.
 *
 * <p>Matching is on the path and query as sent (percent-encoded octets compared as written, except that
 * RFC 9309 §2.2.2 says patterns and paths are compared after percent-encoding unreserved characters
 * identically; cb4i compares the canonical forms its callers pass). The {@linkplain #specificity() specificity}
 * of a pattern is its length in octets, which decides the longest match.
 */
public final class PathPattern {
    private final String pattern;
    private final boolean anchored;
    private final String body;

    private PathPattern(String pattern) {
        this.pattern = pattern;
        this.anchored = pattern.endsWith("$");
        this.body = anchored ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException when it is empty or does not start with {@code /} or {@code *}
     */
    /** What patterns are matched against ([VOC-5]): a URL's path ("/" when empty) and query, as written. */
    public static String pathAndQuery(java.net.URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    public static PathPattern of(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty() || !(pattern.startsWith("/") || pattern.startsWith("*"))) {
            throw new IllegalArgumentException("a path pattern must start with \"/\" or \"*\": \"" + pattern + "\"");
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("a path pattern may not contain white space or control characters: \"" + pattern + "\"");
            }
        }
        return new PathPattern(pattern);
    }

    /** Whether {@code path} (starting with {@code /}, query included if any) matches. */
    public boolean matches(String path) {
        return match(body, 0, path, 0);
    }

    /** The length used to choose the longest match among several matching patterns. */
    public int specificity() {
        return pattern.length();
    }

    /** The pattern as written. */
    public String pattern() {
        return pattern;
    }

    // Iterative wildcard match with single backtrack point: linear in practice, never exponential.
    private boolean match(String p, int pi, String s, int si) {
        int starP = -1;
        int starS = -1;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                starP = pi++;
                starS = si;
            } else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
                pi++;
                si++;
            } else if (pi >= p.length() && !anchored) {
                return true; // prefix match: the rest of the path is free
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathPattern p && p.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
