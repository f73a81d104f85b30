package org.cb4i.issuer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleTree;

/**
 * A member proxy's log endpoints ([LOG-3], [SET-8]) served from entries a test controls, so that it can misbehave
 * in ways the real proxy never does: entries that do not match the checkpoint, a forked or shrunk history, a
 * checkpoint signed by another key, a second log id. The real proxy's endpoints are tested against a real collector in
 * the cli's SettlementTest.
 */
final class FakeMemberLog implements AutoCloseable {
    final SigningKey logKey = KeyFiles.generate(KeyAlgorithm.ED25519);
    final String logId = logKey.thumbprint();
    final List<byte[]> entries = new ArrayList<>();
    final List<String> extraLogIds = new ArrayList<>();
    final AtomicInteger acks = new AtomicInteger();
    final HttpServer server;
    /** The checkpoint served; {@link #sign} makes it cover every entry. */
    volatile String checkpoint;
    volatile boolean down;

    FakeMemberLog() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Signs a checkpoint over the entries as they are now, with {@code key} (the log key unless a test says otherwise). */
    String sign(SigningKey key, Instant time) {
        MerkleTree t = new MerkleTree();
        entries.forEach(t::append);
        checkpoint = Checkpoint.sign(key, t.size(), t.root(t.size()), time).compact();
        return checkpoint;
    }

    /** Signs the log's final checkpoint ([LOG-6]) over the entries as they are now, naming {@code successor}. */
    String signFinal(String successor, Instant time) {
        MerkleTree t = new MerkleTree();
        entries.forEach(t::append);
        checkpoint = Checkpoint.signFinal(logKey, t.size(), t.root(t.size()), time, successor).compact();
        return checkpoint;
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String base = "/.well-known/cb4i/logs/" + logId + "/";
        if (down) {
            reply(ex, 503, "down");
            return;
        }
        if (path.equals("/.well-known/cb4i")) {
            List<Object> logs = new ArrayList<>();
            logs.add(Map.of("log_id", logId));
            extraLogIds.forEach(id -> logs.add(Map.of("log_id", id)));
            reply(ex, 200, Json.write(Map.of("logs", logs)));
        } else if (path.equals(base + "jwks")) {
            reply(ex, 200, Json.write(KeySet.of(logKey.publicKey()).toJsonObject()));
        } else if (path.equals(base + "checkpoint")) {
            reply(ex, checkpoint == null ? 404 : 200, checkpoint == null ? "{}" : checkpoint);
        } else if (path.equals(base + "entries")) {
            Map<String, String> q = new LinkedHashMap<>();
            for (String kv : ex.getRequestURI().getQuery().split("&")) {
                q.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            if (ex.getRequestHeaders().getFirst("Signature") == null) {
                reply(ex, 401, "{\"reason\": \"SIGNATURE_MISSING\"}");
                return;
            }
            int start = Integer.parseInt(q.get("start"));
            int end = Integer.parseInt(q.get("end"));
            List<Object> out = new ArrayList<>();
            for (int i = start; i < end && i < entries.size(); i++) {
                String text = new String(entries.get(i), StandardCharsets.UTF_8);
                out.add(text.contains("\"iss\":\"" + IssuerFixture.ID + "\"") ? Map.of("index", i, "entry", text)
                        : Map.of("index", i, "leaf_hash", HexFormat.of().formatHex(MerkleTree.leafHash(entries.get(i)))));
            }
            reply(ex, 200, Json.write(Map.of("log_id", logId, "start", start, "end", end, "entries", out)));
        } else if (path.equals(base + "acknowledgements")) {
            ex.getRequestBody().readAllBytes();
            acks.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        } else {
            reply(ex, 404, "{}");
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
