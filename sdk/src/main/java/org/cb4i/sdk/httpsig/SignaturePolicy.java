package org.cb4i.sdk.httpsig;

import java.util.List;

/**
 * How much of a request a crawler's signature must cover ([POP-3]).
 *
 * <ul>
 *   <li>{@link #REUSABLE}: {@code @authority} only, the Web Bot Auth default; the crawler may reuse one
 *       signature for every request to a site until it expires, and the proxy verifies it once.</li>
 *   <li>{@link #PER_REQUEST}: also {@code @method} and {@code @target-uri}; every fetch then carries the
 *       crawler's own non-repudiable statement of what it fetched, at the cost of one verification a request.</li>
 * </ul>
 */
public enum SignaturePolicy {
    REUSABLE("reusable", List.of("@authority")),
    PER_REQUEST("per-request", List.of("@authority", "@method", "@target-uri"));

    private final String token;
    private final List<String> required;

    SignaturePolicy(String token, List<String> required) {
        this.token = token;
        this.required = required;
    }

    /** The spelling used in configs and {@code /.well-known/cb4i}: {@code reusable} or {@code per-request}. */
    public String token() {
        return token;
    }

    /** The components a signature must cover under this policy. */
    public List<String> requiredComponents() {
        return required;
    }

    public static java.util.Optional<SignaturePolicy> parse(String token) {
        for (SignaturePolicy p : values()) {
            if (p.token.equals(token)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }
}
