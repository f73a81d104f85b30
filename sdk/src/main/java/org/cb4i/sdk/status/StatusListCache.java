package org.cb4i.sdk.status;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.InfrastructureException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.StatusReference;

/**
 * Answers "is this license still valid?" from cached status lists ([STS-5], [STS-6]). Thread-safe.
 *
 * <ul>
 *   <li>A list is fetched on first use and again every {@code ttl} (from the list; {@link #DEFAULT_TTL} when
 *       absent; clamped to [{@link #MIN_TTL}, {@link #MAX_TTL}]). So a suspension reaches every proxy within
 *       {@code ttl}.</li>
 *   <li>Refresh-ahead: past {@value #REFRESH_AHEAD_PERCENT}% of the ttl, a refresh starts on the executor
 *       while the current list keeps answering, so the hot path rarely waits.</li>
 *   <li>When the issuer cannot be reached, the last good list is used until its own {@code exp}; after that
 *       every license that names it gets {@link Reason#STATUS_UNAVAILABLE} (fail closed, HTTP 503).</li>
 *   <li>After a failed fetch the next attempt waits {@link #RETRY_AFTER_FAILURE}, so a dead issuer is not
 *       hammered by every request.</li>
 * </ul>
 */
public final class StatusListCache {
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    public static final Duration MIN_TTL = Duration.ofSeconds(1);
    public static final Duration MAX_TTL = Duration.ofDays(1);
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
    static final int REFRESH_AHEAD_PERCENT = 80;

    private final BoundedFetcher fetcher;
    private final Function<String, Optional<KeySet>> issuerKeys;
    private final Clock clock;
    private final Executor refresher;
    private final Map<URI, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param issuerKeys the keys of a trusted issuer by its id, or empty when it is not trusted
     * @param refresher where refresh-ahead fetches run (never an event loop)
     */
    public StatusListCache(BoundedFetcher fetcher, Function<String, Optional<KeySet>> issuerKeys, Clock clock, Executor refresher) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.issuerKeys = Objects.requireNonNull(issuerKeys, "issuerKeys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refresher = Objects.requireNonNull(refresher, "refresher");
    }

    /**
     * The status of a verified license; {@link StatusValue#VALID} when it names no status list. May block on a
     * fetch the first time a list is needed or when the cached one is past its ttl.
     *
     * @throws InfrastructureException {@link Reason#STATUS_UNAVAILABLE} when no usable list can be had
     * @throws RejectedException {@link Reason#LICENSE_REVOKED} (also for an index outside the list) etc. are not
     *     thrown here: the caller maps a non-VALID value to its {@link StatusValue#reason()}
     */
    public StatusValue statusOf(LicenseClaims license) {
        Optional<StatusReference> ref = license.status();
        if (ref.isEmpty()) {
            return StatusValue.VALID;
        }
        return valueAt(ref.get(), license.issuer()); // an index the list does not hold is never valid
    }

    /**
     * The status of a verified license for a request needing {@code needed} ([STS-9]): its {@code status} first, then
     * the status of each of its {@code usage_status} members that covers a needed usage or that a needed usage
     * covers ([VOC-2]), in the order of [VOC-1]; the first that is not VALID decides. May block as {@link #statusOf}.
     *
     * @throws InfrastructureException {@link Reason#STATUS_UNAVAILABLE} when a list it needs cannot be had
     */
    public StatusValue statusOf(LicenseClaims license, java.util.Set<org.cb4i.sdk.terms.Usage> needed) {
        return judge(license, needed, ref -> valueAt(ref, license.issuer()));
    }

    /**
     * [STS-9]'s rule over a lookup of one status reference's value: the license's {@code status}, then each
     * {@code usage_status} member that overlaps a needed usage, in [VOC-1]'s order; the first value that is not
     * VALID decides. Pure: the vectors check it without any list fetched.
     */
    public static StatusValue judge(LicenseClaims license, java.util.Set<org.cb4i.sdk.terms.Usage> needed, Function<StatusReference, StatusValue> valueOf) {
        if (license.status().isPresent()) {
            StatusValue v = valueOf.apply(license.status().get());
            if (v != StatusValue.VALID) {
                return v;
            }
        }
        for (Map.Entry<org.cb4i.sdk.terms.Usage, StatusReference> e : license.usageStatus().entrySet()) {
            if (e.getKey().overlapsAny(needed)) {
                StatusValue v = valueOf.apply(e.getValue());
                if (v != StatusValue.VALID) {
                    return v;
                }
            }
        }
        return StatusValue.VALID;
    }

    private StatusValue valueAt(StatusReference ref, String issuer) {
        StatusListToken list = current(ref.uri(), issuer);
        long idx = ref.idx();
        return idx >= list.list().size() ? StatusValue.INVALID : list.list().status((int) idx);
    }

    /**
     * The status of a license when it can be answered without blocking: the license names no list, or the list is
     * held and fresh (starting a refresh-ahead on the executor when due). Empty means "call {@link #statusOf} off
     * the event loop".
     */
    public Optional<StatusValue> statusIfHeld(LicenseClaims license) {
        Optional<StatusReference> ref = license.status();
        if (ref.isEmpty()) {
            return Optional.of(StatusValue.VALID);
        }
        if (!fresh(ref.get().uri())) {
            return Optional.empty();
        }
        return Optional.of(statusOf(license));
    }

    /** As {@link #statusIfHeld(LicenseClaims)}, for a request needing {@code needed} ([STS-9]): every list it reads must be held and fresh. */
    public Optional<StatusValue> statusIfHeld(LicenseClaims license, java.util.Set<org.cb4i.sdk.terms.Usage> needed) {
        if (license.status().isPresent() && !fresh(license.status().get().uri())) {
            return Optional.empty();
        }
        for (Map.Entry<org.cb4i.sdk.terms.Usage, StatusReference> e : license.usageStatus().entrySet()) {
            if (e.getKey().overlapsAny(needed) && !fresh(e.getValue().uri())) { // on the proxy's request path: no stream, no allocation
                return Optional.empty();
            }
        }
        return Optional.of(statusOf(license, needed));
    }

    private boolean fresh(URI uri) {
        Entry e = entries.get(uri);
        return e != null && e.good != null && clock.instant().isBefore(e.freshUntil);
    }

    /**
     * Fetches a list in use again now, because its issuer said it changed ([STS-8]); the newer list replaces the one
     * held as any refresh does ([STS-5]). Blocks: never call it on an event loop.
     *
     * @return whether a list was fetched: false when this cache has not used {@code uri} (nothing to refresh) or the
     *     fetch failed (the list held keeps answering, and the next use retries as usual)
     */
    public boolean refreshNow(URI uri) {
        Entry e = entries.get(uri);
        if (e == null || e.issuer == null) {
            return false;
        }
        synchronized (e) {
            try {
                refresh(e, uri, e.issuer);
                return true;
            } catch (Cb4iException ex) {
                e.lastError = ex.getMessage();
                return false;
            }
        }
    }

    /** The last good list for {@code uri}, if one was ever fetched (a crawler stores it as evidence). */
    public Optional<StatusListToken> lastGood(URI uri) {
        Entry e = entries.get(uri);
        return e == null ? Optional.empty() : Optional.ofNullable(e.good);
    }

    /**
     * The lists that cannot be used now, each with the last failure: asked for, and never fetched or held only past
     * its {@code exp}. Licensed requests naming them are answered 503; a readiness check reports them.
     */
    public java.util.Map<URI, String> unavailable() {
        java.util.Map<URI, String> out = new java.util.TreeMap<>();
        Instant now = clock.instant();
        entries.forEach((uri, e) -> {
            StatusListToken good = e.good;
            boolean usable = good != null && (good.expiresAt().isEmpty() || now.isBefore(good.expiresAt().get()));
            if (!usable && !e.lastError.isEmpty()) {
                out.put(uri, e.lastError);
            }
        });
        return out;
    }

    private StatusListToken current(URI uri, String issuer) {
        Entry e = entries.computeIfAbsent(uri, u -> new Entry());
        e.issuer = issuer;
        Instant now = clock.instant();
        StatusListToken good = e.good;
        if (good != null && now.isBefore(e.freshUntil)) {
            if (now.isAfter(e.refreshFrom) && e.startRefresh()) {
                refresher.execute(() -> {
                    try {
                        refresh(e, uri, issuer);
                    } catch (Cb4iException ignored) {
                        // refresh-ahead failures are retried on the next use; the current list is still fresh
                    } finally {
                        e.endRefresh();
                    }
                });
            }
            return good;
        }
        synchronized (e) {
            if (e.good != null && clock.instant().isBefore(e.freshUntil)) {
                return e.good;
            }
            if (clock.instant().isBefore(e.retryAt)) {
                return usableOrFail(e, uri, e.lastError);
            }
            try {
                return refresh(e, uri, issuer);
            } catch (Cb4iException ex) {
                e.lastError = ex.getMessage();
                e.retryAt = clock.instant().plus(RETRY_AFTER_FAILURE);
                return usableOrFail(e, uri, ex.getMessage());
            }
        }
    }

    private StatusListToken usableOrFail(Entry e, URI uri, String why) {
        StatusListToken good = e.good;
        Instant now = clock.instant();
        if (good != null && (good.expiresAt().isEmpty() || now.isBefore(good.expiresAt().get()))) {
            return good;
        }
        throw new InfrastructureException(Reason.STATUS_UNAVAILABLE, "status list " + uri + " is unavailable"
                + (good == null ? "" : " and the last good copy expired at " + good.expiresAt().get()) + ": " + why);
    }

    private StatusListToken refresh(Entry e, URI uri, String issuer) {
        KeySet keys = issuerKeys.apply(issuer).orElseThrow(() -> new RejectedException(Reason.UNKNOWN_ISSUER,
                "status list " + uri + " belongs to issuer " + issuer + ", which is not trusted"));
        BoundedFetcher.Fetched f = fetcher.get(uri, StatusListToken.MEDIA_TYPE);
        StatusListToken t = StatusListToken.verify(new String(f.body(), StandardCharsets.US_ASCII).trim(), uri, keys);
        Instant now = clock.instant();
        if (t.expiresAt().isPresent() && !now.isBefore(t.expiresAt().get())) {
            throw new InfrastructureException(Reason.STATUS_UNAVAILABLE, "status list " + uri + " served by the issuer expired at " + t.expiresAt().get());
        }
        if (e.good != null && t.issuedAt().isBefore(e.good.issuedAt())) {
            // Never go back to an older list (a replayed or stale copy): keep the newer one.
            throw new InfrastructureException(Reason.STATUS_UNAVAILABLE, "status list " + uri + " served is older than the one already held");
        }
        Duration ttl = t.ttl().orElse(DEFAULT_TTL);
        ttl = ttl.compareTo(MIN_TTL) < 0 ? MIN_TTL : ttl.compareTo(MAX_TTL) > 0 ? MAX_TTL : ttl;
        e.good = t;
        e.freshUntil = now.plus(ttl);
        e.refreshFrom = now.plus(ttl.multipliedBy(REFRESH_AHEAD_PERCENT).dividedBy(100));
        e.retryAt = Instant.MIN;
        e.lastError = "";
        return t;
    }

    private static final class Entry {
        volatile StatusListToken good;
        volatile Instant freshUntil = Instant.MIN;
        volatile Instant refreshFrom = Instant.MAX;
        volatile Instant retryAt = Instant.MIN;
        volatile String lastError = "";
        volatile String issuer;
        private boolean refreshing;

        synchronized boolean startRefresh() {
            if (refreshing) {
                return false;
            }
            refreshing = true;
            return true;
        }

        synchronized void endRefresh() {
            refreshing = false;
        }
    }
}
