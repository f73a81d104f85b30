package org.cb4i.sdk.settlement;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits a whole number of minor units by weights so that the parts add up to it exactly ([SET-7]): each part is
 * its exact share rounded down, and the units left over go one each to the largest remainders, ties to the
 * member id that sorts first (by UTF-16 code unit, as Java's and JavaScript's string order).
 */
public final class LargestRemainder {
    private LargestRemainder() {}

    /**
     * @param total the units to split (at least 0)
     * @param weights positive weights by member id; at least one
     * @return each member's units, in member id order; they sum to {@code total}
     */
    public static Map<String, Long> split(long total, Map<String, BigDecimal> weights) {
        if (total < 0 || weights.isEmpty()) {
            throw new IllegalArgumentException("split needs a non-negative total and at least one weight");
        }
        TreeMap<String, BigDecimal> sorted = new TreeMap<>(weights);
        // Exact: scale every weight to an integer by the largest scale among them.
        int scale = sorted.values().stream().mapToInt(w -> Math.max(0, w.stripTrailingZeros().scale())).max().orElse(0);
        Map<String, BigInteger> w = new LinkedHashMap<>();
        BigInteger sum = BigInteger.ZERO;
        for (Map.Entry<String, BigDecimal> e : sorted.entrySet()) {
            if (e.getValue().signum() <= 0) {
                throw new IllegalArgumentException("weight of " + e.getKey() + " is not positive");
            }
            BigInteger i = e.getValue().setScale(scale).unscaledValue();
            w.put(e.getKey(), i);
            sum = sum.add(i);
        }
        BigInteger t = BigInteger.valueOf(total);
        Map<String, Long> parts = new LinkedHashMap<>();
        List<Map.Entry<String, BigInteger>> remainders = new ArrayList<>();
        long given = 0;
        for (Map.Entry<String, BigInteger> e : w.entrySet()) {
            BigInteger[] qr = t.multiply(e.getValue()).divideAndRemainder(sum);
            parts.put(e.getKey(), qr[0].longValueExact());
            given += qr[0].longValueExact();
            remainders.add(Map.entry(e.getKey(), qr[1]));
        }
        // Stable sort: equal remainders keep member id order.
        remainders.sort((a, b) -> b.getValue().compareTo(a.getValue()));
        for (int i = 0; i < total - given; i++) {
            parts.merge(remainders.get(i).getKey(), 1L, Long::sum);
        }
        return parts;
    }
}
