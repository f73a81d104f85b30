package org.cb4i.verifier;

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
 * files given by the caller and every {@code *.warc} and {@code *.warc.gz} under the manifest's folder; they are
 * indexed by record id, all at once, when the first record that names a WARC is judged, so that every verdict is
 * final when it is handed on: a record id found twice anywhere in them is known before any record naming it is judged.
 * A dataset whose records name no WARC reads none.
 */
final class DatasetContent implements Closeable {
    /** How deep under the manifest's folder WARC files are looked for. */
    private static final int MAX_DEPTH = 4;

    private final Path dir;
    private final Map<String, Path> given;
    private volatile WarcIndex index;

    DatasetContent(Path dir, Map<String, Path> given) {
        this.dir = dir.toAbsolutePath().normalize();
        this.given = given;
    }

    /** What the dataset holds of {@code rec}'s content. */
    StoredContent of(ManifestRecord rec) {
        if (rec.warc().isEmpty()) {
            return new StoredContent.Absent();
        }
        ManifestRecord.Warc w = rec.warc().get();
        boolean isGiven = given.containsKey(w.file());
        Path file = isGiven ? given.get(w.file()) : dir.resolve(w.file()).normalize();
        if (!isGiven && !file.startsWith(dir)) {
            return new StoredContent.Absent(); // a name that leads outside the dataset is not read
        }
        boolean exists = Files.isRegularFile(file);
        String expected = w.file() + " at byte " + w.offset();
        WarcIndex idx = index();
        if (exists && !idx.files().contains(file)) {
            return new StoredContent.Unreadable("CONTENT_UNREADABLE", "the record names " + w.file() + ", which is not a WARC file of the dataset "
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
            return new StoredContent.Unreadable("DUPLICATE_WARC_RECORD", "WARC-Record-ID " + w.recordId().orElse("") + " occurs " + d.at().size()
                    + " times in the dataset's WARC files (" + String.join(", ", d.at().stream().map(WarcIndex.Location::toString).toList())
                    + "): which copy a pipeline reads cannot be known");
        }
        if (p instanceof WarcIndex.Unreadable u) {
            return new StoredContent.Unreadable("CONTENT_UNREADABLE", "the WARC record in " + u.at() + " " + u.message());
        }
        return new StoredContent.Unreadable("CONTENT_UNREADABLE", ((WarcIndex.NotFound) p).message());
    }

    /** The index, once some record named a WARC. */
    Optional<WarcIndex> built() {
        return Optional.ofNullable(index);
    }

    private WarcIndex index() {
        WarcIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) {
                    try {
                        index = WarcIndex.build(warcFiles(), Path.of(System.getProperty("java.io.tmpdir")));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot index the dataset's WARC files: " + e.getMessage(), e);
                    }
                }
                i = index;
            }
        }
        return i;
    }

    private List<Path> warcFiles() throws IOException {
        Set<Path> files = new LinkedHashSet<>(given.values());
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir, MAX_DEPTH)) {
            s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".warc") || n.endsWith(".warc.gz")) && Files.isRegularFile(p);
            }).forEach(found::add);
        }
        found.sort(null);
        files.addAll(found);
        return new ArrayList<>(files);
    }

    @Override
    public void close() {
        WarcIndex i = index;
        if (i != null) {
            i.close();
        }
    }
}
