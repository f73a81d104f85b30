package org.cb4i.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.status.StatusValue;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;

/**
 * Writes a dataset the verifier judges for real (licenses, status lists, receipts proven against a signed checkpoint,
 * the site a member of the collective's repertoire), from the verifier's own record fixture: one record per page, in a
 * WARC beside the manifest, and the trust store.
 */
public final class VerifiedDatasets {
    /**
     * A page: its path under the licensed /articles/, content type and body; {@code tampered} breaks its digest;
     * {@code stored} false leaves it out of the WARC (a manifest shipped without its content).
     */
    public record Page(String path, String contentType, String body, boolean tampered, boolean stored) {
        public Page(String path, String contentType, String body, boolean tampered) {
            this(path, contentType, body, tampered, true);
        }
    }

    private VerifiedDatasets() {}

    /** The site every page is under (a member of the collective's repertoire). */
    public static final String SITE = RecordVerifierTest.SITE;

    /** Writes manifest.jsonl, data.warc.gz and trust.json into {@code dir}. */
    public static void write(Path dir, List<Page> pages) throws Exception {
        RecordVerifierTest fx = new RecordVerifierTest();
        fx.dir = dir;
        fx.setUp();
        StringBuilder m = new StringBuilder(Json.write(fx.header(StatusValue.VALID, fx.t0))).append('\n');
        try (FileChannel ch = FileChannel.open(dir.resolve("data.warc.gz"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WarcWriter w = new WarcWriter(ch, WarcCompression.GZIP);
            int id = 1;
            for (Page p : pages) {
                String url = SITE + "/articles/" + p.path();
                byte[] body = p.body().getBytes(StandardCharsets.UTF_8);
                WarcResponse r = new WarcResponse.Builder(url).body(new HttpResponse.Builder(200, "OK").body(MediaType.parse(p.contentType()), body)
                        .build()).build();
                long offset = ch.position();
                if (p.stored()) {
                    w.write(r);
                }
                ObjectNode rec = fx.record(url, body);
                rec.put("id", id++);
                rec.put("content_type", p.contentType());
                rec.put("bytes_sha256", p.tampered() ? "0".repeat(64) : RecordVerifier.sha256(body));
                if (!p.contentType().startsWith("text/html")) {
                    rec.remove("text");
                }
                if (p.stored()) {
                    rec.putObject("warc").put("file", "data.warc.gz").put("offset", offset).put("length", ch.position() - offset)
                            .put("record_id", r.id().toString());
                }
                m.append(Json.write(rec)).append('\n');
            }
        }
        Files.writeString(dir.resolve("manifest.jsonl"), m);
        fx.trust.write(dir.resolve("trust.json"));
    }
}
