package org.cb4i.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.RequiredTool;

/**
 * A real redis-server of the test's own, on a free loopback port, that the test can stop, start again on the same
 * port, flush and slow down (a Redis down, restarted empty, or stalled, as an operator's would be). No persistence: a
 * restart starts empty. Needs {@code redis-server} on the PATH (Debian's {@code redis-server} package).
 */
public final class RedisServer implements AutoCloseable {
    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** Starts one, its working files in {@code dir}. */
    public static RedisServer start(Path dir) throws Exception {
        Path binary = RequiredTool.find("redis-server", "apt-get install redis-server");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(binary, dir, port);
        r.up();
        return r;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again), on the same port, and waits until it answers. */
    public void up() throws Exception {
        process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--enable-debug-command", "local"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        Eventually.until(Duration.ofSeconds(10), "redis-server on port " + port + " answers PING", () -> {
            try {
                return command("PING").startsWith("+PONG");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Stops it at once (SIGKILL), as a crash or a pulled cable would. */
    public void down() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one command (inline form) and returns the first line of the reply. */
    public String command(String... words) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            StringBuilder b = new StringBuilder("*" + words.length + "\r\n");
            for (String w : words) {
                b.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            down();
        }
    }
}
