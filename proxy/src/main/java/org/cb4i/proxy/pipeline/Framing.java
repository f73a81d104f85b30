package org.cb4i.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import org.cb4i.sdk.Reason;

/**
 * The first stage ([ENF-5], [ENF-6]): a message whose framing two parsers could read differently is refused and never
 * forwarded, whether the HTTP decoder refused it ({@link #decoderRefusal}) or it was decoded ({@link #problem}).
 */
final class Framing {
    private Framing() {}

    /** What a request the decoder refused gets: its reason and detail, or null to keep the decoder's own 414 or 431. */
    static Decision.Denied decoderRefusal(HttpServerRequest req) {
        Throwable cause = req.decoderResult().cause();
        if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
            return null;
        }
        String why = cause == null || cause.getMessage() == null ? "" : cause.getMessage().replaceAll("[^\\x20-\\x7e]", "?");
        // The decoder refuses a request target with control characters before any handler sees it ([ENF-6]).
        boolean target = cause instanceof IllegalArgumentException && why.contains("URI");
        return new Decision.Denied(target ? Reason.AMBIGUOUS_PATH : Reason.MALFORMED_REQUEST,
                (target ? "the request target has a control or other illegal character" : "HTTP framing the proxy will not forward")
                        + (why.isEmpty() ? "" : ": " + why));
    }

    /** [ENF-5]: messages whose framing two parsers could read differently are refused, never forwarded. */
    static String problem(HttpServerRequest req, MultiMap h) {
        if (req.method() == HttpMethod.CONNECT || req.method() == HttpMethod.TRACE) {
            return req.method() + " is not served";
        }
        if (req.version() == HttpVersion.HTTP_2) {
            return http2Problem(req, h);
        }
        List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!te.isEmpty()) {
            if (te.size() != 1 || !te.get(0).equalsIgnoreCase("chunked")) {
                return "Transfer-Encoding must be exactly \"chunked\"";
            }
            if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "both Content-Length and Transfer-Encoding";
            }
        }
        List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (cl.size() > 1 || (cl.size() == 1 && !isDecimal(cl.get(0)))) {
            return "Content-Length must be one decimal number";
        }
        List<String> host = h.getAll(HttpHeaderNames.HOST);
        if (req.version() != HttpVersion.HTTP_1_0 && host.size() != 1) {
            return "exactly one Host header is required";
        }
        if (!host.isEmpty() && !validHost(host.get(0))) {
            return "the Host header is not a host and port (RFC 9112 §3.2: no userinfo, spaces or other delimiters)";
        }
        if (h.getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            return "more than one Authorization header";
        }
        return null;
    }

    /** Fields that exist for one HTTP/1 connection and make an HTTP/2 request malformed (RFC 9113 §8.2.2). */
    private static final List<String> CONNECTION_SPECIFIC = List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    /**
     * [ENF-5] for an HTTP/2 request, which is passed on as HTTP/1.1: what RFC 9113 §8.1.1 and §8.2 call malformed, and
     * everything that would read differently once written as an HTTP/1.1 header section (a CR, LF or NUL in a value
     * could start a field or a request of its own; a {@code host} that is not the {@code :authority} could route one way
     * and be checked another). The codec refuses some of these itself (upper-case names, a pseudo-header after a field,
     * a {@code content-length} the DATA frames contradict); they are checked here too, so that the rule does not hang on
     * one codec's version.
     */
    private static String http2Problem(HttpServerRequest req, MultiMap h) {
        String authority = h2Authority(req);
        if (authority == null || authority.isEmpty()) {
            return "an HTTP/2 request needs :authority (or host)";
        }
        if (!validHost(authority)) {
            return "the :authority is not a host and port";
        }
        List<String> host = h.getAll(HttpHeaderNames.HOST);
        if (host.size() > 1 || host.size() == 1 && !host.get(0).equalsIgnoreCase(authority)) {
            return "host and :authority differ";
        }
        for (java.util.Map.Entry<String, String> e : h) {
            String name = e.getKey();
            if (name.startsWith(":")) {
                continue; // pseudo-headers are the codec's: validated there
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c >= 'A' && c <= 'Z' || c <= 0x20 || c >= 0x7f || c == ':') {
                    return "an HTTP/2 field name must be lower-case token characters";
                }
            }
            if (CONNECTION_SPECIFIC.contains(name)) {
                return "the connection-specific field " + name + " in an HTTP/2 request (RFC 9113 §8.2.2)";
            }
            if (name.equals("te") && !e.getValue().equalsIgnoreCase("trailers")) {
                return "te other than \"trailers\" in an HTTP/2 request";
            }
            String v = e.getValue();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    return "a field value with CR, LF or NUL";
                }
            }
        }
        List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (cl.size() > 1 || (cl.size() == 1 && !isDecimal(cl.get(0)))) {
            return "Content-Length must be one decimal number";
        }
        if (h.getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            return "more than one Authorization header";
        }
        return null;
    }

    /** The {@code :authority} of an HTTP/2 request as received (or its {@code host} when it has none). */
    static String h2Authority(HttpServerRequest req) {
        String a = req.headers().get(":authority");
        if (a == null && req.authority() != null) {
            a = req.authority().toString();
        }
        return a == null ? req.headers().get(HttpHeaderNames.HOST) : a;
    }

    /** RFC 3986 host [":" port]: reg-name, IPv4 or an IP literal's characters; no userinfo, path or white space. */
    static boolean validHost(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** One to 18 ASCII digits (fits a long): a Content-Length value, checked without a regex on every request. */
    private static boolean isDecimal(String v) {
        if (v.isEmpty() || v.length() > 18) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
