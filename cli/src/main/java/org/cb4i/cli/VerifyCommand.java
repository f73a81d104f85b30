package org.cb4i.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.internal.AtomicFiles;
import org.cb4i.sdk.internal.Json;
import org.cb4i.sdk.terms.Usage;
import java.net.URI;
import java.util.Optional;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.ManifestContext;
import org.cb4i.verifier.Finding;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;
import org.cb4i.verifier.report.Croissant;
import org.cb4i.verifier.report.HtmlReport;
import org.cb4i.verifier.trust.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cb4i verify}: what a dataset is made of, under which licenses, and whether each record proves it. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a dataset (a folder with manifest.jsonl and its WARC, or a manifest file) against a trust store: content digests, "
                + "licenses valid at fetch time for the usage, receipts proven against trusted logs, publishers' credentials. "
                + "Exit 0 when every record verifies, 1 when any does not, 2 for bad usage or unreadable input.")
final class VerifyCommand implements Callable<Integer> {
    private static final int FIRST_FAILURES = 20;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DATASET", description = "A dataset folder (holding manifest.jsonl) or a manifest file.")
    Path dataset;

    @Option(names = "--trust", required = true, paramLabel = "FILE", description = "The trust store (cb4i trust add).")
    Path trust;

    @Option(names = "--usage", paramLabel = "USAGE", description = "The use to check the licenses for (default: the manifest's declared usage).")
    String usage;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default), json, or html (a "
            + "self-contained page with charts; use with --report).")
    String format;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the report to FILE (atomically) instead of standard output.")
    Path report;

    @Option(names = "--warc", arity = "1..*", paramLabel = "FILE", description = "WARC files holding the content, when they are not "
            + "beside the manifest (matched to records by file name).")
    List<Path> warcs = new ArrayList<>();

    @Option(names = "--offline", description = "Judge from the manifest's evidence only (the default; the opposite of --online).")
    boolean offline;

    @Option(names = "--online", description = "Where the manifest holds no status list in force at a record's fetch time, ask the issuer's "
            + "history (<status list>?time=<fetch time>). Default: offline, from the manifest's evidence only.")
    boolean online;

    @Option(names = "--fetch-from-private-addresses", description = "With --online: allow plain http and private addresses (testing on loopback).")
    boolean privateFetch;

    @Option(names = "--croissant", description = "Also write the verified provenance beside the manifest: verification.jsonl (one line per "
            + "record) and croissant.json (Croissant 1.1 metadata describing the dataset's files and the records' provenance fields).")
    boolean croissant;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json") && !format.equals("html")) {
            throw new IllegalArgumentException("--format: expected text, json or html; found \"" + format + "\"");
        }
        Path manifest = Files.isDirectory(dataset) ? dataset.resolve("manifest.jsonl") : dataset;
        if (!Files.isRegularFile(manifest)) {
            throw new java.nio.file.NoSuchFileException(manifest.toString(), null, "no manifest (a dataset folder holds manifest.jsonl)");
        }
        TrustStore store = TrustStore.read(trust);
        Usage u = usage != null ? parseUsage(usage) : declaredUsage(manifest);
        if (online && offline) {
            throw new IllegalArgumentException("--online and --offline exclude each other");
        }
        for (Path w : warcs) {
            if (!Files.isRegularFile(w)) {
                throw new java.nio.file.NoSuchFileException(w.toString(), null, "no such WARC file");
            }
        }
        Optional<ManifestContext.StatusHistory> history = Optional.empty();
        if (online) {
            FetchPolicy p = FetchPolicy.strict().namingSettings("--fetch-from-private-addresses", "--fetch-from-private-addresses");
            p = privateFetch ? p.allowPlainHttp().allowPrivateAddresses() : p;
            BoundedFetcher fetcher = new BoundedFetcher(p.withMaxBytes(8 * 1024 * 1024));
            history = Optional.of((uri, t) -> {
                try {
                    return Optional.of(new String(fetcher.get(URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + "time=" + t.getEpochSecond()),
                            StatusListToken.MEDIA_TYPE).body(), StandardCharsets.US_ASCII).strip());
                } catch (org.cb4i.sdk.Cb4iException e) {
                    return Optional.empty();
                }
            });
        }
        DatasetVerifier v = new DatasetVerifier(store, u, Runtime.getRuntime().availableProcessors(), history).withWarcFiles(warcs);
        Path records = Files.createTempFile("cb4i-verify", ".json");
        boolean jsonOut = format.equals("json"); // only the JSON report lists every record
        Path dir = manifest.toAbsolutePath().getParent();
        // Only --croissant writes into the dataset's folder: verifying a read-only dataset must work.
        Path provenanceTmp = croissant ? Files.createTempFile(dir, ".verification", ".tmp") : null;
        OutputStream provenance = croissant ? Files.newOutputStream(provenanceTmp) : OutputStream.nullOutputStream();
        List<RecordResult> failures = new ArrayList<>();
        DatasetVerifier.Summary s;
        try {
            try (OutputStream os = Files.newOutputStream(records); JsonGenerator g = Json.mapper().getFactory().createGenerator(os)) {
                g.writeStartArray();
                Repeated repeated = new Repeated();
                long[] seen = {0, 0}; // records judged, of which verified
                PrintWriter err = spec.commandLine().getErr();
                s = v.verify(manifest, r -> {
                    seen[0]++;
                    seen[1] += r.status() == Status.VERIFIED ? 1 : 0;
                    progress(err, seen[0], seen[1]);
                    if (r.status() != Status.VERIFIED && failures.size() < (format.equals("html") ? HtmlReport.MAX_FAILURES : FIRST_FAILURES)) {
                        failures.add(r);
                    }
                    try {
                        if (jsonOut) {
                            writeRecord(g, r, repeated);
                        }
                        if (croissant) {
                            provenance.write((Json.write(Croissant.line(r)) + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                g.writeEndArray();
            }
            provenance.close();
            if (croissant) {
                Path lines = dir.resolve("verification.jsonl");
                Files.move(provenanceTmp, lines, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                List<Path> files = new ArrayList<>(List.of(manifest.toAbsolutePath(), lines));
                try (var ws = Files.newDirectoryStream(dir, "*.warc.gz")) {
                    ws.forEach(files::add);
                }
                var doc = Croissant.document(dir.getFileName().toString(), u.token(), s, dir, files, java.time.Instant.now());
                AtomicFiles.write(dir.resolve("croissant.json"), (Json.writePretty(doc) + "\n").getBytes(StandardCharsets.UTF_8), false, true);
                spec.commandLine().getErr().println("provenance: " + lines + " and " + dir.resolve("croissant.json") + " (Croissant 1.1)");
            }
            // The JSON report streams its records from the temporary file: its size is the dataset's, not the heap's.
            if (report != null) {
                Path tmp = Files.createTempFile(report.toAbsolutePath().getParent(), "." + report.getFileName(), ".tmp");
                try {
                    if (jsonOut) {
                        // Bytes to bytes, by the kernel: the records are UTF-8 already (a 139 MB copy: 0.09-0.23 s,
                        // against 0.23-0.45 s through a stream and 0.26-0.36 s decoded and encoded again).
                        Files.writeString(tmp, jsonHead(s, u));
                        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.APPEND); FileChannel in = FileChannel.open(records)) {
                            for (long pos = 0, n = in.size(); pos < n; ) {
                                pos += in.transferTo(pos, n - pos, out);
                            }
                        }
                        Files.writeString(tmp, JSON_TAIL, StandardOpenOption.APPEND);
                    } else {
                        try (java.io.Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                            writeReport(w, s, records, failures, u, manifest);
                        }
                    }
                    Files.move(tmp, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                spec.commandLine().getOut().println("report written to " + report + ": " + s.verified() + " of " + s.records + " records verified");
            } else {
                writeReport(spec.commandLine().getOut(), s, records, failures, u, manifest);
            }
            spec.commandLine().getOut().flush();
        } finally {
            provenance.close();
            Files.deleteIfExists(records);
            if (provenanceTmp != null) {
                Files.deleteIfExists(provenanceTmp);
            }
        }
        return s.records > 0 && s.verified() == s.records ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private static Usage parseUsage(String token) {
        return Usage.parse(token).orElseThrow(() -> new IllegalArgumentException("--usage: unknown usage \"" + token
                + "\"; use all, ai-all, ai-train, ai-input, ai-index or search"));
    }

    private static Usage declaredUsage(Path manifest) throws IOException {
        try (var in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            var header = Json.readObject(first == null ? "" : first, manifest + ":1", Reason.MALFORMED_JSON);
            return Usage.parse(header.path("usage").asText()).orElseThrow(() -> new MalformedInputException(Reason.MALFORMED_JSON,
                    manifest + ":1: the header declares no known usage; give --usage"));
        }
    }

    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString URL = new SerializedString("url");
    private static final SerializedString STATUS = new SerializedString("status");
    private static final SerializedString PUBLISHER = new SerializedString("publisher");
    private static final SerializedString COLLECTIVE = new SerializedString("collective");
    private static final SerializedString REASONS = new SerializedString("reasons");
    private static final SerializedString CODE = new SerializedString("code");
    private static final SerializedString REQUIREMENT = new SerializedString("requirement");
    private static final SerializedString SEVERITY = new SerializedString("severity");
    private static final SerializedString MESSAGE = new SerializedString("message");

    /**
     * The values that repeat from record to record (codes, statuses, publishers, the notes' messages), kept encoded so
     * that each is copied into the report rather than escaped and encoded again (writing the records was nearly half
     * of the reading thread's samples in a 300,000-record run). Bounded: past {@value #MAX_REPEATED} distinct values
     * the rest are written as they come.
     */
    private static final class Repeated {
        static final int MAX_REPEATED = 10_000;
        final Map<String, SerializedString> encoded = new java.util.HashMap<>();

        void write(JsonGenerator g, String value) throws IOException {
            SerializedString e = encoded.get(value);
            if (e == null && encoded.size() < MAX_REPEATED) {
                e = new SerializedString(value);
                encoded.put(value, e);
            }
            if (e != null) {
                g.writeString(e);
            } else {
                g.writeString(value);
            }
        }
    }

    private static void writeRecord(JsonGenerator g, RecordResult r, Repeated repeated) throws IOException {
        g.writeStartObject();
        g.writeFieldName(ID);
        g.writeNumber(r.id());
        g.writeFieldName(URL);
        g.writeString(r.url());
        g.writeFieldName(STATUS);
        repeated.write(g, r.status().name());
        g.writeFieldName(PUBLISHER);
        repeated.write(g, r.publisher());
        if (r.collective().isPresent()) {
            g.writeFieldName(COLLECTIVE);
            repeated.write(g, r.collective().get());
        }
        g.writeFieldName(REASONS);
        g.writeStartArray();
        for (Finding f : r.findings()) {
            g.writeStartObject();
            g.writeFieldName(CODE);
            repeated.write(g, f.code());
            g.writeFieldName(REQUIREMENT);
            repeated.write(g, f.requirement());
            g.writeFieldName(SEVERITY);
            repeated.write(g, f.status().map(Status::name).orElse("note"));
            g.writeFieldName(MESSAGE);
            repeated.write(g, f.message());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void writeReport(java.io.Writer os, DatasetVerifier.Summary s, Path records, List<RecordResult> failures, Usage u, Path manifest)
            throws IOException {
        switch (format) {
            case "json" -> {
                os.write(jsonHead(s, u));
                try (java.io.Reader r = Files.newBufferedReader(records, StandardCharsets.UTF_8)) {
                    r.transferTo(os);
                }
                os.write(JSON_TAIL);
            }
            case "html" -> os.write(HtmlReport.render(manifest.toString(), u.token(), s, failures, java.time.Instant.now()));
            default -> os.write(text(s, failures, u, manifest));
        }
    }

    private static final String JSON_TAIL = "}\n";

    /** Records between two progress lines: a large dataset takes minutes, and silence would look like a hang. */
    static final long PROGRESS_EVERY = 100_000;

    /** A line on standard error every {@link #PROGRESS_EVERY} records (so never for a small dataset). */
    static void progress(PrintWriter err, long records, long verified) {
        if (records % PROGRESS_EVERY == 0) {
            err.printf("cb4i verify: %d records, %d verified so far%n", records, verified);
            err.flush();
        }
    }

    /** The JSON report up to its records: the summary first, so that the head of a large report says what it holds. */
    private static String jsonHead(DatasetVerifier.Summary s, Usage u) {
        Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("records", s.records);
        summary.put("verified", s.verified());
        summary.put("usage", u.token());
        summary.put("by_status", s.byStatus);
        summary.put("by_publisher", s.byPublisher);
        summary.put("by_collective", s.byCollective);
        summary.put("not_in_dataset", s.notInDataset);
        if (s.warcIndexed) {
            summary.put("unnamed_warc_records", s.unnamedWarcRecords);
            List<Map<String, Object>> listed = new ArrayList<>();
            for (var x : s.unnamedWarcListed) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("record_id", x.recordId());
                m.put("target_uri", x.targetUri());
                m.put("file", x.at().file().getFileName().toString());
                m.put("offset", x.at().offset());
                listed.add(m);
            }
            summary.put("unnamed_warc", listed);
        }
        return "{\"summary\": " + Json.write(summary) + ",\n\"records\": ";
    }

    private static String text(DatasetVerifier.Summary s, List<RecordResult> failures, Usage u, Path manifest) {
        StringWriter sw = new StringWriter();
        PrintWriter w = new PrintWriter(sw);
        w.printf("%s: %d records, %d verified for %s%s%n", manifest, s.records, s.verified(), u.token(),
                s.notInDataset > 0 ? " (" + s.notInDataset + " lines are refusals or skips, not records)" : "");
        w.println();
        w.println("by status");
        s.byStatus.forEach((k, n) -> w.printf("  %-22s %8d%n", k, n));
        table(w, "by publisher", s.byPublisher);
        table(w, "by collective", s.byCollective);
        for (Finding f : s.header) {
            w.println((f.requirement().equals("VER-8") ? "WARC files: " : "manifest: ") + f.message() + " [" + f.code() + ", " + f.requirement() + "]");
        }
        for (var x : s.unnamedWarcListed.subList(0, Math.min(10, s.unnamedWarcListed.size()))) {
            w.println("  not in the manifest: " + x.recordId() + " " + x.targetUri() + " in " + x.at());
        }
        if (!failures.isEmpty()) {
            w.println();
            w.println("first records that do not verify");
            for (RecordResult r : failures) {
                w.println("  #" + r.id() + " " + r.url() + "  " + r.status());
                for (Finding f : r.findings()) {
                    if (f.status().isPresent()) {
                        w.println("      " + f.message() + " [" + f.code() + ", " + f.requirement() + "]");
                    }
                }
            }
        }
        w.flush();
        return sw.toString();
    }

    private static void table(PrintWriter w, String title, Map<String, Map<Status, Long>> rows) {
        w.println(title);
        rows.forEach((k, m) -> {
            long all = m.values().stream().mapToLong(Long::longValue).sum();
            w.printf("  %-40s %8d records, %8d verified%n", k, all, m.getOrDefault(Status.VERIFIED, 0L));
        });
    }
}
