package org.cb4i.verifier.warc;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.GZIPInputStream;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;

/**
 * Every record of a dataset's WARC files, found by its {@code WARC-Record-ID} ([VER-8]): a manifest's offsets stop
 * pointing at their records as soon as a pipeline re-compresses, reorders or concatenates the WARC files, while a
 * record's id stays. The files are read once, streaming, when the index is built; memory is 16 bytes a record (a
 * 64-bit hash of the id and where the record starts), so a dataset of ten million records costs 160 MB, not the
 * ids themselves. A hash names candidates only: every answer is confirmed against the id read at that place.
 *
 * <p>A gzip WARC must be one gzip member per record to be read at an offset (as WARC 1.1 Annex D recommends and
 * {@code cb4i crawl} writes). One that is not (a whole WARC compressed in one member, say) is decompressed once into a
 * temporary file, indexed and read there, and deleted by {@link #close()}.
 *
 * <p>Thread-safe once built: the payload readers keep one channel per file and thread.
 */
public final class WarcIndex implements Closeable {
    /** Largest stored payload read for a record (the crawler keeps at most 16 MiB). */
    public static final int MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
    /** How many unnamed response records are listed (all are counted). */
    public static final int MAX_LISTED = 1000;

    /** Where a record starts: a file of the dataset and the byte offset in it (in the file as given). */
    public record Location(Path file, long offset) {
        @Override
        public String toString() {
            return file.getFileName() + " at byte " + offset;
        }
    }

    /**
     * Something reading a file found: {@code WARC_READ_THROUGH_COPY} (a gzip WARC not one member per record),
     * {@code WARC_CUT_SHORT} (unreadable from some point on: the records after it are not indexed), {@code NOT_A_WARC}.
     */
    public record Note(String code, Path file, String message) {
        @Override
        public String toString() {
            return file.getFileName() + ": " + message;
        }
    }

    /** A response record that no manifest record named. */
    public record Unnamed(String recordId, String targetUri, Location at) {}

    /** The answer for a record id. */
    public sealed interface Payload {}

    /** The response record's payload, read in full. */
    public record Stored(byte[] body, Location at) implements Payload {}

    /** The id is in no WARC file of the dataset (what the index knows of why is in the message). */
    public record NotFound(String message) implements Payload {}

    /** The id occurs more than once: which copy a pipeline reads cannot be known, so none is taken. */
    public record Duplicate(List<Location> at) implements Payload {}

    /** The record is there but its payload cannot be read (cut short, not a response, too large). */
    public record Unreadable(Location at, String message) implements Payload {}

    /** One indexed file: the file as given, and the file records are read from (a decompressed copy or itself). */
    private record Source(Path given, Path readFrom, boolean spooled) {}

    private final List<Source> sources;
    /** Sorted by hash; {@code locs[i]} is the file's index (bits 44-62), offset (bits 0-43) and bit 63 set for responses. */
    private final long[] hashes;
    private final long[] locs;
    /** For an index the manifest vouched for ({@link #fromPlaces}): how many bytes each record takes; else null. */
    private final long[] lens;
    /** Which entries a manifest record has named. */
    private final AtomicLongArray named;
    private final List<Note> notes;
    private final ThreadLocal<FileChannel[]> channels;
    private final List<FileChannel> opened = Collections.synchronizedList(new ArrayList<>());

    private WarcIndex(List<Source> sources, long[] hashes, long[] locs, long[] lens, int size, List<Note> notes) {
        this.sources = List.copyOf(sources);
        this.hashes = hashes;
        this.locs = locs;
        this.lens = lens;
        this.named = new AtomicLongArray((size + 63) / 64);
        this.notes = List.copyOf(notes);
        this.channels = ThreadLocal.withInitial(() -> new FileChannel[this.sources.size()]);
    }

    /**
     * Reads every record header of {@code files}, in order, and indexes it. A file that is not a WARC, or is cut
     * short, is indexed up to where it stops being readable, and a note says so.
     *
     * @param tmp where a gzip WARC that is not one member per record is decompressed to
     */
    public static WarcIndex build(List<Path> files, Path tmp) throws IOException {
        List<Source> sources = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        LongList hashes = new LongList();
        LongList locs = new LongList();
        try {
            for (Path file : files) {
                int idx = sources.size();
                if (idx >= 1 << 19) {
                    throw new IOException("more than " + (1 << 19) + " WARC files");
                }
                int mark = hashes.size;
                Optional<Note> problem = scan(file, idx, hashes, locs, true);
                if (problem.isPresent() && problem.get().code().equals(NOT_PER_RECORD)) {
                    hashes.size = mark;
                    locs.size = mark;
                    Path copy = Files.createTempFile(tmp, "cb4i-warc-", ".warc");
                    sources.add(new Source(file, copy, true));
                    Optional<Note> cut = decompress(file, copy);
                    problem = scan(copy, idx, hashes, locs, false).map(n -> new Note(n.code(), file, n.message()));
                    notes.add(new Note("WARC_READ_THROUGH_COPY", file, "not one gzip member per record: read through a decompressed "
                            + "temporary copy"));
                    if (cut.isPresent()) {
                        problem = cut;
                    }
                } else {
                    sources.add(new Source(file, file, false));
                }
                problem.ifPresent(notes::add);
            }
        } catch (IOException | RuntimeException e) {
            deleteSpooled(sources);
            throw e;
        }
        int n = hashes.size;
        long[] h = hashes.toArray();
        long[] l = locs.toArray();
        RadixSort.byKey(h, l, n);
        return new WarcIndex(sources, h, l, null, n, notes);
    }

    /**
     * Where the manifest's lines say records are: a WARC file of the dataset (its index in the list given to
     * {@link #fromPlaces}), an offset and a length, and a hash of the id (24 bytes a record; the id itself is compared
     * when the record is read).
     */
    public static final class Places {
        private final LongList where = new LongList();
        private final LongList lengths = new LongList();
        private final LongList ids = new LongList();
        private boolean unusable;

        /** Adds a line's place; a place without a length or id, or beyond what an index holds, makes the set unusable. */
        public void add(int file, long offset, long length, Optional<String> recordId) {
            if (recordId.isEmpty() || length <= 0 || offset < 0 || offset > OFFSET_MASK || file < 0 || file >= 1 << 19) {
                unusable = true;
                return;
            }
            where.add(((long) file << OFFSET_BITS) | offset);
            lengths.add(length);
            ids.add(hash(recordId.get()));
        }

        /** Gives up on the places (a line names a WARC file that is not among the dataset's). */
        public void giveUp() {
            unusable = true;
        }

        public int size() {
            return where.size;
        }
    }

    /**
     * The index the manifest vouches for, without reading the files through: when the places its lines give cover
     * every byte of every WARC file of the dataset (sorted by offset, each starting where the one before ends, from 0 to
     * the end of the file) but for records that are not responses between them (a crawl's warcinfo and request
     * records, [DST-3]: each gap is read, and must be such records end to end, none with a named id), no id is named
     * twice, and the record at each place has the id named (its header is read, on {@code pool}). Then every response
     * record of the files is named exactly once, so none is a duplicate and none unnamed;
     * when a record is read, its id is compared in full and nothing else may follow it in its place. This is the case
     * of a dataset as the crawler wrote it, and costs a header read a record instead of inflating every file. Empty
     * when it does not hold (a re-packed, reordered or concatenated file, a line without an id or length): then
     * {@link #build} reads the files through.
     */
    public static Optional<WarcIndex> fromPlaces(List<Path> files, Places places, java.util.concurrent.ExecutorService pool)
            throws IOException, InterruptedException {
        int n = places.size();
        if (places.unusable || n == 0 || files.isEmpty() || files.size() >= 1 << 19) {
            return Optional.empty();
        }
        long[] where = places.where.toArray();
        long[] order = RadixSort.withOrigins(where, n);
        long[] lengths = places.lengths.a;
        long expect = 0;
        int file = 0;
        List<long[]> gaps = new ArrayList<>(); // {file, from, to}: bytes no line names, to be read
        for (int k = 0; k < n; k++) {
            int f = (int) (where[k] >>> OFFSET_BITS);
            long off = where[k] & OFFSET_MASK;
            if (f != file) {
                if (f != file + 1) {
                    return Optional.empty(); // a file no line names
                }
                long size = Files.size(files.get(file));
                if (expect > size) {
                    return Optional.empty();
                }
                if (expect < size) {
                    gaps.add(new long[] {file, expect, size});
                }
                file = f;
                expect = 0;
            }
            if (off < expect) {
                return Optional.empty(); // places that overlap
            }
            if (off > expect) {
                gaps.add(new long[] {file, expect, off});
            }
            expect = off + lengths[(int) order[k]];
        }
        if (file != files.size() - 1 || expect > Files.size(files.get(file))) {
            return Optional.empty();
        }
        if (expect < Files.size(files.get(file))) {
            gaps.add(new long[] {file, expect, Files.size(files.get(file))});
        }
        long[] hashes = places.ids.toArray();
        long[] idx = RadixSort.withOrigins(hashes, n);
        for (int k = 1; k < n; k++) {
            if (hashes[k] == hashes[k - 1]) {
                return Optional.empty(); // an id named twice (or two ids of one hash): the files are read through
            }
        }
        long[] placeOf = places.where.a;
        long[] locs = new long[n];
        long[] lens = new long[n];
        // The header of every place, read on the pool: it must be the record named there.
        int chunk = Math.max(256, n / (4 * Runtime.getRuntime().availableProcessors()));
        List<java.util.concurrent.Future<Boolean>> checks = new ArrayList<>();
        for (int from = 0; from < n; from += chunk) {
            int a = from;
            int b = Math.min(n, from + chunk);
            checks.add(pool.submit(() -> {
                FileChannel[] open = new FileChannel[files.size()];
                java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
                try {
                    for (int k = a; k < b; k++) {
                        int i = (int) idx[k];
                        int f = (int) (placeOf[i] >>> OFFSET_BITS);
                        long off = placeOf[i] & OFFSET_MASK;
                        if (open[f] == null) {
                            open[f] = FileChannel.open(files.get(f));
                        }
                        String[] header = headerAt(open[f], off, lengths[i], inflater);
                        if (header == null || hash(header[0]) != hashes[k]) {
                            return false;
                        }
                        locs[k] = placeOf[i] | ("response".equals(header[1]) ? RESPONSE : 0);
                        lens[k] = lengths[i];
                    }
                    return true;
                } catch (IOException | RuntimeException e) {
                    return false;
                } finally {
                    inflater.end();
                    for (FileChannel ch : open) {
                        if (ch != null) {
                            ch.close();
                        }
                    }
                }
            }));
        }
        // The gaps, on the pool as well: only records that are not responses, end to end, with ids no line names.
        int perTask = Math.max(64, gaps.size() / (4 * Runtime.getRuntime().availableProcessors()) + 1);
        for (int from = 0; from < gaps.size(); from += perTask) {
            List<long[]> some = gaps.subList(from, Math.min(gaps.size(), from + perTask));
            checks.add(pool.submit(() -> {
                for (long[] g : some) {
                    if (!onlyOtherRecords(files.get((int) g[0]), g[1], g[2], hashes)) {
                        return false;
                    }
                }
                return true;
            }));
        }
        boolean all = true;
        for (java.util.concurrent.Future<Boolean> c : checks) {
            try {
                all &= c.get();
            } catch (java.util.concurrent.ExecutionException e) {
                all = false;
            }
        }
        List<Source> sources = files.stream().map(f -> new Source(f, f, false)).toList();
        return all ? Optional.of(new WarcIndex(sources, hashes, locs, lens, n, List.of())) : Optional.empty();
    }

    /**
     * Whether bytes {@code from} to {@code to} of {@code file} are whole WARC records that are not responses (warcinfo,
     * request, metadata), end to end, none of whose ids hash as one of {@code named} (sorted) does.
     */
    private static boolean onlyOtherRecords(Path file, long from, long to, long[] named) {
        try (FileChannel ch = FileChannel.open(file)) {
            ch.position(from);
            WarcReader reader = new WarcReader(ch);
            while (true) {
                Optional<WarcRecord> r = reader.next();
                long at = reader.position();
                if (r.isEmpty()) {
                    return to == ch.size(); // the gap ran to the end of the file
                }
                if (at == to) {
                    return true; // the named record that ends the gap
                }
                if (at > to || "response".equals(r.get().type()) || java.util.Arrays.binarySearch(named, hash(r.get().id().toString())) >= 0) {
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** How an answer for a place that holds another record begins (a hash shared by two ids, or a manifest's wrong place). */
    private static final String NOT_THIS_ID = "the record there is ";
    private static final String NOT_PER_RECORD = "not one gzip member per record";
    private static final long RESPONSE = 1L << 63;
    private static final int OFFSET_BITS = 44;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;

    /**
     * Indexes the records of {@code file} as file number {@code idx}; returns what stopped the reading early, if
     * anything. With {@code checkMembers}, a gzip record that does not start a gzip member stops the scan with
     * {@link #NOT_PER_RECORD} (jwarc then reports where the read had got to, not where the record starts).
     */
    private static Optional<Note> scan(Path file, int idx, LongList hashes, LongList locs, boolean checkMembers) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            WarcReader reader;
            try {
                reader = new WarcReader(ch);
            } catch (IOException | RuntimeException e) {
                return Optional.of(new Note("NOT_A_WARC", file, "not a WARC file (" + describe(e) + ")"));
            }
            boolean gzip = reader.compression() == WarcCompression.GZIP;
            long last = -1;
            long size = ch.size();
            while (true) {
                WarcRecord r;
                try {
                    Optional<WarcRecord> next = reader.next();
                    if (next.isEmpty()) {
                        return Optional.empty();
                    }
                    r = next.get();
                } catch (IOException | RuntimeException e) {
                    return Optional.of(new Note("WARC_CUT_SHORT", file, "unreadable after the record at byte " + Math.max(last, 0) + " of " + size
                            + " (" + describe(e) + "): what follows is not indexed"));
                }
                long at = reader.position();
                if (checkMembers && gzip && (at <= last || !gzipMemberAt(ch, at))) {
                    return Optional.of(new Note(NOT_PER_RECORD, file, NOT_PER_RECORD));
                }
                if (at > OFFSET_MASK) {
                    return Optional.of(new Note("WARC_CUT_SHORT", file, "larger than " + OFFSET_MASK + " bytes: what follows is not indexed"));
                }
                last = at;
                String id;
                try {
                    id = r.id().toString();
                } catch (RuntimeException e) {
                    return Optional.of(new Note("WARC_CUT_SHORT", file, "the record at byte " + at + " has no valid WARC-Record-ID: what follows is "
                            + "not indexed"));
                }
                hashes.add(hash(id));
                locs.add(((long) idx << OFFSET_BITS) | at | ("response".equals(r.type()) ? RESPONSE : 0));
            }
        }
    }

    private static boolean gzipMemberAt(FileChannel ch, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(3);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
            // positional reads: the reader's own position is not moved
        }
        return b.position() == 3 && b.get(0) == 0x1f && b.get(1) == (byte) 0x8b && b.get(2) == 8;
    }

    /** Decompresses a gzip file (every member) into {@code to}; returns where it was cut short, if it was. */
    private static Optional<Note> decompress(Path gz, Path to) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 64 * 1024); OutputStream out = Files.newOutputStream(to)) {
            try {
                in.transferTo(out);
            } catch (IOException e) {
                return Optional.of(new Note("WARC_CUT_SHORT", gz, "cut short or corrupt (" + describe(e) + "): what follows the damage is not "
                        + "indexed"));
            }
        }
        return Optional.empty();
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** FNV-1a over the id's characters, finished with a MurmurHash3 mix; collisions are confirmed by reading the id. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /** What reading the files found: files not one member per record, files cut short or not WARC at all. */
    public List<Note> notes() {
        return notes;
    }

    /** The files indexed, as given. */
    public List<Path> files() {
        return sources.stream().map(Source::given).toList();
    }

    /**
     * The payload of the response record with this id, wherever it is in the dataset's WARC files, and marks it named.
     *
     * @param expected where the manifest says the record is, for the message when it is not found
     */
    public Payload payload(String recordId, String expected) {
        long h = hash(recordId);
        int i = firstAt(h);
        int end = i;
        while (end < hashes.length && hashes[end] == h) {
            end++;
        }
        if (end - i == 1) {
            // The usual case: one candidate, whose id is compared as the record is read (no second header read).
            Payload p = read(i, recordId);
            if (!(p instanceof Unreadable u && u.message().startsWith(NOT_THIS_ID))) {
                markNamed(i);
                return p;
            }
        }
        List<Integer> matches = new ArrayList<>(1);
        for (int j = i; j < end && end - i > 1; j++) {
            if (recordId.equals(idAt(j))) {
                matches.add(j);
            }
        }
        if (matches.isEmpty()) {
            StringBuilder m = new StringBuilder("no WARC record with WARC-Record-ID ").append(recordId).append(" in the dataset's WARC files (")
                    .append(String.join(", ", files().stream().map(f -> f.getFileName().toString()).toList())).append("); the manifest says ")
                    .append(expected);
            notes.stream().filter(n -> !n.code().equals("WARC_READ_THROUGH_COPY")).forEach(n -> m.append("; ").append(n));
            return new NotFound(m.toString());
        }
        matches.forEach(this::markNamed);
        if (matches.size() > 1) {
            return new Duplicate(matches.stream().map(this::location).toList());
        }
        int j = matches.get(0);
        return read(j, recordId);
    }

    /**
     * Marks the response records with this id named, as {@link #payload} does, without handing on their payload: for
     * a verification whose workers read the content elsewhere, so that the same records count as unnamed.
     */
    public void markNamed(String recordId) {
        long h = hash(recordId);
        for (int j = firstAt(h); j < hashes.length && hashes[j] == h; j++) {
            if (recordId.equals(idAt(j))) {
                markNamed(j);
            }
        }
    }

    /** Marks the record at {@code offset} of a file of the index named, as {@link #payloadAt} does. */
    public void markNamedAt(Path file, long offset) {
        int f = sourceOf(file);
        if (f >= 0) {
            int k = entryAt(f, offset);
            if (k >= 0) {
                markNamed(k);
            }
        }
    }

    /** The index of {@code file} among the index's sources read in place (not spooled), or -1. */
    private int sourceOf(Path file) {
        for (int f = 0; f < sources.size(); f++) {
            if (sources.get(f).given().equals(file) && !sources.get(f).spooled()) {
                return f;
            }
        }
        return -1;
    }

    /** The payload of the record at {@code offset} of a file of the index (for manifests that give no record id). */
    public Payload payloadAt(Path file, long offset) {
        int f = sourceOf(file);
        if (f >= 0) {
            markNamedAt(file, offset);
            return read(f, offset, null);
        }
        return new Unreadable(new Location(file, offset), "the file is not one gzip member per record: a record without a WARC-Record-ID "
                + "in the manifest cannot be found in it");
    }

    /** Response records no manifest record named (all counted, the first {@link #MAX_LISTED} listed). */
    public long unnamedCount() {
        long n = 0;
        for (int j = 0; j < hashes.length; j++) {
            n += unnamedResponse(j) ? 1 : 0;
        }
        return n;
    }

    /** The first {@link #MAX_LISTED} response records no manifest record named, in file order. */
    public List<Unnamed> unnamed() {
        List<Integer> js = new ArrayList<>();
        for (int j = 0; j < hashes.length; j++) {
            if (unnamedResponse(j)) {
                js.add(j);
            }
        }
        js.sort((a, b) -> Long.compare(locs[a] & ~RESPONSE, locs[b] & ~RESPONSE));
        List<Unnamed> out = new ArrayList<>();
        for (int j : js.subList(0, Math.min(js.size(), MAX_LISTED))) {
            String target = "";
            String id = "";
            try {
                WarcRecord r = recordAt(file(j), offset(j));
                id = r.id().toString();
                target = r instanceof WarcResponse resp ? resp.target() : "";
            } catch (IOException | RuntimeException e) {
                // listed with what the index knows
            }
            out.add(new Unnamed(id, target, location(j)));
        }
        return out;
    }

    /** Entries by place (file and offset), built when a manifest record first gives a place without an id. */
    private volatile long[][] byPlace;

    private int entryAt(int file, long offset) {
        long[][] p = byPlace;
        if (p == null) {
            synchronized (this) {
                if (byPlace == null) {
                    long[] places = new long[locs.length];
                    for (int j = 0; j < locs.length; j++) {
                        places[j] = locs[j] & ~RESPONSE;
                    }
                    long[] entries = RadixSort.withOrigins(places, places.length);
                    byPlace = new long[][] {places, entries};
                }
                p = byPlace;
            }
        }
        int i = java.util.Arrays.binarySearch(p[0], ((long) file << OFFSET_BITS) | offset);
        return i < 0 ? -1 : (int) p[1][i];
    }

    private int firstAt(long h) {
        int lo = 0;
        int hi = hashes.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (hashes[mid] < h) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int file(int j) {
        return (int) ((locs[j] & ~RESPONSE) >>> OFFSET_BITS);
    }

    private long offset(int j) {
        return locs[j] & OFFSET_MASK;
    }

    private Location location(int j) {
        return new Location(sources.get(file(j)).given(), offset(j));
    }

    private void markNamed(int j) {
        long bit = 1L << (j & 63);
        named.getAndAccumulate(j >>> 6, bit, (a, b) -> a | b);
    }

    /** A response record no manifest record has named (so far). */
    private boolean unnamedResponse(int j) {
        return (locs[j] & RESPONSE) != 0 && !isNamed(j);
    }

    private boolean isNamed(int j) {
        return (named.get(j >>> 6) & (1L << (j & 63))) != 0;
    }

    /** The id of entry {@code j}, read from its file (null when it cannot be read). */
    private String idAt(int j) {
        try {
            return recordAt(file(j), offset(j)).id().toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private WarcRecord recordAt(int f, long offset) throws IOException {
        FileChannel ch = channel(f);
        ch.position(offset);
        return new WarcReader(ch).next().orElseThrow(() -> new IOException("no WARC record there"));
    }

    private Payload read(int j, String recordId) {
        if (lens != null) {
            return readPlace(j, recordId);
        }
        return read(file(j), offset(j), recordId);
    }

    /**
     * The {@code WARC-Record-ID} and {@code WARC-Type} of the record at a place, from its header block alone (the body
     * is not inflated): a few KiB of inflating a record instead of all of it. Null when the place does not start with
     * a WARC header block within 64 KiB. The record is read in full, and its id compared, when it is judged.
     */
    static String[] headerAt(FileChannel ch, long offset, long length, java.util.zip.Inflater inflater) throws IOException {
        for (int window = 1024; ; window *= 4) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(window, length));
            while (b.hasRemaining() && ch.read(b, offset + b.position()) > 0) {
                // positional reads
            }
            byte[] head = java.util.Arrays.copyOf(b.array(), b.position());
            if (head.length >= 10 && head[0] == 0x1f && head[1] == (byte) 0x8b && head[2] == 8) {
                head = inflatedPrefix(head, 4 * window, inflater);
            }
            String[] fields = headerFields(head);
            if (fields != null || window >= 65536 || b.position() >= length) {
                return fields;
            }
        }
    }

    /** The record id and type of a WARC header block at the start of {@code head}, or null when the block is not whole. */
    private static String[] headerFields(byte[] head) {
        if (head.length < 5 || head[0] != 'W' || head[1] != 'A' || head[2] != 'R' || head[3] != 'C' || head[4] != '/') {
            return null;
        }
        String id = null;
        String type = null;
        int i = 0;
        while (i < head.length) {
            int eol = i;
            while (eol < head.length && head[eol] != '\n') {
                eol++;
            }
            if (eol == head.length) {
                return null; // the block goes on past what was read
            }
            int end = eol > i && head[eol - 1] == '\r' ? eol - 1 : eol;
            if (end == i) {
                return id == null || type == null ? null : new String[] {id, type};
            }
            String line = new String(head, i, end - i, java.nio.charset.StandardCharsets.ISO_8859_1);
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim();
                if (name.equalsIgnoreCase("WARC-Record-ID")) {
                    id = line.substring(colon + 1).trim(); // <uri>, as jwarc gives it without the brackets
                    id = id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1) : id;
                } else if (name.equalsIgnoreCase("WARC-Type")) {
                    type = line.substring(colon + 1).trim();
                }
            }
            i = eol + 1;
        }
        return null;
    }

    /** As much of a gzip member as its first bytes inflate to (at most {@code max} bytes), with a reused inflater. */
    private static byte[] inflatedPrefix(byte[] gz, int max, java.util.zip.Inflater inflater) {
        int flags = gz[3] & 0xff;
        int p = 10;
        try {
            if ((flags & 4) != 0) { // FEXTRA
                p += 2 + ((gz[p] & 0xff) | (gz[p + 1] & 0xff) << 8);
            }
            for (int bit : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
                if ((flags & bit) != 0) {
                    while (gz[p] != 0) {
                        p++;
                    }
                    p++;
                }
            }
            if ((flags & 2) != 0) { // FHCRC
                p += 2;
            }
            inflater.reset();
            inflater.setInput(gz, p, gz.length - p);
            byte[] out = new byte[max];
            int n = 0;
            // In steps, stopping at the end of the header block: the rest of the record is not wanted here.
            while (n < max && !inflater.finished() && !inflater.needsInput()) {
                int got = inflater.inflate(out, n, Math.min(512, max - n));
                for (int i = Math.max(0, n - 3); i + 3 < n + got; i++) {
                    if (out[i] == '\r' && out[i + 1] == '\n' && out[i + 2] == '\r' && out[i + 3] == '\n') {
                        return java.util.Arrays.copyOf(out, i + 4);
                    }
                }
                n += got;
            }
            return java.util.Arrays.copyOf(out, n);
        } catch (ArrayIndexOutOfBoundsException | java.util.zip.DataFormatException e) {
            return new byte[0];
        }
    }

    /** A record of an index the manifest vouched for: alone in its place. */
    private Payload readPlace(int j, String recordId) {
        Location at = location(j);
        try (WarcReader reader = new WarcReader(new RangeChannel(channel(file(j)), offset(j), lens[j]))) {
            WarcRecord r = reader.next().orElseThrow(() -> new IOException("no WARC record there"));
            Payload p = payloadOf(r, recordId, at);
            if (p instanceof Stored) {
                Optional<WarcRecord> more = reader.next();
                if (more.isPresent()) {
                    return new Unreadable(at, "holds a second WARC record (" + more.get().id() + ") after " + recordId + ", which no manifest line "
                            + "names");
                }
            }
            return p;
        } catch (IOException | RuntimeException e) {
            return new Unreadable(at, "cannot be read (" + describe(e) + ")");
        }
    }

    private Payload read(int f, long offset, String recordId) {
        Location at = new Location(sources.get(f).given(), offset);
        try {
            return payloadOf(recordAt(f, offset), recordId, at);
        } catch (IOException | RuntimeException e) {
            return new Unreadable(at, "cannot be read (" + describe(e) + ")");
        }
    }

    /** The payload of a record read at {@code at}, which must have {@code recordId} (when given) and be a response. */
    private static Payload payloadOf(WarcRecord r, String recordId, Location at) throws IOException {
        if (recordId != null && !recordId.equals(r.id().toString())) {
            return new Unreadable(at, NOT_THIS_ID + r.id() + ", not " + recordId);
        }
        if (!(r instanceof WarcResponse resp)) {
            return new Unreadable(at, "the record " + r.id() + " is a '" + r.type() + "' record, not a response");
        }
        byte[] body = resp.http().body().stream().readNBytes(MAX_PAYLOAD_BYTES + 1);
        if (body.length > MAX_PAYLOAD_BYTES) {
            return new Unreadable(at, "the payload is larger than " + MAX_PAYLOAD_BYTES + " bytes; it was not read");
        }
        return new Stored(body, at);
    }

    private FileChannel channel(int f) throws IOException {
        FileChannel[] mine = channels.get();
        if (mine[f] == null) {
            mine[f] = FileChannel.open(sources.get(f).readFrom());
            opened.add(mine[f]);
        }
        return mine[f];
    }

    /** Closes every channel and deletes the decompressed copies. */
    @Override
    public void close() {
        synchronized (opened) {
            for (FileChannel ch : opened) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // read-only channels
                }
            }
            opened.clear();
        }
        deleteSpooled(sources);
    }

    private static void deleteSpooled(List<Source> sources) {
        for (Source s : sources) {
            if (s.spooled()) {
                try {
                    Files.deleteIfExists(s.readFrom());
                } catch (IOException e) {
                    // a temporary file left behind is no loss
                }
            }
        }
    }

    /** A growable array of longs. */
    private static final class LongList {
        long[] a = new long[1024];
        int size;

        void add(long v) {
            if (size == a.length) {
                a = java.util.Arrays.copyOf(a, a.length * 2);
            }
            a[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
