package org.cb4i.verifier.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.DatasetSession;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.VerificationEngine;
import org.cb4i.verifier.report.JsonReport;
import org.cb4i.verifier.report.TextReport;
import org.cb4i.verifier.trust.TrustStore;

/**
 * The verifier as a {@code spark-submit} job: judges the manifest on the cluster's partitions, takes the verdicts in
 * manifest order on the driver once (duplicate ids, totals, the WARC files' findings: as {@code cb4i verify}), and
 * writes {@code OUT/verdicts} (Parquet, one row per record: its line, id, url, status, publisher, collective, license and
 * findings as JSON) from the partitions, and {@code OUT/summary.txt} and {@code OUT/summary.json} (the reports of
 * {@code cb4i verify} without the record list).
 *
 * <pre>spark-submit --class org.cb4i.verifier.spark.VerifyJob --jars "$(ls verifier-spark/target/cb4i-libs/*.jar | paste -sd,)" \
 *     verifier-spark/target/cb4i-verifier-spark-0.1.0-SNAPSHOT.jar DATASET --trust trust.json --out verdicts [--usage ai-train]</pre>
 */
public final class VerifyJob {
    static final StructType SCHEMA = new StructType()
            .add("line", DataTypes.LongType, false)
            .add("id", DataTypes.LongType, false)
            .add("url", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("publisher", DataTypes.StringType, false)
            .add("collective", DataTypes.StringType, true)
            .add("license", DataTypes.StringType, true)
            .add("fetched_at", DataTypes.LongType, true)
            .add("findings", DataTypes.StringType, false);

    private VerifyJob() {}

    public static void main(String[] args) throws Exception {
        Path dataset = null;
        Path trust = null;
        Path out = null;
        String usage = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--trust" -> trust = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--usage" -> usage = args[++i];
                default -> dataset = Path.of(args[i]);
            }
        }
        if (dataset == null || trust == null || out == null) {
            System.err.println("usage: VerifyJob DATASET --trust FILE --out DIR [--usage USAGE]");
            System.exit(2);
        }
        Path manifest = Files.isDirectory(dataset) ? dataset.resolve("manifest.jsonl") : dataset;
        String u = usage != null ? usage : org.cb4i.sdk.json.Json.readObject(Files.readAllLines(manifest).get(0), manifest + ":1",
                org.cb4i.sdk.Reason.MALFORMED_JSON).path("usage").asText();
        SparkSession spark = SparkSession.builder().appName("cb4i verify " + manifest).getOrCreate();
        try {
            DatasetVerifier.Summary s = run(spark, manifest, new VerificationEngine.Settings(trust, Usage.parse(u).orElseThrow(), List.of(), ""), out);
            System.out.println(manifest + ": " + s.records() + " records, " + s.verified() + " verified; verdicts in " + out.resolve("verdicts"));
        } finally {
            spark.stop();
        }
    }

    /** Verifies {@code manifest} on {@code spark} and writes {@code out}; returns the totals. */
    static DatasetVerifier.Summary run(SparkSession spark, Path manifest, VerificationEngine.Settings settings, Path out)
            throws IOException, InterruptedException {
        Files.createDirectories(out);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Judges.Job job = SparkEngine.job(manifest, settings);
        JavaRDD<Verdict> verdicts = SparkEngine.lines(sc, manifest).mapPartitions(it -> Judges.judge(job, it)).persist(StorageLevel.MEMORY_AND_DISK());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        DatasetVerifier.Summary summary;
        Set<Long> duplicates = new HashSet<>();
        List<RecordResult> failures = new ArrayList<>();
        try (DatasetSession driver = DatasetSession.open(manifest, TrustStore.read(settings.trustFile()), settings.usage(), SparkEngine.warcs(settings),
                Optional.empty(), pool)) {
            summary = SparkEngine.inOrder(verdicts, driver, (v, r) -> {
                if (!r.equals(v.result())) {
                    duplicates.add(v.line()); // the driver added DUPLICATE_RECORD_ID: the row says so too
                }
                if (r.status() != org.cb4i.verifier.Status.VERIFIED && failures.size() < 20) {
                    failures.add(r);
                }
            });
        } finally {
            pool.shutdownNow();
        }
        Broadcast<Set<Long>> dup = sc.broadcast(duplicates);
        JavaRDD<Row> rows = verdicts.filter(Verdict::record).map(v -> row(v, dup.value().contains(v.line())));
        spark.createDataFrame(rows, SCHEMA).write().mode("overwrite").parquet(out.resolve("verdicts").toAbsolutePath().toString());
        verdicts.unpersist();
        Files.writeString(out.resolve("summary.json"), JsonReport.head(summary, settings.usage().token()) + "[]" + JsonReport.TAIL,
                StandardCharsets.UTF_8);
        Files.writeString(out.resolve("summary.txt"), TextReport.render(manifest.toString(), settings.usage().token(), summary, failures),
                StandardCharsets.UTF_8);
        return summary;
    }

    private static Row row(Verdict v, boolean duplicate) {
        RecordResult r = v.result();
        if (duplicate) {
            r = DatasetSession.duplicateId(r);
        }
        List<java.util.Map<String, Object>> fs = new ArrayList<>();
        for (var f : r.findings()) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("code", f.code());
            m.put("requirement", f.requirement());
            f.status().ifPresent(st -> m.put("status", st.name()));
            m.put("message", f.message());
            fs.add(m);
        }
        return RowFactory.create(v.line(), r.id(), r.url(), r.status().name(), r.publisher(), r.collective().orElse(null), r.license().orElse(null),
                r.fetchedAt().map(java.time.Instant::getEpochSecond).orElse(null), org.cb4i.sdk.json.Json.write(fs));
    }
}
