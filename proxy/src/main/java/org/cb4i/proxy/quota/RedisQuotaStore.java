package org.cb4i.proxy.quota;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.token.Quota;

/**
 * Quota counters shared by every instance of a site through Redis ({@code quota.store: redis://…}). Each decision is
 * one server-side script, so that instances never race: the token bucket (on Redis's clock, one clock for the fleet)
 * and the UTC day's counters are read and taken together. Keys expire on their own: a bucket a few seconds after its
 * last use, a day's counters an hour after the day ends.
 *
 * <p>When Redis cannot be reached or does not answer within {@code quota.timeout}, the operator's
 * {@code on_store_unavailable} decides: {@code local_limits} counts in this instance's memory (each instance then
 * grants the whole quota) and {@code deny} refuses licensed requests that have a quota ({@code QUOTA_UNAVAILABLE}).
 * While it is down, one request a second tries Redis again and the others do not wait for it; the first answer
 * brings the shared counters back. A Redis that lost its data (restarted without persistence, flushed) starts the
 * day's counts again: a licensee gets up to one more day's quota, which the operator sees in Redis's own metrics.
 */
public final class RedisQuotaStore implements QuotaStore {
    static final String TAKE = """
            local rps = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local rpd = tonumber(ARGV[3])
            local bpd = tonumber(ARGV[4])
            local ttm = tonumber(ARGV[5])
            local day = redis.call('HMGET', KEYS[2], 'r', 'b')
            local r = tonumber(day[1]) or 0
            local b = tonumber(day[2]) or 0
            if (bpd > 0 and b >= bpd) or (rpd > 0 and r >= rpd) then
              return ttm
            end
            if rps > 0 then
              local t = redis.call('TIME')
              local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
              local bucket = redis.call('HMGET', KEYS[1], 't', 'at')
              local tokens = tonumber(bucket[1])
              if tokens == nil then
                tokens = burst
              else
                tokens = math.min(burst, tokens + math.max(0, now - tonumber(bucket[2])) * rps)
              end
              local ttl = math.ceil(burst / rps * 1000) + 1000
              if tokens < 1 then
                redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
                redis.call('PEXPIRE', KEYS[1], ttl)
                return math.max(1, math.ceil((1 - tokens) / rps))
              end
              redis.call('HSET', KEYS[1], 't', tostring(tokens - 1), 'at', tostring(now))
              redis.call('PEXPIRE', KEYS[1], ttl)
            end
            redis.call('HINCRBY', KEYS[2], 'r', 1)
            redis.call('EXPIRE', KEYS[2], ttm + 3600)
            return -1
            """;
    static final String ADD_BYTES = """
            redis.call('HINCRBY', KEYS[1], 'b', ARGV[1])
            redis.call('EXPIRE', KEYS[1], ARGV[2])
            return 1
            """;
    private static final long PROBE_EVERY = TimeUnit.SECONDS.toNanos(1);
    /**
     * The client's own logger (java.util.logging), held so that the level set on it stays: it prints a stack trace for
     * every connection Redis drops, and what an operator needs of that is said once, as an event, in /readyz and metrics.
     */
    private static final java.util.logging.Logger CLIENT_LOG = java.util.logging.Logger.getLogger("io.vertx.redis.client");

    static {
        CLIENT_LOG.setLevel(java.util.logging.Level.OFF);
    }

    private final Redis redis;
    private final String where;
    private final ProxyConfig.OnStoreUnavailable policy;
    private final Duration timeout;
    private final Clock clock;
    private final Consumer<String> events;
    private final LocalQuotaStore local;
    private final String takeSha = sha1(TAKE);
    private final String bytesSha = sha1(ADD_BYTES);
    private final AtomicLong nextProbe = new AtomicLong();
    private final LongAdder withoutStore = new LongAdder();
    private volatile boolean down;
    private volatile String downBecause = "";

    public RedisQuotaStore(Vertx vertx, ProxyConfig.QuotaSettings settings, Clock clock, Consumer<String> events) {
        URI url = settings.redis().orElseThrow();
        RedisOptions options = new RedisOptions().setConnectionString(url.toString()).setMaxPoolSize(16).setMaxPoolWaiting(4096)
                .setMaxWaitingHandlers(4096);
        options.getNetClientOptions().setConnectTimeout((int) Math.max(1, settings.timeout().toMillis()));
        this.redis = Redis.createClient(vertx, options);
        this.where = redacted(url);
        this.policy = settings.onUnavailable().orElseThrow();
        this.timeout = settings.timeout();
        this.clock = clock;
        this.events = events;
        this.local = new LocalQuotaStore(clock);
    }

    @Override
    public Future<OptionalLong> acquire(QuotaKey key, Quota quota) {
        if (quota.isEmpty()) {
            return Future.succeededFuture(OptionalLong.empty());
        }
        if (down) {
            long n = nextProbe.get();
            if (System.nanoTime() - n < 0 || !nextProbe.compareAndSet(n, System.nanoTime() + PROBE_EVERY)) {
                return withoutStore(key, quota);
            }
        }
        Instant now = clock.instant();
        double rps = quota.rps().orElse(0);
        String id = key.storeId();
        return script(takeSha, TAKE, 2, rateKey(id), dayKey(id, now), Double.toString(rps), Double.toString(Math.max(1, rps)),
                quota.requestsPerDay().orElse(0), quota.bytesPerDay().orElse(0), LocalQuotaStore.secondsToMidnight(now)).transform(ar -> {
            if (ar.failed()) {
                failed(ar.cause());
                return withoutStore(key, quota);
            }
            reachable();
            long wait = ar.result().toLong();
            return Future.succeededFuture(wait < 0 ? OptionalLong.empty() : OptionalLong.of(wait));
        });
    }

    @Override
    public void addBytes(QuotaKey key, Quota quota, long bytes) {
        if (quota.bytesPerDay().isEmpty()) {
            return;
        }
        if (down) {
            local.addBytes(key, quota, bytes);
            return;
        }
        Instant now = clock.instant();
        script(bytesSha, ADD_BYTES, 1, dayKey(key.storeId(), now), bytes, LocalQuotaStore.secondsToMidnight(now) + 3600).onFailure(t -> {
            failed(t);
            local.addBytes(key, quota, bytes);
        });
    }

    /**
     * Runs a script by its digest, sending its text when Redis does not know it (after a restart or SCRIPT FLUSH).
     *
     * @param args the number of keys, the keys, then the script's arguments (strings and longs)
     */
    private Future<Response> script(String sha, String text, Object... args) {
        return redis.send(withArgs(Request.cmd(Command.EVALSHA).arg(sha), args)).recover(t -> t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT")
                ? redis.send(withArgs(Request.cmd(Command.EVAL).arg(text), args)) : Future.failedFuture(t))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Request withArgs(Request r, Object... args) {
        for (Object a : args) {
            if (a instanceof Number n) {
                r.arg(n.longValue());
            } else {
                r.arg(a.toString());
            }
        }
        return r;
    }

    private Future<OptionalLong> withoutStore(QuotaKey key, Quota quota) {
        withoutStore.increment();
        if (policy == ProxyConfig.OnStoreUnavailable.DENY) {
            return Future.failedFuture(new Unavailable("the quota store " + where + " cannot be reached (" + downBecause
                    + "); this site refuses licensed requests with a quota until it can (on_store_unavailable: deny)"));
        }
        return Future.succeededFuture(local.take(key, quota));
    }

    private void failed(Throwable t) {
        downBecause = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (!down) {
            down = true;
            nextProbe.set(System.nanoTime() + PROBE_EVERY);
            events.accept("quota store: " + where + " unreachable (" + downBecause + "); " + meanwhile());
        }
    }

    private void reachable() {
        if (down) {
            down = false;
            events.accept("quota store: " + where + " reachable again; quotas are shared by the site's instances again");
        }
    }

    private String meanwhile() {
        return policy == ProxyConfig.OnStoreUnavailable.DENY ? "licensed requests with a quota are refused (on_store_unavailable: deny)"
                : "each instance counts quotas alone and may grant the whole quota (on_store_unavailable: local_limits)";
    }

    @Override
    public Optional<String> warning() {
        return down ? Optional.of("quota store " + where + " unreachable (" + downBecause + "): " + meanwhile()) : Optional.empty();
    }

    @Override
    public boolean refusing() {
        return down && policy == ProxyConfig.OnStoreUnavailable.DENY;
    }

    @Override
    public boolean up() {
        return !down;
    }

    @Override
    public long decidedWithoutStore() {
        return withoutStore.sum();
    }

    @Override
    public void close() {
        redis.close();
    }

    static String rateKey(String storeId) {
        return "cb4i:quota:{" + storeId + "}:rate";
    }

    static String dayKey(String storeId, Instant now) {
        return "cb4i:quota:{" + storeId + "}:day:" + Math.floorDiv(now.getEpochSecond(), 86_400);
    }

    /** The URL without its password, for messages. */
    static String redacted(URI u) {
        return u.getRawUserInfo() == null ? u.toString() : u.toString().replace(u.getRawUserInfo() + "@", "…@");
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
