package org.cb4i.sdk.terms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.TokenItem;

/**
 * What a publisher signals about unlicensed use, per usage, read from any of the vocabularies in use and
 * mapped onto {@link Usage} by the normative table of SPEC.md [VOC-3]:
 *
 * <table>
 *   <caption>vocabulary mapping</caption>
 *   <tr><th>source</th><th>signal</th><th>cb4i usages</th></tr>
 *   <tr><td>IETF AIPREF ({@code Content-Usage})</td><td>{@code train-ai=y|n}</td><td>ai-train</td></tr>
 *   <tr><td>IETF AIPREF</td><td>{@code search=y|n}</td><td>search</td></tr>
 *   <tr><td>Content Signals ({@code Content-Signal})</td><td>{@code ai-train=yes|no}, {@code ai-input=…}, {@code search=…}</td><td>the same names</td></tr>
 *   <tr><td>TDMRep</td><td>{@code tdm-reservation: 1}</td><td>ai-train, ai-input, ai-index disallowed</td></tr>
 *   <tr><td>TDMRep</td><td>{@code tdm-reservation: 0}</td><td>ai-train, ai-input, ai-index allowed</td></tr>
 * </table>
 *
 * Unknown keys and values are ignored. Signals from several sources combine per usage with
 * {@link Preference#and}: the most restrictive wins ([VOC-4]). A license replaces these signals for its
 * licensee, within its own terms. Immutable.
 */
public final class UsageSignals {
    public static final UsageSignals NONE = new UsageSignals(new EnumMap<>(Usage.class));

    private final Map<Usage, Preference> prefs;

    private UsageSignals(EnumMap<Usage, Preference> prefs) {
        this.prefs = Collections.unmodifiableMap(prefs);
    }

    /** One signal. */
    public static UsageSignals of(Usage usage, Preference p) {
        EnumMap<Usage, Preference> m = new EnumMap<>(Usage.class);
        m.put(usage, p);
        return new UsageSignals(m);
    }

    /** The signal for {@code usage}; {@link Preference#UNKNOWN} when nothing was said. */
    public Preference get(Usage usage) {
        return prefs.getOrDefault(usage, Preference.UNKNOWN);
    }

    /** Combines with other signals, the most restrictive winning per usage. */
    public UsageSignals and(UsageSignals other) {
        EnumMap<Usage, Preference> m = new EnumMap<>(Usage.class);
        for (Usage u : Usage.values()) {
            Preference p = get(u).and(other.get(u));
            if (p != Preference.UNKNOWN) {
                m.put(u, p);
            }
        }
        return new UsageSignals(m);
    }

    /** The usages explicitly allowed. */
    public List<Usage> allowed() {
        List<Usage> out = new ArrayList<>();
        prefs.forEach((u, p) -> {
            if (p == Preference.ALLOWED) {
                out.add(u);
            }
        });
        return out;
    }

    /**
     * Parses an AIPREF {@code Content-Usage} value (RFC 9651 dictionary, e.g. {@code train-ai=n, search=y}).
     * Unparsable input yields {@link #NONE}: a malformed preference is no preference (AIPREF §6).
     */
    public static UsageSignals fromContentUsage(String value) {
        return fromDictionary(value, Map.of("train-ai", Usage.AI_TRAIN, "search", Usage.SEARCH), "y", "n");
    }

    /** Parses a Content Signals value ({@code search=yes, ai-input=no, ai-train=no}). */
    public static UsageSignals fromContentSignal(String value) {
        return fromDictionary(value, Map.of("ai-train", Usage.AI_TRAIN, "ai-input", Usage.AI_INPUT, "search", Usage.SEARCH), "yes", "no");
    }

    /** The signals of a TDMRep {@code tdm-reservation} value: 1 reserves, 0 does not, anything else is unset. */
    public static UsageSignals fromTdmReservation(int reservation) {
        if (reservation != 0 && reservation != 1) {
            return NONE;
        }
        Preference p = reservation == 1 ? Preference.DISALLOWED : Preference.ALLOWED;
        EnumMap<Usage, Preference> m = new EnumMap<>(Usage.class);
        m.put(Usage.AI_TRAIN, p);
        m.put(Usage.AI_INPUT, p);
        m.put(Usage.AI_INDEX, p);
        return new UsageSignals(m);
    }

    /** The AIPREF {@code Content-Usage} value for these signals (only the two AIPREF categories), or "" when none. */
    public String toContentUsage() {
        List<String> parts = new ArrayList<>();
        if (get(Usage.AI_TRAIN) != Preference.UNKNOWN) {
            parts.add("train-ai=" + (get(Usage.AI_TRAIN) == Preference.ALLOWED ? "y" : "n"));
        }
        if (get(Usage.SEARCH) != Preference.UNKNOWN) {
            parts.add("search=" + (get(Usage.SEARCH) == Preference.ALLOWED ? "y" : "n"));
        }
        return String.join(", ", parts);
    }

    private static UsageSignals fromDictionary(String value, Map<String, Usage> keys, String yes, String no) {
        Dictionary d;
        try {
            d = Parser.parseDictionary(value.strip());
        } catch (IllegalArgumentException e) {
            return NONE;
        }
        EnumMap<Usage, Preference> m = new EnumMap<>(Usage.class);
        for (Map.Entry<String, ListElement<? extends Object>> e : d.get().entrySet()) {
            Usage u = keys.get(e.getKey().toLowerCase(Locale.ROOT));
            if (u == null || !(e.getValue() instanceof TokenItem t)) {
                continue;
            }
            Preference p = t.get().equals(yes) ? Preference.ALLOWED : t.get().equals(no) ? Preference.DISALLOWED : Preference.UNKNOWN;
            m.merge(u, p, Preference::and);
        }
        m.values().removeIf(p -> p == Preference.UNKNOWN);
        return new UsageSignals(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UsageSignals s && s.prefs.equals(prefs);
    }

    @Override
    public int hashCode() {
        return prefs.hashCode();
    }

    @Override
    public String toString() {
        return prefs.toString();
    }
}
