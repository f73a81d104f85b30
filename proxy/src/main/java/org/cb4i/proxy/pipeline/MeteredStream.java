package org.cb4i.proxy.pipeline;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes a response body through unchanged while hashing it (SHA-256 of the content as sent: after
 * content-coding, before transfer-coding, as WARC-Payload-Digest and RFC 9530) and counting its bytes. Nothing is
 * buffered. Back-pressure is the underlying stream's.
 */
final class MeteredStream implements ReadStream<Buffer> {
    private final ReadStream<Buffer> source;
    private final MessageDigest digest;
    private long bytes;

    MeteredStream(ReadStream<Buffer> source) {
        this.source = source;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    long bytes() {
        return bytes;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
        } else {
            source.handler(buf -> {
                // Hash the bytes where they are: no copy of the body.
                for (java.nio.ByteBuffer nio : ((io.vertx.core.internal.buffer.BufferInternal) buf).getByteBuf().nioBuffers()) {
                    digest.update(nio);
                }
                bytes += buf.length();
                handler.handle(buf);
            });
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler);
        return this;
    }
}
