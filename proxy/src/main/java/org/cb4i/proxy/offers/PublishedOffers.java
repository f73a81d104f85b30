package org.cb4i.proxy.offers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.offer.Offer;
import org.cb4i.sdk.terms.Usage;

/**
 * The open offers of each collective that names its offers to this site ([OFR-4]). Fetched off the event loop at start
 * and every {@link #EVERY} ({@link #RETRY} after a failure); the request path reads what is held. An offer whose signature does not verify with its
 * collective's keys is left out; a failed fetch keeps the offers held. Thread-safe.
 */
public final class PublishedOffers {
    public static final Duration EVERY = Duration.ofMinutes(5);
    /** How soon a collective whose offers could not be fetched is asked again. */
    public static final Duration RETRY = Duration.ofSeconds(5);

    /** An open offer as the 402 body shows it. */
    public record Listed(String issuer, String id, String url, String accept, List<Usage> usages, JsonNode price) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("issuer", issuer);
            m.put("id", id);
            m.put("url", url);
            m.put("accept", accept);
            m.put("usages", usages.stream().map(Usage::token).toList());
            m.put("price", price);
            return m;
        }
    }

    private final Supplier<ProxyConfig> config;
    private final Function<String, Optional<KeySet>> issuerKeys;
    private final Consumer<String> events;
    private final Map<String, List<Listed>> held = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> nextFetch = new ConcurrentHashMap<>();

    public PublishedOffers(Supplier<ProxyConfig> config, Function<String, Optional<KeySet>> issuerKeys, Consumer<String> events) {
        this.config = config;
        this.issuerKeys = issuerKeys;
        this.events = events;
    }

    /** Fetches every collective's offers now. Blocks: never on an event loop. */
    public void refresh() {
        refresh(true);
    }

    /**
     * Fetches the offers of the collectives that are due: every {@link #EVERY} after a fetch that worked, {@link #RETRY}
     * after one that failed (so a proxy started before its issuer lists the offers soon after the issuer is up). Blocks.
     */
    public void refreshDue() {
        refresh(false);
    }

    private void refresh(boolean all) {
        ProxyConfig c = config.get();
        held.keySet().removeIf(id -> c.issuers().stream().noneMatch(i -> i.id().equals(id) && i.offers().isPresent()));
        java.time.Instant now = java.time.Instant.now();
        for (ProxyConfig.Issuer i : c.issuers()) {
            if (i.offers().isEmpty() || (!all && now.isBefore(nextFetch.getOrDefault(i.id(), java.time.Instant.MIN)))) {
                continue;
            }
            nextFetch.put(i.id(), now.plus(RETRY));
            try {
                BoundedFetcher.Fetched f = new BoundedFetcher(c.fetching().policy()).get(i.offers().get(), "application/json");
                JsonNode list = Json.readObject(new String(f.body(), StandardCharsets.UTF_8), i.offers().get().toString(),
                        org.cb4i.sdk.Reason.MALFORMED_JSON).path("offers");
                KeySet keys = issuerKeys.apply(i.id()).orElseThrow(() -> new IllegalStateException("issuer " + i.id() + " is not trusted"));
                List<Listed> out = new ArrayList<>();
                int refused = 0;
                for (JsonNode item : list) {
                    try {
                        Offer o = Offer.verify(item.path("jws").asText(), keys);
                        if (!o.issuer().equals(i.id())) {
                            refused++;
                            continue;
                        }
                        List<Usage> usages = new ArrayList<>();
                        o.grant().path("usages").forEach(u -> Usage.parse(u.asText()).ifPresent(usages::add));
                        out.add(new Listed(i.id(), o.id(), item.path("url").asText(), item.path("accept").asText(), usages, o.grant().path("price")));
                    } catch (org.cb4i.sdk.Cb4iException e) {
                        refused++;
                    }
                }
                nextFetch.put(i.id(), now.plus(EVERY));
                List<Listed> before = held.put(i.id(), List.copyOf(out));
                if (before == null || before.size() != out.size() || refused > 0) {
                    events.accept("offers: " + out.size() + " open offers of " + i.id() + (refused == 0 ? "" : "; " + refused
                            + " left out (their signature does not verify with the collective's keys)"));
                }
            } catch (RuntimeException e) {
                events.accept("offers: cannot fetch " + i.offers().get() + ": " + e.getMessage() + " (the offers held are kept)");
            }
        }
    }

    /**
     * Among the offers granting {@code required}, the one with the lowest {@code per_request} price, for RSL's
     * {@code <payment type="crawl"><amount>} ([DSC-3]); empty when none prices per request.
     */
    public Optional<Listed> cheapestPerRequest(Collection<Usage> required) {
        Listed best = null;
        java.math.BigDecimal bestPrice = null;
        for (List<Listed> l : held.values()) {
            for (Listed o : l) {
                if (!required.stream().allMatch(u -> Usage.anyImplies(o.usages(), u)) || !o.price().path("per_request").isTextual()) {
                    continue;
                }
                try {
                    java.math.BigDecimal p = new java.math.BigDecimal(o.price().get("per_request").textValue());
                    if (bestPrice == null || p.compareTo(bestPrice) < 0) {
                        best = o;
                        bestPrice = p;
                    }
                } catch (NumberFormatException e) {
                    // a price the collective's schedule rules would refuse; not advertised
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The offers held that grant every one of {@code required} ([VOC-2]), for the 402 body. */
    public List<Map<String, Object>> granting(Collection<Usage> required) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (List<Listed> l : held.values()) {
            for (Listed o : l) {
                if (required.stream().allMatch(u -> Usage.anyImplies(o.usages(), u))) {
                    out.add(o.toJson());
                }
            }
        }
        return out;
    }
}
