package org.cb4i.proxy.pipeline;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Header rules shared by both directions of the forwarder. */
final class Headers {
    /** RFC 9110 §7.6.1 hop-by-hop fields, plus fields that must never cross a proxy. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");
    /** Fields whose client-sent values are never trusted (set by the proxy itself, or by trusted forwarders only). */
    static final Set<String> FORWARDING = Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
            "forwarded", "x-real-ip");
    static final Set<String> CREDENTIALS = Set.of("authorization", "signature", "signature-input", "signature-agent");

    private Headers() {}

    /**
     * The names to drop from a message: hop-by-hop fields and every field named in {@code Connection}
     * (lowercase). Computed before anything is added, so a client can never name a header the proxy adds.
     */
    static Set<String> dropped(MultiMap headers) {
        List<String> conn = headers.getAll("connection");
        if (conn.isEmpty()) {
            return HOP_BY_HOP;
        }
        Set<String> out = new HashSet<>(HOP_BY_HOP);
        for (String line : conn) {
            for (String token : line.split(",")) {
                String t = token.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
