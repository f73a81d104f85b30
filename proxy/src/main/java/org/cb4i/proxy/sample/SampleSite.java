package org.cb4i.proxy.sample;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The bundled sample site (a few articles, an open page, robots.txt) served from the classpath on a loopback port:
 * the origin of {@code cb4i proxy}'s embedded default, and of {@code cb4i demo}'s member sites (copied out and
 * signed first). Not a general web server.
 */
public final class SampleSite implements AutoCloseable {
    private static final String ROOT = "/org/cb4i/proxy/sample";
    private final HttpServer server;

    private SampleSite(HttpServer server) {
        this.server = server;
    }

    /** The bundled pages, by path. */
    public static final List<String> FILES = List.of("/index.html", "/robots.txt", "/articles/collective-bargaining.html",
            "/articles/data-strike.html", "/articles/receipts.html", "/free/about.html");

    /** Starts the bundled site on a free loopback port. */
    public static SampleSite start() throws IOException {
        return start(Optional.empty());
    }

    /** Writes the bundled pages under {@code dir} (to sign them, then serve them with {@link #start(Optional)}). */
    public static void copyTo(Path dir) throws IOException {
        for (String f : FILES) {
            Path target = dir.resolve(f.substring(1));
            Files.createDirectories(target.getParent());
            try (InputStream in = SampleSite.class.getResourceAsStream(ROOT + f)) {
                Files.write(target, in.readAllBytes());
            }
        }
    }

    /** Starts the site on a free loopback port, serving the bundled pages, or the files under {@code root}. */
    public static SampleSite start(Optional<Path> root) throws IOException {
        return start(root, 0);
    }

    /** The same on loopback port {@code port} (0: any free port). */
    public static SampleSite start(Optional<Path> root, int port) throws IOException {
        Optional<Path> base = root.map(r -> r.toAbsolutePath().normalize());
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        s.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "cb4i-sample-site");
            t.setDaemon(true);
            return t;
        }));
        s.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.endsWith("/")) {
                path += "index.html";
            }
            byte[] body = null;
            if (!path.contains("..")) {
                if (base.isPresent()) {
                    Path file = base.get().resolve(path.substring(1)).normalize();
                    body = file.startsWith(base.get()) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
                } else {
                    try (InputStream in = SampleSite.class.getResourceAsStream(ROOT + path)) {
                        body = in == null ? null : in.readAllBytes();
                    }
                }
            }
            if (body == null) {
                body = "<!doctype html><title>Not found</title><p>Not found.</p>".getBytes();
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(404, body.length);
            } else {
                ex.getResponseHeaders().set("Content-Type", path.endsWith(".txt") ? "text/plain; charset=utf-8" : "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : body.length);
            }
            try (OutputStream out = ex.getResponseBody()) {
                if (!ex.getRequestMethod().equals("HEAD")) {
                    out.write(body);
                }
            }
        });
        s.start();
        return new SampleSite(s);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
