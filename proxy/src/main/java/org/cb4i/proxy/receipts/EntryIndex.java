package org.cb4i.proxy.receipts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.cb4i.sdk.log.MerkleTree;

/**
 * What the receipts log finds entries by, kept on disk rather than on the heap, so that a proxy's memory does not
 * grow with its log: for each entry its leaf hash and file offset ({@code entries.idx}, 40 bytes an entry, which is
 * also the Merkle tree's leaf store), and for each receipt reservation number the entry that used it
 * ({@code rids.idx}, 8 bytes a number; see {@link ReceiptIds}). Both are derived from {@code entries.log} alone: rebuilt
 * from it at an open unless the log was closed cleanly (then they were forced to disk, and the log's marker says so),
 * so they are not forced as entries come and no crash can make them disagree with it.
 *
 * <p>One writer (the log's writer thread); reads from any thread see what was written before (positional reads
 * and writes on one file).
 */
final class EntryIndex implements MerkleTree.LeafStore, AutoCloseable {
    static final String ENTRIES_INDEX = "entries.idx";
    static final String RIDS_INDEX = "rids.idx";
    private static final int RECORD = 40;
    /** A batch whose reservation numbers spread wider than this writes them one by one rather than as one span. */
    private static final int MAX_SPAN = 64 * 1024;

    private final FileChannel entries;
    private final FileChannel rids;

    private EntryIndex(FileChannel entries, FileChannel rids) {
        this.entries = entries;
        this.rids = rids;
    }

    /** The index files in {@code dir}: as a clean close left them ({@code keep}), or empty, replacing any left before. */
    static EntryIndex open(Path dir, boolean keep) throws IOException {
        FileChannel e = channel(dir.resolve(ENTRIES_INDEX), keep);
        try {
            return new EntryIndex(e, channel(dir.resolve(RIDS_INDEX), keep));
        } catch (IOException | RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    private static FileChannel channel(Path p, boolean keep) throws IOException {
        return keep ? FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** How many entries {@code entries.idx} holds. */
    long entries() throws IOException {
        return entries.size() / RECORD;
    }

    /** Drops the records of entries {@code n} and after (to be indexed again). */
    void truncateEntries(long n) throws IOException {
        if (entries.size() > n * RECORD) {
            entries.truncate(n * RECORD);
        }
    }

    /** How many reservation numbers {@code rids.idx} has room for. */
    long ridSlots() throws IOException {
        return rids.size() / 8;
    }

    /** Forces both files to disk (before a clean close says they can be trusted). */
    void force() throws IOException {
        entries.force(false);
        rids.force(false);
    }

    /** Records entries {@code first} to {@code first + n - 1}: their leaf hashes and where each starts in the log file. */
    void putEntries(long first, byte[][] leafHashes, long[] offsets, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n * RECORD);
        for (int i = 0; i < n; i++) {
            buf.put(leafHashes[i]).putLong(offsets[i]);
        }
        writeFully(entries, buf.flip(), first * RECORD);
    }

    /** Records that reservation {@code numbers[i]} was used by entry {@code seqs[i]}, for i below n. */
    void putRids(long[] numbers, long[] seqs, int n) throws IOException {
        long lo = Long.MAX_VALUE;
        long hi = -1;
        for (int i = 0; i < n; i++) {
            if (numbers[i] >= 0) {
                lo = Math.min(lo, numbers[i]);
                hi = Math.max(hi, numbers[i]);
            }
        }
        if (hi < 0) {
            return;
        }
        if (hi - lo >= MAX_SPAN) {
            ByteBuffer one = ByteBuffer.allocate(8);
            for (int i = 0; i < n; i++) {
                if (numbers[i] >= 0) {
                    writeFully(rids, one.clear().putLong(seqs[i] + 1).flip(), numbers[i] * 8);
                }
            }
            return;
        }
        // One read and one write for the batch: the numbers of a batch are close (responses end in about the order
        // they began); the read keeps the slots between them that earlier batches filled.
        ByteBuffer span = ByteBuffer.allocate((int) (hi - lo + 1) * 8);
        readFully(rids, span, lo * 8);
        for (int i = 0; i < n; i++) {
            if (numbers[i] >= 0) {
                span.putLong((int) (numbers[i] - lo) * 8, seqs[i] + 1);
            }
        }
        writeFully(rids, span.clear(), lo * 8);
    }

    /** Where entries {@code from} to {@code from + count - 1} start in their log files: the index's records read at once. */
    long[] offsets(long from, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count * RECORD);
        if (readFully(entries, b, from * RECORD) < b.capacity()) {
            throw new IOException("the entry index ends before entry " + (from + count - 1));
        }
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = b.getLong(i * RECORD + 32);
        }
        return out;
    }

    /** Where entry {@code seq} starts in the log file. */
    long offset(long seq) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8);
        if (readFully(entries, b, seq * RECORD + 32) < 8) {
            throw new IOException("the entry index has no record for entry " + seq);
        }
        return b.getLong(0);
    }

    /** The entry that used reservation {@code number}, or -1. */
    long entryOf(long number) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8);
        return readFully(rids, b, number * 8) < 8 ? -1 : b.getLong(0) - 1;
    }

    @Override
    public void read(long from, int count, byte[] into) {
        ByteBuffer b = ByteBuffer.allocate(count * RECORD);
        try {
            if (readFully(entries, b, from * RECORD) < b.capacity()) {
                throw new IOException("the entry index ends before entry " + (from + count - 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < count; i++) {
            b.get(i * RECORD, into, i * 32, 32);
        }
    }

    /** Reads until {@code b} is full or the file ends; the bytes read (positions past the end read as nothing). */
    static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Writes all of {@code b} at {@code pos}. */
    static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            entries.close();
        } finally {
            rids.close();
        }
    }
}
