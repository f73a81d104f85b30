package org.cb4i.verifier.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.cb4i.verifier.DatasetSession;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.VerificationEngine;
import org.cb4i.verifier.trust.TrustStore;

/**
 * {@code cb4i verify --engine spark}: the manifest's lines judged on Spark's partitions (each worker opens the dataset
 * once, {@link Judges}), the verdicts taken back in manifest order on the driver by a {@link DatasetSession} of its
 * own, which refuses duplicate ids, counts, and reads the WARC files' findings exactly as a local run does. So its
 * reports are the default engine's. The dataset must be at the same path on every worker (a shared file system).
 */
public final class SparkEngine implements VerificationEngine {
    /** Found by {@code cb4i verify --engine spark} through {@link java.util.ServiceLoader}. */
    public static final class Provider implements VerificationEngine.Provider {
        @Override
        public String name() {
            return "spark";
        }

        @Override
        public VerificationEngine create(Settings settings) {
            return new SparkEngine(settings);
        }
    }

    private final Settings settings;

    public SparkEngine(Settings settings) {
        this.settings = settings;
    }

    /** A Spark session for a run from the command line: quiet, without its web UI. */
    static SparkSession session(String master, String app) {
        SparkSession.Builder b = SparkSession.builder().master(master).appName(app).config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false");
        if (master.startsWith("local")) { // one machine: no need to look for a network address to offer workers
            b = b.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1");
        }
        return b.getOrCreate();
    }

    /** The manifest's lines as their bytes, each with its 0-based position (the header is position 0), in file order. */
    static JavaPairRDD<byte[], Long> lines(JavaSparkContext sc, Path manifest) {
        return sc.hadoopFile(manifest.toAbsolutePath().toUri().toString(), TextInputFormat.class, LongWritable.class, Text.class,
                        sc.defaultParallelism())
                .map(t -> Arrays.copyOf(t._2().getBytes(), t._2().getLength())) // Hadoop reuses the Text: copy it out
                .zipWithIndex();
    }

    static Judges.Job job(Path manifest, Settings s) {
        return new Judges.Job(manifest.toAbsolutePath().toString(), s.trustFile().toAbsolutePath().toString(), s.usage().token(),
                s.warcFiles().stream().map(p -> p.toAbsolutePath().toString()).toList());
    }

    @Override
    public DatasetVerifier.Summary verify(Path manifest, Consumer<RecordResult> each) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        SparkSession spark = session(settings.master(), "cb4i verify " + manifest);
        try (DatasetSession driver = DatasetSession.open(manifest, TrustStore.read(settings.trustFile()), settings.usage(), warcs(settings),
                Optional.empty(), pool)) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Judges.Job job = job(manifest, settings);
            JavaRDD<Verdict> verdicts = lines(sc, manifest).mapPartitions(it -> Judges.judge(job, it));
            return inOrder(verdicts, driver, (v, r) -> each.accept(r));
        } finally {
            spark.stop();
            pool.shutdownNow();
        }
    }

    /**
     * The driver's pass: every verdict, in manifest order, through {@code driver} (duplicate ids, totals, the WARC records
     * the workers read counted as named), handed on with the verdict it came from; then the totals.
     */
    static DatasetVerifier.Summary inOrder(JavaRDD<Verdict> verdicts, DatasetSession driver, java.util.function.BiConsumer<Verdict, RecordResult> each) {
        boolean namedWarc = false;
        Iterator<Verdict> in = verdicts.toLocalIterator();
        while (in.hasNext()) {
            Verdict v = in.next();
            namedWarc |= v.namedWarc();
            v.warc().ifPresent(driver::named);
            driver.accept(v.result(), r -> each.accept(v, r));
        }
        return driver.finish(namedWarc);
    }

    static Map<String, Path> warcs(Settings s) {
        Map<String, Path> m = new java.util.LinkedHashMap<>();
        s.warcFiles().forEach(f -> m.put(f.getFileName().toString(), f.toAbsolutePath().normalize()));
        return m;
    }
}
