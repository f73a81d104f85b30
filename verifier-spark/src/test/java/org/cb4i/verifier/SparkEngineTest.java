package org.cb4i.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.spark.SparkEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netpreserve.jwarc.HttpResponse;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;

/**
 * The Spark engine in {@code local[2]} gives the verdicts and totals {@code cb4i verify}'s engine gives, on a dataset with
 * content in WARC: verified records, one whose content was changed, a line that is not JSON, a record id used twice, a
 * refusal the crawl recorded, and a WARC response record no manifest line names.
 */
class SparkEngineTest {
    static final int RECORDS = 40;

    @TempDir
    Path dir;
    final RecordVerifierTest fx = new RecordVerifierTest();

    @BeforeEach
    void writeDataset() throws Exception {
        fx.dir = dir;
        fx.setUp();
        List<ObjectNode> records = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(dir.resolve("data.warc.gz"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WarcWriter w = new WarcWriter(ch, WarcCompression.GZIP);
            for (int i = 0; i <= RECORDS; i++) {
                String url = RecordVerifierTest.SITE + "/articles/" + i;
                byte[] body = fx.html.replace("One paragraph.", "Paragraph " + i + ".").getBytes(StandardCharsets.UTF_8);
                WarcResponse r = new WarcResponse.Builder(url).body(new HttpResponse.Builder(200, "OK")
                        .body(MediaType.parse("text/html; charset=utf-8"), body).build()).build();
                long offset = ch.position();
                w.write(r);
                if (i == RECORDS) {
                    break; // a response record no manifest line names
                }
                ObjectNode rec = fx.record(url, body);
                rec.put("id", i == 7 ? 3 : i + 1); // record 8 reuses id 3
                rec.putObject("warc").put("file", "data.warc.gz").put("offset", offset).put("length", ch.position() - offset)
                        .put("record_id", r.id().toString());
                if (i == 5) {
                    rec.put("bytes_sha256", "0".repeat(64)); // its content changed after the fact
                }
                records.add(rec);
            }
        }
        StringBuilder m = new StringBuilder(Json.write(fx.header(StatusValue.VALID, fx.t0))).append('\n');
        for (int i = 0; i < records.size(); i++) {
            m.append(Json.write(records.get(i))).append('\n');
            if (i == 10) {
                m.append("{\"id\": 99, not json\n");
            }
            if (i == 20) {
                m.append("{\"url\":\"https://news.example/private\",\"fetched_at\":1780000000,\"outcome\":\"refused\",\"reason\":\"LICENSE_REQUIRED\"}\n");
            }
        }
        Files.writeString(dir.resolve("manifest.jsonl"), m);
        fx.trust.write(dir.resolve("trust.json"));
    }

    @Test
    void sparkGivesTheVerdictsAndTotalsTheLocalEngineGives() throws Exception {
        Path manifest = dir.resolve("manifest.jsonl");
        List<RecordResult> local = new ArrayList<>();
        DatasetVerifier.Summary expected = new DatasetVerifier(fx.trust, Usage.AI_TRAIN, 2).verify(manifest, local::add);
        List<RecordResult> spark = new ArrayList<>();
        DatasetVerifier.Summary got = new SparkEngine(new VerificationEngine.Settings(dir.resolve("trust.json"), Usage.AI_TRAIN, List.of(),
                "local[2]")).verify(manifest, spark::add);

        assertThat(local).hasSize(RECORDS + 1);
        assertThat(expected.verified()).as("the fixture verifies most records").isGreaterThan(30);
        assertThat(local.stream().map(RecordResult::status)).contains(Status.TAMPERED, Status.MALFORMED);
        assertThat(expected.notInDataset()).isEqualTo(1);
        assertThat(expected.unnamedWarcRecords()).isEqualTo(1);
        assertThat(spark).as("every verdict, in manifest order").containsExactlyElementsOf(local);
        assertThat(got).as("the same totals, header findings and WARC findings").isEqualTo(expected);
    }

    @Test
    void theSparkSubmitJob_writesEveryVerdictAsParquet_andTheSummary() throws Exception {
        Path manifest = dir.resolve("manifest.jsonl");
        List<RecordResult> local = new ArrayList<>();
        DatasetVerifier.Summary expected = new DatasetVerifier(fx.trust, Usage.AI_TRAIN, 2).verify(manifest, local::add);
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().master("local[2]").appName("test")
                .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        try {
            Path out = dir.resolve("out");
            DatasetVerifier.Summary got = org.cb4i.verifier.spark.VerifyJobAccess.run(spark, manifest,
                    new VerificationEngine.Settings(dir.resolve("trust.json"), Usage.AI_TRAIN, List.of(), "local[2]"), out);
            assertThat(got).isEqualTo(expected);
            List<org.apache.spark.sql.Row> rows = spark.read().parquet(out.resolve("verdicts").toString()).orderBy("line").collectAsList();
            assertThat(rows).hasSize(local.size());
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i).getString(rows.get(i).fieldIndex("status"))).as("row " + i).isEqualTo(local.get(i).status().name());
                assertThat(rows.get(i).getString(rows.get(i).fieldIndex("url"))).isEqualTo(local.get(i).url());
            }
            assertThat(rows).anySatisfy(r -> assertThat(r.getString(r.fieldIndex("findings"))).contains("DUPLICATE_RECORD_ID"));
            assertThat(rows).anySatisfy(r -> assertThat(r.getString(r.fieldIndex("findings"))).contains("MALFORMED_JSON"));
            var summary = org.cb4i.sdk.json.Json.mapper().readTree(Files.readString(out.resolve("summary.json"))).get("summary");
            assertThat(summary.get("records").asLong()).isEqualTo(expected.records());
            assertThat(summary.get("verified").asLong()).isEqualTo(expected.verified());
            assertThat(Files.readString(out.resolve("summary.txt"))).contains(expected.records() + " records");
        } finally {
            spark.stop();
        }
    }
}
