package org.cb4i.proxy.pipeline;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.cb4i.proxy.admin.AccessLogWriter;
import org.cb4i.proxy.admin.ProxyMetrics;
import org.cb4i.proxy.quota.LiveLicenses;
import org.cb4i.proxy.quota.QuotaStore;
import org.cb4i.proxy.receipts.ReceiptLog;

/**
 * What every event loop's handler shares: the current {@link SiteState} (swapped on reload), the receipts log,
 * the quota store, metrics, the access log, the clock, and the operator's event stream. Thread-safe.
 */
public final class ProxyShared {
    private final AtomicReference<SiteState> state;
    private final ReceiptLog log;
    private volatile java.util.List<ReceiptLog> retired = java.util.List.of();
    private final QuotaStore quotas;
    private final LiveLicenses liveLicenses = new LiveLicenses();
    private volatile java.util.Optional<org.cb4i.proxy.fleet.LogDirectory> fleet = java.util.Optional.empty();
    private volatile java.util.Optional<org.cb4i.proxy.consent.MemberConsent> consent = java.util.Optional.empty();
    private volatile java.util.Optional<org.cb4i.proxy.offers.PublishedOffers> offers = java.util.Optional.empty();
    private final ProxyMetrics metrics;
    private final AccessLogWriter accessLog;
    private final Clock clock;
    private final Consumer<String> events;
    private final java.util.concurrent.atomic.LongAdder started = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder finished = new java.util.concurrent.atomic.LongAdder();
    /** Connections closed because their first request's header section did not arrive within limits.header_timeout. */
    private final java.util.concurrent.atomic.LongAdder headerTimeouts = new java.util.concurrent.atomic.LongAdder();

    public ProxyShared(SiteState initial, ReceiptLog log, QuotaStore quotas, ProxyMetrics metrics, AccessLogWriter accessLog, Clock clock,
            Consumer<String> events) {
        this.state = new AtomicReference<>(initial);
        this.log = log;
        this.quotas = quotas;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.clock = clock;
        this.events = events;
    }

    public SiteState state() {
        return state.get();
    }

    /** Swaps in a new configuration; requests in flight finish with the one they started with. */
    public void swap(SiteState next) {
        state.set(next);
    }

    public ReceiptLog log() {
        return log;
    }

    /** The retired logs this proxy keeps serving ([LOG-6]): read only, each under its own log id. */
    public java.util.List<ReceiptLog> retiredLogs() {
        return retired;
    }

    /** Set once at the start, before any verticle is deployed. */
    public void retiredLogs(java.util.List<ReceiptLog> logs) {
        retired = java.util.List.copyOf(logs);
    }

    public QuotaStore quotas() {
        return quotas;
    }

    /** Where the site's other instances' logs are, when it runs several ({@code fleet.advertise}). */
    public java.util.Optional<org.cb4i.proxy.fleet.LogDirectory> fleet() {
        return fleet;
    }

    /** Set once at the start, before any verticle is deployed. */
    public void fleet(org.cb4i.proxy.fleet.LogDirectory d) {
        fleet = java.util.Optional.of(d);
    }

    /** The member's consent, when a collective names a consent endpoint to this site ([CNS-4]). */
    public java.util.Optional<org.cb4i.proxy.consent.MemberConsent> consent() {
        return consent;
    }

    /** Set once at the start, before any verticle is deployed. */
    public void consent(org.cb4i.proxy.consent.MemberConsent c) {
        consent = java.util.Optional.of(c);
    }

    /** The collectives' open offers, listed in the 402 offer ([OFR-4]). */
    public java.util.Optional<org.cb4i.proxy.offers.PublishedOffers> offers() {
        return offers;
    }

    /** Set once at the start, before any verticle is deployed. */
    public void offers(org.cb4i.proxy.offers.PublishedOffers o) {
        offers = java.util.Optional.of(o);
    }

    /** The live licenses of each quota key, for the smaller-quota rule ([TOK-10]). */
    public LiveLicenses liveLicenses() {
        return liveLicenses;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public AccessLogWriter accessLog() {
        return accessLog;
    }

    public Clock clock() {
        return clock;
    }

    public Consumer<String> events() {
        return events;
    }

    /** Counts a request the handler took (a stop reports how many were in flight). */
    void requestStarted() {
        started.increment();
    }

    /** Counts a request answered, or given up when its client went away. */
    void requestFinished() {
        finished.increment();
    }

    /** Requests taken and not yet answered. */
    public long inFlight() {
        return started.sum() - finished.sum();
    }

    /** Requests answered since the start. */
    public long served() {
        return finished.sum();
    }

    /** Counts connections closed at the header timeout (security.md PRX-11), wherever the deadline was kept. */
    public java.util.concurrent.atomic.LongAdder headerTimeouts() {
        return headerTimeouts;
    }
}
