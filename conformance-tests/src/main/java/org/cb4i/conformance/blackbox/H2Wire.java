package org.cb4i.conformance.blackbox;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 as raw frames (RFC 9113) over cleartext with prior knowledge (h2c), for the checks that must send what a
 * well-behaved client never would: fields with CR, LF or NUL, upper-case or connection-specific fields, a
 * {@code content-length} the body contradicts, floods of resets or CONTINUATION frames. Header blocks are written by
 * hand as HPACK literals without indexing or Huffman coding (RFC 7541 §6.2.2), so any byte can be put in them; the
 * proxy's answers are decoded with Netty's HPACK decoder.
 */
public final class H2Wire implements AutoCloseable {
    public static final int DATA = 0;
    public static final int HEADERS = 1;
    public static final int RST_STREAM = 3;
    public static final int SETTINGS = 4;
    public static final int PING = 6;
    public static final int GOAWAY = 7;
    public static final int WINDOW_UPDATE = 8;
    public static final int CONTINUATION = 9;
    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int ACK = 0x1;
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame as read. */
    public record Frame(int type, int flags, int stream, byte[] payload) {}

    /**
     * What became of a stream: its {@code :status} (-1 when none came) and fields, its body, and whether the stream was
     * reset ({@code rst}, its error code), the connection sent GOAWAY ({@code goaway}, its code) or was closed.
     */
    public record Answer(int status, Map<String, String> fields, byte[] body, int rst, int goaway, boolean closed) {
        public boolean refused() {
            return status >= 400 && status < 500 || rst >= 0 || goaway >= 0 || closed && status < 0;
        }

        @Override
        public String toString() {
            return (status >= 0 ? "status " + status : "no status") + (rst >= 0 ? ", RST_STREAM " + rst : "") + (goaway >= 0 ? ", GOAWAY " + goaway : "")
                    + (closed ? ", connection closed" : "");
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    /** The server's SETTINGS (identifier to value), as first received. */
    public final Map<Integer, Long> serverSettings = new LinkedHashMap<>();
    private int goaway = -1;
    private boolean closed;

    private H2Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A connection to {@code proxy} (an {@code http} URL) that has sent the preface and an empty SETTINGS frame. */
    public static H2Wire connect(URI proxy, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort() < 0 ? 80 : proxy.getPort()), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        H2Wire w = new H2Wire(s);
        w.out.write(PREFACE);
        w.frame(SETTINGS, 0, 0, new byte[0]);
        return w;
    }

    /** Writes one frame. */
    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(9);
        head.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length).put((byte) type).put((byte) flags)
                .putInt(stream & 0x7fffffff);
        out.write(head.array());
        out.write(payload);
        out.flush();
    }

    /** A header block of {@code name, value, name, value, ...} as HPACK literals without indexing, names and values as given. */
    public static byte[] block(String... nameValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.write(0x00);
            string(b, nameValues[i].getBytes(StandardCharsets.ISO_8859_1));
            string(b, nameValues[i + 1].getBytes(StandardCharsets.ISO_8859_1));
        }
        return b.toByteArray();
    }

    private static void string(ByteArrayOutputStream b, byte[] s) {
        integer(b, s.length, 7, 0x00);
        b.writeBytes(s);
    }

    /** An HPACK integer with an {@code n}-bit prefix (RFC 7541 §5.1). */
    static void integer(ByteArrayOutputStream b, int value, int n, int firstBits) {
        int max = (1 << n) - 1;
        if (value < max) {
            b.write(firstBits | value);
            return;
        }
        b.write(firstBits | max);
        value -= max;
        while (value >= 128) {
            b.write(value % 128 + 128);
            value /= 128;
        }
        b.write(value);
    }

    /** The request fields of a GET of {@code path} at {@code authority}, then {@code extra} fields. */
    public static String[] get(String authority, String path, String... extra) {
        List<String> f = new ArrayList<>(List.of(":method", "GET", ":scheme", "http", ":authority", authority, ":path", path));
        f.addAll(List.of(extra));
        return f.toArray(String[]::new);
    }

    /** Sends a request's fields on {@code stream} in one HEADERS frame, ending the stream unless a body follows. */
    public void request(int stream, boolean endStream, String... fields) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(fields));
    }

    /** Reads one frame; null once the connection is closed or nothing came within the timeout. */
    public Frame read() throws IOException {
        try {
            int len = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = new byte[len];
            in.readFully(payload);
            if (type == SETTINGS && (flags & ACK) == 0) {
                if (serverSettings.isEmpty()) {
                    for (int i = 0; i + 6 <= len; i += 6) {
                        serverSettings.put((payload[i] & 0xff) << 8 | payload[i + 1] & 0xff, ByteBuffer.wrap(payload, i + 2, 4).getInt() & 0xffffffffL);
                    }
                }
                frame(SETTINGS, ACK, 0, new byte[0]);
            } else if (type == PING && (flags & ACK) == 0) {
                frame(PING, ACK, 0, payload);
            } else if (type == GOAWAY && len >= 8) {
                goaway = ByteBuffer.wrap(payload, 4, 4).getInt();
            }
            return new Frame(type, flags, stream, payload);
        } catch (EOFException | SocketTimeoutException | java.net.SocketException e) {
            closed = !(e instanceof SocketTimeoutException);
            return null;
        }
    }

    /** Reads until stream {@code stream} ends, is reset, or the connection goes away or falls silent. */
    public Answer answer(int stream) throws IOException {
        int status = -1;
        Map<String, String> fields = new LinkedHashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
        int rst = -1;
        while (true) {
            Frame f = read();
            if (f == null) {
                break;
            }
            if (f.type() == GOAWAY) {
                int last = ByteBuffer.wrap(f.payload(), 0, 4).getInt() & 0x7fffffff;
                if (last < stream || goaway != 0) {
                    break; // the stream will never be answered
                }
                continue;
            }
            if (f.stream() != stream) {
                continue;
            }
            if (f.type() == RST_STREAM) {
                rst = ByteBuffer.wrap(f.payload()).getInt();
                break;
            }
            if (f.type() == HEADERS || f.type() == CONTINUATION) {
                byte[] p = f.payload();
                int from = 0;
                int to = p.length;
                if (f.type() == HEADERS) {
                    if ((f.flags() & 0x8) != 0) { // PADDED
                        to -= p[0] & 0xff;
                        from = 1;
                    }
                    if ((f.flags() & 0x20) != 0) { // PRIORITY
                        from += 5;
                    }
                }
                headerBlock.write(p, from, to - from);
                if ((f.flags() & END_HEADERS) != 0) {
                    Http2Headers h = decode(stream, headerBlock.toByteArray());
                    headerBlock.reset();
                    if (h.status() != null && status < 0) {
                        status = Integer.parseInt(h.status().toString());
                    }
                    h.forEach(e -> fields.put(e.getKey().toString(), e.getValue().toString()));
                }
            } else if (f.type() == DATA) {
                body.write(f.payload(), 0, f.payload().length);
                if (f.payload().length > 0) {
                    frame(WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(f.payload().length).array());
                }
            }
            if ((f.type() == HEADERS || f.type() == DATA) && (f.flags() & END_STREAM) != 0) {
                break;
            }
        }
        return new Answer(status, fields, body.toByteArray(), rst, goaway, closed);
    }

    private Http2Headers decode(int stream, byte[] block) throws IOException {
        ByteBuf buf = Unpooled.wrappedBuffer(block);
        try {
            return decoder.decodeHeaders(stream, buf);
        } catch (Http2Exception e) {
            throw new IOException("the proxy's header block cannot be decoded: " + e.getMessage(), e);
        } finally {
            buf.release();
        }
    }

    /** Whether the connection is still open: a PING is answered within the timeout. */
    public boolean alive() throws IOException {
        try {
            frame(PING, 0, 0, "cb4ialiv".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
        for (int i = 0; i < 1000; i++) {
            Frame f = read();
            if (f == null) {
                return false;
            }
            if (f.type() == PING && (f.flags() & ACK) != 0) {
                return true;
            }
            if (f.type() == GOAWAY) {
                return false;
            }
        }
        return false;
    }

    /** The GOAWAY error code received so far (-1: none). */
    public int goaway() {
        return goaway;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
