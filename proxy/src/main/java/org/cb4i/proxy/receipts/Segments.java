package org.cb4i.proxy.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.json.Json;

/**
 * The receipts log's sealed segments ([LOG-5]). One log (one tree, one log id) is kept as segments: the active one is
 * {@code entries.log}; a sealed one is {@code segments/<first>-<end>.log} (entries {@code first} to {@code end - 1}, in
 * the same framing) with its {@code .seal} file: where its entries are, how many bytes they take, and the checkpoint
 * signed when it was sealed, which covers it. The leaf hashes of every entry stay in {@code entries.idx} on the hot
 * disk, forced when a segment is sealed, so that the tree and its proofs never need a segment's entries.
 *
 * <p><b>Sealing</b> (on the log's writer thread, between batches; every entry acknowledged and checkpointed): the index
 * is forced; the {@code .seal} file is written (atomically, forced); {@code entries.log} is renamed into
 * {@code segments/}; a new, empty {@code entries.log} is created. A crash between any two steps is finished by the
 * next open ({@link #load}): a last seal whose file is still {@code entries.log} is renamed then.
 *
 * <p><b>Release</b>: a sealed segment is copied to the archive folder ({@code .part}, forced, renamed), its
 * {@code .seal} then says where it is, and only then is the hot copy removed; without an archive folder, the
 * {@code .seal} says {@code removed} before the file goes. A crash at any point leaves either the hot copy or an
 * archived copy the {@code .seal} names (a leftover {@code .part} is replaced on the next try, a leftover hot copy of a
 * segment already archived is removed on the next open).
 *
 * <p>Thread-safe: the writer seals, the retention thread releases, any thread reads.
 */
public final class Segments implements AutoCloseable {
    static final String DIR = "segments";
    static final String SEAL = ".seal";
    static final String LOG = ".log";

    /** Where a sealed segment's entries are. */
    public enum Where { HOT, ARCHIVED, REMOVED }

    /** A sealed segment: entries {@code first} to {@code end - 1}, {@code bytes} long, sealed at {@code sealedAt}. */
    public record Seal(long first, long end, long bytes, Instant sealedAt, String root, String checkpoint, int otherRids, Where where,
            Optional<Path> archived) {
        /** The segment's file name without its extension: {@code <first>-<end>}, each 20 digits. */
        public String name() {
            return String.format("%020d-%020d", first, end);
        }

        Seal at(Where w, Optional<Path> archive) {
            return new Seal(first, end, bytes, sealedAt, root, checkpoint, otherRids, w, archive);
        }

        byte[] json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("first", first);
            m.put("end", end);
            m.put("bytes", bytes);
            m.put("sealed_at", sealedAt.toString());
            m.put("root", root);
            m.put("checkpoint", checkpoint);
            m.put("other_rids", otherRids);
            m.put("where", where.name().toLowerCase(java.util.Locale.ROOT));
            archived.ifPresent(p -> m.put("archive", p.toString()));
            return (Json.writePretty(m) + "\n").getBytes(StandardCharsets.UTF_8);
        }

        static Seal parse(Path file) throws IOException {
            JsonNode n;
            try {
                n = Json.mapper().readTree(Files.readAllBytes(file));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException(file + " is not a segment's seal (JSON): " + e.getOriginalMessage());
            }
            try {
                Where w = Where.valueOf(n.path("where").asText().toUpperCase(java.util.Locale.ROOT));
                Seal s = new Seal(need(n, "first", file).asLong(), need(n, "end", file).asLong(), need(n, "bytes", file).asLong(),
                        Instant.parse(need(n, "sealed_at", file).asText()), need(n, "root", file).asText(), need(n, "checkpoint", file).asText(),
                        n.path("other_rids").asInt(0), w, n.hasNonNull("archive") ? Optional.of(Path.of(n.get("archive").asText())) : Optional.empty());
                if (s.first < 0 || s.end <= s.first || !file.getFileName().toString().equals(s.name() + SEAL)) {
                    throw new IOException(file + " does not describe the segment its name says (first " + s.first + ", end " + s.end + ")");
                }
                return s;
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw new IOException(file + ": " + e.getMessage());
            }
        }

        private static JsonNode need(JsonNode n, String field, Path file) throws IOException {
            if (!n.hasNonNull(field)) {
                throw new IOException(file + " lacks \"" + field + "\"");
            }
            return n.get(field);
        }
    }

    /** An entry that is in a segment no longer on the hot disk and cannot be read from where it went. */
    public static final class ArchivedException extends IOException {
        ArchivedException(String message) {
            super(message);
        }
    }

    /** Test hook: the process halts at the step so named, as {@code kill -9} would stop it there. */
    static final String CRASH_AT = System.getProperty("cb4i.test.crash_at", "");

    static void crashPoint(String step) {
        if (step.equals(CRASH_AT)) {
            Runtime.getRuntime().halt(137);
        }
    }

    private final Path logDir;
    private final Path dir;
    private final Consumer<String> events;
    private final List<Seal> seals = new ArrayList<>();
    private final Map<Long, FileChannel> channels = new HashMap<>();

    private Segments(Path logDir, Consumer<String> events) {
        this.logDir = logDir;
        this.dir = logDir.resolve(DIR);
        this.events = events;
    }

    /**
     * The sealed segments of the log in {@code logDir}, with a seal or a release that a crash interrupted finished.
     *
     * @throws IOException when a seal cannot be read or the segments do not follow one another from entry 0
     */
    static Segments load(Path logDir, Consumer<String> events) throws IOException {
        Segments s = new Segments(logDir, events);
        if (!Files.isDirectory(s.dir)) {
            return s;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(s.dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(SEAL)).sorted().toList();
        }
        long next = 0;
        for (Path f : files) {
            Seal seal = Seal.parse(f);
            if (seal.first != next) {
                throw new IOException("receipts log " + logDir + " is corrupt: its segments do not follow one another (" + f.getFileName()
                        + " starts at entry " + seal.first + ", the one before ends at " + next + "); restore segments/ from a backup");
            }
            s.seals.add(seal);
            next = seal.end;
        }
        for (int i = 0; i < s.seals.size(); i++) {
            Seal seal = s.seals.get(i);
            Path hot = s.dir.resolve(seal.name() + LOG);
            if (seal.where != Where.HOT) {
                if (Files.deleteIfExists(hot)) {
                    events.accept("receipts log: removed the hot copy of segment " + seal.name() + ", which a stop had left after it was "
                            + seal.where.name().toLowerCase(java.util.Locale.ROOT));
                }
            } else if (!Files.exists(hot)) {
                Path active = logDir.resolve(ReceiptLog.ENTRIES);
                if (i == s.seals.size() - 1 && Files.exists(active) && Files.size(active) == seal.bytes) {
                    // A seal interrupted after its .seal was written: entries.log is still that segment.
                    Files.move(active, hot, StandardCopyOption.ATOMIC_MOVE);
                    AtomicFiles.forceDirectory(s.dir);
                    AtomicFiles.forceDirectory(logDir);
                    events.accept("receipts log: finished sealing segment " + seal.name() + ", which a stop had interrupted");
                } else {
                    events.accept("receipts log: segment " + seal.name() + " (entries " + seal.first + " to " + (seal.end - 1) + ") is missing from "
                            + s.dir + "; the tree and its proofs still hold, but those entries cannot be served: restore the file from a backup");
                }
            }
        }
        return s;
    }

    /** The first entry of the active segment: where the sealed ones end. */
    public synchronized long base() {
        return seals.isEmpty() ? 0 : seals.get(seals.size() - 1).end;
    }

    /** The sealed segments, oldest first. */
    public synchronized List<Seal> list() {
        return List.copyOf(seals);
    }

    /** The seal of the segment holding entry {@code seq} (which is below {@link #base()}). */
    synchronized Seal holding(long seq) {
        int lo = 0;
        int hi = seals.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Seal s = seals.get(mid);
            if (seq < s.first) {
                hi = mid - 1;
            } else if (seq >= s.end) {
                lo = mid + 1;
            } else {
                return s;
            }
        }
        throw new IllegalArgumentException("no sealed segment holds entry " + seq);
    }

    /** Whether entry {@code seq}'s bytes can be read now (its segment is hot, or archived where it can be read). */
    public boolean readable(long seq) {
        try {
            channel(holding(seq));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The exact bytes of entry {@code seq}, which starts at {@code offset} in its segment's file. */
    byte[] read(long seq, long offset) throws IOException {
        Seal s = holding(seq);
        try {
            return readRecord(channel(s), offset, seq, dir.resolve(s.name() + LOG));
        } catch (java.nio.channels.ClosedChannelException e) {
            // The segment moved to the archive while it was being read: read it where it is now.
            Seal now = holding(seq);
            return readRecord(channel(now), offset, seq, file(now).orElse(dir.resolve(now.name() + LOG)));
        }
    }

    private synchronized FileChannel channel(Seal s) throws IOException {
        FileChannel ch = channels.get(s.first);
        if (ch != null) {
            return ch;
        }
        Path file = switch (s.where) {
            case HOT -> dir.resolve(s.name() + LOG);
            case ARCHIVED -> s.archived.orElseThrow();
            case REMOVED -> null;
        };
        if (file == null) {
            throw new ArchivedException("entries " + s.first + " to " + (s.end - 1) + " were removed from the hot disk after their retention, "
                    + "and no archive folder was configured");
        }
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ArchivedException("entries " + s.first + " to " + (s.end - 1) + " are " + (s.where == Where.HOT ? "missing from the hot disk ("
                    : "archived in " + file + ", which cannot be read now (") + e.getClass().getSimpleName() + ")");
        }
        channels.put(s.first, ch);
        return ch;
    }

    /**
     * Entries {@code first + (k - i0)} for k in [{@code i0}, {@code i1}), all in the sealed segment holding {@code first},
     * starting at {@code offsets[k]}, into {@code into[k]}; left null when the segment is archived where it cannot be read.
     */
    void readRun(long first, long[] offsets, int i0, int i1, byte[][] into) throws IOException {
        Seal s = holding(first);
        FileChannel ch;
        try {
            ch = channel(s);
        } catch (ArchivedException e) {
            return; // [LOG-5]: the caller gives these as archived
        }
        try {
            readRecords(ch, offsets, i0, i1, first, dir.resolve(s.name() + LOG), into);
        } catch (java.nio.channels.ClosedChannelException e) {
            // The segment moved to the archive while it was being read: read each where it is now.
            for (int k = i0; k < i1; k++) {
                try {
                    into[k] = read(first + k - i0, offsets[k]);
                } catch (ArchivedException gone) {
                    into[k] = null;
                }
            }
        }
    }

    /** The most bytes of records read at once by {@link #readRecords}. */
    private static final int RUN_BYTES = 8 << 20;

    /**
     * Framed records {@code first + (k - i0)} at {@code offsets[k]} for k in [{@code i0}, {@code i1}) of one file, into
     * {@code into[k]}: the bytes of consecutive records read at once (up to {@link #RUN_BYTES}) and each record checked as
     * {@link #readRecord} checks it; a record not framed where the next one's offset says is read and checked by itself.
     */
    static void readRecords(FileChannel ch, long[] offsets, int i0, int i1, long first, Path file, byte[][] into) throws IOException {
        int k = i0;
        while (k < i1) {
            int m = k + 1;
            while (m < i1 && offsets[m] - offsets[k] <= RUN_BYTES && offsets[m] > offsets[m - 1]) {
                m++;
            }
            // Records k .. m-2 lie in [offsets[k], offsets[m-1]); record m-1 is read by itself.
            ByteBuffer run = ByteBuffer.allocate((int) (offsets[m - 1] - offsets[k]));
            if (EntryIndex.readFully(ch, run, offsets[k]) < run.capacity()) {
                throw new IOException("entries " + (first + k - i0) + " to " + (first + m - 1 - i0) + " of the receipts log in " + file
                        + " are cut short on disk");
            }
            for (int j = k; j < m - 1; j++) {
                int at = (int) (offsets[j] - offsets[k]);
                int len = run.getInt(at);
                int crc = run.getInt(at + 4);
                if (len <= 0 || len > ReceiptLog.MAX_ENTRY_BYTES || at + 8 + len != offsets[j + 1] - offsets[k]) {
                    into[j] = readRecord(ch, offsets[j], first + j - i0, file);
                    continue;
                }
                checkCrc(run.array(), at + 8, len, crc, first + j - i0, file);
                into[j] = java.util.Arrays.copyOfRange(run.array(), at + 8, at + 8 + len);
            }
            into[m - 1] = readRecord(ch, offsets[m - 1], first + m - 1 - i0, file);
            k = m;
        }
    }

    /** Never serve bytes that are not what was logged (a start after a clean stop does not re-read every entry). */
    private static void checkCrc(byte[] b, int off, int len, int crc, long seq, Path file) throws IOException {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        if ((int) c.getValue() != crc) {
            throw new IOException("entry " + seq + " of the receipts log in " + file + " is corrupt on disk (its CRC32C does not match)");
        }
    }

    /** A framed record at {@code off}: {@code length | CRC32C | entry}, checked. */
    static byte[] readRecord(FileChannel ch, long off, long seq, Path file) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8);
        EntryIndex.readFully(ch, head, off);
        head.flip();
        int len = head.remaining() < 8 ? -1 : head.getInt();
        int crc = len < 0 ? 0 : head.getInt();
        if (len <= 0 || len > ReceiptLog.MAX_ENTRY_BYTES) {
            throw new IOException("entry " + seq + " of the receipts log in " + file + " is corrupt on disk (a length of " + len + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        if (EntryIndex.readFully(ch, body, off + 8) < len) {
            throw new IOException("entry " + seq + " of the receipts log in " + file + " is cut short on disk");
        }
        checkCrc(body.array(), 0, len, crc, seq, file);
        return body.array();
    }

    /**
     * Seals the active segment (entries {@code first} to {@code end - 1}, {@code bytes} long, covered by {@code checkpoint}
     * whose root is {@code root}): its seal written, {@code entries.log} renamed into {@code segments/}. The caller has
     * forced the index and holds {@code active} open; it stays open for reading, under the segment's new name.
     *
     * @return the seal
     */
    Seal seal(long first, long end, long bytes, String root, String checkpoint, int otherRids, Instant now, FileChannel active) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.forceDirectory(logDir);
        Seal s = new Seal(first, end, bytes, now, root, checkpoint, otherRids, Where.HOT, Optional.empty());
        AtomicFiles.write(dir.resolve(s.name() + SEAL), s.json(), false, true);
        crashPoint("seal:written");
        Files.move(logDir.resolve(ReceiptLog.ENTRIES), dir.resolve(s.name() + LOG), StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.forceDirectory(dir);
        AtomicFiles.forceDirectory(logDir);
        crashPoint("seal:renamed");
        synchronized (this) {
            seals.add(s);
            channels.put(first, active);
        }
        return s;
    }

    /**
     * Takes segment {@code s} off the hot disk: copied to {@code archive} when there is one (forced, renamed into place,
     * then named in its seal), or marked removed; the hot copy is deleted last.
     */
    void release(Seal s, Optional<Path> archive) throws IOException {
        Path hot = dir.resolve(s.name() + LOG);
        Seal next;
        if (archive.isPresent()) {
            Path folder = archive.get();
            Files.createDirectories(folder);
            Path part = folder.resolve(s.name() + LOG + ".part");
            Path to = folder.resolve(s.name() + LOG).toAbsolutePath();
            Files.copy(hot, part, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                if (ch.size() != s.bytes) {
                    throw new IOException("copying segment " + s.name() + " to " + folder + " gave " + ch.size() + " bytes, not " + s.bytes);
                }
                ch.force(true);
            }
            crashPoint("archive:copied");
            Files.move(part, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.forceDirectory(folder);
            crashPoint("archive:renamed");
            next = s.at(Where.ARCHIVED, Optional.of(to));
        } else {
            next = s.at(Where.REMOVED, Optional.empty());
        }
        AtomicFiles.write(dir.resolve(s.name() + SEAL), next.json(), false, true);
        crashPoint("archive:sealed");
        synchronized (this) {
            seals.set(seals.indexOf(s), next);
            FileChannel ch = channels.remove(s.first);
            if (ch != null) {
                ch.close();
            }
        }
        Files.deleteIfExists(hot);
        AtomicFiles.forceDirectory(dir);
        events.accept("receipts log: segment " + s.name() + " (entries " + s.first + " to " + (s.end - 1) + ", " + s.bytes + " bytes) "
                + (archive.isPresent() ? "moved to " + next.archived.get() : "removed from the hot disk"));
    }

    /** Bytes of sealed segments on the hot disk, and archived ones. */
    public synchronized long[] bytes() {
        long hot = 0;
        long archived = 0;
        for (Seal s : seals) {
            if (s.where == Where.HOT) {
                hot += s.bytes;
            } else if (s.where == Where.ARCHIVED) {
                archived += s.bytes;
            }
        }
        return new long[] {hot, archived};
    }

    /** Where the entries of sealed segment {@code s} can be read, if anywhere. */
    Optional<Path> file(Seal s) {
        return switch (s.where) {
            case HOT -> Optional.of(dir.resolve(s.name() + LOG));
            case ARCHIVED -> s.archived;
            case REMOVED -> Optional.empty();
        };
    }

    /** Lists the sealed segments of the log in {@code logDir} without opening it (for readers beside a running proxy). */
    static List<Seal> read(Path logDir) throws IOException {
        Path d = logDir.resolve(DIR);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        List<Seal> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(d)) {
            for (Path f : list.filter(p -> p.getFileName().toString().endsWith(SEAL)).sorted().toList()) {
                out.add(Seal.parse(f));
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        channels.clear();
        if (first != null) {
            throw first;
        }
    }
}
