package org.cb4i.issuer;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.http.IssuerEndpoints;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.sdk.internal.AtomicFiles;
import org.cb4i.sdk.internal.Base64Url;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;

/**
 * A running issuer: the store, the collective's key and the HTTP endpoints on one worker context (the store is
 * called directly from the handlers; the issuer's load is licence requests, not page views).
 */
public final class Issuer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final IssuerStore store;
    private final Collective collective;

    private Issuer(Vertx vertx, HttpServer server, IssuerStore store, Collective collective) {
        this.vertx = vertx;
        this.server = server;
        this.store = store;
        this.collective = collective;
    }

    /**
     * Opens the store and starts listening.
     *
     * @throws IOException when the key cannot be read
     * @throws org.cb4i.issuer.store.StoreException when the store cannot be opened (in use, newer schema)
     * @throws Exception when the address cannot be bound ({@link java.net.BindException})
     */
    public static Issuer start(IssuerConfig config, Clock clock, Consumer<String> log) throws Exception {
        SigningKey key = KeyFiles.readSigningKey(config.key());
        IssuerStore store = IssuerStore.open(config.store());
        Vertx vertx = null;
        try {
            String token = adminToken(config.adminToken());
            Collective collective = new Collective(config, store, key, clock);
            IssuerEndpoints endpoints = new IssuerEndpoints(collective, new ClientAuthentication(collective, clock), token, log);
            vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4));
            HttpServer[] server = new HttpServer[1];
            await(vertx.deployVerticle(new VerticleBase() {
                @Override
                public Future<?> start() {
                    server[0] = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
                            .setMaxInitialLineLength(8192).setMaxHeaderSize(16384).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS));
                    return server[0].requestHandler(endpoints::handle).listen();
                }
            }, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
            log.accept("listening on " + config.host() + ":" + server[0].actualPort() + " as " + config.id());
            return new Issuer(vertx, server[0], store, collective);
        } catch (Exception e) {
            if (vertx != null) {
                vertx.close();
            }
            store.close();
            throw e;
        }
    }

    /** Reads the admin token, creating it (owner-only) when absent. */
    static String adminToken(Path file) throws IOException {
        try {
            String t = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (t.length() < 16) {
                throw new IOException(file + ": the admin token is shorter than 16 characters; delete the file to have a new one made");
            }
            return t;
        } catch (NoSuchFileException e) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String t = Base64Url.encode(b);
            AtomicFiles.write(file, (t + "\n").getBytes(StandardCharsets.US_ASCII), true, false);
            return t;
        }
    }

    public int port() {
        return server.actualPort();
    }

    public Collective collective() {
        return collective;
    }

    @Override
    public void close() {
        try {
            await(server.shutdown(Duration.ofSeconds(5)));
        } catch (Exception e) {
            // closing anyway
        }
        try {
            await(vertx.close());
        } catch (Exception e) {
            // closing anyway
        }
        store.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
