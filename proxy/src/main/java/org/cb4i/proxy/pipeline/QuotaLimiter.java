package org.cb4i.proxy.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import org.cb4i.sdk.token.Quota;

/**
 * A license's quota on this site ([TOK-10]): a token bucket for {@code rps} (burst of one second), and counters
 * of requests and bytes per UTC day. Counters are per license ({@code jti}), bounded in number, and kept in
 * memory: one proxy instance enforces its own share (a cluster would share them through Redis; not built).
 * Thread-safe.
 */
public final class QuotaLimiter {
    private static final class Counter {
        double tokens = -1;
        long lastNanos;
        Instant day = Instant.EPOCH;
        long requests;
        long bytes;
    }

    private final Clock clock;
    private final Cache<String, Counter> counters = Caffeine.newBuilder().maximumSize(1_000_000).expireAfterAccess(Duration.ofDays(2)).build();

    public QuotaLimiter(Clock clock) {
        this.clock = clock;
    }

    /**
     * Takes one request from the license's quota.
     *
     * @return empty when the request may go ahead, else how many seconds to wait ({@code Retry-After})
     */
    public OptionalLong acquire(String jti, Quota quota) {
        if (quota.isEmpty()) {
            return OptionalLong.empty();
        }
        Counter c = counters.get(jti, k -> new Counter());
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

    /** Counts bytes served under a license, once its response completes. */
    public void addBytes(String jti, Quota quota, long bytes) {
        if (quota.bytesPerDay().isEmpty()) {
            return;
        }
        Counter c = counters.get(jti, k -> new Counter());
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

    private static long secondsToMidnight(Instant now) {
        return Math.max(1, Duration.between(now, now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1))).toSeconds());
    }
}
