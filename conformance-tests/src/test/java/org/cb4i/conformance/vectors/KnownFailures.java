package org.cb4i.conformance.vectors;

import java.util.Set;

/**
 * Vectors our implementation is known to fail, as {@code file#tcId}. Each entry must keep failing: when one
 * starts passing the suite fails too, so the list cannot silently go stale. Empty today.
 */
final class KnownFailures {
    static final Set<String> IDS = Set.of();

    private KnownFailures() {}
}
