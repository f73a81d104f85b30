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

    /** {@link ReceiptLog#open}: the key (made on first use), the lock, then recovery or a resume from the index. */
    static ReceiptLog open(ProxyConfig.LogSettings settings, Clock clock, Consumer<String> events) throws IOException {
        Files.createDirectories(settings.dir());
        SigningKey key;
        if (Files.exists(settings.keyFile())) {
            key = KeyFiles.readSigningKey(settings.keyFile());
        } else {
            key = KeyFiles.generate(KeyAlgorithm.ED25519);
            Path keyDir = settings.keyFile().toAbsolutePath().getParent();
            Files.createDirectories(keyDir);
            AtomicFiles.write(settings.keyFile(), org.cb4i.sdk.json.Json.writePretty(key.privateJwk().toJSONObject())
                    .getBytes(StandardCharsets.UTF_8), true, false);
            events.accept("receipts log: generated log key " + key.thumbprint() + " in " + settings.keyFile());
        }
        FileChannel ch = FileChannel.open(settings.dir().resolve(ReceiptLog.ENTRIES), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("the receipts log in " + settings.dir() + " is in use by another proxy process");
        }
        ReceiptLog log = null;
        try {
            long[] clean = takeCleanMarker(settings.dir());
            if (clean != null) {
                log = new ReceiptLog(settings, key, clock, events, ch, lock, EntryIndex.open(settings.dir(), true));
                if (!resumeFromIndex(log, clean)) {
                    log.index.close();
                    log = null;
                    events.accept("receipts log: the index files in " + settings.dir() + " do not match entries.log; rebuilding them from it");
                }
            }
            if (log == null) {
                log = new ReceiptLog(settings, key, clock, events, ch, lock, EntryIndex.open(settings.dir(), false));
                recover(log);
            }
        } catch (IOException | RuntimeException e) {
            if (log != null) {
                log.index.close();
            }
            lock.release();
            ch.close();
            throw e;
        }
        log.startWriter();
        return log;
    }

    /** After a crash (or with no clean-close marker): every entry read, checked and indexed; a torn tail cut off. */
    static void recover(ReceiptLog log) throws IOException {
        long size = log.channel.size();
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
                EntryIndex.readFully(log.channel, buf, bufStart + buf.position());
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
            log.channel.truncate(pos);
            log.channel.force(true);
        }
        log.fileSize = pos;
        String corrupt = checkCheckpoint(log);
        if (corrupt != null) {
            throw new IOException("receipts log " + log.dir + " is corrupt: " + corrupt);
        }
        reserveOnOpen(log);
    }

    /**
     * After a clean close: the log.tree from {@code entries.idx} (its leaf hashes, 40 bytes an entry, instead of every entry's
     * bytes), checked against the log.checkpoint the close published. False, with nothing kept, when anything disagrees.
     */
    static boolean resumeFromIndex(ReceiptLog log, long[] clean) throws IOException {
        long size = clean[1];
        if (log.channel.size() != clean[0] || log.index.entries() != size || log.index.ridSlots() <= clean[2] || clean[3] != 0) {
            return false; // changed since, or ids of another form (their index is in memory only): read the entries
        }
        byte[] hashes = new byte[4096 * 32];
        for (long at = 0; at < size; at += 4096) {
            int n = (int) Math.min(4096, size - at);
            log.index.read(at, n, hashes);
            for (int i = 0; i < n; i++) {
                log.tree.appendLeafHash(java.util.Arrays.copyOfRange(hashes, 32 * i, 32 * i + 32));
            }
        }
        log.fileSize = clean[0];
        log.highestNumber = clean[2];
        if (checkCheckpoint(log) != null || log.checkpoint == null || log.checkpoint.size() != size) {
            return false; // a clean close checkpoints every entry
        }
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
