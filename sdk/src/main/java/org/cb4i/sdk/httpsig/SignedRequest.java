package org.cb4i.sdk.httpsig;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The parts of an HTTP request that RFC 9421 signatures cover, as received: method, scheme, authority,
 * path and query, and header fields (names lowercased, field lines kept in order). Immutable.
 *
 * <p>The authority is normalised once ([POP-5]): host lowercased, the scheme's default port removed, so a
 * signature over {@code @authority} does not depend on how a client spelt the Host header.
 */
public final class SignedRequest {
    private final String method;
    private final String scheme;
    private final String authority;
    private final String pathAndQuery;
    private final Function<String, List<String>> fields;

    private SignedRequest(String method, String scheme, String authority, String pathAndQuery, Function<String, List<String>> fields) {
        this.method = method;
        this.scheme = scheme;
        this.authority = authority;
        this.pathAndQuery = pathAndQuery;
        this.fields = fields;
    }

    /**
     * A request for {@code method} on the absolute {@code url}.
     *
     * @param fields header fields by name (any case); each value one field line
     */
    public static SignedRequest of(String method, URI url, Map<String, List<String>> fields) {
        Objects.requireNonNull(method, "method");
        if (!url.isAbsolute() || url.getRawAuthority() == null) {
            throw new IllegalArgumentException("a signed request needs an absolute URL: " + url);
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String pq = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        Map<String, List<String>> m = lower(fields);
        return new SignedRequest(method, scheme, normaliseAuthority(scheme, url.getRawAuthority()), pq, name -> m.getOrDefault(name, List.of()));
    }

    /**
     * A request as a server received it, without copying its header fields: {@code fields} returns the field lines
     * of a lowercase name (empty when absent). For proxies, which already hold the fields in their own structure.
     *
     * @param rawAuthority the Host header (or the authority of an absolute-form target), as received
     * @param pathAndQuery the request target as received
     */
    public static SignedRequest received(String method, String scheme, String rawAuthority, String pathAndQuery,
            Function<String, List<String>> fields) {
        String sch = scheme.toLowerCase(Locale.ROOT);
        return new SignedRequest(Objects.requireNonNull(method, "method"), sch, normaliseAuthority(sch, rawAuthority),
                Objects.requireNonNull(pathAndQuery, "pathAndQuery"), Objects.requireNonNull(fields, "fields"));
    }

    /** As {@link #of(String, URI, Map)} without header fields. */
    public static SignedRequest of(String method, URI url) {
        return of(method, url, Map.of());
    }

    /** A copy with one more field line (signers add {@code Signature-Agent} this way). */
    public SignedRequest withField(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        Function<String, List<String>> before = fields;
        return new SignedRequest(method, scheme, authority, pathAndQuery, n -> {
            if (!n.equals(lower)) {
                return before.apply(n);
            }
            List<String> l = new ArrayList<>(before.apply(n));
            l.add(value);
            return List.copyOf(l);
        });
    }

    /** Lowercase host, and {@code :port} only when it is not the scheme's default. */
    public static String normaliseAuthority(String scheme, String rawAuthority) {
        String a = rawAuthority.toLowerCase(Locale.ROOT);
        if (a.endsWith(":443") && "https".equals(scheme)) {
            return a.substring(0, a.length() - 4);
        }
        if (a.endsWith(":80") && "http".equals(scheme)) {
            return a.substring(0, a.length() - 3);
        }
        return a;
    }

    public String method() {
        return method;
    }

    public String scheme() {
        return scheme;
    }

    public String authority() {
        return authority;
    }

    /** The path and query as received, e.g. {@code /a/b?x=1}. */
    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** {@code scheme://authority/path?query}. */
    public String targetUri() {
        return scheme + "://" + authority + pathAndQuery;
    }

    /** The field lines of {@code name} (lowercase), in order; empty when absent. */
    public List<String> field(String name) {
        List<String> l = fields.apply(name);
        return l == null ? List.of() : l;
    }

    private static Map<String, List<String>> lower(Map<String, List<String>> in) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        in.forEach((k, v) -> m.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
        Map<String, List<String>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }
}
