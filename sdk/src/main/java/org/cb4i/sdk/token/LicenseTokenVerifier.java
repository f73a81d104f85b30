package org.cb4i.sdk.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;

/**
 * Verifies license tokens ([TOK-1] to [TOK-12]). Thread-safe; build one per configuration and share it.
 *
 * <p>Secure by default: only trusted issuers' keys, only {@code EdDSA}/{@code Ed25519}/{@code ES256}, exact
 * {@code typ}, {@value #DEFAULT_MAX_TOKEN_CHARS}-character cap before parsing, {@link #DEFAULT_CLOCK_SKEW} of
 * clock skew, lifetimes up to {@link #DEFAULT_MAX_LIFETIME}. The audience must be one of the accepted repertoire
 * ids, which default to the trusted issuers' ids.
 *
 * <p>Verified tokens are cached (Caffeine, bounded) until their {@code exp}, so a repeat token costs a map
 * lookup instead of a signature check; rejections are cached for {@link #FAILURE_CACHE_TIME}, so a flood of the
 * same bad token costs nothing either, while a flood of unique garbage only churns a cache bounded in bytes of heap
 * (not entries: 100,000 garbage tokens of 8 KB held 900 MB). The time rules are re-checked against the clock on
 * every hit.
 */
public final class LicenseTokenVerifier {
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(400);
    public static final int DEFAULT_MAX_TOKEN_CHARS = 8192;
    public static final Duration FAILURE_CACHE_TIME = Duration.ofSeconds(30);
    /** The token cache's default bound: 32 MiB of heap, as estimated by {@link #weight}. */
    public static final long DEFAULT_CACHE_BYTES = 32L << 20;

    private final Map<String, KeySet> issuers;
    private final Set<String> audiences;
    private final Clock clock;
    private final Duration skew;
    private final Duration maxLifetime;
    private final int maxChars;
    private final Cache<String, Object> cache;
    /**
     * The token each thread verified last: a crawler sends one token on every request, and comparing it with the last
     * one costs less than hashing it for the cache (a measured share of the licensed request's CPU). Only successes;
     * the time window is checked on every use, as for a cache hit.
     */
    private final ThreadLocal<Last> last = new ThreadLocal<>();
    /** Hits on {@link #last}, counted with the cache's hits. */
    private final java.util.concurrent.atomic.LongAdder lastHits = new java.util.concurrent.atomic.LongAdder();

    private record Last(String token, VerifiedLicense license) {}

    private LicenseTokenVerifier(Builder b) {
        this.issuers = Map.copyOf(b.issuers);
        this.audiences = b.audiences.isEmpty() ? Set.copyOf(b.issuers.keySet()) : Set.copyOf(b.audiences);
        this.clock = b.clock;
        this.skew = b.skew;
        this.maxLifetime = b.maxLifetime;
        this.maxChars = b.maxChars;
        this.cache = b.cacheBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(b.cacheBytes)
                .weigher(LicenseTokenVerifier::weight)
                .recordStats()
                .expireAfter(new Expiry<String, Object>() {
                    @Override
                    public long expireAfterCreate(String key, Object value, long currentTime) {
                        if (value instanceof VerifiedLicense v) {
                            long left = Duration.between(clock.instant(), v.claims().expiresAt().plus(skew)).toNanos();
                            return Math.max(0, left);
                        }
                        return FAILURE_CACHE_TIME.toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Object value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Object value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The heap a cache entry holds, estimated: the token (a byte a character) and its value — a rejection about 1 KB
     * (measured: 930 bytes besides the token), a verified license's claims and keys allowed 4 KB.
     */
    static int weight(String token, Object value) {
        return token.length() + 64 + (value instanceof VerifiedLicense ? 4096 : 1024);
    }

    /** Entries in the verified-token cache (for tests and metrics); 0 when the cache is off. */
    long cachedEntries() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Hits, misses and size of the verified-token cache, for metrics. */
    public org.cb4i.sdk.CacheCounters cacheCounters() {
        if (cache == null) {
            return org.cb4i.sdk.CacheCounters.NONE;
        }
        var st = cache.stats();
        return new org.cb4i.sdk.CacheCounters(st.hitCount() + lastHits.sum(), st.missCount(), cache.estimatedSize());
    }

    /** The repertoire ids this verifier accepts in {@code aud}. */
    public Set<String> acceptedAudiences() {
        return audiences;
    }

    /**
     * Verifies a compact license token.
     *
     * @return the verified license; never null
     * @throws org.cb4i.sdk.MalformedInputException when the token cannot be read
     * @throws RejectedException when a rule refuses it; {@link RejectedException#reason()} says which
     */
    public VerifiedLicense verify(String token) {
        Objects.requireNonNull(token, "token");
        if (cache == null) {
            return checkTime(verifyUncached(token));
        }
        Last seen = last.get();
        if (seen != null && seen.token().equals(token)) {
            lastHits.increment();
            return checkTime(seen.license());
        }
        Object hit = cache.getIfPresent(token);
        if (hit == null) {
            try {
                hit = verifyUncached(token);
            } catch (Cb4iException e) {
                hit = e;
            }
            if (token.length() <= maxChars) {
                cache.put(token, hit);
            }
        }
        if (hit instanceof Cb4iException e) {
            throw rethrow(e);
        }
        VerifiedLicense license = checkTime((VerifiedLicense) hit);
        last.set(new Last(token, license));
        return license;
    }

    /**
     * Verifies signature, type, issuer, claims and audience but not the time window: for looking back at what a
     * license did while it was valid (a licensee asking a proxy for its receipts after the license expired).
     * Never use it to authorise a request.
     */
    public VerifiedLicense verifyAllowingExpired(String token) {
        return verifyUncached(Objects.requireNonNull(token, "token"));
    }

    private VerifiedLicense verifyUncached(String token) {
        CompactJws.Parsed jws = CompactJws.parse(token, LicenseTokens.TYP, maxChars, "license token");
        JsonNode iss = jws.payload().get("iss");
        if (iss == null || !iss.isTextual()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "license token has no \"iss\" string claim");
        }
        KeySet keys = issuers.get(iss.textValue());
        if (keys == null) {
            throw new RejectedException(Reason.UNKNOWN_ISSUER, "license token issuer \"" + CompactJws.printable(iss.textValue()) + "\" is not a trusted collective here");
        }
        VerificationKey key = CompactJws.verify(jws, keys, "license token");
        LicenseClaims claims = LicenseClaims.fromJson(jws.payload());
        if (Duration.between(claims.issuedAt(), claims.expiresAt()).compareTo(maxLifetime) > 0) {
            throw new RejectedException(Reason.INVALID_CLAIM, "license token lifetime (exp - iat) is longer than " + maxLifetime.toDays() + " days");
        }
        if (claims.audience().stream().noneMatch(audiences::contains)) {
            throw new RejectedException(Reason.WRONG_AUDIENCE, "license token is for repertoire " + claims.audience()
                    + ", and this site belongs to " + audiences);
        }
        return new VerifiedLicense(token, claims, key.thumbprint());
    }

    private VerifiedLicense checkTime(VerifiedLicense v) {
        Instant now = clock.instant();
        LicenseClaims c = v.claims();
        if (!now.isBefore(c.expiresAt().plus(skew))) {
            throw new RejectedException(Reason.TOKEN_EXPIRED, "license token expired at " + c.expiresAt());
        }
        if (now.plus(skew).isBefore(c.notBefore())) {
            throw new RejectedException(Reason.TOKEN_NOT_YET_VALID, "license token is not valid before " + c.notBefore());
        }
        if (now.plus(skew).isBefore(c.issuedAt())) {
            throw new RejectedException(Reason.TOKEN_ISSUED_IN_FUTURE, "license token was issued in the future (" + c.issuedAt() + ")");
        }
        return v;
    }

    // A cached rejection is rethrown as a fresh exception so that stack traces point at the caller.
    private static Cb4iException rethrow(Cb4iException e) {
        if (e instanceof RejectedException) {
            return new RejectedException(e.reason(), e.getMessage());
        }
        if (e instanceof org.cb4i.sdk.MalformedInputException) {
            return new org.cb4i.sdk.MalformedInputException(e.reason(), e.getMessage());
        }
        return new org.cb4i.sdk.InfrastructureException(e.reason(), e.getMessage());
    }

    /** Options for {@link LicenseTokenVerifier}; every setter validates its argument. */
    public static final class Builder {
        private final Map<String, KeySet> issuers = new LinkedHashMap<>();
        private final Set<String> audiences = new LinkedHashSet<>();
        private Clock clock = Clock.systemUTC();
        private Duration skew = DEFAULT_CLOCK_SKEW;
        private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
        private int maxChars = DEFAULT_MAX_TOKEN_CHARS;
        private long cacheBytes = DEFAULT_CACHE_BYTES;

        private Builder() {}

        /** Trusts tokens with {@code iss} = {@code issuerId} signed by one of {@code keys}. */
        public Builder trustIssuer(String issuerId, KeySet keys) {
            Objects.requireNonNull(issuerId, "issuerId");
            if (Objects.requireNonNull(keys, "keys").isEmpty()) {
                throw new IllegalArgumentException("issuer " + issuerId + " needs at least one key");
            }
            issuers.put(issuerId, keys);
            return this;
        }

        /** Accepts {@code aud} = {@code repertoireId}. Without any call, the trusted issuers' ids are accepted. */
        public Builder acceptAudience(String repertoireId) {
            audiences.add(Objects.requireNonNull(repertoireId, "repertoireId"));
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}: from 0 to 5 minutes. */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clock skew must be from 0 to 5 minutes");
            }
            this.skew = skew;
            return this;
        }

        public Builder maxLifetime(Duration maxLifetime) {
            if (maxLifetime.isNegative() || maxLifetime.isZero()) {
                throw new IllegalArgumentException("max lifetime must be positive");
            }
            this.maxLifetime = maxLifetime;
            return this;
        }

        public Builder maxTokenChars(int maxChars) {
            if (maxChars < 256 || maxChars > 65536) {
                throw new IllegalArgumentException("max token size must be from 256 to 65536 characters");
            }
            this.maxChars = maxChars;
            return this;
        }

        /** Bounds the verified-token cache, in estimated bytes of heap; 0 disables it (every call verifies the signature). */
        public Builder cacheBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("cache bytes must not be negative");
            }
            this.cacheBytes = bytes;
            return this;
        }

        public LicenseTokenVerifier build() {
            if (issuers.isEmpty()) {
                throw new IllegalStateException("trust at least one issuer");
            }
            return new LicenseTokenVerifier(this);
        }
    }
}
