package org.cb4i.verifier;

import org.cb4i.sdk.dataset.ManifestLines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.trust.TrustStore;
import org.cb4i.verifier.warc.WarcIndex;

/**
 * Verifies a dataset: reads {@code manifest.jsonl} line by line (as bytes, each line capped), judges the records on
 * all cores in chunks of lines, with about two chunks a worker in flight (memory is a few MiB, whatever the dataset's
 * size), and hands each result, in manifest order, to a consumer. Lines that are not fetched records (a crawl's
 * refusals and skips) are counted apart: they are not part of the dataset.
 */
public final class DatasetVerifier implements VerificationEngine {
    /**
     * Lines handed to a worker at once: one task per line cost a task, a future and two hand-overs per record, and
     * a re-verification ran 8-12% faster in chunks; a chunk ends early at {@link #CHUNK_BYTES} so that memory stays small.
     */
    private static final int CHUNK_LINES = 256;
    private static final int CHUNK_BYTES = 4 * 1024 * 1024;
    /** Largest stored payload read for a record (the crawler keeps at most 16 MiB). */
    public static final int MAX_CONTENT_BYTES = WarcIndex.MAX_PAYLOAD_BYTES;
    /** Longest manifest line read (a record is a few KiB; the header carries every license, list and checkpoint). */
    public static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

    /**
     * Totals, as the reports print them. Immutable; a caller that judges records itself (a Spark job, say) builds
     * one with a {@link Tally}.
     *
     * @param notInDataset manifest lines that are a crawl's refusals and skips, not records
     * @param header what was found about the manifest's evidence and the dataset's WARC files
     * @param warcIndexed whether records named WARC files, so that the dataset's WARC files were read ([VER-8])
     * @param unnamedWarcRecords response records of those files that no manifest record names
     * @param unnamedWarcListed the first {@link WarcIndex#MAX_LISTED} of them
     */
    public record Summary(long records, long notInDataset, Map<Status, Long> byStatus, Map<String, Map<Status, Long>> byPublisher,
            Map<String, Map<Status, Long>> byCollective, List<Finding> header, boolean warcIndexed, long unnamedWarcRecords,
            List<WarcIndex.Unnamed> unnamedWarcListed) {
        public Summary {
            byStatus = Collections.unmodifiableMap(new LinkedHashMap<>(byStatus));
            byPublisher = frozen(byPublisher);
            byCollective = frozen(byCollective);
            header = List.copyOf(header);
            unnamedWarcListed = List.copyOf(unnamedWarcListed);
        }

        private static Map<String, Map<Status, Long>> frozen(Map<String, Map<Status, Long>> m) {
            Map<String, Map<Status, Long>> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
            return Collections.unmodifiableMap(out);
        }

        public long verified() {
            return byStatus.getOrDefault(Status.VERIFIED, 0L);
        }
    }

    /** Counts records as they are judged, in the order the reports list them; {@link #summary} freezes the totals. */
    public static final class Tally {
        private long records;
        private long notInDataset;
        private final Map<Status, Long> byStatus = new LinkedHashMap<>();
        private final Map<String, Map<Status, Long>> byPublisher = new LinkedHashMap<>();
        private final Map<String, Map<Status, Long>> byCollective = new LinkedHashMap<>();
        private final List<Finding> header = new ArrayList<>();
        private boolean warcIndexed;
        private long unnamedWarcRecords;
        private final List<WarcIndex.Unnamed> unnamedWarcListed = new ArrayList<>();

        /** Counts one record. */
        public void add(RecordResult r) {
            records++;
            byStatus.merge(r.status(), 1L, Long::sum);
            byPublisher.computeIfAbsent(r.publisher(), k -> new LinkedHashMap<>()).merge(r.status(), 1L, Long::sum);
            byCollective.computeIfAbsent(r.collective().orElse("(none)"), k -> new LinkedHashMap<>()).merge(r.status(), 1L, Long::sum);
        }

        /** Counts a manifest line that is not a record (a refusal or skip the crawl recorded). */
        public void notInDataset() {
            notInDataset++;
        }

        /** Adds what was found about the manifest's evidence or the WARC files. */
        public void header(Finding f) {
            header.add(f);
        }

        /** [VER-8]: what reading the WARC files found, and the response records no manifest record names. */
        void warc(WarcIndex idx, boolean readThrough) {
            warcIndexed = true;
            if (readThrough) {
                header(Finding.of(FindingCode.WARC_READ_THROUGH, "the manifest's places do not account for every byte of the WARC files "
                        + "(re-compressed, reordered or concatenated?): the files were read through and every record found by its WARC-Record-ID"));
            }
            for (WarcIndex.Note n : idx.notes()) {
                header(Finding.of(FindingCode.valueOf(n.code()), n.toString()));
            }
            unnamedWarcRecords = idx.unnamedCount();
            if (unnamedWarcRecords > 0) {
                unnamedWarcListed.addAll(idx.unnamed());
                WarcIndex.Unnamed first = unnamedWarcListed.get(0);
                header(Finding.of(FindingCode.UNNAMED_WARC_RECORDS, unnamedWarcRecords + " response record"
                        + (unnamedWarcRecords == 1 ? "" : "s") + " in the dataset's WARC files " + (unnamedWarcRecords == 1 ? "is" : "are")
                        + " named by no manifest record: a pipeline that reads the WARC files would take them unverified (first: " + first.recordId()
                        + " " + first.targetUri() + " in " + first.at() + ")"));
            }
        }

        public Summary summary() {
            return new Summary(records, notInDataset, byStatus, byPublisher, byCollective, header, warcIndexed, unnamedWarcRecords, unnamedWarcListed);
        }
    }

    private final TrustStore trust;
    private final Usage usage;
    private final int threads;
    private final Optional<ManifestContext.StatusHistory> history;

    public DatasetVerifier(TrustStore trust, Usage usage, int threads) {
        this(trust, usage, threads, Optional.empty());
    }

    /** @param history where to ask for past status lists (online verification), or empty to judge offline */
    public DatasetVerifier(TrustStore trust, Usage usage, int threads, Optional<ManifestContext.StatusHistory> history) {
        this.trust = trust;
        this.usage = usage;
        this.threads = Math.max(1, threads);
        this.history = history;
    }

    /** WARC files given by the caller, by file name: where a record's WARC is, when it is not beside the manifest. */
    private Map<String, Path> warcFiles = Map.of();

    /** Looks for the WARC files records name among {@code files} (by file name) before looking beside the manifest. */
    public DatasetVerifier withWarcFiles(List<Path> files) {
        Map<String, Path> m = new LinkedHashMap<>();
        files.forEach(f -> m.put(f.getFileName().toString(), f.toAbsolutePath().normalize()));
        this.warcFiles = Map.copyOf(m);
        return this;
    }

    /**
     * @param manifest the manifest file; WARC files it names are looked up beside it
     * @throws MalformedInputException when the manifest has no readable header (which file, which line)
     */
    @Override
    public Summary verify(Path manifest, Consumer<RecordResult> each) throws IOException, InterruptedException {
        return verify(manifest, each, null);
    }

    /**
     * Verifies as {@link #verify(Path, Consumer)} does, and hands each record that verified, with its stored content,
     * to {@code verified} (in manifest order, after {@code each} had it); a record the dataset holds no content for
     * ({@code CONTENT_NOT_CHECKED}) comes with none.
     */
    public Summary verify(Path manifest, Consumer<RecordResult> each, Consumer<VerifiedContent> verified) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (InputStream raw = Files.newInputStream(manifest);
                DatasetSession session = DatasetSession.open(manifest, trust, usage, warcFiles, history, pool)) {
            ManifestLines in = new ManifestLines(raw, MAX_LINE_BYTES);
            in.next(); // the header, read by the session
            // Results are taken in manifest order while the workers judge the chunks read after them: up to two
            // chunks a worker are in flight, so the workers never wait for this thread to read or report.
            ArrayDeque<Future<DatasetSession.Judged[]>> inFlight = new ArrayDeque<>();
            boolean keep = verified != null;
            List<byte[]> lines = new ArrayList<>(CHUNK_LINES);
            long[] numbers = new long[CHUNK_LINES];
            long chunkBytes = 0;
            byte[] line;
            long lineNo = 1;
            while ((line = in.next()) != null) {
                lineNo++;
                if (line != ManifestLines.TOO_LONG && blank(line)) {
                    continue;
                }
                numbers[lines.size()] = lineNo;
                lines.add(line);
                chunkBytes += line.length;
                if (lines.size() == CHUNK_LINES || chunkBytes >= CHUNK_BYTES) {
                    inFlight.add(submit(pool, lines, numbers, session, keep));
                    lines = new ArrayList<>(CHUNK_LINES);
                    numbers = new long[CHUNK_LINES];
                    chunkBytes = 0;
                    if (inFlight.size() >= 2 * threads + 2) {
                        drain(inFlight, threads + 1, session, each, verified);
                    }
                }
            }
            if (!lines.isEmpty()) {
                inFlight.add(submit(pool, lines, numbers, session, keep));
            }
            drain(inFlight, 0, session, each, verified);
            return session.finish(false);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Future<DatasetSession.Judged[]> submit(ExecutorService pool, List<byte[]> lines, long[] numbers, DatasetSession session,
            boolean keep) {
        return pool.submit(() -> {
            DatasetSession.Judged[] out = new DatasetSession.Judged[lines.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = session.judge(lines.get(i), numbers[i], keep);
                lines.set(i, null); // the line is not needed once judged
            }
            return out;
        });
    }

    /** Hands on results in manifest order until at most {@code keep} chunks are still in flight. */
    private static void drain(ArrayDeque<Future<DatasetSession.Judged[]>> inFlight, int keep, DatasetSession session, Consumer<RecordResult> each,
            Consumer<VerifiedContent> verified) throws InterruptedException, IOException {
        while (inFlight.size() > keep) {
            DatasetSession.Judged[] chunk;
            try {
                chunk = inFlight.poll().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("verification failed: " + e.getCause(), e.getCause());
            }
            for (DatasetSession.Judged j : chunk) {
                RecordResult r = session.accept(j == null ? null : j.result(), each);
                // A record whose id an earlier one had is not VERIFIED once accepted: its content is not handed on.
                if (verified != null && j != null && j.content() != null && r.status() == Status.VERIFIED) {
                    verified.accept(j.content());
                }
            }
        }
    }

    /** Whether a line holds nothing but spaces and tabs (skipped, as the crawler never writes one). */
    public static boolean blank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
