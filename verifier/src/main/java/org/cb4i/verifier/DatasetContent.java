package org.cb4i.verifier;

import org.cb4i.sdk.dataset.ManifestLines;
import org.cb4i.sdk.dataset.ManifestRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.cb4i.verifier.warc.WarcIndex;

/**
 * Finds a record's stored content among a dataset's WARC files ([VER-1], [VER-8]). The dataset's WARC files are the
 * files given by the caller and every {@code *.warc} and {@code *.warc.gz} under the manifest's folder. Before any
 * record is judged, the places the manifest's lines give are read ({@link #prepare}): when they account for every
 * byte of those files and each holds the record named, the manifest's word is taken (a header read a record).
 * Otherwise the files are indexed by record id, all at once, when the first record that names a WARC is judged. Either
 * way every verdict is final when it is handed on: a record id found twice anywhere in them is known before any
 * record naming it is judged. A dataset with no WARC files reads none.
 */
final class DatasetContent implements Closeable {
    private final Path dir;
    private final Map<String, Path> given;
    private volatile WarcIndex index;
    private List<Path> files;

    DatasetContent(Path dir, Map<String, Path> given) {
        this.dir = dir.toAbsolutePath().normalize();
        this.given = given;
    }

    /**
     * Reads the places the manifest's lines give for their content and, when they account for every byte of the
     * dataset's WARC files, takes the manifest's word for where each record is ({@link WarcIndex#fromPlaces}).
     */
    void prepare(Path manifest, java.util.concurrent.ExecutorService pool) throws IOException, InterruptedException {
        List<Path> all = warcFiles();
        if (all.isEmpty()) {
            return;
        }
        Map<Path, Integer> number = new java.util.HashMap<>();
        all.forEach(f -> number.putIfAbsent(f, number.size()));
        WarcIndex.Places places = new WarcIndex.Places();
        try (java.io.InputStream in = Files.newInputStream(manifest)) {
            ManifestLines lines = new ManifestLines(in, DatasetVerifier.MAX_LINE_BYTES);
            lines.next(); // the header
            byte[] line;
            while ((line = lines.next()) != null) {
                if (line == ManifestLines.TOO_LONG) {
                    continue;
                }
                Optional<ManifestRecord.Warc> w = ManifestRecord.warcOf(line);
                if (w.isEmpty()) {
                    continue;
                }
                Path file = resolve(w.get().file());
                Integer f = file == null ? null : number.get(file);
                if (f == null) {
                    places.giveUp(); // a name outside the dataset's WARC files: let the records say so one by one
                    break;
                }
                places.add(f, w.get().offset(), w.get().length(), w.get().recordId());
            }
        }
        WarcIndex vouched = WarcIndex.fromPlaces(all, places, pool).orElse(null);
        synchronized (this) {
            index = vouched;
        }
    }

    /** Where a file a record names is: a given file, or under the dataset's folder; null for a name that leads outside. */
    private Path resolve(String name) {
        if (given.containsKey(name)) {
            return given.get(name);
        }
        Path file = dir.resolve(name).normalize();
        return file.startsWith(dir) ? file : null;
    }

    /**
     * A file name as records give it, resolved once (records name the same few files again and again: no path work,
     * stat or list search per record).
     *
     * @param file where it is, or null when the name leads outside the dataset
     * @param exists whether it is a regular file
     * @param indexed whether it is one of the dataset's WARC files
     */
    private record Named(Path file, boolean exists, boolean indexed) {}

    private final Map<String, Named> named = new java.util.concurrent.ConcurrentHashMap<>();

    /** What the dataset holds of {@code rec}'s content. */
    StoredContent of(ManifestRecord rec) {
        if (rec.warc().isEmpty()) {
            return new StoredContent.Absent();
        }
        ManifestRecord.Warc w = rec.warc().get();
        Named n = named.get(w.file());
        if (n == null) {
            Path f = resolve(w.file());
            n = f == null ? new Named(null, false, false) : new Named(f, Files.isRegularFile(f), index().files().contains(f));
            named.putIfAbsent(w.file(), n);
        }
        if (n.file() == null) {
            return new StoredContent.Absent(); // a name that leads outside the dataset is not read
        }
        WarcIndex idx = index();
        Path file = n.file();
        boolean exists = n.exists();
        String expected = w.file() + " at byte " + w.offset();
        if (exists && !n.indexed()) {
            return new StoredContent.Unreadable(FindingCode.CONTENT_UNREADABLE, "the record names " + w.file() + ", which is not a WARC file of the dataset "
                    + "(*.warc or *.warc.gz under its folder, or given with --warc)");
        }
        WarcIndex.Payload p;
        if (w.recordId().isPresent()) {
            p = idx.payload(w.recordId().get(), expected);
            if (p instanceof WarcIndex.NotFound && !exists) {
                return new StoredContent.Absent(); // neither its file nor its id is in the dataset: the content was not shipped
            }
        } else if (!exists) {
            return new StoredContent.Absent();
        } else {
            p = idx.payloadAt(file, w.offset());
        }
        if (p instanceof WarcIndex.Stored s) {
            return new StoredContent.Payload(s.body());
        }
        if (p instanceof WarcIndex.Duplicate d) {
            return new StoredContent.Unreadable(FindingCode.DUPLICATE_WARC_RECORD, "WARC-Record-ID " + w.recordId().orElse("") + " occurs " + d.at().size()
                    + " times in the dataset's WARC files (" + String.join(", ", d.at().stream().map(WarcIndex.Location::toString).toList())
                    + "): which copy a pipeline reads cannot be known");
        }
        if (p instanceof WarcIndex.Unreadable u) {
            return new StoredContent.Unreadable(FindingCode.CONTENT_UNREADABLE, "the WARC record in " + u.at() + " " + u.message());
        }
        return new StoredContent.Unreadable(FindingCode.CONTENT_UNREADABLE, ((WarcIndex.NotFound) p).message());
    }

    /** The index, once some record named a WARC. */
    Optional<WarcIndex> built() {
        return Optional.ofNullable(index);
    }

    /**
     * Marks the WARC record a record names as named, as {@link #of} would while reading it: for records judged
     * elsewhere (another process read the content), so that the WARC files' findings are the same.
     */
    void markNamed(ManifestRecord.Warc w) {
        Path f = resolve(w.file());
        if (f == null) {
            return;
        }
        WarcIndex idx = index();
        if (!idx.files().contains(f) && Files.isRegularFile(f)) {
            return; // a file that is not one of the dataset's: of() does not read it either
        }
        if (w.recordId().isPresent()) {
            idx.markNamed(w.recordId().get());
        } else if (Files.isRegularFile(f)) {
            idx.markNamedAt(f, w.offset());
        }
    }

    /** The index, built now if no record has needed it yet (a session whose records were judged elsewhere). */
    Optional<WarcIndex> indexNow() {
        try {
            return warcFiles().isEmpty() ? Optional.empty() : Optional.of(index());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the dataset's WARC files: " + e.getMessage(), e);
        }
    }

    /** Whether the WARC files were read through (the manifest's places did not account for them). */
    boolean readThrough() {
        return readThrough;
    }

    private volatile boolean readThrough;

    private WarcIndex index() {
        WarcIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) {
                    try {
                        index = WarcIndex.build(warcFiles(), Path.of(System.getProperty("java.io.tmpdir")));
                        readThrough = true;
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot index the dataset's WARC files: " + e.getMessage(), e);
                    }
                }
                i = index;
            }
        }
        return i;
    }

    private synchronized List<Path> warcFiles() throws IOException {
        if (this.files != null) {
            return this.files;
        }
        Set<Path> files = new LinkedHashSet<>(given.values());
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".warc") || n.endsWith(".warc.gz")) && Files.isRegularFile(p);
            }).forEach(found::add);
        }
        found.sort(null);
        files.addAll(found);
        this.files = List.copyOf(files);
        return this.files;
    }

    @Override
    public void close() {
        WarcIndex i = index;
        if (i != null) {
            i.close();
        }
    }
}
