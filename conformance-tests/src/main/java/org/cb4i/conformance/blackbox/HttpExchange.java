package org.cb4i.conformance.blackbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, byte for byte: the suite must send what a well-behaved client library would refuse
 * or normalise (two {@code Host} fields, a bare {@code \} in the target, an upper-case {@code Host}), and read the
 * answer without a library deciding what it meant. One request per connection ({@code Connection: close} unless the
 * request says otherwise).
 */
public final class HttpExchange {
    private HttpExchange() {}

    /** A request as lines: the request line, then header fields in order, then an optional body. */
    public static final class Request {
        final String method;
        final String target;
        final List<String[]> fields = new ArrayList<>();
        byte[] body = new byte[0];
        String rawRequestLine;
        String rawAll;

        Request(String method, String target) {
            this.method = method;
            this.target = target;
        }

        /** Adds a header field (repeats allowed: that is often the point). */
        public Request header(String name, String value) {
            fields.add(new String[] {name, value});
            return this;
        }

        public Request body(byte[] b) {
            body = b;
            return this;
        }

        public String method() {
            return method;
        }

        /** The header fields, mutable (a check may remove one before sending). */
        public List<String[]> fields() {
            return fields;
        }

        public String target() {
            return target;
        }

        /** The value of the first field with this name. */
        public Optional<String> field(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst();
        }

        byte[] bytes() {
            if (rawAll != null) {
                return rawAll.getBytes(StandardCharsets.ISO_8859_1);
            }
            StringBuilder b = new StringBuilder(rawRequestLine != null ? rawRequestLine : method + " " + target + " HTTP/1.1");
            b.append("\r\n");
            for (String[] f : fields) {
                b.append(f[0]).append(": ").append(f[1]).append("\r\n");
            }
            b.append("\r\n");
            byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        }

        @Override
        public String toString() {
            String line = rawRequestLine != null ? rawRequestLine : method + " " + target;
            return line.length() > 120 ? line.substring(0, 120) + "…" : line;
        }
    }

    /** A response as received. {@code status} is 0 when the connection closed without a status line. */
    public record Response(int status, List<String[]> fields, byte[] body, String request) {
        /** Every value of a field, in order. */
        public List<String> all(String name) {
            return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
        }

        public Optional<String> header(String name) {
            List<String> v = all(name);
            return v.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", v));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String t = text();
            return request + " -> " + (status == 0 ? "no response" : status) + (t.isEmpty() ? "" : " " + (t.length() > 300 ? t.substring(0, 300) + "…" : t));
        }
    }

    public static Request request(String method, String target) {
        return new Request(method, target);
    }

    /** A request sent exactly as these characters (ISO-8859-1), whatever they are: for hostile framing. */
    public static Request raw(String bytes) {
        Request r = new Request(bytes.length() > 3 ? bytes.substring(0, bytes.indexOf(' ') > 0 ? bytes.indexOf(' ') : 3) : bytes, "(raw)");
        r.rawAll = bytes;
        int eol = bytes.indexOf('\n');
        r.rawRequestLine = (eol > 0 ? bytes.substring(0, eol) : bytes).replaceAll("[\\x00-\\x1f\\x7f-\\xff]", "?");
        return r;
    }

    /** Sends the request to {@code base} (scheme http, host, port) and reads one response. */
    public static Response send(URI base, Request req, Duration timeout) throws IOException {
        int port = base.getPort() < 0 ? 80 : base.getPort();
        try (Socket s = new Socket(base.getHost(), port)) {
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                out.write(req.bytes());
                out.flush();
            } catch (IOException e) {
                // A server may answer and close before reading all of an oversized request: read what it said.
            }
            return read(s.getInputStream(), req);
        }
    }

    /**
     * Reads one response from a connection's stream: pass the same {@link java.io.BufferedInputStream} again to read the
     * next one (pipelining).
     */
    public static Response read(InputStream raw, Request req) throws IOException {
        InputStream in = raw instanceof java.io.BufferedInputStream b ? b : new java.io.BufferedInputStream(raw);
        String statusLine;
        try {
            statusLine = line(in);
        } catch (SocketTimeoutException e) {
            throw new IOException("no response within the time limit to " + req);
        }
        if (statusLine == null) {
            return new Response(0, List.of(), new byte[0], req.toString());
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        List<String[]> fields = new ArrayList<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                fields.add(new String[] {l.substring(0, colon).strip(), l.substring(colon + 1).strip()});
            }
        }
        Response head = new Response(status, fields, new byte[0], req.toString());
        if (req.method.equals("HEAD") || status == 204 || status == 304 || status / 100 == 1) {
            return head;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Optional<String> te = head.header("Transfer-Encoding");
        Optional<String> cl = head.header("Content-Length");
        try {
            if (te.isPresent() && te.get().toLowerCase(Locale.ROOT).contains("chunked")) {
                while (true) {
                    String size = line(in);
                    if (size == null) {
                        break;
                    }
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                    if (n == 0) {
                        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                            // trailers are not used
                        }
                        break;
                    }
                    body.write(in.readNBytes(n));
                    line(in);
                }
            } else if (cl.isPresent()) {
                body.write(in.readNBytes(Integer.parseInt(cl.get().strip())));
            } else {
                in.transferTo(body);
            }
        } catch (SocketTimeoutException e) {
            // an unterminated body: what arrived is what the client got
        }
        return new Response(status, fields, body.toByteArray(), req.toString());
    }

    /** One CRLF- (or LF-) terminated line in ISO-8859-1, or null at end of stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }
}
