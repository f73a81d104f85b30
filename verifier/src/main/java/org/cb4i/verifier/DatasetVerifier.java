package org.cb4i.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.internal.Json;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.trust.TrustStore;
import org.cb4i.verifier.warc.WarcIndex;

/**
 * Verifies a dataset: reads {@code manifest.jsonl} line by line (as bytes, each line capped), judges the records on
 * all cores in chunks of lines, with about two chunks a worker in flight (memory is a few MiB, whatever the dataset's
 * size), and hands each result, in manifest order, to a consumer. Lines that are not fetched records (a crawl's
 * refusals and skips) are counted apart: they are not part of the dataset.
 */
public final class DatasetVerifier {
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

    /** Totals, as the reports print them. */
    public static final class Summary {
        public long records;
        public long notInDataset;
        public final Map<Status, Long> byStatus = new LinkedHashMap<>();
        public final Map<String, Map<Status, Long>> byPublisher = new LinkedHashMap<>();
        public final Map<String, Map<Status, Long>> byCollective = new LinkedHashMap<>();
        public final List<Finding> header = new ArrayList<>();
        /** Whether the records named WARC files, so that the dataset's WARC files were indexed ([VER-8]). */
        public boolean warcIndexed;
        /** Response records of the dataset's WARC files that no manifest record names ([VER-8]): a pipeline reading the WARC would train on them. */
        public long unnamedWarcRecords;
        /** The first {@link WarcIndex#MAX_LISTED} of them. */
        public final List<WarcIndex.Unnamed> unnamedWarcListed = new ArrayList<>();

        public long verified() {
            return byStatus.getOrDefault(Status.VERIFIED, 0L);
        }

        /** Counts one record (callers that judge records themselves, a Spark job say, build their summary with it). */
        public void add(RecordResult r) {
            records++;
            byStatus.merge(r.status(), 1L, Long::sum);
            byPublisher.computeIfAbsent(r.publisher(), k -> new LinkedHashMap<>()).merge(r.status(), 1L, Long::sum);
            byCollective.computeIfAbsent(r.collective().orElse("(none)"), k -> new LinkedHashMap<>()).merge(r.status(), 1L, Long::sum);
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
    public Summary verify(Path manifest, Consumer<RecordResult> each) throws IOException, InterruptedException {
        Summary summary = new Summary();
        Path dir = manifest.toAbsolutePath().getParent();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (InputStream raw = Files.newInputStream(manifest); DatasetContent contents = new DatasetContent(dir, warcFiles)) {
            ManifestLines in = new ManifestLines(raw, MAX_LINE_BYTES);
            byte[] first = in.next();
            if (first == null) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, manifest + ":1: empty; a manifest starts with its header line");
            }
            if (first == ManifestLines.TOO_LONG) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, manifest + ":1: the header line is longer than " + MAX_LINE_BYTES + " bytes");
            }
            ObjectNode header = Json.readObject(first, manifest + ":1", Reason.MALFORMED_JSON);
            if (!"cb4i-manifest".equals(header.path("type").asText())) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, manifest + ":1: not a cb4i manifest header (type is not \"cb4i-manifest\")");
            }
            ManifestContext ctx = new ManifestContext(header, trust, history);
            summary.header.addAll(ctx.headerFindings());
            RecordVerifier verifier = new RecordVerifier(ctx, usage);
            contents.prepare(manifest, pool);
            // Results are taken in manifest order while the workers judge the chunks read after them: up to two
            // chunks a worker are in flight, so the workers never wait for this thread to read or report.
            ArrayDeque<Future<RecordResult[]>> inFlight = new ArrayDeque<>();
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
                    inFlight.add(submit(pool, lines, numbers, manifest, verifier, contents));
                    lines = new ArrayList<>(CHUNK_LINES);
                    numbers = new long[CHUNK_LINES];
                    chunkBytes = 0;
                    if (inFlight.size() >= 2 * threads + 2) {
                        drain(inFlight, threads + 1, summary, each);
                    }
                }
            }
            if (!lines.isEmpty()) {
                inFlight.add(submit(pool, lines, numbers, manifest, verifier, contents));
            }
            drain(inFlight, 0, summary, each);
            contents.built().ifPresent(idx -> warcFindings(idx, contents.readThrough(), summary));
        } finally {
            pool.shutdownNow();
        }
        return summary;
    }

    /** Record ids seen, to refuse a second record with the same id: a bit per id, so a million ids cost 125 KB. */
    private final java.util.BitSet ids = new java.util.BitSet();
    private final java.util.Set<Long> otherIds = new java.util.HashSet<>();

    private boolean firstId(long id) {
        if (id >= 0 && id < Integer.MAX_VALUE) {
            boolean seen = ids.get((int) id);
            ids.set((int) id);
            return !seen;
        }
        return otherIds.add(id);
    }

    /** [VER-8]: what reading the WARC files found, and the response records no manifest record names. */
    private static void warcFindings(WarcIndex idx, boolean readThrough, Summary summary) {
        summary.warcIndexed = true;
        if (readThrough) {
            summary.header.add(Finding.note("WARC_READ_THROUGH", "VER-8", "the manifest's places do not account for every byte of the WARC files "
                    + "(re-compressed, reordered or concatenated?): the files were read through and every record found by its WARC-Record-ID"));
        }
        for (WarcIndex.Note n : idx.notes()) {
            summary.header.add(Finding.note(n.code(), "VER-8", n.toString()));
        }
        summary.unnamedWarcRecords = idx.unnamedCount();
        if (summary.unnamedWarcRecords > 0) {
            summary.unnamedWarcListed.addAll(idx.unnamed());
            WarcIndex.Unnamed first = summary.unnamedWarcListed.get(0);
            summary.header.add(Finding.note("UNNAMED_WARC_RECORDS", "VER-8", summary.unnamedWarcRecords + " response record"
                    + (summary.unnamedWarcRecords == 1 ? "" : "s") + " in the dataset's WARC files " + (summary.unnamedWarcRecords == 1 ? "is" : "are")
                    + " named by no manifest record: a pipeline that reads the WARC files would take them unverified (first: " + first.recordId()
                    + " " + first.targetUri() + " in " + first.at() + ")"));
        }
    }

    private Future<RecordResult[]> submit(ExecutorService pool, List<byte[]> lines, long[] numbers, Path manifest, RecordVerifier verifier,
            DatasetContent contents) {
        return pool.submit(() -> {
            RecordResult[] out = new RecordResult[lines.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = judge(lines.get(i), numbers[i], manifest, verifier, contents);
                lines.set(i, null); // the line is not needed once judged
            }
            return out;
        });
    }

    /** Hands on results in manifest order until at most {@code keep} chunks are still in flight. */
    private void drain(ArrayDeque<Future<RecordResult[]>> inFlight, int keep, Summary summary, Consumer<RecordResult> each)
            throws InterruptedException, IOException {
        while (inFlight.size() > keep) {
            RecordResult[] chunk;
            try {
                chunk = inFlight.poll().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("verification failed: " + e.getCause(), e.getCause());
            }
            for (RecordResult r : chunk) {
                if (r == null) {
                    summary.notInDataset++;
                    continue;
                }
                if (!r.url().isEmpty() && !firstId(r.id())) {
                    List<Finding> fs = new ArrayList<>(r.findings());
                    fs.add(Finding.fail(Status.MALFORMED, "DUPLICATE_RECORD_ID", "DST-1", "another record of the manifest has id " + r.id()));
                    r = new RecordResult(r.id(), r.url(), Status.MALFORMED, fs, r.publisher(), r.collective(), r.fetchedAt(), r.bytesSha256(), r.license());
                }
                summary.add(r);
                each.accept(r);
            }
        }
    }

    private static boolean blank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static RecordResult judge(byte[] line, long lineNo, Path manifest, RecordVerifier v, DatasetContent contents) {
        if (line == ManifestLines.TOO_LONG) {
            return new RecordResult(lineNo - 1, "", Status.MALFORMED, List.of(Finding.fail(Status.MALFORMED, "MALFORMED_JSON", "DST-1",
                    manifest + ":" + lineNo + ": longer than " + MAX_LINE_BYTES + " bytes; not read")), "", Optional.empty());
        }
        ManifestRecord rec;
        try {
            rec = ManifestRecord.read(line);
        } catch (MalformedInputException e) {
            return new RecordResult(lineNo - 1, "", Status.MALFORMED, List.of(Finding.fail(Status.MALFORMED, "MALFORMED_JSON", "DST-1",
                    manifest + ":" + lineNo + ": " + e.getMessage())), "", Optional.empty());
        }
        if (rec.outcome().isPresent() && !"fetched".equals(rec.outcome().get())) {
            return null; // a refusal or skip the crawl recorded: not a dataset record
        }
        try {
            return v.verify(rec, contents.of(rec));
        } catch (RuntimeException e) {
            // A record the checks did not foresee is that record's failure, reported with its line; the run goes on.
            return new RecordResult(rec.id().orElse(lineNo - 1), rec.url(), Status.MALFORMED,
                    List.of(Finding.fail(Status.MALFORMED, "MALFORMED_RECORD", "DST-1", manifest + ":" + lineNo + ": the record cannot be judged ("
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")")), "", Optional.empty());
        }
    }
}
