package org.cb4i.sdk.crawler;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.netpreserve.jwarc.HttpRequest;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.Warcinfo;

/**
 * The WARC 1.1 records a licensed crawl writes ([DST-2], [DST-3]): a {@code warcinfo} record opening each file, and
 * for every page kept a {@code request} record followed by its {@code response} record, which names the request in
 * {@code WARC-Concurrent-To}. Every record carries {@code WARC-Block-Digest}, and the response
 * {@code WARC-Payload-Digest}, as {@code sha256:} with the base32 value WARC 1.1 uses. A request record never holds a
 * usable credential: {@code Authorization} and {@code Signature} are replaced by {@code redacted sha256=<hex>}, the
 * SHA-256 of the value sent, so that a licensee can still show which license and signature a request carried.
 */
final class WarcRecords {
    /** How a credential's value is written in a request record. */
    static final String REDACTED = "redacted sha256=";
    /** Request fields whose values are credentials. */
    static final Set<String> CREDENTIALS = Set.of("authorization", "signature");
    /** Response fields not kept as received: the body is stored decoded and whole, so its framing is rewritten. */
    private static final Set<String> REFRAMED = Set.of("transfer-encoding", "content-length", "content-type");

    private WarcRecords() {}

    /** The {@code warcinfo} record of a new WARC file. */
    static Warcinfo info(String filename, Instant at, String software) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put("software", List.of(software));
        fields.put("format", List.of("WARC File Format 1.1"));
        fields.put("conformsTo", List.of("https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"));
        fields.put("robots", List.of("obey"));
        fields.put("description", List.of("a licensed crawl (cb4i): each response names its license (WARC-Cb4i-License) and, when the site "
                + "keeps a receipts log, its receipt (WARC-Cb4i-Receipt); credentials in request records are redacted to their SHA-256"));
        byte[] block = bodyOf(new Warcinfo.Builder().fields(fields).build());
        return new Warcinfo.Builder().version(MessageVersion.WARC_1_1).date(at).filename(filename).body(MediaType.parse("application/warc-fields"),
                block).blockDigest(digest(block)).build();
    }

    /**
     * The request record of a fetch, its credentials redacted.
     *
     * @param fields the fields sent, in order
     */
    static WarcRequest request(URI url, Instant at, List<Map.Entry<String, String>> fields) throws java.io.IOException {
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath()) + (url.getRawQuery() == null ? ""
                : "?" + url.getRawQuery());
        HttpRequest.Builder hb = new HttpRequest.Builder("GET", target).addHeader("Host", url.getRawAuthority());
        for (Map.Entry<String, String> f : fields) {
            hb.addHeader(f.getKey(), CREDENTIALS.contains(f.getKey().toLowerCase(Locale.ROOT)) ? redact(f.getValue()) : f.getValue());
        }
        HttpRequest http = hb.build();
        return new WarcRequest.Builder(url).version(MessageVersion.WARC_1_1).date(at).body(http).blockDigest(digest(http.serializeHeader()))
                .build();
    }

    /** {@code redacted sha256=<hex>}: the SHA-256 of a credential's value as sent. */
    static String redact(String value) {
        return REDACTED + HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The response record of a page kept: the status and fields as received (the body's framing rewritten: it is
     * stored decoded and whole), the body, both digests, the request it answers, and the cb4i fields the builder adds.
     */
    static WarcResponse.Builder response(URI url, Instant at, int status, Map<String, List<String>> received, String contentType, byte[] body,
            URI requestId) throws java.io.IOException {
        HttpResponse.Builder hb = new HttpResponse.Builder(status, reason(status));
        received.forEach((k, vs) -> {
            if (!k.startsWith(":") && !REFRAMED.contains(k.toLowerCase(Locale.ROOT))) {
                vs.forEach(v -> hb.addHeader(k, v));
            }
        });
        hb.body(MediaType.parse(contentType.isBlank() ? "application/octet-stream" : contentType), body);
        HttpResponse http = hb.build();
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(http.serializeHeader());
        block.writeBytes(body);
        return new WarcResponse.Builder(url).version(MessageVersion.WARC_1_1).date(at).body(http).concurrentTo(requestId)
                .blockDigest(digest(block.toByteArray())).payloadDigest(digest(body));
    }

    private static byte[] bodyOf(Warcinfo info) {
        try {
            return info.body().stream().readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static WarcDigest digest(byte[] bytes) {
        return new WarcDigest("sha256", sha256(bytes));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 203 -> "Non-Authoritative Information";
            case 206 -> "Partial Content";
            default -> "Status " + status;
        };
    }
}
