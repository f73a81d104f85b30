package org.cb4i.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * research/security.md §A3, sent as raw bytes: framing the proxy refuses ([ENF-5]), targets it will not
 * canonicalise ([ENF-6]), size limits, and headers a client must not be able to remove or forge ([ENF-7]).
 */
class HostileInputTest {
    @TempDir
    java.nio.file.Path dir;
    ProxyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ProxyHarness(dir).start("");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static String status(String response) {
        return response.length() >= 12 ? response.substring(9, 12) : "(closed: " + response + ")";
    }

    String send(String head) throws Exception {
        return h.raw(head);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1 only", "h2c on", "h2c on, blank lines first"})
    void aClientDrippingItsHeaders_isCutOffAtTheHeaderTimeout_whileOthersAreServed(String listener) throws Exception { // security.md PRX-11 [ENF-5]
        // With h2c on, Vert.x makes the connection only once the first header section is complete (to look for an
        // upgrade): the deadline is then kept on the TCP connection below it (FirstHeaderDeadline). Blank lines before
        // the request line are skipped by the decoder, so they must not end the wait either.
        h.close();
        h = new ProxyHarness(dir).start("limits:\n  header_timeout: 1s\n" + (listener.startsWith("h2c") ? "http2:\n  cleartext: true\n" : ""));
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", h.proxy.port())) {
            s.setSoTimeout(200);
            java.io.OutputStream out = s.getOutputStream();
            out.write(((listener.endsWith("first") ? "\r\n\r\n\n\n" : "") + "GET /free/x HTTP/1.1\r\nHost: a\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            boolean closed = false;
            // One header byte every 200 ms: each resets the idle timeout (60 s), never the header deadline.
            for (int i = 0; i < 40 && !closed; i++) {
                try {
                    out.write('X');
                    out.flush();
                    closed = s.getInputStream().read() < 0;
                } catch (java.net.SocketTimeoutException e) {
                    // still open: drip on
                } catch (java.io.IOException e) {
                    closed = true;
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(closed).as("the dripping connection was closed").isTrue();
            assertThat(ms).as("closed near the 1 s header timeout").isBetween(700L, 3000L);
        }
        assertThat(h.admin(h.proxy, "/metrics")).as("counted for the operator").contains("cb4i_proxy_header_timeouts 1.0");
        assertThat(h.get("/free/after").statusCode()).isEqualTo(200);
        // A keep-alive connection's later requests are not subject to it: the idle timeout governs them.
        java.net.http.HttpResponse<byte[]> first = h.get("/free/one");
        Thread.sleep(1500); // this test measures time itself: longer than the header deadline, shorter than the idle timeout
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(h.get("/free/two").statusCode()).isEqualTo(200);
    }

    @Test
    void contentLengthWithTransferEncoding_isRefused_andNothingReachesTheOrigin() throws Exception {
        String r = send("POST /free/x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /private/x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(status(r)).isIn("400");
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"xchunked", "chunked, identity", "identity", "gzip", "chunked, chunked"})
    void obfuscatedTransferEncoding_isRefused(String te) throws Exception {
        String r = send("POST /free/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n");
        assertThat(status(r)).as(te).isIn("400", "501");
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void duplicateOrOddContentLength_isRefused() throws Exception {
        assertThat(status(send("POST /free/x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"))).isEqualTo("400");
        assertThat(status(send("POST /free/x HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\na"))).isEqualTo("400");
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void missingOrDoubleHost_isRefused() throws Exception {
        assertThat(status(send("GET /free/x HTTP/1.1\r\n\r\n"))).isEqualTo("400");
        assertThat(status(send("GET /free/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))).isEqualTo("400");
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void oversizedRequestLineAndHeaders_get414And431() throws Exception {
        assertThat(status(send("GET /free/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n"))).isEqualTo("414");
        assertThat(status(send("GET /free/x HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(20000) + "\r\n\r\n"))).isEqualTo("431");
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void oversizedBody_gets413() throws Exception {
        String r = send("POST /free/x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n\r\n");
        assertThat(status(r)).isEqualTo("413");
        assertThat(r).contains("BODY_TOO_LARGE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/free/..%2Farticles/a.html", "/free/%2e%2e%2farticles/a.html", "/free/..%5Carticles/a.html", "/free/%00",
        "/free/%252e%252e/articles/a.html", "/free/%C0%AF../articles/a.html", "/free/x;jsessionid=1", "/free/..;/articles/a.html",
        "/../articles/a.html", "/free/a#frag", "/free/a\\b", "http://evil.example/free/a"})
    void ambiguousTargets_areRefused_neverForwarded(String target) throws Exception {
        String r = send("GET " + target + " HTTP/1.1\r\nHost: a\r\nUser-Agent: GPTBot\r\n\r\n");
        assertThat(status(r)).as(target).isEqualTo("400");
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void dotSegmentsOutOfAnOpenPath_areJudgedOnTheCanonicalPath_andThatIsWhatTheOriginSees() throws Exception {
        // /free/../articles/a.html is /articles/a.html: licensed, so a crawler without a license gets 402, not the open page.
        String r = send("GET /free/../articles/a.html HTTP/1.1\r\nHost: a\r\nUser-Agent: GPTBot\r\n\r\n");
        assertThat(status(r)).isEqualTo("402");
        String human = send("GET /free/./x/..//%61bc.html?q=%2F HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(status(human)).isEqualTo("200");
        List<LoggedRequest> seen = h.origin.findAll(anyRequestedFor(anyUrl()));
        assertThat(seen).extracting(LoggedRequest::getUrl).containsExactly("/free/abc.html?q=%2F");
    }

    @Test
    void connectionHeader_cannotRemoveTheForwardingHeadersTheProxyAdds() throws Exception {
        String r = send("GET /free/x HTTP/1.1\r\nHost: a\r\nConnection: close, X-Forwarded-For, X-Forwarded-Host\r\n"
                + "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Host: evil.example\r\nForwarded: for=6.6.6.6\r\nX-Secret: drop-me\r\nConnection: X-Secret\r\n\r\n");
        assertThat(status(r)).isEqualTo("200");
        LoggedRequest seen = h.origin.findAll(getRequestedFor(urlEqualTo("/free/x"))).get(0);
        assertThat(seen.getHeader("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.getHeader("X-Forwarded-Host")).isEqualTo("a");
        assertThat(seen.containsHeader("Forwarded")).isFalse();
        assertThat(seen.containsHeader("X-Secret")).as("headers named in Connection are hop-by-hop").isFalse();
    }

    @Test
    void upgradeToWebSocketOrH2c_isNotTunnelled() throws Exception {
        String r = send("GET /free/x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
        assertThat(status(r)).isEqualTo("200");
        LoggedRequest seen = h.origin.findAll(getRequestedFor(urlEqualTo("/free/x"))).get(0);
        assertThat(seen.containsHeader("Upgrade")).isFalse();
        assertThat(seen.containsHeader("HTTP2-Settings")).isFalse();
    }

    @Test
    void traceAndConnect_areRefused() throws Exception {
        assertThat(status(send("TRACE /free/x HTTP/1.1\r\nHost: a\r\n\r\n"))).isEqualTo("400");
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void garbageAndBareLineFeeds_neverCrashTheProxy() throws Exception {
        for (String g : new String[] {"\u0000\u0001\u0002\r\n\r\n", "GET / HTTP/9.9\r\nHost: a\r\n\r\n", "GET\r\n\r\n",
                "GET /free/x HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", "GET /free/x HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n"}) {
            String r = send(g);
            assertThat(r.isEmpty() || r.matches("(?s)HTTP/\\S+ [45]\\d\\d .*")).as(g + " -> " + r).isTrue();
            assertThat(r).doesNotContain("Exception").doesNotContain("\tat ");
        }
        h.origin.verify(0, anyRequestedFor(anyUrl()));
        assertThat(h.get("/free/after").statusCode()).as("still serving").isEqualTo(200);
    }

    // ---- HTTP/2 (h2c with prior knowledge), sent with Netty's frame writer with validation off: security.md PRX-13 and PRX-14 ----

    private NettyH2 h2() throws Exception {
        h.close();
        h = new ProxyHarness(dir).start("http2:\n  cleartext: true\n  max_resets: 50\n");
        return new NettyH2(h.proxy.port());
    }

    @Test
    void anHttp2Request_isForwardedAsHttp11_withItsAuthorityAsTheForwardedHost() throws Exception { // [ENF-7]
        try (NettyH2 c = h2()) {
            c.headers(1, NettyH2.request("news.example:8443", "/free/h2"), true);
            NettyH2.Answer a = c.answer(1);
            assertThat(a.status()).as("%s", a).isEqualTo(200);
        }
        LoggedRequest seen = h.origin.findAll(getRequestedFor(urlEqualTo("/free/h2"))).get(0);
        assertThat(seen.getHeader("X-Forwarded-Host")).isEqualTo("news.example:8443");
        assertThat(seen.getHeaders().keys()).noneMatch(k -> k.startsWith(":"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-a|1\r\nx-injected: 1", "x-a|a\u0000b", "x-a|1\nGET /private/x HTTP/1.1", "transfer-encoding|chunked", "connection|close",
            "keep-alive|5", "upgrade|websocket", "te|gzip", "X-Upper|1", "host|evil.example"})
    void malformedHttp2Requests_areRefused_andNeverForwarded(String field) throws Exception { // [ENF-5]
        String[] nv = field.split("\\|", 2);
        try (NettyH2 c = h2()) {
            c.headers(1, NettyH2.request("a", "/free/x", nv[0], nv[1]), true);
            NettyH2.Answer a = c.answer(1);
            assertThat(a.refused()).as("%s: %s", field, a).isTrue();
        }
        h.origin.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anHttp2BodyLongerThanItsContentLength_isRefused_andTheRestNeverBecomesARequest() throws Exception { // [ENF-5]
        try (NettyH2 c = h2()) {
            java.nio.charset.Charset ascii = java.nio.charset.StandardCharsets.US_ASCII;
            c.headers(1, NettyH2.request("a", "/free/x", "content-length", "5").method("POST"), false);
            c.data(1, "helloGET /private/x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(ascii), true);
            NettyH2.Answer a = c.answer(1);
            assertThat(a.refused()).as("%s", a).isTrue();
        }
        h.origin.verify(0, anyRequestedFor(urlEqualTo("/private/x")));
    }

    @Test
    void rapidReset_closesTheConnection_afterTheConfiguredNumberOfResets_andOthersAreServed() throws Exception { // [ENF-5] PRX-13
        int sent = 0;
        try (NettyH2 c = h2()) {
            try {
                for (int i = 0; i < 500; i++) {
                    c.headers(1 + 2 * i, NettyH2.request("a", "/free/r" + i), true);
                    c.reset(1 + 2 * i);
                    sent++;
                }
            } catch (java.io.IOException closed) {
                // the proxy closed the connection: expected
            }
            NettyH2.Answer a = c.answer(1_000_001);
            assertThat(a.goaway() >= 0 || a.closed()).as("after %d resets (max_resets: 50): %s", sent, a).isTrue();
        }
        assertThat(h.origin.findAll(anyRequestedFor(anyUrl())).size()).as("requests that reached the origin").isLessThan(200);
        // Others are served: at once, or as soon as the origin has answered the streams that reached it before the close
        // (on a loaded machine the test's origin may still be busy with them and a first request time out).
        String[] last = {""};
        org.cb4i.sdk.Eventually.until(java.time.Duration.ofSeconds(10), "a request after the attack served",
                () -> (last[0] = status(send("GET /free/after HTTP/1.1\r\nHost: a\r\n\r\n"))).equals("200"));
        assertThat(last[0]).isEqualTo("200");
    }
}
