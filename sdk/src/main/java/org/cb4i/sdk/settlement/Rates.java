package org.cb4i.sdk.settlement;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The four price components of a schedule, at its top level or for one usage ([SET-1]). Each is an exact decimal
 * amount in the schedule's currency, empty when the schedule does not state it.
 *
 * @param perRequest the price of one billable entry
 * @param perMib the price of 1,048,576 bytes of billable entries ({@code bytes} as the entry states them)
 * @param flat a fixed amount per period
 * @param minimum the least a period is billed
 */
public record Rates(Optional<BigDecimal> perRequest, Optional<BigDecimal> perMib, Optional<BigDecimal> flat,
        Optional<BigDecimal> minimum) {
    public static final Rates NONE = new Rates(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Rates {
        for (Optional<BigDecimal> a : java.util.List.of(perRequest, perMib, flat, minimum)) {
            if (a.isPresent() && a.get().signum() < 0) {
                throw new IllegalArgumentException("a price component cannot be negative");
            }
        }
    }

    /** These rates with every absent component taken from {@code fallback}. */
    Rates over(Rates fallback) {
        return new Rates(perRequest.or(fallback::perRequest), perMib.or(fallback::perMib), flat, minimum);
    }

    Map<String, String> toJson() {
        Map<String, String> m = new LinkedHashMap<>();
        perRequest.ifPresent(v -> m.put("per_request", v.toPlainString()));
        perMib.ifPresent(v -> m.put("per_mib", v.toPlainString()));
        flat.ifPresent(v -> m.put("flat", v.toPlainString()));
        minimum.ifPresent(v -> m.put("minimum", v.toPlainString()));
        return m;
    }
}
