package org.cb4i.proxy.pipeline;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * A request body passed through to the origin, cut off (the client's connection reset, the origin request failed)
 * when it grows past the limit: how a chunked body, whose length is not known in advance, is bounded. It remembers
 * whether it failed on the client's side (bad framing, over the limit), so that the client is told so rather than
 * that the origin failed.
 */
final class BodyLimit implements ReadStream<Buffer> {
    private final HttpServerRequest req;
    private final long limit;
    private long seen;
    private Handler<Throwable> exceptionHandler;
    /** Why the client's body failed (bad framing, or {@link TooLarge}), when it did; not the origin's failures. */
    private Throwable clientFailure;

    /** The body grew past the limit. */
    static final class TooLarge extends IllegalStateException {
        TooLarge(long limit) {
            super("request body larger than " + limit + " bytes");
        }
    }

    BodyLimit(HttpServerRequest req, long limit) {
        this.req = req;
        this.limit = limit;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            req.handler(null);
            return this;
        }
        req.handler(buf -> {
            seen += buf.length();
            if (seen > limit) {
                req.handler(null);
                clientFailure = new TooLarge(limit);
                if (exceptionHandler != null) {
                    exceptionHandler.handle(clientFailure);
                }
                req.connection().close();
                return;
            }
            handler.handle(buf);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        req.exceptionHandler(handler == null ? null : t -> {
            clientFailure = t;
            handler.handle(t);
        });
        return this;
    }

    /** The client's failure, if the body failed on the client's side. */
    Throwable clientFailure() {
        return clientFailure;
    }

    @Override
    public ReadStream<Buffer> pause() {
        req.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        req.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        req.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        req.endHandler(endHandler);
        return this;
    }
}
