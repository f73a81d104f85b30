package org.cb4i.sdk.settlement;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an invoice's total, less the collective's fee, is shared among members ([SET-7]).
 *
 * @param rule the rule
 * @param weights for {@link Rule#WEIGHTS}: each member's positive weight, by member id; for {@link Rule#VALUE}: each
 *     member's value (of any sign), by member id; empty otherwise
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
        WEIGHTS("weights"),
        /**
         * By the value a data valuation gave each member ({@code cb4i value --weights-out}): members of the period with a
         * positive value are weighed by it; one whose value is 0 or negative is paid nothing and listed with 0 (it never
         * takes from the others).
         */
        VALUE("value");

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
        boolean weighed = rule == Rule.WEIGHTS || rule == Rule.VALUE;
        if (weighed == weights.isEmpty()) {
            throw new IllegalArgumentException(weighed ? rule.token() + ": at least one member needs one" : "only the weights and value rules weigh members");
        }
        for (BigDecimal w : weights.values()) {
            if (rule == Rule.WEIGHTS && w.signum() <= 0) {
                throw new IllegalArgumentException("a weight must be positive");
            }
        }
    }

    /** The {@code allocation} member's value: the rule's name, or {@code {"weights": {...}}}. */
    Object toJson() {
        if (rule != Rule.WEIGHTS && rule != Rule.VALUE) {
            return rule.token();
        }
        Map<String, String> w = new java.util.LinkedHashMap<>();
        weights.forEach((k, v) -> w.put(k, v.toPlainString()));
        return Map.of(rule.token(), w);
    }
}
