package org.cb4i.sdk.settlement;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an invoice's total, less the collective's fee, is shared among members ([SET-7]).
 *
 * @param rule the rule
 * @param weights for {@link Rule#WEIGHTS}: each member's positive weight, by member id; empty otherwise
 */
public record Allocation(Rule rule, Map<String, BigDecimal> weights) {
    public static final Allocation PRO_RATA = new Allocation(Rule.PRO_RATA, Map.of());
    public static final Allocation EQUAL = new Allocation(Rule.EQUAL, Map.of());

    /** The allocation rules. */
    public enum Rule {
        /** By the amount each member's content generated on the invoice's usage lines; equal when that is nothing. */
        PRO_RATA("pro_rata"),
        /** In equal parts among the members of the period. */
        EQUAL("equal"),
        /** By fixed weights, among the members of the period that have one. */
        WEIGHTS("weights");

        private final String token;

        Rule(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    public Allocation {
        weights = java.util.Collections.unmodifiableMap(new TreeMap<>(weights));
        if ((rule == Rule.WEIGHTS) == weights.isEmpty()) {
            throw new IllegalArgumentException(rule == Rule.WEIGHTS ? "weights: at least one member needs a weight" : "only the weights rule has weights");
        }
        for (BigDecimal w : weights.values()) {
            if (w.signum() <= 0) {
                throw new IllegalArgumentException("a weight must be positive");
            }
        }
    }

    /** The {@code allocation} member's value: the rule's name, or {@code {"weights": {...}}}. */
    Object toJson() {
        if (rule != Rule.WEIGHTS) {
            return rule.token();
        }
        Map<String, String> w = new java.util.LinkedHashMap<>();
        weights.forEach((k, v) -> w.put(k, v.toPlainString()));
        return Map.of("weights", w);
    }
}
