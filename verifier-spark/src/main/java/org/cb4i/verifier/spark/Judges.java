package org.cb4i.verifier.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.cb4i.sdk.dataset.ManifestLines;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.DatasetSession;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.trust.TrustStore;
import scala.Tuple2;

/**
 * What a worker needs to judge a partition, and the session it judges with: opened once per worker JVM and dataset
 * (the header's evidence checked, the WARC files' places read once, credentials cached across partitions), then shared
 * by every task on that worker.
 */
final class Judges {
    /** The dataset a job verifies, as every worker opens it (paths every worker can read). */
    record Job(String manifest, String trustFile, String usage, List<String> warcFiles) implements Serializable {
        String key() {
            return manifest + "|" + trustFile + "|" + usage + "|" + warcFiles;
        }
    }

    private static final Map<String, DatasetSession> SESSIONS = new ConcurrentHashMap<>();

    private Judges() {}

    static DatasetSession session(Job job) {
        return SESSIONS.computeIfAbsent(job.key(), k -> {
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
            try {
                Map<String, Path> warcs = new java.util.LinkedHashMap<>();
                job.warcFiles().forEach(f -> warcs.put(Path.of(f).getFileName().toString(), Path.of(f).toAbsolutePath().normalize()));
                return DatasetSession.open(Path.of(job.manifest()), TrustStore.read(Path.of(job.trustFile())), Usage.parse(job.usage()).orElseThrow(),
                        warcs, Optional.empty(), pool);
            } catch (Exception e) {
                throw new IllegalStateException("cannot open the dataset on this worker: " + e.getMessage(), e);
            } finally {
                pool.shutdown();
            }
        });
    }

    /** The WARC record a record line names, as {@code DatasetContent} reads it (the record's own reading of its warc member). */
    private static Optional<ManifestRecord.Warc> warcOf(byte[] line) {
        if (line == ManifestLines.TOO_LONG) {
            return Optional.empty();
        }
        try {
            return ManifestRecord.read(line).warc();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Judges one partition's lines, each with its 0-based position in the manifest. */
    static Iterator<Verdict> judge(Job job, Iterator<Tuple2<byte[], Long>> lines) {
        DatasetSession s = session(job);
        return new Iterator<>() {
            private Verdict next = advance();

            private Verdict advance() {
                while (lines.hasNext()) {
                    Tuple2<byte[], Long> t = lines.next();
                    long lineNo = t._2() + 1;
                    byte[] line = t._1().length > DatasetVerifier.MAX_LINE_BYTES ? ManifestLines.TOO_LONG : t._1();
                    if (lineNo == 1 || line != ManifestLines.TOO_LONG && DatasetVerifier.blank(line)) {
                        continue; // the header, read by the session; a blank line, skipped as a local run skips it
                    }
                    RecordResult r = s.judge(line, lineNo);
                    return r == null ? Verdict.notARecord(lineNo) : Verdict.of(lineNo, warcOf(line), r);
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Verdict next() {
                Verdict v = next;
                next = advance();
                return v;
            }
        };
    }
}
