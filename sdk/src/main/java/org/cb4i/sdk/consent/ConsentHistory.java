package org.cb4i.sdk.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Agreement;

/**
 * A member's consent over time, as the collective kept it ([CNS-6]): which opt-outs were in force at a moment, and so
 * whether an entry a proxy served at that moment was opted out ([CNS-8]) — served in the window before the member's
 * proxies took the change, or by a proxy that does not enforce consent.
 */
public final class ConsentHistory {
    /** One version: in force from {@code from} until the next one. */
    public record Version(Instant from, OptOut optOut) {}

    private final List<Version> versions;

    public ConsentHistory(List<Version> versions) {
        List<Version> sorted = new ArrayList<>(versions);
        sorted.sort(Comparator.comparing(Version::from));
        this.versions = List.copyOf(sorted);
    }

    /** The opt-outs in force at {@code at}: the latest version from at or before it; none before the first. */
    public OptOut inForce(Instant at) {
        OptOut o = OptOut.NONE;
        for (Version v : versions) {
            if (v.from().isAfter(at)) {
                break;
            }
            o = v.optOut();
        }
        return o;
    }

    /**
     * Whether a request for {@code usage} under {@code agreement} at {@code pathAndQuery}, made at {@code at}, was
     * opted out then ([CNS-2] with the version in force). Path opt-outs are judged only when the path is known.
     */
    public boolean optedOut(Instant at, Usage usage, Optional<Agreement> agreement, Optional<String> pathAndQuery) {
        OptOut o = inForce(at);
        if (o.isEmpty()) {
            return false;
        }
        OptOut judged = pathAndQuery.isPresent() ? o : new OptOut(o.usageTokens(), o.agreements(), List.of());
        return judged.refuses(List.of(usage), agreement, pathAndQuery.orElse("")).isPresent();
    }
}
