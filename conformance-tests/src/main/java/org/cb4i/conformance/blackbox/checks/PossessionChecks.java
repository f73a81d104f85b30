package org.cb4i.conformance.blackbox.checks;

import static org.cb4i.conformance.blackbox.Expect.denied;
import static org.cb4i.conformance.blackbox.Expect.served;
import static org.cb4i.conformance.blackbox.Testbed.mark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.cb4i.conformance.blackbox.Check;
import org.cb4i.conformance.blackbox.HttpExchange;
import org.cb4i.conformance.blackbox.Signatures;
import org.cb4i.conformance.blackbox.Testbed;

/** SPEC.md §5, proof of possession: Web Bot Auth signatures bound to the license's key. */
public final class PossessionChecks {
    private PossessionChecks() {}

    static long now() {
        return Instant.now().getEpochSecond();
    }

    /** A licensed GET of a fresh path signed with explicit parameters. */
    static HttpExchange.Request signed(Testbed bed, String target, List<String> components, String params) {
        HttpExchange.Request r = bed.crawlerGet(target).header("Authorization", "License " + bed.license());
        return Signatures.sign(bed, r, bed.crawler, components, params);
    }

    static HttpExchange.Request signedWith(Testbed bed, String params) {
        return signed(bed, "/licensed/" + mark(), List.of("@authority"), params);
    }

    public static List<Check> all() {
        List<Check> c = new ArrayList<>();
        c.add(new Check("a license without any signature is SIGNATURE_MISSING", List.of("POP-1", "ENF-4"), bed ->
                denied(bed.send(bed.crawlerGet("/licensed/" + mark()).header("Authorization", "License " + bed.license())), "SIGNATURE_MISSING")));
        c.add(new Check("a signature without tag=\"web-bot-auth\" is SIGNATURE_TAG_MISSING", List.of("POP-1", "ENF-4"), bed -> {
            long t = now();
            String params = ";created=" + t + ";keyid=\"" + bed.crawler.thumbprint() + "\";alg=\"ed25519\";expires=" + (t + 60) + ";tag=\"other\"";
            denied(bed.send(signedWith(bed, params)), "SIGNATURE_TAG_MISSING");
        }));
        c.add(new Check("a signature without keyid, or with expires <= created, is SIGNATURE_PARAMS_MISSING", List.of("POP-1", "ENF-4"), bed -> {
            long t = now();
            denied(bed.send(signedWith(bed, ";created=" + t + ";alg=\"ed25519\";expires=" + (t + 60) + ";tag=\"web-bot-auth\"")), "SIGNATURE_PARAMS_MISSING");
            denied(bed.send(signedWith(bed, Signatures.params(bed.crawler.thumbprint(), t, t))), "SIGNATURE_PARAMS_MISSING");
        }));
        c.add(new Check("an expired signature is SIGNATURE_EXPIRED", List.of("POP-1", "ENF-4"), bed ->
                denied(bed.send(signedWith(bed, Signatures.params(bed.crawler.thumbprint(), now() - 400, now() - 200))), "SIGNATURE_EXPIRED")));
        c.add(new Check("a signature created well in the future is SIGNATURE_CREATED_IN_FUTURE", List.of("POP-1", "ENF-4"), bed ->
                denied(bed.send(signedWith(bed, Signatures.params(bed.crawler.thumbprint(), now() + 600, now() + 660))), "SIGNATURE_CREATED_IN_FUTURE")));
        c.add(new Check("a signature valid for longer than the maximum (here 24 h) is SIGNATURE_VALIDITY_TOO_LONG", List.of("POP-1", "ENF-4"), bed ->
                denied(bed.send(signedWith(bed, Signatures.params(bed.crawler.thumbprint(), now(), now() + 86400 + 3600))), "SIGNATURE_VALIDITY_TOO_LONG")));
        c.add(new Check("an alg that does not fit the key (ecdsa-p256-sha256 for Ed25519) is SIGNATURE_ALG_NOT_ALLOWED", List.of("POP-1", "ENF-4"), bed -> {
            long t = now();
            String params = ";created=" + t + ";keyid=\"" + bed.crawler.thumbprint() + "\";alg=\"ecdsa-p256-sha256\";expires=" + (t + 60) + ";tag=\"web-bot-auth\"";
            denied(bed.send(signedWith(bed, params)), "SIGNATURE_ALG_NOT_ALLOWED");
        }));
        c.add(new Check("a signature by another key than cnf.jkt is SIGNATURE_KEY_MISMATCH", List.of("POP-2", "ENF-4"), bed ->
                denied(bed.send(bed.licensedGet("/licensed/" + mark(), bed.license(), bed.otherCrawler)), "SIGNATURE_KEY_MISMATCH")));
        c.add(new Check("keyid = cnf.jkt but signed by another key does not verify with cnf.jwk: SIGNATURE_INVALID", List.of("POP-2", "POP-4", "ENF-4"), bed -> {
            HttpExchange.Request r = bed.crawlerGet("/licensed/" + mark()).header("Authorization", "License " + bed.license());
            denied(bed.send(Signatures.sign(bed, r, bed.otherCrawler, List.of("@authority"), Signatures.params(bed.crawler.thumbprint(), now(), now() + 60))),
                    "SIGNATURE_INVALID");
        }));
        c.add(new Check("a per-request path refuses a signature covering only @authority: SIGNATURE_COVERAGE_INSUFFICIENT", List.of("POP-3", "ENF-4"), bed ->
                denied(bed.send(bed.licensedGet("/per-request/" + mark(), bed.license(), bed.crawler, "@authority")), "SIGNATURE_COVERAGE_INSUFFICIENT")));
        c.add(new Check("a per-request path serves a signature covering @authority, @method and @target-uri", List.of("POP-3"), bed ->
                served(bed.send(bed.licensedGet("/per-request/" + mark() + "?page=2", bed.license(), bed.crawler, "@authority", "@method", "@target-uri")))));
        c.add(new Check("a reusable signature serves several paths of the site", List.of("POP-3"), bed -> {
            String token = bed.license();
            HttpExchange.Request first = bed.licensedGet("/licensed/" + mark(), token, bed.crawler);
            served(bed.send(first));
            HttpExchange.Request second = bed.crawlerGet("/licensed/" + mark()).header("Authorization", "License " + token)
                    .header("Signature-Input", first.field("Signature-Input").orElseThrow()).header("Signature", first.field("Signature").orElseThrow());
            served(bed.send(second));
        }));
        c.add(new Check("a signature not covering @authority is SIGNATURE_COVERAGE_INSUFFICIENT", List.of("POP-3", "ENF-4"), bed ->
                denied(bed.send(bed.licensedGet("/licensed/" + mark(), bed.license(), bed.crawler, "@method")), "SIGNATURE_COVERAGE_INSUFFICIENT")));
        c.add(new Check("a signature made for another target does not verify: SIGNATURE_INVALID", List.of("POP-4", "ENF-4"), bed -> {
            HttpExchange.Request made = bed.licensedGet("/per-request/" + mark(), bed.license(), bed.crawler, "@authority", "@method", "@target-uri");
            HttpExchange.Request sent = bed.crawlerGet("/per-request/" + mark()).header("Authorization", made.field("Authorization").orElseThrow())
                    .header("Signature-Input", made.field("Signature-Input").orElseThrow()).header("Signature", made.field("Signature").orElseThrow());
            denied(bed.send(sent), "SIGNATURE_INVALID");
        }));
        c.add(new Check("a 32-byte signature value does not verify: SIGNATURE_INVALID", List.of("POP-4", "ENF-4"), bed -> {
            HttpExchange.Request r = bed.licensedGet("/licensed/" + mark());
            r.fields().removeIf(f -> f[0].equals("Signature"));
            r.header("Signature", "sig1=:" + Base64.getEncoder().encodeToString(new byte[32]) + ":");
            denied(bed.send(r), "SIGNATURE_INVALID");
        }));
        c.add(new Check("a covered header field (user-agent) is part of the base", List.of("POP-4"), bed ->
                served(bed.send(bed.licensedGet("/licensed/" + mark(), bed.license(), bed.crawler, "@authority", "user-agent")))));
        c.add(new Check("a covered field the request lacks is SIGNATURE_INVALID", List.of("POP-4", "ENF-4"), bed ->
                denied(bed.send(bed.licensedGet("/licensed/" + mark(), bed.license(), bed.crawler, "@authority", "x-not-sent")), "SIGNATURE_INVALID")));
        c.add(new Check("an unsupported derived component (@status) is SIGNATURE_COVERAGE_INSUFFICIENT", List.of("POP-4", "ENF-4"), bed ->
                denied(bed.send(bed.licensedGet("/licensed/" + mark(), bed.license(), bed.crawler, "@authority", "@status")), "SIGNATURE_COVERAGE_INSUFFICIENT")));
        c.add(new Check("a component listed twice is MALFORMED_SIGNATURE_HEADER", List.of("POP-4", "ENF-4"), bed ->
                denied(bed.send(bed.licensedGet("/licensed/" + mark(), bed.license(), bed.crawler, "@authority", "@authority")), "MALFORMED_SIGNATURE_HEADER")));
        c.add(new Check("@authority is the Host as received, lower-cased", List.of("POP-5"), bed -> {
            HttpExchange.Request r = bed.crawlerGet("/licensed/" + mark());
            r.fields().removeIf(f -> f[0].equals("Host"));
            String port = bed.authority().substring(bed.authority().lastIndexOf(':'));
            r.fields().add(0, new String[] {"Host", (bed.proxy().getHost().matches("[0-9.]+") ? "LocalHost" : bed.proxy().getHost().toUpperCase()) + port});
            r.header("Authorization", "License " + bed.license());
            served(bed.send(Signatures.sign(bed, r, bed.crawler, List.of("@authority"), Signatures.params(bed.crawler.thumbprint(), now(), now() + 60))));
        }));
        c.add(new Check("a Signature-Agent the signature does not cover is SIGNATURE_COVERAGE_INSUFFICIENT", List.of("POP-6", "ENF-4"), bed -> {
            HttpExchange.Request r = bed.licensedGet("/licensed/" + mark());
            r.header("Signature-Agent", "sig1=\"https://crawler.example\"");
            denied(bed.send(r), "SIGNATURE_COVERAGE_INSUFFICIENT");
        }));
        c.add(new Check("Signature-Input that is not an RFC 8941 dictionary is MALFORMED_SIGNATURE_HEADER", List.of("POP-7", "ENF-4"), bed -> {
            HttpExchange.Request r = bed.crawlerGet("/licensed/" + mark()).header("Authorization", "License " + bed.license())
                    .header("Signature-Input", "sig1=(\"@authority\";created=").header("Signature", "sig1=:AAAA:");
            denied(bed.send(r), "MALFORMED_SIGNATURE_HEADER");
        }));
        c.add(new Check("Signature-Input without Signature is MALFORMED_SIGNATURE_HEADER", List.of("POP-7", "ENF-4"), bed -> {
            HttpExchange.Request r = bed.licensedGet("/licensed/" + mark());
            r.fields().removeIf(f -> f[0].equals("Signature"));
            denied(bed.send(r), "MALFORMED_SIGNATURE_HEADER");
        }));
        c.add(new Check("more than 8 signature labels is MALFORMED_SIGNATURE_HEADER", List.of("POP-7", "ENF-4"), bed -> {
            HttpExchange.Request r = bed.licensedGet("/licensed/" + mark());
            String input = r.field("Signature-Input").orElseThrow().substring("sig1=".length());
            String sig = r.field("Signature").orElseThrow().substring("sig1=".length());
            StringBuilder in = new StringBuilder();
            StringBuilder sg = new StringBuilder();
            for (int i = 1; i <= 9; i++) {
                in.append(i > 1 ? ", " : "").append("sig").append(i).append('=').append(input);
                sg.append(i > 1 ? ", " : "").append("sig").append(i).append('=').append(sig);
            }
            r.fields().removeIf(f -> f[0].startsWith("Signature"));
            denied(bed.send(r.header("Signature-Input", in.toString()).header("Signature", sg.toString())), "MALFORMED_SIGNATURE_HEADER");
        }));
        c.add(new Check("a Signature-Input longer than 8192 characters is MALFORMED_SIGNATURE_HEADER", List.of("POP-7", "ENF-4"), bed -> {
            HttpExchange.Request r = bed.licensedGet("/licensed/" + mark());
            String input = r.field("Signature-Input").orElseThrow();
            r.fields().removeIf(f -> f[0].equals("Signature-Input"));
            denied(bed.send(r.header("Signature-Input", input + ";nonce=\"" + "n".repeat(8300) + "\"")), "MALFORMED_SIGNATURE_HEADER");
        }));
        return c;
    }
}
