package org.cb4i.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.Usage;
import java.net.URI;
import java.util.Optional;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.ManifestContext;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;
import org.cb4i.verifier.report.Croissant;
import org.cb4i.verifier.report.HtmlReport;
import org.cb4i.verifier.report.JsonReport;
import org.cb4i.verifier.report.TextReport;
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
            + "record) and croissant.json (Croissant 1.1 metadata describing the dataset's files and the records' provenance fields). Needs "
            + "--dataset-name, --dataset-url, --dataset-license and --dataset-creator: what a crawl cannot know of the dataset is never invented.")
    boolean croissant;

    @Option(names = "--dataset-name", paramLabel = "TEXT", description = "With --croissant: the dataset's name.")
    String datasetName;

    @Option(names = "--dataset-url", paramLabel = "URL", description = "With --croissant: the dataset's web page (an http or https URL).")
    String datasetUrl;

    @Option(names = "--dataset-license", paramLabel = "URL|NAME", description = "With --croissant: the dataset's license, best the URL of a "
            + "known one (e.g. https://spdx.org/licenses/CC-BY-4.0.html).")
    String datasetLicense;

    @Option(names = "--dataset-creator", paramLabel = "NAME|URL", description = "With --croissant: who made the dataset (repeat for several).")
    List<String> datasetCreators = new ArrayList<>();

    @Option(names = "--dataset-published", paramLabel = "DATE", description = "With --croissant: when the dataset was published (YYYY-MM-DD "
            + "or an instant; default: when its manifest was written).")
    String datasetPublished;

    @Option(names = "--dataset-publisher", paramLabel = "NAME|URL", description = "With --croissant: who publishes it (repeat for several; "
            + "default: its creators).")
    List<String> datasetPublishers = new ArrayList<>();

    @Option(names = "--dataset-version", paramLabel = "X.Y.Z", description = "With --croissant: the dataset's version (left out when not given).")
    String datasetVersion;

    @Option(names = "--dataset-language", paramLabel = "TAG", description = "With --croissant: a language of its content, as a BCP 47 tag "
            + "(repeat for several; left out when not given: a crawl does not judge languages).")
    List<String> datasetLanguages = new ArrayList<>();

    @Option(names = "--dataset-same-as", paramLabel = "URL", description = "With --croissant: another Web resource that is this dataset "
            + "(repeat for several).")
    List<String> datasetSameAs = new ArrayList<>();

    @Option(names = "--metadata-license", paramLabel = "URL|NAME", description = "With --croissant: the license of croissant.json itself "
            + "(sdLicence; left out when not given).")
    String metadataLicense;

    @Option(names = "--engine", defaultValue = "local", paramLabel = "ENGINE", description = "local (default: this machine's cores) or spark "
            + "(Apache Spark: the records judged on its partitions, the same reports; ./cb4i runs it with the verifier-spark module).")
    String engine;

    @Option(names = "--spark-master", defaultValue = "local[*]", paramLabel = "URL", description = "With --engine spark: where Spark runs "
            + "(default ${DEFAULT-VALUE}; a cluster needs the dataset at the same path on every worker).")
    String sparkMaster;

    /** The engine that judges the records: this machine's cores, or one found on the class path by name. */
    private org.cb4i.verifier.VerificationEngine engine(DatasetVerifier local, Usage u) {
        if (engine.equals("local")) {
            return local;
        }
        if (online) {
            throw new IllegalArgumentException("--online asks issuers while judging; with --engine " + engine + " judge offline (the default)");
        }
        for (var p : java.util.ServiceLoader.load(org.cb4i.verifier.VerificationEngine.Provider.class)) {
            if (p.name().equals(engine)) {
                return p.create(new org.cb4i.verifier.VerificationEngine.Settings(trust, u, warcs, sparkMaster));
            }
        }
        throw new IllegalArgumentException("--engine: " + (engine.equals("spark") ? "the Spark engine is not on the class path: run this through ./cb4i, "
                + "which adds verifier-spark and Spark (mvn -B -pl verifier-spark -am package builds them)" : "expected local or spark; found \"" + engine + "\""));
    }

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json") && !format.equals("html")) {
            throw new IllegalArgumentException("--format: expected text, json or html; found \"" + format + "\"");
        }
        Path manifest = manifestOf(dataset);
        Optional<Croissant.About> about = croissant ? Optional.of(about(manifest)) : Optional.empty();
        TrustStore store = TrustStore.read(trust);
        Usage u = usageOf(usage, manifest);
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
        org.cb4i.verifier.VerificationEngine v = engine(new DatasetVerifier(store, u, Runtime.getRuntime().availableProcessors(), history)
                .withWarcFiles(warcs), u);
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
                JsonReport.Records jsonRecords = new JsonReport.Records(g);
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
                            jsonRecords.write(r);
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
                var doc = Croissant.document(about.orElseThrow(), u.token(), s, dir, files, manifestCreated(manifest));
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
                        Files.writeString(tmp, JsonReport.head(s, u.token()));
                        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.APPEND); FileChannel in = FileChannel.open(records)) {
                            for (long pos = 0, n = in.size(); pos < n; ) {
                                pos += in.transferTo(pos, n - pos, out);
                            }
                        }
                        Files.writeString(tmp, JsonReport.TAIL, StandardOpenOption.APPEND);
                    } else {
                        try (java.io.Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                            writeReport(w, s, records, failures, u, manifest);
                        }
                    }
                    Files.move(tmp, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                spec.commandLine().getOut().println("report written to " + report + ": " + s.verified() + " of " + s.records() + " records verified");
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
        return s.records() > 0 && s.verified() == s.records() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private static Usage parseUsage(String token) {
        return Usage.parse(token).orElseThrow(() -> new IllegalArgumentException("--usage: unknown usage \"" + token
                + "\"; use all, ai-all, ai-train, ai-input, ai-index or search"));
    }

    /**
     * What {@code --croissant} needs and a crawl cannot know, from the options; refused, naming each one missing or
     * unusable, before anything is verified.
     */
    private Croissant.About about(Path manifest) throws IOException {
        List<String> missing = new ArrayList<>();
        if (datasetName == null || datasetName.isBlank()) {
            missing.add("--dataset-name");
        }
        if (datasetUrl == null || datasetUrl.isBlank()) {
            missing.add("--dataset-url");
        }
        if (datasetLicense == null || datasetLicense.isBlank()) {
            missing.add("--dataset-license");
        }
        if (datasetCreators.stream().allMatch(String::isBlank)) {
            missing.add("--dataset-creator");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("--croissant: Croissant 1.1 requires the dataset's name, url, license and creator, which a crawl cannot "
                    + "know; give " + String.join(", ", missing));
        }
        URI url;
        try {
            url = new URI(datasetUrl.strip());
        } catch (java.net.URISyntaxException e) {
            url = null;
        }
        if (url == null || !url.isAbsolute() || !("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("--dataset-url: expected the dataset's web page as an http or https URL; found \"" + datasetUrl + "\"");
        }
        java.time.Instant published;
        if (datasetPublished == null) {
            published = manifestCreated(manifest);
        } else {
            try {
                published = datasetPublished.length() == 10 ? java.time.LocalDate.parse(datasetPublished).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                        : java.time.Instant.parse(datasetPublished);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("--dataset-published: expected YYYY-MM-DD or an instant such as 2026-12-01T00:00:00Z; found \""
                        + datasetPublished + "\"");
            }
        }
        for (String tag : datasetLanguages) {
            if (!tag.matches("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")) {
                throw new IllegalArgumentException("--dataset-language: expected a BCP 47 tag such as en or pt-BR; found \"" + tag + "\"");
            }
        }
        for (String s : datasetSameAs) {
            if (!s.startsWith("https://") && !s.startsWith("http://")) {
                throw new IllegalArgumentException("--dataset-same-as: expected an http or https URL; found \"" + s + "\"");
            }
        }
        return new Croissant.About(datasetName.strip(), url.toString(), datasetLicense.strip(), datasetCreators.stream().map(String::strip)
                .filter(c -> !c.isEmpty()).toList(), published, datasetPublishers.stream().map(String::strip).filter(c -> !c.isEmpty()).toList(),
                Optional.ofNullable(datasetVersion).map(String::strip).filter(v -> !v.isEmpty()), datasetLanguages, datasetSameAs,
                Optional.ofNullable(metadataLicense).map(String::strip).filter(v -> !v.isEmpty()));
    }

    /** When the manifest says the dataset was made ({@code created} of its header line). */
    private static java.time.Instant manifestCreated(Path manifest) throws IOException {
        try (var in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            var header = Json.readObject(first == null ? "" : first, manifest + ":1", Reason.MALFORMED_JSON);
            if (!header.path("created").isIntegralNumber()) {
                throw new MalformedInputException(Reason.MALFORMED_JSON, manifest + ":1: the header has no created time (NumericDate)");
            }
            return java.time.Instant.ofEpochSecond(header.get("created").longValue());
        }
    }

    /**
     * The manifest a dataset argument names: the folder's manifest.jsonl, or the file itself.
     *
     * @throws java.nio.file.NoSuchFileException when there is none
     */
    static Path manifestOf(Path dataset) throws java.nio.file.NoSuchFileException {
        Path manifest = Files.isDirectory(dataset) ? dataset.resolve("manifest.jsonl") : dataset;
        if (!Files.isRegularFile(manifest)) {
            throw new java.nio.file.NoSuchFileException(manifest.toString(), null, "no manifest (a dataset folder holds manifest.jsonl)");
        }
        return manifest;
    }

    /** The usage {@code --usage} names, else the one the manifest's header declares. */
    static Usage usageOf(String usage, Path manifest) throws IOException {
        return usage != null ? parseUsage(usage) : declaredUsage(manifest);
    }

    /** The usage a manifest's header declares. */
    private static Usage declaredUsage(Path manifest) throws IOException {
        try (var in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            var header = Json.readObject(first == null ? "" : first, manifest + ":1", Reason.MALFORMED_JSON);
            return Usage.parse(header.path("usage").asText()).orElseThrow(() -> new MalformedInputException(Reason.MALFORMED_JSON,
                    manifest + ":1: the header declares no known usage; give --usage"));
        }
    }

    private void writeReport(java.io.Writer os, DatasetVerifier.Summary s, Path records, List<RecordResult> failures, Usage u, Path manifest)
            throws IOException {
        switch (format) {
            case "json" -> {
                os.write(JsonReport.head(s, u.token()));
                try (java.io.Reader r = Files.newBufferedReader(records, StandardCharsets.UTF_8)) {
                    r.transferTo(os);
                }
                os.write(JsonReport.TAIL);
            }
            case "html" -> os.write(HtmlReport.render(manifest.toString(), u.token(), s, failures, java.time.Instant.now()));
            default -> os.write(TextReport.render(manifest.toString(), u.token(), s, failures));
        }
    }

    /** Records between two progress lines: a large dataset takes minutes, and silence would look like a hang. */
    static final long PROGRESS_EVERY = 100_000;

    /** A line on standard error every {@link #PROGRESS_EVERY} records (so never for a small dataset). */
    static void progress(PrintWriter err, long records, long verified) {
        if (records % PROGRESS_EVERY == 0) {
            err.printf("cb4i verify: %d records, %d verified so far%n", records, verified);
            err.flush();
        }
    }
}
