package org.cb4i.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * An HTTP/2 client for hostile inputs, made of Netty's frame writer, HPACK encoder and frame reader with validation off
 * (so upper-case names, CR, LF and NUL go out as given), over a plain socket with prior knowledge (h2c). The black-box
 * suite's {@code H2Wire} writes its frames by hand; this one shares none of its code, so the two check each other.
 */
final class NettyH2 implements AutoCloseable {
    /** What became of a stream. */
    record Answer(int status, int rst, long goaway, boolean closed, Http2Headers headers) {
        boolean refused() {
            return status >= 400 && status < 500 || rst >= 0 || goaway >= 0 || closed && status < 0;
        }

        @Override
        public String toString() {
            return "status " + status + (rst >= 0 ? ", RST_STREAM " + rst : "") + (goaway >= 0 ? ", GOAWAY " + goaway : "") + (closed ? ", closed" : "");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter(new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true));
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);
    private ByteBuf pending = Unpooled.buffer();

    NettyH2(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        channel.writeOneOutbound(Http2CodecUtil.connectionPrefaceBuf());
        writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
        flush();
    }

    /** Request fields without validation: names and values exactly as given. */
    static Http2Headers request(String authority, String path, String... extra) {
        Http2Headers h = new DefaultHttp2Headers(false);
        h.method("GET").scheme("http").authority(authority).path(path);
        for (int i = 0; i < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        return h;
    }

    void headers(int stream, Http2Headers h, boolean endStream) throws IOException {
        writer.writeHeaders(ctx, stream, h, 0, endStream, ctx.newPromise());
        flush();
    }

    void data(int stream, byte[] bytes, boolean endStream) throws IOException {
        writer.writeData(ctx, stream, Unpooled.wrappedBuffer(bytes), 0, endStream, ctx.newPromise());
        flush();
    }

    void reset(int stream) throws IOException {
        writer.writeRstStream(ctx, stream, 8, ctx.newPromise()); // CANCEL
        flush();
    }

    private void flush() throws IOException {
        channel.flushOutbound();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.write(bytes);
        }
        out.flush();
    }

    /** Reads until stream {@code stream} is answered, reset, or the connection goes away or falls silent. */
    Answer answer(int stream) throws IOException {
        int[] status = {-1};
        int[] rst = {-1};
        long[] goaway = {-1};
        boolean[] done = {false};
        Http2Headers[] got = {null};
        Http2FrameAdapter listener = new Http2FrameAdapter() {
            @Override
            public void onHeadersRead(ChannelHandlerContext c, int id, Http2Headers h, int padding, boolean end) {
                if (id == stream) {
                    if (h.status() != null) {
                        status[0] = Integer.parseInt(h.status().toString());
                        got[0] = h;
                    }
                    done[0] |= end;
                }
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int id, Http2Headers h, int dep, short w, boolean ex, int padding, boolean end) {
                onHeadersRead(c, id, h, padding, end);
            }

            @Override
            public int onDataRead(ChannelHandlerContext c, int id, ByteBuf data, int padding, boolean end) {
                if (id == stream) {
                    done[0] |= end;
                }
                return data.readableBytes() + padding;
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext c, int id, long code) {
                if (id == stream) {
                    rst[0] = (int) code;
                    done[0] = true;
                }
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext c, int last, long code, ByteBuf debug) {
                goaway[0] = code;
                if (last < stream || code != 0) {
                    done[0] = true;
                }
            }

            @Override
            public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
                writer.writeSettingsAck(ctx, ctx.newPromise());
            }
        };
        byte[] buf = new byte[16384];
        boolean closed = false;
        while (!done[0]) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException | java.net.SocketException e) {
                closed = !(e instanceof SocketTimeoutException);
                break;
            }
            if (n < 0) {
                closed = true;
                break;
            }
            pending.writeBytes(buf, 0, n);
            try {
                while (pending.readableBytes() >= 9 && pending.readableBytes() >= 9 + pending.getUnsignedMedium(pending.readerIndex())) {
                    reader.readFrame(ctx, pending, listener);
                }
            } catch (io.netty.handler.codec.http2.Http2Exception e) {
                throw new IOException("the proxy's frames cannot be read: " + e.getMessage(), e);
            }
            pending.discardReadBytes();
            try {
                flush(); // acknowledgements of SETTINGS
            } catch (IOException e) {
                closed = true; // the proxy closed the connection meanwhile
                break;
            }
        }
        return new Answer(status[0], rst[0], goaway[0], closed, got[0]);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        channel.finishAndReleaseAll();
        pending.release();
    }
}
