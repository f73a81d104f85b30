package org.cb4i.sdk.token;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A license's {@code quota} claim ([TOK-10]): limits per licensee per site. Each member is optional; an absent
 * one means no limit of that kind.
 */
public record Quota(OptionalDouble rps, OptionalLong requestsPerDay, OptionalLong bytesPerDay) {
    public static final Quota NONE = new Quota(OptionalDouble.empty(), OptionalLong.empty(), OptionalLong.empty());

    public Quota {
        if (rps.isPresent() && !(rps.getAsDouble() > 0 && Double.isFinite(rps.getAsDouble()))) {
            throw new IllegalArgumentException("quota.rps must be a positive number");
        }
        if (requestsPerDay.isPresent() && requestsPerDay.getAsLong() <= 0) {
            throw new IllegalArgumentException("quota.requests_per_day must be a positive integer");
        }
        if (bytesPerDay.isPresent() && bytesPerDay.getAsLong() <= 0) {
            throw new IllegalArgumentException("quota.bytes_per_day must be a positive integer");
        }
    }

    public boolean isEmpty() {
        return rps.isEmpty() && requestsPerDay.isEmpty() && bytesPerDay.isEmpty();
    }

    /**
     * The limits two live licenses of one licensee on one site impose together ([TOK-10]): of each kind, the smaller
     * (an absent member is no limit, so the other's applies).
     */
    public Quota and(Quota other) {
        return new Quota(rps.isEmpty() ? other.rps : other.rps.isEmpty() ? rps : OptionalDouble.of(Math.min(rps.getAsDouble(), other.rps.getAsDouble())),
                min(requestsPerDay, other.requestsPerDay), min(bytesPerDay, other.bytesPerDay));
    }

    private static OptionalLong min(OptionalLong a, OptionalLong b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : OptionalLong.of(Math.min(a.getAsLong(), b.getAsLong()));
    }

    /** A one-line description for people, e.g. {@code 2 req/s, 50000 req/day}; "none" when empty. */
    public String describe() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        rps.ifPresent(v -> parts.add((v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v)) + " req/s"));
        requestsPerDay.ifPresent(v -> parts.add(v + " req/day"));
        bytesPerDay.ifPresent(v -> parts.add(v + " bytes/day"));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** The {@code quota} claim's members. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        rps.ifPresent(v -> m.put("rps", v == Math.rint(v) ? (Object) (long) v : (Object) v));
        requestsPerDay.ifPresent(v -> m.put("requests_per_day", v));
        bytesPerDay.ifPresent(v -> m.put("bytes_per_day", v));
        return m;
    }
}
