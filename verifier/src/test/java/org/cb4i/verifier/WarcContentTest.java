package org.cb4i.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [VER-8]: a record's content is found by its WARC-Record-ID, whatever a pipeline did to the WARC files (re-compressed,
 * reordered, concatenated, cut short), and what cannot be read is {@code MALFORMED}, never a digest of nothing presented
 * as tampering. The WARC files are re-packed with the JDK's zlib and with gzip(1), not with cb4i's writer.
 */
class WarcContentTest {
    static final int RECORDS = 5;

    @TempDir
    Path dir;
    /** The manifest records, their fixture, and the gzip members of the WARC as cb4i's crawler lays it out. */
    final RecordVerifierTest fx = new RecordVerifierTest();
    final List<ObjectNode> records = new ArrayList<>();
    final List<byte[]> members = new ArrayList<>();

    @BeforeEach
    void writeDataset() throws IOException {
        fx.dir = dir;
        fx.setUp();
        Path warc = dir.resolve("data.warc.gz");
        try (FileChannel ch = FileChannel.open(warc, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WarcWriter w = new WarcWriter(ch, WarcCompression.GZIP);
            for (int i = 0; i < RECORDS; i++) {
                String url = RecordVerifierTest.SITE + "/articles/" + i;
                byte[] body = fx.html.replace("One paragraph.", "Paragraph " + i + ".").getBytes(StandardCharsets.UTF_8);
                WarcResponse r = new WarcResponse.Builder(url).body(new HttpResponse.Builder(200, "OK")
                        .body(MediaType.parse("text/html; charset=utf-8"), body).build()).build();
                long offset = ch.position();
                w.write(r);
                ObjectNode rec = fx.record(url, body);
                rec.put("id", i + 1);
                rec.putObject("warc").put("file", "data.warc.gz").put("offset", offset).put("length", ch.position() - offset)
                        .put("record_id", r.id().toString());
                records.add(rec);
            }
        }
        byte[] all = Files.readAllBytes(warc);
        for (ObjectNode r : records) {
            int off = r.get("warc").get("offset").asInt();
            members.add(java.util.Arrays.copyOfRange(all, off, off + r.get("warc").get("length").asInt()));
        }
        StringBuilder m = new StringBuilder(Json.write(fx.header(StatusValue.VALID, fx.t0))).append('\n');
        records.forEach(r -> m.append(Json.write(r)).append('\n'));
        Files.writeString(dir.resolve("manifest.jsonl"), m);
    }

    DatasetVerifier.Summary verify(List<RecordResult> out) throws Exception {
        return new DatasetVerifier(fx.trust, Usage.AI_TRAIN, 2).verify(dir.resolve("manifest.jsonl"), out::add);
    }

    void writeWarc(List<byte[]> parts) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.write(p);
        }
        Files.write(dir.resolve("data.warc.gz"), b.toByteArray());
    }

    /** A gzip member's content, inflated by the JDK's zlib. */
    static byte[] inflate(byte[] member) throws Exception {
        Inflater inf = new Inflater(true);
        int header = 10; // jwarc writes no optional gzip header fields
        inf.setInput(member, header, member.length - header - 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!inf.finished()) {
            int n = inf.inflate(buf);
            if (n == 0 && inf.needsInput()) {
                break;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** The same bytes in a gzip member compressed at another level (offsets and lengths all change). */
    static byte[] recompress(byte[] member) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(inflate(member));
        }
        return out.toByteArray();
    }

    @Test
    void theDatasetAsWritten_verifies() throws Exception {
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(s.verified()).as(out.toString()).isEqualTo(RECORDS);
        assertThat(s.unnamedWarcRecords()).isZero();
        assertThat(s.warcIndexed()).isTrue();
        assertThat(s.header()).as("the manifest's places were taken: the files were not read through").isEmpty();
    }

    /** A gzip member holding {@code r}, written by jwarc. */
    static byte[] member(org.netpreserve.jwarc.WarcRecord r) throws IOException {
        Path tmp = Files.createTempFile("member", ".warc.gz");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            new WarcWriter(ch, WarcCompression.GZIP).write(r);
        }
        byte[] out = Files.readAllBytes(tmp);
        Files.delete(tmp);
        return out;
    }

    /**
     * Lays the WARC out as the crawler writes it ([DST-3]): a warcinfo record first and a request record before each
     * response; with {@code stray}, an extra response no line names after the first request. The manifest's places move.
     */
    void crawlerLayout(boolean stray) throws Exception {
        List<byte[]> parts = new ArrayList<>();
        parts.add(member(new org.netpreserve.jwarc.Warcinfo.Builder().filename("data.warc.gz").fields(java.util.Map.of("software", List.of("test")))
                .build()));
        long at = parts.get(0).length;
        for (int i = 0; i < RECORDS; i++) {
            String url = records.get(i).get("url").asText();
            byte[] req = member(new org.netpreserve.jwarc.WarcRequest.Builder(url).body(new org.netpreserve.jwarc.HttpRequest.Builder("GET",
                    "/articles/" + i).build()).build());
            parts.add(req);
            at += req.length;
            if (stray && i == 0) {
                byte[] extra = member(new WarcResponse.Builder(url + "?stray").body(new HttpResponse.Builder(200, "OK")
                        .body(MediaType.parse("text/plain"), "unnamed".getBytes(StandardCharsets.UTF_8)).build()).build());
                parts.add(extra);
                at += extra.length;
            }
            ((ObjectNode) records.get(i).get("warc")).put("offset", at);
            parts.add(members.get(i));
            at += members.get(i).length;
        }
        writeWarc(parts);
        StringBuilder m = new StringBuilder(Json.write(fx.header(StatusValue.VALID, fx.t0))).append('\n');
        records.forEach(r -> m.append(Json.write(r)).append('\n'));
        Files.writeString(dir.resolve("manifest.jsonl"), m);
    }

    @Test
    void warcinfoAndRequestRecordsBetweenTheNamedResponses_keepTheManifestsPlaces() throws Exception { // [VER-8] [DST-3]
        crawlerLayout(false);
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(s.verified()).as(out.toString()).isEqualTo(RECORDS);
        assertThat(s.unnamedWarcRecords()).isZero();
        assertThat(s.header()).as("the gaps hold no response: the places were taken, the files not read through").isEmpty();
    }

    @Test
    void aResponseNoLineNames_inAGap_makesTheFilesReadThrough_andIsCounted() throws Exception { // [VER-8]
        crawlerLayout(true);
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(s.verified()).as(out.toString()).isEqualTo(RECORDS);
        assertThat(s.unnamedWarcRecords()).as("the stray response is found and reported").isEqualTo(1);
        assertThat(s.header()).anySatisfy(f -> assertThat(f.code()).isEqualTo("WARC_READ_THROUGH"));
    }

    @Test
    void reCompressedMembers_verifyAsBefore_notTamperedByTheDigestOfNothing() throws Exception { // [VER-8]
        List<byte[]> re = new ArrayList<>();
        for (byte[] m : members) {
            re.add(recompress(m));
        }
        assertThat(re.get(0).length).as("the re-packed member has another length").isNotEqualTo(members.get(0).length);
        writeWarc(re);
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(s.verified()).as(out.toString()).isEqualTo(RECORDS);
        assertThat(s.header()).anySatisfy(f -> assertThat(f.code()).isEqualTo("WARC_READ_THROUGH"));
    }

    @Test
    void reorderedAndConcatenatedWithAnotherWarc_verify_andTheStrangerIsListed() throws Exception { // [VER-8]
        List<byte[]> shuffled = new ArrayList<>(members);
        Collections.reverse(shuffled);
        // another crawl's WARC, concatenated in front: its response is named by no manifest record
        Path other = dir.resolve("other.warc.gz");
        try (FileChannel ch = FileChannel.open(other, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new WarcWriter(ch, WarcCompression.GZIP).write(new WarcResponse.Builder("https://elsewhere.example/x").body(new HttpResponse.Builder(200, "OK")
                    .body(MediaType.parse("text/plain"), "not ours".getBytes(StandardCharsets.UTF_8)).build()).build());
        }
        shuffled.add(0, Files.readAllBytes(other));
        Files.delete(other);
        writeWarc(shuffled);
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(s.verified()).as(out.toString()).isEqualTo(RECORDS);
        assertThat(s.unnamedWarcRecords()).isEqualTo(1);
        assertThat(s.unnamedWarcListed().get(0).targetUri()).isEqualTo("https://elsewhere.example/x");
        assertThat(s.unnamedWarcListed().get(0).at().offset()).isZero();
        assertThat(s.header()).anySatisfy(f -> assertThat(f.code()).isEqualTo("UNNAMED_WARC_RECORDS"));
    }

    @Test
    void aWholeWarcInOneGzipMember_isReadThroughACopy() throws Exception { // [VER-8]
        Path plain = dir.resolve("plain");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] m : members) {
            all.write(inflate(m));
        }
        Files.write(plain, all.toByteArray());
        // gzip(1), not the JDK: the whole WARC as a single member, as `zcat data.warc.gz | gzip` makes it
        Process p = new ProcessBuilder("gzip", "-9", "-c", plain.toString()).redirectOutput(dir.resolve("data.warc.gz").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        Files.delete(plain);
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(s.verified()).as(out.toString()).isEqualTo(RECORDS);
        assertThat(s.header()).anySatisfy(f -> assertThat(f.code()).isEqualTo("WARC_READ_THROUGH_COPY"));
    }

    @Test
    void aTruncatedWarc_theRecordsBeforeTheCutVerify_theRestAreUnreadable() throws Exception { // [VER-8]
        List<byte[]> cut = new ArrayList<>(members.subList(0, 2));
        cut.add(java.util.Arrays.copyOf(members.get(2), members.get(2).length / 2));
        writeWarc(cut);
        List<RecordResult> out = new ArrayList<>();
        verify(out);
        assertThat(out.subList(0, 2)).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.VERIFIED));
        for (RecordResult r : out.subList(2, RECORDS)) {
            assertThat(r.status()).as(r.findings().toString()).isEqualTo(Status.MALFORMED);
            assertThat(RecordVerifierTest.codes(r)).contains("CONTENT_UNREADABLE").doesNotContain("BYTES_DIGEST_MISMATCH");
            assertThat(r.findings().stream().filter(f -> f.code().equals("CONTENT_UNREADABLE")).findFirst().orElseThrow().message())
                    .contains("data.warc.gz").contains("byte");
        }
    }

    @Test
    void aRecordIdTwiceInTheWarcs_makesTheRecordThatNamesItMalformed() throws Exception { // [VER-8]
        List<byte[]> twice = new ArrayList<>(members);
        twice.add(recompress(members.get(1))); // the same record again, with (say) other content a pipeline would read
        writeWarc(twice);
        List<RecordResult> out = new ArrayList<>();
        verify(out);
        assertThat(out.get(1).status()).isEqualTo(Status.MALFORMED);
        assertThat(RecordVerifierTest.codes(out.get(1))).contains("DUPLICATE_WARC_RECORD");
        assertThat(out.stream().filter(r -> r.status() == Status.VERIFIED).count()).isEqualTo(RECORDS - 1);
    }

    /** Rewrites the manifest with {@code change} applied to the record lines. */
    void rewriteManifest(java.util.function.Consumer<List<ObjectNode>> change) throws IOException {
        change.accept(records);
        StringBuilder m = new StringBuilder(Json.write(fx.header(StatusValue.VALID, fx.t0))).append('\n');
        records.forEach(r -> m.append(Json.write(r)).append('\n'));
        Files.writeString(dir.resolve("manifest.jsonl"), m);
    }

    @Test
    void placesThatCoverTheFileButHoldOtherRecords_areNotTaken_theRecordsAreFoundById() throws Exception { // [VER-8]
        rewriteManifest(rs -> { // two lines swap their places (each keeps its own id): the places still cover the file
            var a = rs.get(0).get("warc").deepCopy();
            var b = rs.get(1).get("warc").deepCopy();
            ((ObjectNode) a).put("record_id", rs.get(1).get("warc").get("record_id").asText());
            ((ObjectNode) b).put("record_id", rs.get(0).get("warc").get("record_id").asText());
            rs.get(0).set("warc", b);
            rs.get(1).set("warc", a);
        });
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(s.verified()).as(out.toString()).isEqualTo(RECORDS);
        assertThat(s.header()).as("a place held another record: read through").anySatisfy(f -> assertThat(f.code()).isEqualTo("WARC_READ_THROUGH"));
    }

    @Test
    void aSecondRecordSmuggledIntoANamedRecordsPlace_makesThatRecordMalformed() throws Exception { // [VER-8]
        // Record 2's gzip member holds record 2 and, after it, another response; the manifest's length covers both.
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(member)) {
            gz.write(inflate(members.get(1)));
            ByteArrayOutputStream extra = new ByteArrayOutputStream();
            new WarcWriter(java.nio.channels.Channels.newChannel(extra), WarcCompression.NONE).write(new WarcResponse.Builder("https://elsewhere.example/y")
                    .body(new HttpResponse.Builder(200, "OK").body(MediaType.parse("text/plain"), "smuggled".getBytes(StandardCharsets.UTF_8)).build()).build());
            gz.write(extra.toByteArray());
        }
        List<byte[]> parts = new ArrayList<>(members);
        parts.set(1, member.toByteArray());
        writeWarc(parts);
        long delta = member.size() - members.get(1).length;
        rewriteManifest(rs -> {
            ((ObjectNode) rs.get(1).get("warc")).put("length", member.size());
            for (ObjectNode r : rs.subList(2, rs.size())) {
                ((ObjectNode) r.get("warc")).put("offset", r.get("warc").get("offset").asLong() + delta);
            }
        });
        List<RecordResult> out = new ArrayList<>();
        DatasetVerifier.Summary s = verify(out);
        assertThat(out.get(1).status()).as(out.get(1).findings().toString()).isEqualTo(Status.MALFORMED);
        assertThat(RecordVerifierTest.codes(out.get(1))).contains("CONTENT_UNREADABLE");
        assertThat(out.get(1).findings().get(0).message()).contains("holds a second WARC record");
        assertThat(s.verified()).isEqualTo(RECORDS - 1);
    }

    @Test
    void aRecordWhoseIdIsNowhere_isUnreadable_naming_fileAndOffset() throws Exception { // [VER-8]
        writeWarc(members.subList(1, RECORDS));
        List<RecordResult> out = new ArrayList<>();
        verify(out);
        assertThat(out.get(0).status()).isEqualTo(Status.MALFORMED);
        assertThat(out.get(0).findings().get(0).message()).contains("no WARC record with WARC-Record-ID").contains("data.warc.gz at byte 0");
    }
}
