package org.cb4i.sdk.settlement;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.Usage;

/**
 * An agreement's price schedule ([SET-1]): what its licensee pays per period, and how the collective shares it.
 * Amounts are exact decimal strings in the JSON (never JSON numbers, which many readers turn into binary floats).
 * Read with {@link #read}, written with {@link #toJson}; immutable.
 *
 * @param currency the ISO 4217 currency; it must have a minor unit (not XAU, XXX, ...)
 * @param base the components that apply to every usage
 * @param byUsage components for one usage: its {@code per_request} and {@code per_mib} replace the base ones for
 *     entries of that usage, its {@code flat} and {@code minimum} are billed in addition to the base ones
 * @param feePercent the collective's fee, a percentage of the invoice (0 to 100)
 * @param allocation how the rest is shared among members
 * @param attestedOnly bill only entries that carry the licensee's own per-request signature ([SET-3])
 */
public record PriceSchedule(Currency currency, Rates base, Map<Usage, Rates> byUsage, BigDecimal feePercent, Allocation allocation,
        boolean attestedOnly) {
    /** Media type of a price schedule document. */
    public static final String MEDIA_TYPE = "application/cb4i-price+json";

    private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]{0,17})(\\.[0-9]{1,18})?");
    private static final Set<String> MEMBERS = Set.of("currency", "per_request", "per_mib", "flat", "minimum", "usages", "fee", "allocation",
            "attested_only");
    private static final Set<String> COMPONENTS = Set.of("per_request", "per_mib", "flat", "minimum");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public PriceSchedule {
        if (currency.getDefaultFractionDigits() < 0) {
            throw new IllegalArgumentException("currency " + currency + " has no minor unit");
        }
        byUsage = java.util.Collections.unmodifiableMap(new TreeMap<>(byUsage));
        if (feePercent.signum() < 0 || feePercent.compareTo(HUNDRED) > 0) {
            throw new IllegalArgumentException("fee must be a percentage from 0 to 100");
        }
    }

    /** Digits of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD). */
    public int minorDigits() {
        return currency.getDefaultFractionDigits();
    }

    /** The rates for entries of {@code usage}: its own per-entry prices, or the base ones. */
    public Rates ratesFor(Usage usage) {
        Rates own = byUsage.get(usage);
        return own == null ? base.over(Rates.NONE) : own.over(base);
    }

    /**
     * Reads a schedule.
     *
     * @param what where it comes from, for messages (e.g. {@code price.json} or {@code agreement a-1: price})
     * @throws MalformedInputException ({@link Reason#MALFORMED_TERMS}) naming the member that is wrong and what was
     *     expected
     */
    public static PriceSchedule read(String json, String what) {
        return read(Json.readObject(json, what, Reason.MALFORMED_TERMS), what);
    }

    /** The same, from a tree already parsed with the shared strict reader. */
    public static PriceSchedule read(JsonNode p, String what) {
        if (!p.isObject()) {
            throw refuse(what, "", "expected a JSON object with at least a currency");
        }
        unknown(p, MEMBERS, what, "");
        JsonNode c = p.get("currency");
        if (c == null || !c.isTextual() || !c.textValue().matches("[A-Z]{3}")) {
            throw refuse(what, "currency", "expected an ISO 4217 code such as \"EUR\"" + found(c));
        }
        Currency currency;
        try {
            currency = Currency.getInstance(c.textValue());
        } catch (IllegalArgumentException e) {
            throw refuse(what, "currency", "\"" + c.textValue() + "\" is not an ISO 4217 currency");
        }
        if (currency.getDefaultFractionDigits() < 0) {
            throw refuse(what, "currency", c.textValue() + " has no minor unit and cannot be billed in");
        }
        Rates base = rates(p, what, "");
        Map<Usage, Rates> byUsage = new TreeMap<>();
        JsonNode us = p.get("usages");
        if (us != null) {
            if (!us.isObject()) {
                throw refuse(what, "usages", "expected an object from usage (e.g. \"ai-train\") to its prices" + found(us));
            }
            for (Iterator<String> it = us.fieldNames(); it.hasNext(); ) {
                String token = it.next();
                Usage u = Usage.parse(token).orElseThrow(() -> refuse(what, "usages." + token, "not a usage of the vocabulary (ai-train, ai-input, "
                        + "ai-index, ai-all, search, all)"));
                JsonNode r = us.get(token);
                if (!r.isObject()) {
                    throw refuse(what, "usages." + token, "expected an object of prices" + found(r));
                }
                unknown(r, COMPONENTS, what, "usages." + token + ".");
                byUsage.put(u, rates(r, what, "usages." + token + "."));
            }
        }
        BigDecimal fee = BigDecimal.ZERO;
        if (p.has("fee")) {
            fee = decimal(p.get("fee"), what, "fee");
            if (fee.compareTo(HUNDRED) > 0) {
                throw refuse(what, "fee", "a percentage from \"0\" to \"100\"; found \"" + p.get("fee").textValue() + "\"");
            }
        }
        Allocation allocation = allocation(p.get("allocation"), what);
        JsonNode ao = p.get("attested_only");
        if (ao != null && !ao.isBoolean()) {
            throw refuse(what, "attested_only", "expected true or false" + found(ao));
        }
        return new PriceSchedule(currency, base, byUsage, fee, allocation, ao != null && ao.booleanValue());
    }

    /** The schedule as its JSON members, amounts as decimal strings; {@link #read} gives back an equal schedule. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("currency", currency.getCurrencyCode());
        m.putAll(base.toJson());
        if (!byUsage.isEmpty()) {
            Map<String, Object> us = new LinkedHashMap<>();
            byUsage.forEach((u, r) -> us.put(u.token(), r.toJson()));
            m.put("usages", us);
        }
        m.put("fee", feePercent.toPlainString());
        m.put("allocation", allocation.toJson());
        m.put("attested_only", attestedOnly);
        return m;
    }

    private static Rates rates(JsonNode p, String what, String prefix) {
        return new Rates(opt(p, "per_request", what, prefix), opt(p, "per_mib", what, prefix), opt(p, "flat", what, prefix),
                opt(p, "minimum", what, prefix));
    }

    private static Optional<BigDecimal> opt(JsonNode p, String member, String what, String prefix) {
        JsonNode v = p.get(member);
        return v == null ? Optional.empty() : Optional.of(decimal(v, what, prefix + member));
    }

    private static BigDecimal decimal(JsonNode v, String what, String field) {
        if (v.isNumber()) {
            throw refuse(what, field, "amounts are exact decimal strings, e.g. \"" + v.asText() + "\", never JSON numbers");
        }
        if (!v.isTextual() || !DECIMAL.matcher(v.textValue()).matches()) {
            throw refuse(what, field, "expected a non-negative decimal string such as \"0.0004\" (digits, at most one point, no exponent)"
                    + found(v));
        }
        return new BigDecimal(v.textValue());
    }

    private static Allocation allocation(JsonNode a, String what) {
        if (a == null) {
            return Allocation.PRO_RATA;
        }
        if (a.isTextual() && a.textValue().equals("pro_rata")) {
            return Allocation.PRO_RATA;
        }
        if (a.isTextual() && a.textValue().equals("equal")) {
            return Allocation.EQUAL;
        }
        if (a.isObject() && a.size() == 1 && a.get("weights") != null && a.get("weights").isObject() && !a.get("weights").isEmpty()) {
            Map<String, BigDecimal> w = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = a.get("weights").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                BigDecimal d = decimal(e.getValue(), what, "allocation.weights." + e.getKey());
                if (d.signum() == 0) {
                    throw refuse(what, "allocation.weights." + e.getKey(), "a weight must be positive (leave the member out instead)");
                }
                w.put(e.getKey(), d);
            }
            return new Allocation(Allocation.Rule.WEIGHTS, w);
        }
        if (a.isObject() && a.size() == 1 && a.get("value") != null && a.get("value").isObject() && !a.get("value").isEmpty()) {
            Map<String, BigDecimal> v = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = a.get("value").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode n = e.getValue();
                String field = "allocation.value." + e.getKey();
                boolean negative = n.isTextual() && n.textValue().startsWith("-");
                BigDecimal d = decimal(negative ? com.fasterxml.jackson.databind.node.TextNode.valueOf(n.textValue().substring(1)) : n, what, field);
                v.put(e.getKey(), negative ? d.negate() : d);
            }
            return new Allocation(Allocation.Rule.VALUE, v);
        }
        throw refuse(what, "allocation", "expected \"pro_rata\", \"equal\", {\"weights\": {\"<member>\": \"<weight>\", ...}} or {\"value\": "
                + "{\"<member>\": \"<value>\", ...}}" + found(a));
    }

    private static void unknown(JsonNode p, Set<String> allowed, String what, String prefix) {
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw refuse(what, prefix + k, "unknown member; expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private static String found(JsonNode v) {
        return v == null ? "; it is missing" : "; found " + Json.write(v);
    }

    private static MalformedInputException refuse(String what, String field, String expected) {
        return new MalformedInputException(Reason.MALFORMED_TERMS, what + (field.isEmpty() ? "" : ": " + field) + ": " + expected);
    }
}
