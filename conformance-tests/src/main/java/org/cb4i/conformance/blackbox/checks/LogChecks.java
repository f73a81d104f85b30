package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Expect.that;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Merkle;
import org.cb4i.conformance.blackbox.Profile;
import org.cb4i.conformance.blackbox.Testbed;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.key.VerificationKey;

/** SPEC.md §8, the receipts log, as anyone (checkpoints, consistency) and the licensee (proofs) see it. */
public final class LogChecks {
    private LogChecks() {}

    static final Pattern RECEIPT = Pattern.compile("log=\"([A-Za-z0-9_-]{43})\", ?rid=\"([A-Za-z0-9_-]{22})\"");
    static final HexFormat HEX = HexFormat.of();

    /** A receipt: the log id and the receipt id. */
    record Receipt(String log, String rid) {}

    static Receipt receipt(HttpExchange.Response r) {
        Matcher m = RECEIPT.matcher(r.header("CB4I-Receipt").orElse(""));
        that(m.matches(), "expected CB4I-Receipt: log=\"…\", rid=\"…\"; got " + r.header("CB4I-Receipt"));
        return new Receipt(m.group(1), m.group(2));
    }

    static String logPath(String log) {
        return "/.well-known/cb4i/logs/" + log + "/";
    }

    /** A checkpoint, verified: typ, kid = log id, the signature by the key the log's jwks holds, whose thumbprint is the log id. */
    record Checkpoint(long size, byte[] root, long iat) {}

    static Checkpoint verifyCheckpoint(Testbed bed, String log, String compact) throws Exception {
        String[] parts = compact.strip().split("\\.");
        that(parts.length == 3, "a checkpoint is a compact JWS; got " + compact);
        Base64.Decoder d = Base64.getUrlDecoder();
        JsonNode header = Testbed.JSON.readTree(d.decode(parts[0]));
        JsonNode claims = Testbed.JSON.readTree(d.decode(parts[1]));
        that(header.path("typ").asText().equalsIgnoreCase("checkpoint+jwt"), "expected typ checkpoint+jwt; got " + header);
        that(log.equals(header.path("kid").asText()), "expected kid = the log id " + log + "; got " + header);
        HttpExchange.Response jwks = bed.send(bed.humanGet(logPath(log) + "jwks"));
        that(jwks.status() == 200, "the log's key set is not served: " + jwks);
        VerificationKey key = null;
        for (JsonNode k : Testbed.JSON.readTree(jwks.body()).path("keys")) {
            if (log.equals(k.path("kid").asText())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = Testbed.JSON.convertValue(k, Map.class);
                key = VerificationKey.fromJson(m);
            }
        }
        that(key != null, "the log's jwks has no key with kid " + log + ": " + jwks.text());
        that(key.thumbprint().equals(log), "the log id is not the RFC 7638 thumbprint of the log key");
        that(key.verify((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), d.decode(parts[2])), "the checkpoint's signature does not verify with the log key");
        that(log.equals(claims.path("log_id").asText()), "the checkpoint's log_id is not " + log + ": " + claims);
        that(claims.path("size").canConvertToLong() && claims.path("root").asText().matches("[0-9a-f]{64}") && claims.path("iat").canConvertToLong(),
                "a checkpoint has size, root (64 hex) and iat: " + claims);
        return new Checkpoint(claims.get("size").asLong(), HEX.parseHex(claims.get("root").asText()), claims.get("iat").asLong());
    }

    static Checkpoint latest(Testbed bed, String log) throws Exception {
        HttpExchange.Response r = bed.send(bed.humanGet(logPath(log) + "checkpoint"));
        that(r.status() == 200, "the checkpoint is not served: " + r);
        that(r.header("Content-Type").orElse("").startsWith("application/checkpoint+jwt"), "expected Content-Type application/checkpoint+jwt; got " + r.header("Content-Type"));
        return verifyCheckpoint(bed, log, r.text());
    }

    /** Asks for proofs as the licensee of {@code token}, signing per request with {@code key}. */
    static HttpExchange.Response proofs(Testbed bed, String log, String rid, String token, SigningKey key) throws Exception {
        HttpExchange.Request r = bed.crawlerGet(logPath(log) + "proofs?rid=" + rid).header("Authorization", "License " + token);
        return bed.send(bed.sign(r, key, "@authority", "@method", "@target-uri"));
    }

    /** Polls the proofs endpoint until the receipt is no longer pending (a checkpoint every 2 s at most, by the profile). */
    static JsonNode proven(Testbed bed, Receipt rc, String token) throws Exception {
        long deadline = System.nanoTime() + 6_000_000_000L;
        while (true) {
            HttpExchange.Response r = proofs(bed, rc.log(), rc.rid(), token, bed.crawler);
            that(r.status() == 200, "the licensee's proofs request was refused: " + r);
            JsonNode a = Testbed.JSON.readTree(r.body());
            if (a.path("entries").size() > 0 || System.nanoTime() > deadline) {
                that(a.path("entries").size() == 1, "no checkpoint covered the receipt within 6 s: " + a);
                return a;
            }
            Thread.sleep(300);
        }
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("the log's checkpoint is a checkpoint+jwt signed by the log key, whose thumbprint is the log id",
                List.of("LOG-1", "LOG-3"), bed -> {
                    Receipt rc = receipt(bed.send(bed.licensedGet("/licensed/" + mark())));
                    latest(bed, rc.log());
                }));
        c.add(new Check("the licensee gets its entry (members in order, the content's digest) and an inclusion proof against a signed checkpoint",
                List.of("LOG-1", "LOG-2", "LOG-3"), bed -> {
                    String token = bed.license();
                    String target = "/per-request/" + mark();
                    HttpExchange.Request req = bed.licensedGet(target, token, bed.crawler, "@authority", "@method", "@target-uri");
                    HttpExchange.Response resp = bed.send(req);
                    served(resp);
                    Receipt rc = receipt(resp);
                    JsonNode a = proven(bed, rc, token);
                    JsonNode e = a.get("entries").get(0);
                    that(rc.rid().equals(e.path("rid").asText()), "the answer is for another rid: " + e);
                    String entryText = e.path("entry").asText();
                    JsonNode entry = Testbed.JSON.readTree(entryText);
                    List<String> names = new ArrayList<>();
                    entry.fieldNames().forEachRemaining(names::add);
                    List<String> order = List.of("rid", "time", "licensee", "jti", "jkt", "method", "url", "status", "bytes", "content_range", "sha256",
                            "usages", "signature_input", "signature", "complete");
                    List<String> known = names.stream().filter(order::contains).toList();
                    that(known.equals(order.stream().filter(names::contains).toList()), "entry members out of the order of [LOG-2]: " + names);
                    JsonNode claims = Testbed.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
                    that(entry.path("licensee").asText().equals(claims.path("sub").asText()), "entry licensee is not the token's sub: " + entry);
                    that(entry.path("jti").asText().equals(claims.path("jti").asText()), "entry jti is not the token's: " + entry);
                    that(entry.path("jkt").asText().equals(bed.crawler.thumbprint()), "entry jkt is not the crawler key's: " + entry);
                    that(entry.path("method").asText().equals("GET"), "entry method: " + entry);
                    that(entry.path("url").asText().equals(Profile.PUBLISHER + target), "entry url is not the publisher origin and the target " + Profile.PUBLISHER + target + ": " + entry);
                    that(entry.path("status").asInt() == 200 && entry.path("bytes").asLong() == Testbed.ORIGIN_BODY.length, "entry status/bytes: " + entry);
                    String digest = HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(resp.body()));
                    that(entry.path("sha256").asText().equals(digest), "entry sha256 is not the SHA-256 of the content as sent (" + digest + "): " + entry);
                    that(entry.path("usages").toString().contains("ai-train"), "entry usages: " + entry);
                    that(("sig1=" + entry.path("signature_input").asText()).equals(req.field("Signature-Input").orElseThrow())
                            && ("sig1=" + entry.path("signature").asText()).equals(req.field("Signature").orElseThrow()),
                            "a per-request path's entry carries the crawler's signature_input and signature (member values, without the label): " + entry);
                    that(entry.path("complete").asBoolean(false), "entry complete: " + entry);
                    Checkpoint cp = verifyCheckpoint(bed, rc.log(), a.path("checkpoint").asText());
                    that(a.path("tree_size").asLong() == cp.size(), "tree_size is not the checkpoint's size: " + a);
                    List<byte[]> proof = new ArrayList<>();
                    a.get("entries").get(0).path("inclusion_proof").forEach(p -> proof.add(HEX.parseHex(p.asText())));
                    that(Merkle.inclusion(Merkle.leaf(entryText.getBytes(StandardCharsets.UTF_8)), e.path("index").asLong(), cp.size(), proof, cp.root()),
                            "the inclusion proof does not lead from SHA-256(0x00 || entry) to the checkpoint's root");
                }));
        c.add(new Check("proofs answer only the licensee: unsigned requests are refused, another licensee's receipts are unknown",
                List.of("LOG-3"), bed -> {
                    String token = bed.license();
                    Receipt rc = receipt(bed.send(bed.licensedGet("/licensed/" + mark(), token, bed.crawler)));
                    proven(bed, rc, token);
                    HttpExchange.Response anon = bed.send(bed.crawlerGet(logPath(rc.log()) + "proofs?rid=" + rc.rid()).header("Authorization", "License " + token));
                    that(anon.status() == 401 || anon.status() == 403, "an unsigned proofs request must be refused (401/403); got " + anon);
                    that(!anon.text().contains("inclusion_proof"), "an unsigned proofs request got proofs: " + anon);
                    String other = bed.license(bed.claims(bed.otherCrawler));
                    HttpExchange.Response r = proofs(bed, rc.log(), rc.rid(), other, bed.otherCrawler);
                    that(r.status() == 200, "another licensee's proofs request: " + r);
                    JsonNode a = Testbed.JSON.readTree(r.body());
                    that(a.path("entries").size() == 0 && a.path("unknown").toString().contains(rc.rid()),
                            "another licensee must see the receipt as unknown, without its entry: " + a);
                    String neverIssued = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);
                    JsonNode n = Testbed.JSON.readTree(proofs(bed, rc.log(), neverIssued, token, bed.crawler).body());
                    that(n.path("entries").size() == 0 && n.path("unknown").toString().contains(neverIssued),
                            "a rid the log never issued must be unknown: " + n);
                }));
        c.add(new Check("every licensed response gets a receipt id of its own (128 bits, base64url)", List.of("LOG-2"), bed -> {
            java.util.Set<String> rids = new java.util.HashSet<>();
            String log = null;
            for (int i = 0; i < 5; i++) {
                Receipt rc = receipt(bed.send(bed.licensedGet("/licensed/" + mark())));
                that(log == null || log.equals(rc.log()), "one proxy instance names one log; got " + log + " and " + rc.log());
                log = rc.log();
                that(rids.add(rc.rid()), "rid " + rc.rid() + " given to two responses");
                byte[] raw = Base64.getUrlDecoder().decode(rc.rid());
                that(raw.length == 16, "a rid is 128 bits; " + rc.rid() + " is " + raw.length * 8);
            }
        }));
        c.add(new Check("consistency proofs link an earlier checkpoint to a later one", List.of("LOG-1", "LOG-3"), bed -> {
            Receipt rc = receipt(bed.send(bed.licensedGet("/licensed/" + mark())));
            Checkpoint first = latest(bed, rc.log());
            long deadline = System.nanoTime() + 6_000_000_000L;
            Checkpoint second = first;
            while (second.size() <= first.size() && System.nanoTime() < deadline) {
                served(bed.send(bed.licensedGet("/licensed/" + mark())));
                Thread.sleep(300);
                second = latest(bed, rc.log());
            }
            that(second.size() > first.size(), "no newer checkpoint within 6 s (the profile asks for one at least every 2 s)");
            HttpExchange.Response r = bed.send(bed.humanGet(logPath(rc.log()) + "consistency?from=" + first.size() + "&to=" + second.size()));
            that(r.status() == 200, "consistency not served: " + r);
            JsonNode a = Testbed.JSON.readTree(r.body());
            List<byte[]> proof = new ArrayList<>();
            a.path("proof").forEach(p -> proof.add(HEX.parseHex(p.asText())));
            that(a.path("from").asLong() == first.size() && a.path("to").asLong() == second.size(), "consistency answer names other sizes: " + a);
            that(Merkle.consistency(first.size(), second.size(), first.root(), second.root(), proof),
                    "the consistency proof from " + first.size() + " to " + second.size() + " does not verify");
        }));
        return c;
    }
}
