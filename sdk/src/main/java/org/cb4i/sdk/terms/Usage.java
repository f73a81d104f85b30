package org.cb4i.sdk.terms;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The one usage vocabulary of cb4i: RSL 1.0's usage tokens ([VOC-1]). Other vocabularies (IETF AIPREF,
 * Cloudflare Content Signals, TDMRep) are mapped onto it by {@link UsageSignals}.
 *
 * <p>Usages nest: {@code all} covers every automated use, {@code ai-all} covers every AI use
 * ({@code ai-train}, {@code ai-input}, {@code ai-index}); {@code search} is not an AI use ([VOC-2]).
 */
public enum Usage {
    ALL("all"),
    AI_ALL("ai-all"),
    AI_TRAIN("ai-train"),
    AI_INPUT("ai-input"),
    AI_INDEX("ai-index"),
    SEARCH("search");

    private final String token;

    Usage(String token) {
        this.token = token;
    }

    /** The wire token, e.g. {@code ai-train}. */
    public String token() {
        return token;
    }

    /** Parses a wire token (exact, lowercase); empty for an unknown token. */
    public static Optional<Usage> parse(String token) {
        for (Usage u : values()) {
            if (u.token.equals(token)) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    /** Whether permission for {@code this} includes permission for {@code other} ([VOC-2]). */
    public boolean implies(Usage other) {
        if (this == other || this == ALL) {
            return true;
        }
        return this == AI_ALL && (other == AI_TRAIN || other == AI_INPUT || other == AI_INDEX);
    }

    /** Whether {@code this} and {@code other} share a use: one covers the other ([VOC-2]). */
    public boolean overlaps(Usage other) {
        return implies(other) || other.implies(this);
    }

    /** Whether {@code this} overlaps any of {@code usages}. */
    public boolean overlapsAny(Collection<Usage> usages) {
        for (Usage u : usages) {
            if (overlaps(u)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The narrowest usages, which nothing but {@code all} and {@code ai-all} covers: the ones a collective suspends one
     * at a time ([STS-9]), in [VOC-1]'s order.
     */
    public static final Set<Usage> NARROWEST = java.util.Collections.unmodifiableSet(EnumSet.of(AI_TRAIN, AI_INPUT, AI_INDEX, SEARCH));

    /** Whether any usage in {@code granted} implies {@code needed}. */
    public static boolean anyImplies(Collection<Usage> granted, Usage needed) {
        for (Usage g : granted) {
            if (g.implies(needed)) {
                return true;
            }
        }
        return false;
    }

    /** The usages {@code this} implies, itself included. */
    public Set<Usage> covered() {
        EnumSet<Usage> s = EnumSet.noneOf(Usage.class);
        for (Usage u : values()) {
            if (implies(u)) {
                s.add(u);
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return token;
    }
}
