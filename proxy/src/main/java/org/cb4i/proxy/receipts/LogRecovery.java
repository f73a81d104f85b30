package org.cb4i.proxy.receipts;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.function.Consumer;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.log.MerkleTree;

/**
 * Opening a receipts log ([LOG-4]): after a crash, every entry of {@code entries.log} is read, checked (CRC32C) and
 * indexed, a torn tail no published checkpoint covers is cut off, and the published checkpoint must be the root of the
 * entries; after a clean close, the tree is read from the index files instead, and trusted only if it matches. Either
 * way, receipt-id numbers are reserved past any that may have been handed out. Runs before the log's writer starts.
 */
final class LogRecovery {
    private LogRecovery() {}

    /**
     * {@link ReceiptLog#open}: the lock, a retirement left half done finished ({@link LogRetirement}), the key (made on
     * first use), then recovery or a resume from the index. A {@code retired} log ([LOG-6]) is opened to be served only.
     */
    static ReceiptLog open(ProxyConfig.LogSettings settings, Clock clock, Consumer<String> events, boolean retired) throws IOException {
        Files.createDirectories(settings.dir());
        FileChannel lockChannel = FileChannel.open(settings.dir().resolve(ReceiptLog.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the receipts log in " + settings.dir() + " is in use by another proxy process");
        }
        SigningKey key;
        try {
            if (!retired) {
                LogRetirement.finish(settings, events);
            }
            key = key(settings, retired, events);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
        ReceiptLog log = null;
        FileChannel ch = null;
        try {
            Segments segments = Segments.load(settings.dir(), events);
            ch = FileChannel.open(settings.dir().resolve(ReceiptLog.ENTRIES), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long[] clean = takeCleanMarker(settings.dir());
            // The receipt id index shorter than the clean close left it (damaged behind the log's back): the sealed
            // segments' ids, which are otherwise never read again, are indexed anew from their entries.
            boolean ridsShort = false;
            if (clean != null) {
                log = new ReceiptLog(settings, key, clock, events, ch, lock, EntryIndex.open(settings.dir(), true), segments);
                ridsShort = clean[2] >= 0 && log.index.ridSlots() <= clean[2];
                if (!resumeFromIndex(log, clean)) {
                    log.index.close();
                    log = null;
                    events.accept("receipts log: the index files in " + settings.dir() + " do not match entries.log; rebuilding them from it");
                }
            }
            if (log == null && segments.base() > 0) {
                // The sealed segments' leaf hashes were forced when each was sealed: only the active segment is read.
                log = new ReceiptLog(settings, key, clock, events, ch, lock, EntryIndex.open(settings.dir(), true), segments);
                if (sealedFromIndex(log)) {
                    ridsOfSealed(log, ridsShort);
                    recover(log);
                } else {
                    log.index.close();
                    log = null;
                    events.accept("receipts log: the entry index in " + settings.dir() + " does not give the sealed segments' checkpoints; "
                            + "rebuilding it from their entries");
                }
            }
            if (log == null) {
                log = new ReceiptLog(settings, key, clock, events, ch, lock, EntryIndex.open(settings.dir(), false), segments);
                rebuildSealed(log);
                recover(log);
            }
        } catch (IOException | RuntimeException e) {
            if (log != null) {
                log.index.close();
            }
            if (ch != null) {
                ch.close();
            }
            lock.release();
            lockChannel.close();
            throw e;
        }
        Checkpoint cp = log.checkpoint;
        boolean isFinal = cp != null && cp.isFinal();
        if (isFinal != retired) {
            log.close();
            throw new IOException(retired ? "the log in " + settings.dir() + " is kept with the retired logs, but its checkpoint is not final (it names "
                    + "no successor): move it back to where the proxy's log.dir is, or out of the retired folder"
                    : "the log in " + settings.dir() + " was retired: its final checkpoint names log " + cp.successor().orElseThrow() + " to go on, and "
                    + "it takes no more entries; move its files into " + settings.dir().resolve(LogRetirement.RETIRED).resolve(cp.logId()));
        }
        log.retired = retired;
        log.startWriter();
        return log;
    }

    /** The log's signing key: generated on first use (never for a retired log, whose key must be there). */
    private static SigningKey key(ProxyConfig.LogSettings settings, boolean retired, Consumer<String> events) throws IOException {
        if (Files.exists(settings.keyFile())) {
            return KeyFiles.readSigningKey(settings.keyFile());
        }
        if (retired) {
            throw new IOException("the retired log in " + settings.dir() + " has no key file " + settings.keyFile().getFileName());
        }
        SigningKey key = KeyFiles.generate(KeyAlgorithm.ED25519);
        Path keyDir = settings.keyFile().toAbsolutePath().getParent();
        Files.createDirectories(keyDir);
        AtomicFiles.write(settings.keyFile(), org.cb4i.sdk.json.Json.writePretty(key.privateJwk().toJSONObject())
                .getBytes(StandardCharsets.UTF_8), true, false);
        events.accept("receipts log: generated log key " + key.thumbprint() + " in " + settings.keyFile());
        return key;
    }

    /**
     * The sealed segments' leaf hashes from {@code entries.idx} (forced when each was sealed), checked against each
     * segment's checkpoint root; the index's records past them are dropped, to be rebuilt from the active segment. False
     * when the index falls short or disagrees.
     */
    static boolean sealedFromIndex(ReceiptLog log) throws IOException {
        long base = log.segments.base();
        if (log.index.entries() < base) {
            return false;
        }
        appendFromIndex(log, base);
        for (Segments.Seal s : log.segments.list()) {
            if (!HexFormat.of().formatHex(log.tree.root(s.end())).equals(s.root())) {
                return false;
            }
        }
        log.index.truncateEntries(base);
        return true;
    }

    /**
     * The receipt ids in sealed segments that the index on disk does not give: those of another form (their index is
     * kept in memory only), and with {@code all} every id (the id index was found damaged). Read from the segments that
     * have such ids and can be read; one that cannot is said, and its ids are not found until it can.
     */
    static void ridsOfSealed(ReceiptLog log, boolean all) throws IOException {
        if (all) {
            log.events.accept("receipts log: the receipt id index in " + log.dir + " is shorter than the clean close left it; "
                    + "indexing the sealed segments' receipt ids again from their entries");
        }
        for (Segments.Seal s : log.segments.list()) {
            if (s.otherRids() == 0 && !all) {
                continue;
            }
            Optional<Path> file = log.segments.file(s);
            if (file.isEmpty() || !Files.isReadable(file.get())) {
                log.events.accept("receipts log: the receipt ids of entries " + s.first() + " to " + (s.end() - 1)
                        + " cannot be looked up until their segment can be read");
                continue;
            }
            int batch = 4096;
            long[] numbers = new long[batch];
            long[] seqs = new long[batch];
            int[] n = {0};
            long[] seq = {s.first()};
            EntryFile.forEachIn(file.get(), (i, entry) -> {
                String rid = LogEntry.ridOf(entry);
                long number = rid == null ? -1 : log.ids.decode(rid);
                if (number >= 0) {
                    log.highestNumber = Math.max(log.highestNumber, number);
                    numbers[n[0]] = number;
                    seqs[n[0]++] = seq[0];
                    if (n[0] == batch) {
                        log.index.putRids(numbers, seqs, n[0]);
                        n[0] = 0;
                    }
                } else {
                    log.noteOtherRid(rid, seq[0]);
                }
                seq[0]++;
            });
            log.index.putRids(numbers, seqs, n[0]);
        }
    }

    /**
     * Every sealed segment's entries read and indexed again (the index was lost or disagreed), each segment checked
     * against its seal; a segment whose entries cannot be read (removed, or an archive that is not there) stops the open.
     */
    static void rebuildSealed(ReceiptLog log) throws IOException {
        for (Segments.Seal s : log.segments.list()) {
            Optional<Path> file = log.segments.file(s);
            if (file.isEmpty() || !Files.isReadable(file.get())) {
                throw new IOException("receipts log " + log.dir + ": its entry index must be rebuilt (a crash, or a damaged entries.idx), but entries "
                        + s.first() + " to " + (s.end() - 1) + " are " + (file.isEmpty() ? "removed from the disk" : "not readable at " + file.get())
                        + "; make the archive readable (log.segments.archive_dir) and start again, or restore entries.idx from a backup");
            }
            long bytes;
            try (FileChannel seg = FileChannel.open(file.get(), StandardOpenOption.READ)) {
                bytes = scan(log, seg);
            }
            if (log.tree.size() != s.end() || bytes != s.bytes() || !HexFormat.of().formatHex(log.tree.root(s.end())).equals(s.root())) {
                throw new IOException("receipts log " + log.dir + " is corrupt: segment " + file.get() + " does not hold what its seal says (entries "
                        + s.first() + " to " + (s.end() - 1) + ", " + s.bytes() + " bytes, root " + s.root() + "); restore it from a backup");
            }
        }
    }

    /** Appends the leaf hashes of entries {@code tree.size()} to {@code to - 1} from the index to the tree. */
    static void appendFromIndex(ReceiptLog log, long to) {
        byte[] hashes = new byte[4096 * 32];
        for (long at = log.tree.size(); at < to; at += 4096) {
            int n = (int) Math.min(4096, to - at);
            log.index.read(at, n, hashes);
            for (int i = 0; i < n; i++) {
                log.tree.appendLeafHash(java.util.Arrays.copyOfRange(hashes, 32 * i, 32 * i + 32));
            }
        }
    }

    /**
     * Reads and indexes the framed entries of one segment's file from its start, stopping at the first record that is
     * torn or fails its CRC; where it stopped.
     */
    static long scan(ReceiptLog log, FileChannel ch) throws IOException {
        long size = ch.size();
        long pos = 0;
        ReceiptLog.Staged staged = new ReceiptLog.Staged(4096);
        // The file is read front to back in large pieces (two reads an entry made a start take minutes on a big log).
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).limit(0);
        long bufStart = 0;
        CRC32C c = new CRC32C();
        while (pos < size) {
            int at = (int) (pos - bufStart);
            if (buf.limit() - at < 8 + ReceiptLog.MAX_ENTRY_BYTES && bufStart + buf.limit() < size) {
                buf.position(at).compact();
                bufStart = pos;
                EntryIndex.readFully(ch, buf, bufStart + buf.position());
                buf.flip();
                at = 0;
            }
            int available = buf.limit() - at;
            if (available < 8) {
                break;
            }
            int len = buf.getInt(at);
            int crc = buf.getInt(at + 4);
            if (len <= 0 || len > ReceiptLog.MAX_ENTRY_BYTES || available - 8 < len) {
                break;
            }
            c.reset();
            c.update(buf.array(), at + 8, len);
            if ((int) c.getValue() != crc) {
                break;
            }
            byte[] entry = java.util.Arrays.copyOfRange(buf.array(), at + 8, at + 8 + len);
            int i = staged.n++;
            staged.leaves[i] = MerkleTree.leafHash(entry);
            staged.offsets[i] = pos;
            staged.rids[i] = LogEntry.ridOf(entry);
            if (staged.n == staged.leaves.length) {
                log.index(staged);
            }
            pos += 8 + len;
        }
        log.index(staged);
        return pos;
    }

    /** After a crash (or with no clean-close marker): the active segment's entries read, checked and indexed; a torn tail cut off. */
    static void recover(ReceiptLog log) throws IOException {
        FileChannel channel = log.active.channel();
        long size = channel.size();
        long pos = scan(log, channel);
        if (pos < size) {
            long covered = published(log).map(Checkpoint::size).orElse(0L);
            if (covered > log.tree.size()) {
                // Not a torn tail: entries a published log.checkpoint covers would be cut off. Leave the file as it is.
                throw new IOException("receipts log " + log.dir + " is corrupt: entry " + log.tree.size() + " at offset " + pos + " of "
                        + log.dir.resolve(ReceiptLog.ENTRIES) + " cannot be read, but its log.checkpoint covers " + covered + " entries; the file is left "
                        + "as it is: restore it from a backup, or move the folder aside to start a new log");
            }
            log.events.accept("receipts log: truncated a torn tail of " + (size - pos) + " bytes at offset " + pos
                    + " in " + log.dir.resolve(ReceiptLog.ENTRIES) + " (" + log.tree.size() + " complete entries kept)");
            channel.truncate(pos);
            channel.force(true);
        }
        log.fileSize = pos;
        String corrupt = checkCheckpoint(log);
        if (corrupt != null) {
            throw new IOException("receipts log " + log.dir + " is corrupt: " + corrupt);
        }
        activeSince(log);
        reserveOnOpen(log);
    }

    /** When the active segment's first entry was written, from the entry itself (its age seals it). */
    static void activeSince(ReceiptLog log) {
        long base = log.active.base();
        if (log.tree.size() <= base) {
            return;
        }
        java.time.Instant since;
        try {
            since = LogEntry.parse(log.entry(base)).time();
        } catch (IOException | RuntimeException e) {
            since = java.time.Instant.EPOCH;
        }
        // An entry without a time (or unreadable) does not say when the segment began: it is timed from this start,
        // not from 1970 (which would seal it at once).
        log.activeSince = since.equals(java.time.Instant.EPOCH) ? log.clock.instant() : since;
    }

    /**
     * After a clean close: the log.tree from {@code entries.idx} (its leaf hashes, 40 bytes an entry, instead of every entry's
     * bytes), checked against the log.checkpoint the close published. False, with nothing kept, when anything disagrees.
     */
    static boolean resumeFromIndex(ReceiptLog log, long[] clean) throws IOException {
        long size = clean[1];
        if (log.active.channel().size() != clean[0] || log.index.entries() != size || log.index.ridSlots() <= clean[2] || clean[3] != 0) {
            return false; // changed since, or ids of another form (their index is in memory only): read the entries
        }
        if (size < log.segments.base()) {
            return false;
        }
        appendFromIndex(log, size);
        log.fileSize = clean[0];
        log.highestNumber = clean[2];
        if (checkCheckpoint(log) != null || log.checkpoint == null || log.checkpoint.size() != size) {
            return false; // a clean close checkpoints every entry
        }
        activeSince(log);
        reserveOnOpen(log);
        log.events.accept("receipts log: resumed " + size + (size == 1 ? " entry" : " entries") + " from its index (closed cleanly)");
        return true;
    }

    /** Reads and checks the published log.checkpoint against the log.tree; what is wrong, or null. */
    static String checkCheckpoint(ReceiptLog log) throws IOException {
        Optional<Checkpoint> published = published(log);
        if (published.isPresent()) {
            Checkpoint cp = published.get();
            if (cp.size() > log.tree.size()) {
                return "its log.checkpoint covers " + cp.size() + " entries but only " + log.tree.size() + " can be read";
            }
            if (!java.util.Arrays.equals(cp.root(), log.tree.root(cp.size()))) {
                return "the entries do not match the root of its log.checkpoint at size " + cp.size();
            }
            log.checkpoint = cp;
        }
        log.uncovered = log.tree.size() - (log.checkpoint == null ? 0 : log.checkpoint.size());
        return null;
    }

    /** The log.checkpoint last published, verified with the log's log.key; empty when none was. */
    static Optional<Checkpoint> published(ReceiptLog log) throws IOException {
        Path cpFile = log.dir.resolve(ReceiptLog.CHECKPOINT);
        return Files.exists(cpFile)
                ? Optional.of(Checkpoint.verify(Files.readString(cpFile).strip(), org.cb4i.sdk.key.KeySet.of(log.key.publicKey())))
                : Optional.empty();
    }

    static void reserveOnOpen(ReceiptLog log) throws IOException {
        long reserved = Files.exists(log.dir.resolve(ReceiptLog.RESERVED)) ? readReserved(log.dir) : 0;
        log.nextReservation.set(Math.max(reserved, log.highestNumber + 1));
        log.reserve(log.nextReservation.get() + ReceiptLog.RESERVATION_BLOCK);
    }

    /** Reads the clean-close marker, if any, and removes it durably before the log changes again. */
    static long[] takeCleanMarker(Path dir) throws IOException {
        Path marker = dir.resolve(ReceiptLog.CLEAN);
        if (!Files.exists(marker)) {
            return null;
        }
        String text = Files.readString(marker, StandardCharsets.US_ASCII).strip();
        Files.delete(marker);
        AtomicFiles.forceDirectory(dir);
        String[] parts = text.split(" ");
        if (parts.length != 4) {
            return null; // unreadable: the index is rebuilt, which is always safe
        }
        long[] v = new long[4];
        try {
            for (int i = 0; i < 4; i++) {
                v[i] = Long.parseLong(parts[i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return v;
    }

    static long readReserved(Path dir) throws IOException {
        String text = Files.readString(dir.resolve(ReceiptLog.RESERVED), StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(dir.resolve(ReceiptLog.RESERVED) + " should hold one decimal number (the receipt ids reserved so far); found \""
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"");
        }
    }
}
