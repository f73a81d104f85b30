package org.cb4i.proxy.quota;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import org.cb4i.sdk.token.Quota;

/**
 * Quota counters in this process's memory ({@code quota.store: local}, the default): exact for one instance; behind a
 * load balancer each instance grants the whole quota. Bounded in number of keys. Thread-safe.
 */
public final class LocalQuotaStore implements QuotaStore {
    private static final class Counter {
        double tokens = -1;
        long lastNanos;
        Instant day = Instant.EPOCH;
        long requests;
        long bytes;
    }

    private final Clock clock;
    private final Cache<QuotaKey, Counter> counters = Caffeine.newBuilder().maximumSize(1_000_000).expireAfterAccess(Duration.ofDays(2)).build();

    public LocalQuotaStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Future<OptionalLong> acquire(QuotaKey key, Quota quota) {
        return Future.succeededFuture(take(key, quota));
    }

    /** {@link #acquire}, answered at once. */
    public OptionalLong take(QuotaKey key, Quota quota) {
        if (quota.isEmpty()) {
            return OptionalLong.empty();
        }
        Counter c = counters.get(key, k -> new Counter());
        synchronized (c) {
            Instant now = clock.instant();
            rollDay(c, now);
            if (quota.bytesPerDay().isPresent() && c.bytes >= quota.bytesPerDay().getAsLong()) {
                return OptionalLong.of(secondsToMidnight(now));
            }
            if (quota.requestsPerDay().isPresent() && c.requests >= quota.requestsPerDay().getAsLong()) {
                return OptionalLong.of(secondsToMidnight(now));
            }
            if (quota.rps().isPresent()) {
                double rate = quota.rps().getAsDouble();
                double burst = Math.max(1, rate);
                long nanos = System.nanoTime();
                if (c.tokens < 0) {
                    c.tokens = burst;
                } else {
                    c.tokens = Math.min(burst, c.tokens + (nanos - c.lastNanos) / 1e9 * rate);
                }
                c.lastNanos = nanos;
                if (c.tokens < 1) {
                    return OptionalLong.of(Math.max(1, (long) Math.ceil((1 - c.tokens) / rate)));
                }
                c.tokens -= 1;
            }
            c.requests++;
            return OptionalLong.empty();
        }
    }

    @Override
    public void addBytes(QuotaKey key, Quota quota, long bytes) {
        if (quota.bytesPerDay().isEmpty()) {
            return;
        }
        Counter c = counters.get(key, k -> new Counter());
        synchronized (c) {
            rollDay(c, clock.instant());
            c.bytes += bytes;
        }
    }

    private static void rollDay(Counter c, Instant now) {
        Instant day = now.truncatedTo(ChronoUnit.DAYS);
        if (!day.equals(c.day)) {
            c.day = day;
            c.requests = 0;
            c.bytes = 0;
        }
    }

    /** Seconds until the next UTC day, when daily counters start again (at least 1). */
    static long secondsToMidnight(Instant now) {
        return Math.max(1, Duration.between(now, now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1))).toSeconds());
    }
}
