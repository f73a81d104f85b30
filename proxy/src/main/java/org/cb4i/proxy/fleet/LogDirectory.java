package org.cb4i.proxy.fleet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where each log of a site is served, shared by the site's instances through Redis: every instance says every
 * {@link #REFRESH_SECONDS} s that its log lives at its {@code fleet.advertise} address (the key expires after
 * {@link #TTL_SECONDS} s, so an instance gone is forgotten), and asks where another log lives when a request names it.
 */
public final class LogDirectory implements AutoCloseable {
    static final int REFRESH_SECONDS = 10;
    static final int TTL_SECONDS = 30;

    private final Redis redis;
    private final Vertx vertx;
    private final String publisher;
    private final Consumer<String> events;
    private final java.util.List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean saidFailure;

    public LogDirectory(Vertx vertx, URI redisUrl, String publisher, Consumer<String> events) {
        this.vertx = vertx;
        this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl.toString()).setMaxPoolSize(4).setMaxPoolWaiting(1024));
        this.publisher = publisher;
        this.events = events;
    }

    static String key(String publisher, String logId) {
        return "cb4i:log:{" + publisher + "}:" + logId;
    }

    /** Registers {@code logId} at {@code advertise} now and every {@link #REFRESH_SECONDS} s until closed. */
    public LogDirectory register(String logId, URI advertise) {
        Runnable say = () -> redis.send(Request.cmd(Command.SET).arg(key(publisher, logId)).arg(advertise.toString()).arg("EX").arg(TTL_SECONDS))
                .timeout(2, TimeUnit.SECONDS).onComplete(ar -> {
                    if (ar.failed() && !saidFailure) {
                        saidFailure = true;
                        events.accept("fleet: cannot register log " + logId + " in Redis (" + ar.cause().getMessage() + "); other instances "
                                + "cannot forward requests for it until Redis answers");
                    } else if (ar.succeeded() && saidFailure) {
                        saidFailure = false;
                        events.accept("fleet: log " + logId + " registered again at " + advertise);
                    }
                });
        say.run();
        timers.add(vertx.setPeriodic(REFRESH_SECONDS * 1000L, id -> say.run()));
        return this;
    }

    /** Where log {@code logId} of this site is served, when an instance has said so in the last {@link #TTL_SECONDS} s. */
    public Future<Optional<URI>> whereIs(String logId) {
        return redis.send(Request.cmd(Command.GET).arg(key(publisher, logId))).timeout(2, TimeUnit.SECONDS)
                .map(r -> r == null ? Optional.<URI>empty() : Optional.of(URI.create(r.toString())));
    }

    @Override
    public void close() {
        timers.forEach(vertx::cancelTimer);
        redis.close();
    }
}
