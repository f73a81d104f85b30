package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.notForwarded;
import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.H2Wire;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Testbed;

/**
 * HTTP/2 at the proxy's boundary (h2c with prior knowledge on its listener; research/security.md §A3 PRX-13 and PRX-14):
 * an h2 request is served and reaches the origin as HTTP/1.1 ([ENF-7]); what RFC 9113 calls malformed, and what would
 * become request smuggling once the request is passed on as HTTP/1.1, is refused and never forwarded ([ENF-5]); floods
 * of resets, CONTINUATION frames, header fields and streams end with the connection closed or the excess refused, and
 * the proxy keeps serving.
 */
public final class Http2Checks {
    private Http2Checks() {}

    static final int TIMEOUT_MS = 5000;

    /** One malformed h2 request: its name and its fields for (authority, path). */
    record Case(String name, java.util.function.BiFunction<String, String, String[]> fields) {}

    static List<Case> malformed() {
        List<Case> c = new ArrayList<>();
        for (String[] f : List.of(new String[] {"connection", "keep-alive"}, new String[] {"keep-alive", "timeout=5"},
                new String[] {"proxy-connection", "keep-alive"}, new String[] {"transfer-encoding", "chunked"}, new String[] {"upgrade", "h2c"},
                new String[] {"te", "gzip"})) {
            c.add(new Case("the connection-specific field " + f[0] + ": " + f[1], (a, p) -> H2Wire.get(a, p, f[0], f[1])));
        }
        c.add(new Case("a field value with CR LF (a second field injected)", (a, p) -> H2Wire.get(a, p, "x-a", "1\r\nx-injected: 1")));
        c.add(new Case("a field value with a bare LF", (a, p) -> H2Wire.get(a, p, "x-a", "1\nx-injected: 1")));
        c.add(new Case("a field value with a bare CR", (a, p) -> H2Wire.get(a, p, "x-a", "1\rx")));
        c.add(new Case("a field value with NUL", (a, p) -> H2Wire.get(a, p, "x-a", "a\u0000b")));
        c.add(new Case("a field name with upper-case letters", (a, p) -> H2Wire.get(a, p, "X-Upper", "1")));
        c.add(new Case("a field name with a space", (a, p) -> H2Wire.get(a, p, "x a", "1")));
        c.add(new Case("a host that is not the :authority", (a, p) -> H2Wire.get(a, p, "host", "evil.example")));
        c.add(new Case("neither :authority nor host", (a, p) -> new String[] {":method", "GET", ":scheme", "http", ":path", p}));
        c.add(new Case("an unknown pseudo-header", (a, p) -> H2Wire.get(a, p, ":foo", "bar")));
        c.add(new Case("a pseudo-header after a regular field", (a, p) -> new String[] {":method", "GET", ":scheme", "http", "x-a", "1",
                ":authority", a, ":path", p}));
        c.add(new Case("two :path pseudo-headers", (a, p) -> H2Wire.get(a, p, ":path", "/deny/" + p)));
        c.add(new Case("an absolute :path naming another host", (a, p) -> H2Wire.get(a, "http://evil.example" + p)));
        c.add(new Case("the method CONNECT", (a, p) -> new String[] {":method", "CONNECT", ":authority", a}));
        return c;
    }

    /** The safe outcome: refused (4xx, a reset stream, or the connection closed), nothing at the origin, no stack trace. */
    static void refused(Testbed bed, H2Wire.Answer r, String marker) {
        that(r.refused(), () -> "expected a refusal (4xx, RST_STREAM or GOAWAY); got " + r);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        that(!body.contains("Exception") && !body.contains("\tat "), () -> "the answer shows a stack trace: " + body);
        List<LoggedRequest> seen = bed.originSaw(marker);
        that(seen.isEmpty(), () -> "the request reached the origin as " + seen.get(0).getMethod() + " " + seen.get(0).getUrl() + " with "
                + seen.get(0).getHeaders());
    }

    static H2Wire connect(Testbed bed) throws Exception {
        return H2Wire.connect(bed.proxy(), TIMEOUT_MS);
    }

    /** HEADERS without END_HEADERS, then {@code count} CONTINUATION frames of {@code piece}: closed before the end, nothing forwarded. */
    static void continuationFlood(Testbed bed, byte[] piece, int count) throws Exception {
        String m = mark();
        try (H2Wire w = connect(bed)) {
            w.frame(H2Wire.HEADERS, 0, 1, H2Wire.block(H2Wire.get(bed.authority(), "/open/" + m)));
            int sent = 0;
            try {
                for (int i = 0; i < count; i++) {
                    w.frame(H2Wire.CONTINUATION, 0, 1, piece);
                    sent++;
                }
            } catch (java.io.IOException closed) {
                // closed by the proxy: expected
            }
            int total = sent;
            that(total < count || !w.alive(), () -> count + " CONTINUATION frames of " + piece.length + " bytes were taken and the connection is still open");
        }
        notForwarded(bed, m);
    }

    /** A request declaring {@code declared} bytes whose DATA says otherwise: refused, and nothing of it at the origin. */
    static void contentLengthMismatch(Testbed bed, int declared, java.util.function.Function<String, String> body) throws Exception {
        String m = mark();
        try (H2Wire w = connect(bed)) {
            w.request(1, false, H2Wire.get(bed.authority(), "/open/" + m, "content-length", Integer.toString(declared)));
            w.frame(H2Wire.DATA, H2Wire.END_STREAM, 1, body.apply(m).getBytes(StandardCharsets.US_ASCII));
            refused(bed, w.answer(1), m);
        }
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("an HTTP/2 (h2c) request to an open path is served, and reaches the origin as HTTP/1.1 with :authority as the "
                + "forwarded host", List.of("ENF-7"), bed -> {
                    String m = mark();
                    try (H2Wire w = connect(bed)) {
                        w.request(1, true, H2Wire.get(bed.authority(), "/open/" + m));
                        H2Wire.Answer r = w.answer(1);
                        that(r.status() == 200, () -> "expected 200; got " + r);
                    }
                    List<LoggedRequest> seen = bed.originSaw(m);
                    that(seen.size() == 1, () -> "expected the request once at the origin; it came " + seen.size() + " times");
                    that(bed.authority().equalsIgnoreCase(seen.get(0).getHeader("X-Forwarded-Host")),
                            () -> "X-Forwarded-Host at the origin is " + seen.get(0).getHeader("X-Forwarded-Host") + ", not the :authority " + bed.authority());
                }));
        c.add(new Check("a licensed HTTP/2 request, signed over its :authority, is served with a receipt", List.of("ENF-3", "POP-2"), bed -> {
            String m = mark();
            HttpExchange.Request signed = bed.licensedGet("/licensed/" + m);
            List<String> fields = new ArrayList<>(List.of(H2Wire.get(bed.authority(), "/licensed/" + m)));
            for (String[] f : signed.fields()) {
                String name = f[0].toLowerCase(Locale.ROOT);
                if (!name.equals("host") && !name.equals("connection")) {
                    fields.add(name);
                    fields.add(f[1]);
                }
            }
            try (H2Wire w = connect(bed)) {
                w.request(1, true, fields.toArray(String[]::new));
                H2Wire.Answer r = w.answer(1);
                that(r.status() == 200, () -> "expected 200; got " + r + " " + new String(r.body(), StandardCharsets.UTF_8));
                that(r.fields().containsKey("cb4i-receipt"), () -> "no cb4i-receipt in " + r.fields());
            }
        }));
        for (Case k : malformed()) {
            c.add(new Check("PRX-14 HTTP/2 " + k.name() + ": refused, not forwarded, no stack trace", List.of("ENF-5"), bed -> {
                String m = mark();
                try (H2Wire w = connect(bed)) {
                    w.request(1, true, k.fields().apply(bed.authority(), "/open/" + m));
                    refused(bed, w.answer(1), m);
                }
            }));
        }
        c.add(new Check("PRX-14 HTTP/2 a content-length larger than the body: refused, not forwarded as complete", List.of("ENF-5"),
                bed -> contentLengthMismatch(bed, 10, m -> "hello")));
        c.add(new Check("PRX-14 HTTP/2 a content-length smaller than the body: refused, the rest never forwarded as a request", List.of("ENF-5"),
                bed -> contentLengthMismatch(bed, 5, m -> "helloGET /open/" + m + "-smuggled HTTP/1.1\r\nHost: a\r\n\r\n")));
        c.add(new Check("PRX-13 HTTP/2 rapid reset (1000 streams opened and cancelled at once): the connection is closed, the origin is spared",
                List.of("ENF-5"), bed -> {
                    String m = mark();
                    int sent = 0;
                    try (H2Wire w = connect(bed)) {
                        try {
                            for (int i = 0; i < 1000; i++) {
                                int stream = 1 + 2 * i;
                                w.request(stream, true, H2Wire.get(bed.authority(), "/open/" + m + "/" + i));
                                w.frame(H2Wire.RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(8).array()); // CANCEL
                                sent++;
                            }
                        } catch (java.io.IOException closed) {
                            // the proxy closed the connection while the flood went on: what is expected
                        }
                        boolean alive = sent == 1000 && w.alive();
                        that(!alive, () -> "after 1000 streams reset at once the connection is still open");
                    }
                    Thread.sleep(500);
                    int reached = bed.originSaw(m).size();
                    that(reached < 500, () -> reached + " of the reset requests reached the origin");
                }));
        c.add(new Check("PRX-13 HTTP/2 CONTINUATION flood (a header block that never ends): the connection is closed", List.of("ENF-5"),
                bed -> continuationFlood(bed, H2Wire.block("x-flood", "y".repeat(100)), 20_000)));
        c.add(new Check("PRX-13 HTTP/2 CONTINUATION flood of empty frames: the connection is closed", List.of("ENF-5"),
                bed -> continuationFlood(bed, new byte[0], 100_000)));
        c.add(new Check("PRX-13 HTTP/2 a header block over the proxy's limit (10,000 fields): refused, not forwarded", List.of("ENF-5"), bed -> {
            String m = mark();
            List<String> f = new ArrayList<>(List.of(H2Wire.get(bed.authority(), "/open/" + m)));
            for (int i = 0; i < 10_000; i++) {
                f.add("x-" + i);
                f.add("1");
            }
            try (H2Wire w = connect(bed)) {
                byte[] block = H2Wire.block(f.toArray(String[]::new));
                int max = 16_384;
                w.frame(H2Wire.HEADERS, 0, 1, java.util.Arrays.copyOfRange(block, 0, Math.min(max, block.length)));
                try {
                    for (int at = max; at < block.length; at += max) {
                        int end = Math.min(at + max, block.length);
                        w.frame(H2Wire.CONTINUATION, end == block.length ? H2Wire.END_HEADERS | 0 : 0, 1, java.util.Arrays.copyOfRange(block, at, end));
                    }
                } catch (java.io.IOException closed) {
                    // closed by the proxy: a refusal
                }
                refused(bed, w.answer(1), m);
            }
        }));
        c.add(new Check("PRX-13 HTTP/2 streams beyond SETTINGS_MAX_CONCURRENT_STREAMS: a limit is announced and the excess is refused",
                List.of("ENF-5"), bed -> {
                    String m = mark();
                    try (H2Wire w = connect(bed)) {
                        w.frame(H2Wire.PING, 0, 0, new byte[8]);
                        while (w.serverSettings.isEmpty()) {
                            H2Wire.Frame f = w.read();
                            that(f != null, () -> "the proxy sent no SETTINGS");
                        }
                        Long limit = w.serverSettings.get(3);
                        that(limit != null && limit <= 1000, () -> "SETTINGS_MAX_CONCURRENT_STREAMS is " + (limit == null ? "not announced (unlimited)" : limit));
                        int n = (int) (long) limit + 10;
                        try {
                            for (int i = 0; i < n; i++) {
                                // open streams: the request's body never comes, so none of them ends
                                w.request(1 + 2 * i, false, H2Wire.get(bed.authority(), "/open/" + m + "/" + i, "content-length", "1"));
                            }
                        } catch (java.io.IOException closed) {
                            return; // the connection closed on the excess: refused
                        }
                        H2Wire.Answer last = w.answer(1 + 2 * (n - 1));
                        that(last.refused(), () -> "stream " + n + " of " + n + " open at once (the limit is " + limit + ") was not refused: " + last);
                    }
                }));
        c.add(new Check("PRX-20 after every HTTP/2 hostile input, the proxy still serves HTTP/2 and HTTP/1.1", List.of("ENF-5"), bed -> {
            String m = mark();
            try (H2Wire w = connect(bed)) {
                w.request(1, true, H2Wire.get(bed.authority(), "/open/" + m));
                H2Wire.Answer r = w.answer(1);
                that(r.status() == 200, () -> "expected 200 over HTTP/2; got " + r);
            }
            served(bed.send(bed.humanGet("/open/" + m + "-1")));
        }));
        return c;
    }
}
