package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.notForwarded;
import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Testbed;

/**
 * The hostile inputs of research/security.md §A3 that apply at a proxy's HTTP/1.1 boundary and can be sent as one
 * request (PRX-02 to PRX-10, PRX-20; not slow clients, floods or HTTP/2),
 * sent as raw bytes. The safe outcome is the same for each: refused (a 4xx, 501 or 505, or the connection closed
 * without an answer), nothing reaches the origin, no 500 and no stack trace, and the proxy keeps serving. Where the
 * spec names the exact reason the enforcement checks ([ENF-5], [ENF-6]) test it; these test that nothing slips through.
 */
public final class HostileInputChecks {
    private HostileInputChecks() {}

    /** One hostile request: its security.md id and name, the requirement it falls under, and its bytes for (authority, path marker). */
    record Case(String id, String name, String requirement, BiFunction<String, String, String> bytes) {}

    static String get(String path, String authority, String fields) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\n" + fields + "Connection: close\r\n\r\n";
    }

    static String post(String path, String authority, String fields, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: " + authority + "\r\n" + fields + "Connection: close\r\n\r\n" + body;
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (String te : List.of("xchunked", "chunked, identity", "chunked, xchunked", "gzip", "\u000bchunked")) {
            c.add(new Case("PRX-02", "Transfer-Encoding: " + te.replace("\u000b", "\\x0b"), "ENF-5",
                    (a, m) -> post("/open/" + m, a, "Transfer-Encoding: " + te + "\r\n", "0\r\n\r\n")));
        }
        c.add(new Case("PRX-02", "two Transfer-Encoding fields", "ENF-5",
                (a, m) -> post("/open/" + m, a, "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")));
        c.add(new Case("PRX-02", "Transfer-Encoding with a space before the colon", "ENF-5",
                (a, m) -> post("/open/" + m, a, "Transfer-Encoding : chunked\r\n", "0\r\n\r\n")));
        for (String cl : List.of("0x10", "5, 5", "5, 6", "-1", "99999999999999999999", "")) {
            c.add(new Case("PRX-03", "Content-Length: \"" + cl + "\"", "ENF-5", (a, m) -> post("/open/" + m, a, "Content-Length: " + cl + "\r\n", "hello")));
        }
        for (String[] chunk : List.of(new String[] {"a chunk size 0x5", "0x5\r\nhello\r\n0\r\n\r\n"}, new String[] {"a chunk size +5", "+5\r\nhello\r\n0\r\n\r\n"},
                new String[] {"an overflowing chunk size", "ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"},
                new String[] {"a chunk without its CRLF", "5\r\nhelloXX0\r\n\r\n"})) {
            c.add(new Case("PRX-04", chunk[0], "ENF-5", (a, m) -> post("/open/" + m, a, "Transfer-Encoding: chunked\r\n", chunk[1])));
        }
        c.add(new Case("PRX-05", "a bare CR in a header line", "ENF-5", (a, m) -> get("/open/" + m, a, "X-A: 1\rX-B: 2\r\n")));
        c.add(new Case("PRX-05", "NUL in a header value", "ENF-5", (a, m) -> get("/open/" + m, a, "X-A: a\u0000b\r\n")));
        c.add(new Case("PRX-05", "a header line without a colon", "ENF-5", (a, m) -> get("/open/" + m, a, "NoColonHere\r\n")));
        c.add(new Case("PRX-05", "an empty header name", "ENF-5", (a, m) -> get("/open/" + m, a, ": value\r\n")));
        c.add(new Case("PRX-05", "whitespace before the colon", "ENF-5", (a, m) -> get("/open/" + m, a, "X-A : 1\r\n")));
        c.add(new Case("PRX-05", "a byte 0x80 in a header name", "ENF-5", (a, m) -> get("/open/" + m, a, "X-\u0080: 1\r\n")));
        c.add(new Case("PRX-06", "HTTP/1.32", "ENF-5", (a, m) -> "GET /open/" + m + " HTTP/1.32\r\nHost: " + a + "\r\n\r\n"));
        c.add(new Case("PRX-06", "HTTP/2.0 on a cleartext HTTP/1 listener", "ENF-5", (a, m) -> "GET /open/" + m + " HTTP/2.0\r\nHost: " + a + "\r\n\r\n"));
        c.add(new Case("PRX-06", "a space inside the method", "ENF-5", (a, m) -> "G ET /open/" + m + " HTTP/1.1\r\nHost: " + a + "\r\n\r\n"));
        c.add(new Case("PRX-06", "an absolute-form target naming another host", "ENF-6",
                (a, m) -> "GET http://evil.example/open/" + m + " HTTP/1.1\r\nHost: " + a + "\r\n\r\n"));
        c.add(new Case("PRX-07", "a Host with userinfo", "ENF-5", (a, m) -> get("/open/" + m, "user@" + a, "")));
        c.add(new Case("PRX-07", "a Host with a space", "ENF-5", (a, m) -> get("/open/" + m, "bad host", "")));
        for (String t : List.of("/x/..;/deny/", "/open/%252e%252e/deny/", "/open/%%32%65/", "/.%2e/deny/", "/open/%2e%2e%2fdeny/")) {
            c.add(new Case("PRX-09", "the target " + t, "ENF-6", (a, m) -> get(t + m, a, "User-Agent: GPTBot/1.2\r\n")));
        }
        c.add(new Case("PRX-10", "10 000 tiny header fields", "ENF-5", (a, m) -> get("/open/" + m, a, "X: 1\r\n".repeat(10_000))));
        c.add(new Case("PRX-10", "one header field of 1 MiB", "ENF-5", (a, m) -> get("/open/" + m, a, "Cookie: " + "c".repeat(1 << 20) + "\r\n")));
        c.add(new Case("PRX-10", "Expect: 100-continue with a body over the limit", "ENF-5",
                (a, m) -> post("/open/" + m, a, "Expect: 100-continue\r\nContent-Length: 8589934592\r\n", "")));
        return c;
    }

    /** The safe outcome of a hostile request. */
    static void refused(Testbed bed, HttpExchange.Response r, String marker) {
        that(r.status() == 0 || r.status() >= 400 && r.status() < 500 || r.status() == 501 || r.status() == 505,
                () -> "expected a refusal (4xx, 501, 505 or a closed connection); got " + r);
        that(!r.text().contains("Exception") && !r.text().contains("\tat "), () -> "the answer shows a stack trace: " + r);
        List<LoggedRequest> seen = bed.originSaw(marker);
        that(seen.isEmpty(), () -> "the request reached the origin as " + seen.get(0).getMethod() + " " + seen.get(0).getUrl());
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        for (Case k : cases()) {
            c.add(new Check(k.id() + " " + k.name() + ": refused, not forwarded, no stack trace", List.of(k.requirement()), bed -> {
                String m = mark();
                refused(bed, bed.send(HttpExchange.raw(k.bytes().apply(bed.authority(), m))), m);
            }));
        }
        c.add(new Check("PRX-02 a Transfer-Encoding hidden in an obs-fold: refused, or unfolded into the field before it (RFC 9112 §5.2)",
                List.of("ENF-5"), bed -> {
                    String m = mark();
                    HttpExchange.Response r = bed.send(HttpExchange.raw(post("/open/" + m, bed.authority(),
                            "X-Folded: x\r\n Transfer-Encoding: chunked\r\n", "0\r\n\r\n")));
                    if (r.status() >= 400 && r.status() < 500 || r.status() == 0) {
                        notForwarded(bed, m);
                        return;
                    }
                    List<LoggedRequest> seen = bed.originSaw(m);
                    that(seen.size() == 1, () -> "expected a refusal, or one request at the origin; got " + r + " and " + seen.size() + " at the origin");
                    LoggedRequest o = seen.get(0);
                    that(!o.containsHeader("Transfer-Encoding") && o.getBody().length == 0,
                            () -> "the folded line was read as Transfer-Encoding: the origin saw " + o.getHeaders() + " and a body of " + o.getBody().length + " bytes");
                }));
        c.add(new Check("PRX-20 after every hostile input, the proxy still serves", List.of("ENF-5"), bed -> {
            String m = mark();
            served(bed.send(bed.humanGet("/open/" + m)));
            notForwarded(bed, "never-" + m);
        }));
        return c;
    }
}
