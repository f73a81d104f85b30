package org.cb4i.verifier;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.dataset.ManifestHeader;
import org.cb4i.sdk.dataset.ManifestLines;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.trust.TrustStore;
import org.cb4i.verifier.warc.WarcIndex;

/**
 * One dataset being verified: its header's evidence checked once, its WARC files found, and then two halves that may
 * run apart. {@link #judge} turns one manifest line into a verdict and may be called from any thread, of this process or
 * of another one that opened its own session on the same dataset (a Spark executor). {@link #accept} takes the verdicts
 * in manifest order, in one place: it refuses a record id seen before, counts, and hands each on; {@link #finish} adds
 * what reading the WARC files found and freezes the totals. {@link DatasetVerifier} runs both halves on this machine's
 * cores; a distributed engine judges on its workers and accepts on its driver, so that both give the same verdicts.
 */
public final class DatasetSession implements Closeable {
    private final Path manifest;
    private final ManifestContext ctx;
    private final RecordVerifier verifier;
    private final DatasetContent contents;
    private final DatasetVerifier.Tally tally = new DatasetVerifier.Tally();
    /** Record ids seen, to refuse a second record with the same id: a bit per id, so a million ids cost 125 KB. */
    private final java.util.BitSet ids = new java.util.BitSet();
    private final java.util.Set<Long> otherIds = new java.util.HashSet<>();

    private DatasetSession(Path manifest, ManifestContext ctx, RecordVerifier verifier, DatasetContent contents) {
        this.manifest = manifest;
        this.ctx = ctx;
        this.verifier = verifier;
        this.contents = contents;
    }

    /**
     * Reads the manifest's header, checks its evidence, and finds the dataset's WARC files (reading the places the
     * records give, with {@code pool}).
     *
     * @param warcFiles WARC files given by the caller, by file name, looked for before the manifest's folder
     * @param history where to ask for past status lists (online verification), or empty to judge offline
     * @throws MalformedInputException when the manifest has no readable header (which file, which line)
     */
    public static DatasetSession open(Path manifest, TrustStore trust, Usage usage, Map<String, Path> warcFiles,
            Optional<ManifestContext.StatusHistory> history, ExecutorService pool) throws IOException, InterruptedException {
        byte[] first;
        try (InputStream raw = Files.newInputStream(manifest)) {
            first = new ManifestLines(raw, DatasetVerifier.MAX_LINE_BYTES).next();
        }
        if (first == null) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, manifest + ":1: empty; a manifest starts with its header line");
        }
        if (first == ManifestLines.TOO_LONG) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, manifest + ":1: the header line is longer than "
                    + DatasetVerifier.MAX_LINE_BYTES + " bytes");
        }
        ManifestHeader header = ManifestHeader.parse(first, manifest + ":1");
        ManifestContext ctx = new ManifestContext(header, trust, history);
        DatasetContent contents = new DatasetContent(manifest.toAbsolutePath().getParent(), warcFiles);
        DatasetSession s = new DatasetSession(manifest, ctx, new RecordVerifier(ctx, usage), contents);
        ctx.headerFindings().forEach(s.tally::header);
        try {
            contents.prepare(manifest, pool);
        } catch (IOException | InterruptedException | RuntimeException e) {
            contents.close();
            throw e;
        }
        return s;
    }

    /**
     * The verdict on manifest line {@code lineNo} (1 is the header), or null for a line that is a crawl's refusal or
     * skip, not a dataset record. Thread-safe.
     */
    public RecordResult judge(byte[] line, long lineNo) {
        Judged j = judge(line, lineNo, false);
        return j == null ? null : j.result();
    }

    /**
     * A verdict, and with {@code keepContent} the record's stored content when it verified. Null for a line that is
     * a crawl's refusal or skip. Thread-safe.
     *
     * @param content the record's content, when asked for and the record verified (else null)
     */
    record Judged(RecordResult result, VerifiedContent content) {}

    Judged judge(byte[] line, long lineNo, boolean keepContent) {
        if (line == ManifestLines.TOO_LONG) {
            return new Judged(RecordResult.unreadable(lineNo - 1, "", Finding.of(FindingCode.MALFORMED_JSON, manifest + ":" + lineNo + ": longer than "
                    + DatasetVerifier.MAX_LINE_BYTES + " bytes; not read")), null);
        }
        ManifestRecord rec;
        try {
            rec = ManifestRecord.read(line);
        } catch (MalformedInputException e) {
            return new Judged(RecordResult.unreadable(lineNo - 1, "", Finding.of(FindingCode.MALFORMED_JSON, manifest + ":" + lineNo + ": "
                    + e.getMessage())), null);
        }
        if (rec.outcome().isPresent() && !"fetched".equals(rec.outcome().get())) {
            return null; // a refusal or skip the crawl recorded: not a dataset record
        }
        try {
            StoredContent stored = contents.of(rec);
            RecordResult r = verifier.verify(rec, stored);
            if (keepContent && r.status() == Status.VERIFIED) {
                Optional<byte[]> payload = stored instanceof StoredContent.Payload p ? Optional.of(p.body()) : Optional.empty();
                return new Judged(r, new VerifiedContent(r, rec.contentType(), member(r), payload));
            }
            return new Judged(r, null);
        } catch (RuntimeException e) {
            // A record the checks did not foresee is that record's failure, reported with its line; the run goes on.
            return new Judged(RecordResult.unreadable(rec.id().orElse(lineNo - 1), rec.url(), Finding.of(FindingCode.MALFORMED_RECORD, manifest + ":"
                    + lineNo + ": the record cannot be judged (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + ")")), null);
        }
    }

    /** [REP-2]: the member entry of the licensing collective's repertoire that held the publisher at fetch time. */
    private java.util.Optional<String> member(RecordResult r) {
        if (r.collective().isEmpty() || r.fetchedAt().isEmpty()) {
            return java.util.Optional.empty();
        }
        for (org.cb4i.sdk.repertoire.Repertoire rep : ctx.repertoires()) {
            if (rep.issuer().equals(r.collective().get())) {
                java.util.Optional<org.cb4i.sdk.repertoire.Repertoire.Member> m = rep.memberAt(r.publisher(), r.fetchedAt().get());
                if (m.isPresent()) {
                    return java.util.Optional.of(m.get().origin());
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Takes the next verdict in manifest order (null: a line that is not a record): a record whose id an earlier one
     * had gets {@code DUPLICATE_RECORD_ID}; it is counted and handed to {@code each}. One thread, in order.
     *
     * @return the verdict as counted (null for a line that is not a record)
     */
    public RecordResult accept(RecordResult r, Consumer<RecordResult> each) {
        if (r == null) {
            tally.notInDataset();
            return null;
        }
        if (!r.url().isEmpty() && !firstId(r.id())) {
            r = duplicateId(r);
        }
        tally.add(r);
        each.accept(r);
        return r;
    }

    /** {@code r} with the finding a record gets when an earlier record of the manifest had its id. */
    public static RecordResult duplicateId(RecordResult r) {
        return r.with(Finding.of(FindingCode.DUPLICATE_RECORD_ID, "another record of the manifest has id " + r.id()));
    }

    private boolean firstId(long id) {
        if (id >= 0 && id < Integer.MAX_VALUE) {
            boolean seen = ids.get((int) id);
            ids.set((int) id);
            return !seen;
        }
        return otherIds.add(id);
    }

    /**
     * For a record judged elsewhere: the WARC record it names counts as named, as reading it here would have made it
     * (called in any order, before {@link #finish}).
     */
    public void named(ManifestRecord.Warc warc) {
        contents.markNamed(warc);
    }

    /**
     * The totals, with what reading the WARC files found ([VER-8]).
     *
     * @param recordsNamedWarc whether any record named a WARC file, when the records were judged elsewhere: the WARC
     *     files are then read here as the judging did, so that the same findings are reported
     */
    public DatasetVerifier.Summary finish(boolean recordsNamedWarc) {
        Optional<WarcIndex> idx = contents.built();
        if (idx.isEmpty() && recordsNamedWarc) {
            idx = contents.indexNow();
        }
        idx.ifPresent(i -> tally.warc(i, contents.readThrough()));
        return tally.summary();
    }

    @Override
    public void close() {
        contents.close();
    }
}
