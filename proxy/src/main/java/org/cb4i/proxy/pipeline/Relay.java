package org.cb4i.proxy.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;

/**
 * Streams the origin's response body to the client with back-pressure, and copes with either side going away:
 * when the client disconnects, the origin request is reset (its connection is not reused) and the relay ends;
 * when the origin fails mid-body, the client's connection is reset (a truncated body must not look complete).
 * The returned future succeeds when the whole body was delivered, fails otherwise; it completes exactly once.
 */
final class Relay {
    private Relay() {}

    static Future<Void> run(ReadStream<Buffer> body, HttpClientResponse origin, HttpServerResponse client) {
        Promise<Void> done = Promise.promise();
        // A reset we cause (client gone) surfaces on the origin response: expected, not an error to log.
        origin.exceptionHandler(t -> {
            if (done.tryFail(t)) {
                client.reset();
            }
        });
        client.closeHandler(v -> {
            if (done.tryFail("the client closed the connection")) {
                body.handler(null);
                origin.request().reset();
            }
        });
        body.exceptionHandler(t -> {
            if (done.tryFail(t)) {
                client.reset();
            }
        });
        body.handler(buf -> {
            if (client.closed()) {
                return;
            }
            client.write(buf);
            if (!client.closed() && client.writeQueueFull()) {
                body.pause();
                client.drainHandler(v -> body.resume());
            }
        });
        body.endHandler(v -> {
            if (!client.closed() && !client.ended()) {
                client.end().onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.tryComplete();
                    } else {
                        done.tryFail(ar.cause());
                    }
                });
            } else {
                done.tryFail("the client closed the connection");
            }
        });
        return done.future();
    }
}
