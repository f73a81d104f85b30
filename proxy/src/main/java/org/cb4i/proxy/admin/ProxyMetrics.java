package org.cb4i.proxy.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.cb4i.proxy.admin.Outcome;
import org.cb4i.sdk.Reason;

/**
 * Prometheus metrics of the proxy: requests by outcome and reason, a latency histogram by outcome, and gauges the
 * proxy registers (log size, log health). Meters are looked up once and kept, so recording costs a map lookup.
 */
public final class ProxyMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Outcome, Timer> timers = new ConcurrentHashMap<>();

    public void record(Outcome outcome, Reason reason, long nanos) {
        String key = outcome.name() + '/' + (reason == null ? "" : reason.name());
        counters.computeIfAbsent(key, k -> Counter.builder("cb4i_proxy_requests")
                .description("requests by how they were decided")
                .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .tag("reason", reason == null ? "none" : reason.name())
                .register(registry)).increment();
        timers.computeIfAbsent(outcome, o -> Timer.builder("cb4i_proxy_request_duration")
                .description("time from request to the end of the response")
                .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(Duration.ofNanos(nanos));
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
