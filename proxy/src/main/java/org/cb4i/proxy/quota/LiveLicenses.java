package org.cb4i.proxy.quota;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.Quota;

/**
 * The licenses of each {@link QuotaKey} this proxy has been shown and that are still live, so that when a licensee
 * holds two with different quotas the smaller applies ([TOK-10]). A license is live until its {@code exp}, and until
 * the status list says otherwise: a renewal that revokes the license it supersedes lifts that license's limits as
 * soon as the revocation is in the list the proxy holds. Each instance knows the licenses shown to it (a proxy cannot
 * list a licensee's licenses); behind a load balancer every instance soon sees each one in use. Thread-safe.
 */
public final class LiveLicenses {
    /** Licenses kept per key: more live licenses of one licensee and agreement than this are not expected. */
    static final int PER_KEY = 32;

    private final Cache<QuotaKey, Map<String, LicenseClaims>> byKey = Caffeine.newBuilder().maximumSize(1_000_000)
            .expireAfterAccess(Duration.ofDays(2)).build();

    /**
     * Notes {@code presented} under its key and returns the quota that applies to the request: the presented
     * license's, made smaller by that of every other license of the key still live.
     *
     * @param live whether a license other than the presented one may still be used (its status as held; a license
     *     whose status is not held counts as live)
     */
    public Quota effective(QuotaKey key, LicenseClaims presented, Instant now, Predicate<LicenseClaims> live) {
        Map<String, LicenseClaims> held = byKey.get(key, k -> new HashMap<>());
        synchronized (held) {
            held.put(presented.id(), presented);
            held.values().removeIf(c -> !c.expiresAt().isAfter(now) || c != presented && !live.test(c));
            while (held.size() > PER_KEY) {
                held.values().stream().filter(c -> c != presented).min(Comparator.comparing(LicenseClaims::expiresAt))
                        .ifPresent(c -> held.remove(c.id()));
            }
            Quota q = presented.quota();
            if (held.size() > 1) {
                for (LicenseClaims c : held.values()) {
                    q = q.and(c.quota());
                }
            }
            return q;
        }
    }
}
