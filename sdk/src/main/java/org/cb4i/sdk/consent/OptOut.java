package org.cb4i.sdk.consent;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Agreement;

/**
 * What a member refuses while it stays in the collective ([CNS-1]): usages, agreements (by URI) and works (by path
 * pattern). Immutable.
 *
 * @param usageTokens the opted-out usage tokens as written (unknown ones are kept, and opt nothing out)
 * @param agreements agreement URIs, as licenses name them in {@code agreement.uri}
 * @param paths path patterns ([VOC-5])
 */
public record OptOut(List<String> usageTokens, List<String> agreements, List<PathPattern> paths) {
    public static final OptOut NONE = new OptOut(List.of(), List.of(), List.of());
    private static final Set<String> MEMBERS = Set.of("usages", "agreements", "paths");

    public OptOut {
        usageTokens = List.copyOf(usageTokens);
        agreements = List.copyOf(agreements);
        paths = List.copyOf(paths);
    }

    /**
     * Reads an {@code opt_out} object ([CNS-1]).
     *
     * @param what names the object in messages ("consent document opt_out")
     * @throws RejectedException {@link Reason#INVALID_CLAIM} naming the member at fault
     */
    public static OptOut read(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " must be an object with optional usages, agreements and paths");
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!MEMBERS.contains(k)) {
                throw new RejectedException(Reason.INVALID_CLAIM, what + " has the unknown member \"" + k
                        + "\"; an opt-out must be understood in full (usages, agreements, paths)");
            }
        }
        List<String> usages = strings(n.get("usages"), what + ".usages");
        List<String> agreements = strings(n.get("agreements"), what + ".agreements");
        for (String a : agreements) {
            try {
                if (!URI.create(a).isAbsolute()) {
                    throw new IllegalArgumentException("not absolute");
                }
            } catch (IllegalArgumentException e) {
                throw new RejectedException(Reason.INVALID_CLAIM, what + ".agreements: \"" + a + "\" is not an absolute URI");
            }
        }
        List<PathPattern> paths = new ArrayList<>();
        for (String p : strings(n.get("paths"), what + ".paths")) {
            try {
                paths.add(PathPattern.of(p));
            } catch (IllegalArgumentException e) {
                throw new RejectedException(Reason.INVALID_CLAIM, what + ".paths: " + e.getMessage());
            }
        }
        return new OptOut(usages, agreements, paths);
    }

    private static List<String> strings(JsonNode n, String what) {
        if (n == null) {
            return List.of();
        }
        if (!n.isArray() || n.size() > 1024) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " must be an array of at most 1024 strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) {
            if (!s.isTextual() || s.textValue().isEmpty()) {
                throw new RejectedException(Reason.INVALID_CLAIM, what + " must hold non-empty strings only");
            }
            out.add(s.textValue());
        }
        return out;
    }

    /**
     * Why a licensed request is opted out ([CNS-2]), or empty when it is not.
     *
     * @param required the usages the request's path requires
     * @param agreement the license's agreement, if it names one
     * @param pathAndQuery the request's path and query as sent
     */
    public Optional<String> refuses(Collection<Usage> required, Optional<Agreement> agreement, String pathAndQuery) {
        for (String t : usageTokens) {
            Optional<Usage> o = Usage.parse(t);
            if (o.isEmpty()) {
                continue;
            }
            for (Usage u : required) {
                if (o.get().overlaps(u)) {
                    return Optional.of("the member has opted " + o.get().token() + " out" + (o.get() == u ? "" : ", and this path requires " + u.token()));
                }
            }
        }
        if (agreement.isPresent() && agreements.contains(agreement.get().uri().toString())) {
            return Optional.of("the member has opted out of the agreement " + agreement.get().uri());
        }
        for (PathPattern p : paths) {
            if (p.matches(pathAndQuery)) {
                return Optional.of("the member has opted its works at " + p.pattern() + " out");
            }
        }
        return Optional.empty();
    }

    /** Whether nothing is opted out. */
    public boolean isEmpty() {
        return usageTokens.isEmpty() && agreements.isEmpty() && paths.isEmpty();
    }

    /** The {@code opt_out} object as JSON: only the members that are not empty. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!usageTokens.isEmpty()) {
            m.put("usages", usageTokens);
        }
        if (!agreements.isEmpty()) {
            m.put("agreements", agreements);
        }
        if (!paths.isEmpty()) {
            m.put("paths", paths.stream().map(PathPattern::pattern).toList());
        }
        return m;
    }
}
