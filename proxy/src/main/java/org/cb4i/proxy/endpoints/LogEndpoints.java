package org.cb4i.proxy.endpoints;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cb4i.proxy.pipeline.ProxyHandler;
import org.cb4i.proxy.pipeline.RequestTarget;
import org.cb4i.proxy.pipeline.SiteState;
import org.cb4i.proxy.fleet.LogDirectory;
import org.cb4i.proxy.receipts.ReceiptLog;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleTree;
import org.cb4i.sdk.token.VerifiedLicense;

/**
 * The receipts log over HTTP ([LOG-3]), under {@code /.well-known/cb4i/logs/<log id>/}:
 * {@code checkpoint} (the latest signed tree head), {@code jwks} (the log key) and
 * {@code consistency?from=&to=} for anyone; {@code proofs?rid=…} (entries and inclusion proofs against the latest
 * checkpoint) only for the licensee whose requests they were: the request must carry its license and be signed
 * per request (covering {@code @authority}, {@code @method}, {@code @target-uri}) with the key the license is
 * bound to, and only entries made with that key are returned; {@code entries?start=&end=} only for a collective's
 * collector ([SET-8]): the entries its licenses made, and the leaf hashes of the others. Retired logs ([LOG-6]) are served
 * the same way under their own ids, with their final checkpoints.
 */
public final class LogEndpoints implements ProxyHandler.Endpoints {
    public static final int MAX_RIDS = 1000;
    /** The most entries one {@code entries} request returns ([SET-8]). */
    public static final int MAX_ENTRIES = 10_000;
    static final int MAX_ACK_BYTES = 8192;
    private static final HexFormat HEX = HexFormat.of();

    /** The log that takes entries now. */
    private final ReceiptLog active;
    /** Every log served here by id: the active one and the retired ones. */
    private final Map<String, ReceiptLog> logs = new LinkedHashMap<>();
    private final Vertx vertx;
    private final String base;

    /** Set on a request one instance forwards to another, so that it is never forwarded again. */
    static final String HOP = "CB4I-Fleet-Hop";

    private final Optional<LogDirectory> fleet;
    private final io.vertx.core.http.HttpClient fleetClient;

    /**
     * @param retired the retired logs still served ([LOG-6])
     * @param fleet where the site's other instances' logs are, when it runs several behind one address
     */
    public LogEndpoints(ReceiptLog active, List<ReceiptLog> retired, Vertx vertx, Optional<LogDirectory> fleet) {
        this.active = active;
        logs.put(active.logId(), active);
        retired.forEach(r -> logs.put(r.logId(), r));
        this.vertx = vertx;
        this.base = "/.well-known/cb4i/logs/" + active.logId() + "/";
        this.fleet = fleet;
        this.fleetClient = fleet.isPresent() ? vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setConnectTimeout(2000)
                .setKeepAlive(true)) : null;
    }

    @Override
    public boolean handle(HttpServerRequest req, RequestTarget target, SiteState st) {
        String path = target.path();
        if (!path.startsWith("/.well-known/cb4i/logs/")) {
            return false;
        }
        String rest = path.substring("/.well-known/cb4i/logs/".length());
        String id = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        ReceiptLog log = logs.get(id);
        if (log == null && fleet.isPresent() && req.getHeader(HOP) == null && !id.isEmpty()) {
            forward(req, id);
            return true;
        }
        String what = log == null || rest.length() == id.length() ? null : rest.substring(id.length() + 1);
        if ("acknowledgements".equals(what) && req.method() == HttpMethod.POST) {
            acknowledgement(log, req, st);
            return true;
        }
        if (what == null || req.method() != HttpMethod.GET) {
            reply(req, 404, problem("no such log endpoint: logs here are under " + base + (logs.size() == 1 ? "" : " (the log taking entries) and "
                    + logs.keySet().stream().filter(k -> !k.equals(active.logId())).map(k -> "/.well-known/cb4i/logs/" + k + "/").toList()
                    + " (retired)")));
            return true;
        }
        switch (what) {
            case "checkpoint" -> {
                Optional<Checkpoint> cp = log.checkpoint();
                req.resume();
                if (cp.isEmpty()) {
                    reply(req, 404, problem("no checkpoint has been published yet"));
                } else {
                    req.response().putHeader("Content-Type", "application/checkpoint+jwt").putHeader("Cache-Control", "no-cache")
                            .end(cp.get().compact());
                }
            }
            case "jwks" -> reply(req, 200, Json.writePretty(KeySet.of(log.key().publicKey()).toJsonObject()));
            case "consistency" -> consistency(log, req);
            case "proofs" -> proofs(log, req, st);
            case "entries" -> entries(log, req, st);
            default -> reply(req, 404, problem("unknown log endpoint " + what));
        }
        return true;
    }

    private void consistency(ReceiptLog log, HttpServerRequest req) {
        long from;
        long to;
        try {
            from = Long.parseLong(req.getParam("from"));
            to = Long.parseLong(req.getParam("to"));
        } catch (NumberFormatException | NullPointerException e) {
            reply(req, 400, problem("consistency needs from and to as tree sizes: ?from=N&to=M"));
            return;
        }
        long published = log.checkpoint().map(Checkpoint::size).orElse(0L);
        if (from < 1 || from > to || to > published) {
            reply(req, 400, problem("need 1 <= from <= to <= " + published + " (the latest checkpoint's size)"));
            return;
        }
        long f = from;
        long t = to;
        // Off the event loop: hashes below the tree's floor are read from the log's index file.
        vertx.executeBlocking(() -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", f);
            m.put("to", t);
            m.put("proof", log.tree().consistencyProof(f, t).stream().map(HEX::formatHex).toList());
            return Json.writePretty(m);
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                reply(req, 503, problem("the receipts log could not be read"));
            } else {
                reply(req, 200, ar.result());
            }
        });
    }

    private void proofs(ReceiptLog log, HttpServerRequest req, SiteState st) {
        List<String> rids = req.params().getAll("rid");
        if (rids.isEmpty() || rids.size() > MAX_RIDS) {
            reply(req, 400, problem("proofs needs 1 to " + MAX_RIDS + " rid parameters"));
            return;
        }
        String auth = req.headers().get("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "License ", 0, 8)) {
            reply(req, 401, problem("proofs answers only the licensee: send your license (Authorization: License …) and sign the request"));
            return;
        }
        String keyId;
        try {
            VerifiedLicense lic = st.tokens().verifyAllowingExpired(auth.substring(8).strip());
            var fields = new LinkedHashMap<String, List<String>>();
            req.headers().forEach(e -> fields.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue()));
            SignedRequest sr = SignedRequest.of(req.method().name(), URI.create(req.scheme() + "://" + RequestTarget.authority(req) + req.uri()), fields);
            keyId = st.signatures().verifyBound(sr, SignaturePolicy.PER_REQUEST, lic.claims().confirmation().key()).keyId();
        } catch (Cb4iException e) {
            req.resume();
            req.response().putHeader("WWW-Authenticate", "License error=\"" + (e.reason().authError() == null ? "invalid_request" : e.reason().authError()) + "\"");
            reply(req, e.reason().httpStatus(), problem(e.getMessage() + " [" + e.reason() + "]"));
            return;
        } catch (IllegalArgumentException e) {
            reply(req, 400, problem("the request cannot be checked: " + e.getMessage()));
            return;
        }
        String jkt = keyId;
        vertx.executeBlocking(() -> proofsFor(log, rids, jkt), false).onComplete(ar -> {
            if (ar.failed()) {
                reply(req, 503, problem("the receipts log could not be read"));
            } else {
                reply(req, 200, ar.result());
            }
        });
    }

    private void entries(ReceiptLog log, HttpServerRequest req, SiteState st) {
        if (!st.hasCollectors()) {
            reply(req, 403, problem("entries answers only a collective's collector, and no issuer of this site names a collector_key"));
            return;
        }
        String issuer;
        try {
            var fields = new LinkedHashMap<String, List<String>>();
            req.headers().forEach(e -> fields.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue()));
            issuer = st.verifyCollector(SignedRequest.of(req.method().name(), URI.create(req.scheme() + "://" + RequestTarget.authority(req) + req.uri()),
                    fields));
        } catch (Cb4iException e) {
            req.resume();
            req.response().putHeader("WWW-Authenticate", "Signature");
            // No signature at all asks for one (401); a signature that is not a collector's, or fails, is refused (403).
            reply(req, e.reason() == org.cb4i.sdk.Reason.SIGNATURE_MISSING ? 401 : 403,
                    problem("entries answers only a collective's collector, with a request signed by its collector key: " + e.getMessage(), e.reason()));
            return;
        } catch (IllegalArgumentException e) {
            reply(req, 400, problem("the request cannot be checked: " + e.getMessage()));
            return;
        }
        Optional<Checkpoint> cp = log.checkpoint();
        long size = cp.map(Checkpoint::size).orElse(0L);
        long start;
        long end;
        try {
            start = req.getParam("start") == null ? 0 : Long.parseLong(req.getParam("start"));
            end = req.getParam("end") == null ? Math.min(size, Math.max(0, start) + MAX_ENTRIES) : Long.parseLong(req.getParam("end"));
        } catch (NumberFormatException e) {
            reply(req, 400, problem("entries takes start and end as entry indices: ?start=N&end=M"));
            return;
        }
        if (start < 0 || start > end || end > size || end - start > MAX_ENTRIES) {
            reply(req, 400, problem("need 0 <= start <= end <= " + size + " (the latest checkpoint's size), at most " + MAX_ENTRIES
                    + " entries a request; asked for start=" + start + ", end=" + end));
            return;
        }
        long from = start;
        long to = end;
        vertx.executeBlocking(() -> entriesFor(log, issuer, cp, from, to), false).onComplete(ar -> {
            if (ar.failed()) {
                reply(req, 503, problem("the receipts log could not be read: " + ar.cause().getMessage()));
            } else {
                reply(req, 200, ar.result());
            }
        });
    }

    /**
     * A collector's signed acknowledgement of the checkpoint it has collected up to ([SET-9]): checked against the
     * collective's collector key and this log's tree, and kept (the latest per collective) in the log's folder under
     * {@code acks/}, where the log's retention reads it.
     */
    private void acknowledgement(ReceiptLog log, HttpServerRequest req, SiteState st) {
        Buffer body = Buffer.buffer();
        boolean[] tooLarge = new boolean[1];
        req.handler(b -> {
            if (body.length() + b.length() > MAX_ACK_BYTES) {
                tooLarge[0] = true;
            } else {
                body.appendBuffer(b);
            }
        });
        req.endHandler(v -> {
            if (tooLarge[0]) {
                reply(req, 413, problem("an acknowledgement is at most " + MAX_ACK_BYTES + " bytes"));
                return;
            }
            String text = body.toString(StandardCharsets.US_ASCII).strip();
            String iss;
            long size;
            String root;
            try {
                CompactJws.Parsed jws = CompactJws.parse(text, Checkpoint.ACKNOWLEDGEMENT_TYP, MAX_ACK_BYTES, "acknowledgement");
                iss = jws.payload().path("iss").asText();
                Optional<KeySet> keys = st.collectorKeys(iss);
                if (keys.isEmpty()) {
                    reply(req, 403, problem("no collector key is configured for " + CompactJws.printable(iss), org.cb4i.sdk.Reason.UNKNOWN_KEY));
                    return;
                }
                CompactJws.verify(jws, keys.get(), "acknowledgement");
                size = jws.payload().path("size").asLong(-1);
                root = jws.payload().path("root").asText();
                if (!log.logId().equals(jws.payload().path("log_id").asText()) || size < 1) {
                    reply(req, 400, problem("the acknowledgement must name this log (" + log.logId() + ") and a size of at least 1"));
                    return;
                }
            } catch (Cb4iException e) {
                reply(req, e.reason().httpStatus() == 401 ? 400 : e.reason().httpStatus(), problem("acknowledgement refused: " + e.getMessage(), e.reason()));
                return;
            }
            long published = log.checkpoint().map(Checkpoint::size).orElse(0L);
            if (size > published) {
                reply(req, 400, problem("the acknowledgement covers " + size + " entries; the latest checkpoint has " + published));
                return;
            }
            vertx.executeBlocking(() -> {
                if (!HEX.formatHex(log.tree().root(size)).equals(root)) {
                    return false;
                }
                java.nio.file.Path file = log.ackFile(iss);
                java.nio.file.Files.createDirectories(file.getParent());
                org.cb4i.sdk.files.AtomicFiles.write(file, (text + "\n").getBytes(StandardCharsets.US_ASCII), false, true);
                return true;
            }, false).onComplete(ar -> {
                if (ar.failed()) {
                    reply(req, 503, problem("the acknowledgement could not be kept: " + ar.cause().getMessage()));
                } else if (!ar.result()) {
                    reply(req, 400, problem("the acknowledgement's root is not this log's root at " + size + " entries"));
                } else {
                    req.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
                }
            });
        });
        req.resume();
    }

    /** Entries [from, to) as the collector of {@code issuer} may see them: in full when its licenses made them. */
    private Buffer entriesFor(ReceiptLog log, String issuer, Optional<Checkpoint> cp, long from, long to) throws java.io.IOException {
        Buffer out = Buffer.buffer(64 + (int) (to - from) * 480);
        out.appendString("{\"log_id\":" + Json.write(log.logId()) + ",\"checkpoint\":" + Json.write(cp.map(Checkpoint::compact).orElse(null))
                + ",\"tree_size\":" + cp.map(Checkpoint::size).orElse(0L) + ",\"start\":" + from + ",\"end\":" + to + ",\"entries\":[");
        byte[][] entries = log.entries(from, to);
        for (long i = from; i < to; i++) {
            out.appendString(i > from ? ",{\"index\":" : "{\"index\":").appendString(Long.toString(i));
            byte[] entry = entries[(int) (i - from)];
            if (entry == null) {
                // [LOG-5]: its segment left the hot disk and the archive cannot be read; the tree still checks.
                out.appendString(",\"leaf_hash\":\"" + HEX.formatHex(log.leafHash(i)) + "\",\"archived\":true}");
                continue;
            }
            if (issuer.equals(issOf(entry))) {
                out.appendString(",\"entry\":").appendBytes(jsonString(entry));
            } else {
                out.appendString(",\"leaf_hash\":\"" + HEX.formatHex(MerkleTree.leafHash(entry)) + "\"");
            }
            out.appendString("}");
        }
        return out.appendString("]}");
    }

    /**
     * The {@code iss} of a log entry, read up to that member and no further (an entry is hundreds of bytes, and a page of
     * them is read to know which to give whole); empty when the entry names none.
     *
     * @throws java.io.IOException when the entry is not a JSON object (the log cannot be read)
     */
    public static String issOf(byte[] entry) throws java.io.IOException {
        try (JsonParser p = Json.mapper().getFactory().createParser(entry)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new java.io.IOException("a log entry is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("iss")) {
                    return t == JsonToken.VALUE_STRING ? p.getText() : "";
                }
                p.skipChildren();
            }
        }
        return "";
    }

    /**
     * An entry's bytes as a JSON string ([SET-8] gives entries as text), quotes included: written byte by byte for an
     * ASCII entry (the proxy's own are: URLs are percent-encoded), through Jackson otherwise.
     */
    public static byte[] jsonString(byte[] entry) {
        int extra = 2;
        for (byte b : entry) {
            if (b < 0) {
                return Json.write(new String(entry, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            }
            extra += b == '"' || b == '\\' ? 1 : b < 0x20 ? 5 : 0;
        }
        byte[] out = new byte[entry.length + extra];
        int n = 0;
        out[n++] = '"';
        for (byte b : entry) {
            if (b == '"' || b == '\\') {
                out[n++] = '\\';
                out[n++] = b;
            } else if (b < 0x20) {
                out[n++] = '\\';
                out[n++] = 'u';
                out[n++] = '0';
                out[n++] = '0';
                out[n++] = (byte) Character.forDigit(b >> 4, 16);
                out[n++] = (byte) Character.forDigit(b & 0xF, 16);
            } else {
                out[n++] = b;
            }
        }
        out[n] = '"';
        return out;
    }

    private String proofsFor(ReceiptLog log, List<String> rids, String jkt) throws java.io.IOException {
        Optional<Checkpoint> cp = log.checkpoint();
        long size = cp.map(Checkpoint::size).orElse(0L);
        List<Object> entries = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> archived = new ArrayList<>();
        for (String rid : rids) {
            Optional<Long> seq = log.indexOf(rid);
            if (seq.isEmpty()) {
                unknown.add(rid);
                continue;
            }
            byte[] entry = readOrNull(log, seq.get());
            if (entry == null) {
                archived.add(rid); // [LOG-5]: archived where it cannot be read now
                continue;
            }
            JsonNode e = Json.mapper().readTree(entry);
            if (!jkt.equals(e.path("jkt").textValue())) {
                unknown.add(rid); // not this licensee's: indistinguishable from absent
                continue;
            }
            if (seq.get() >= size) {
                pending.add(rid);
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rid", rid);
            m.put("index", seq.get());
            m.put("entry", new String(entry, StandardCharsets.UTF_8));
            m.put("inclusion_proof", log.tree().inclusionProof(seq.get(), size).stream().map(HEX::formatHex).toList());
            entries.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("log_id", log.logId());
        out.put("checkpoint", cp.map(Checkpoint::compact).orElse(null));
        out.put("tree_size", size);
        out.put("entries", entries);
        out.put("pending", pending);
        out.put("unknown", unknown);
        if (!archived.isEmpty()) {
            out.put("archived", archived);
        }
        return Json.writePretty(out);
    }

    /** Entry {@code seq}, or null when its segment has left the hot disk and its archive cannot be read now ([LOG-5]). */
    private static byte[] readOrNull(ReceiptLog log, long seq) throws java.io.IOException {
        try {
            return log.entry(seq);
        } catch (org.cb4i.proxy.receipts.Segments.ArchivedException e) {
            return null;
        }
    }

    private static String problem(String detail) {
        return Json.write(Map.of("title", "receipts log", "detail", detail));
    }

    private static String problem(String detail, org.cb4i.sdk.Reason reason) {
        return Json.write(Map.of("title", "receipts log", "detail", detail, "reason", reason.name()));
    }

    private static void reply(HttpServerRequest req, int status, String json) {
        reply(req, status, Buffer.buffer(json));
    }

    private static void reply(HttpServerRequest req, int status, Buffer json) {
        req.resume();
        if (!req.response().ended()) {
            req.response().setStatusCode(status).putHeader("Content-Type", status >= 400 ? "application/problem+json" : "application/json")
                    .putHeader("Cache-Control", "no-store").end(json);
        }
    }

    /**
     * A request for another instance's log, behind one load balancer: sent on to the instance that registered it, as it
     * came (the Host, the signature and the body unchanged, so that what was signed still verifies there), and its
     * answer returned as it is. A log no instance has registered is a 404 that says so.
     */
    private void forward(HttpServerRequest req, String logId) {
        Future<io.vertx.core.buffer.Buffer> body = req.body();
        req.resume();
        fleet.get().whereIs(logId).onComplete(where -> {
            if (where.failed()) {
                reply(req, 503, problem("the site's log directory (Redis) cannot be read now: " + where.cause().getMessage()));
                return;
            }
            if (where.result().isEmpty()) {
                reply(req, 404, problem("no instance of this site serves log " + logId + " (this one's is under " + base + ")"));
                return;
            }
            URI to = where.result().get();
            body.compose(b -> {
                io.vertx.core.http.RequestOptions o = new io.vertx.core.http.RequestOptions().setMethod(req.method()).setURI(req.uri())
                        .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(to.getPort() < 0 ? ("https".equals(to.getScheme()) ? 443 : 80)
                                : to.getPort(), to.getHost()))
                        .setSsl("https".equals(to.getScheme())).setTimeout(30_000);
                io.vertx.core.MultiMap h = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
                req.headers().forEach(e -> {
                    String n = e.getKey().toLowerCase(java.util.Locale.ROOT);
                    if (!n.equals("connection") && !n.equals("keep-alive") && !n.equals("transfer-encoding") && !n.equals("content-length")) {
                        h.add(e.getKey(), e.getValue());
                    }
                });
                h.set(HOP, "1");
                String host = req.headers().get("Host");
                if (host != null) {
                    o.setHost(host.contains(":") && !host.endsWith("]") ? host.substring(0, host.lastIndexOf(':')) : host);
                    o.setPort(host.contains(":") && !host.endsWith("]") ? Integer.parseInt(host.substring(host.lastIndexOf(':') + 1)) : (req.isSSL() ? 443 : 80)); // the Host as received: its default port is the scheme's
                }
                o.setHeaders(h);
                return fleetClient.request(o).compose(r -> r.send(b)).compose(resp -> resp.body().map(rb -> {
                    if (!req.response().ended()) {
                        resp.headers().forEach(e -> {
                            String n = e.getKey().toLowerCase(java.util.Locale.ROOT);
                            if (!n.equals("connection") && !n.equals("keep-alive") && !n.equals("transfer-encoding") && !n.equals("content-length")) {
                                req.response().headers().add(e.getKey(), e.getValue());
                            }
                        });
                        req.response().setStatusCode(resp.statusCode()).end(rb);
                    }
                    return null;
                }));
            }).onFailure(t -> reply(req, 502, problem("the instance serving log " + logId + " (" + to + ") cannot be reached: " + t.getMessage())));
        });
    }
}
