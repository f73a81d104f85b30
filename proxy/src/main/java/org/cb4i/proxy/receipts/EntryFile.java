package org.cb4i.proxy.receipts;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads a receipts log's entries from its folder without opening the log (no lock, nothing written), for whoever
 * checks it beside a running proxy: each record is {@code length | CRC32C | entry} ([LOG-4]); reading stops at the
 * first record that is torn or fails its CRC (a running proxy may be writing the last one).
 */
public final class EntryFile {
    private EntryFile() {}

    /** Receives each entry with its index. */
    @FunctionalInterface
    public interface Entries {
        void accept(long index, byte[] entry) throws IOException;
    }

    /**
     * Hands every readable entry of the log in {@code logDir} to {@code sink}, in order: its sealed segments' (from the
     * hot disk or the archive, [LOG-5]) and then the active segment's.
     *
     * @return how many entries were read
     * @throws IOException when the folder holds no receipts log, or entries of it cannot be read (a sealed segment
     *     removed, or an archive that is not there: the message says which entries and where they were)
     */
    public static long forEach(Path logDir, Entries sink) throws IOException {
        Path file = logDir.resolve(ReceiptLog.ENTRIES);
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no receipts log here (a proxy's log.dir holds entries.log)");
        }
        // A running proxy may seal entries.log meanwhile: it is opened between two listings of the segments that agree.
        for (int attempt = 0; ; attempt++) {
            java.util.List<Segments.Seal> before = Segments.read(logDir);
            InputStream active = Files.newInputStream(file);
            java.util.List<Segments.Seal> seals = Segments.read(logDir);
            if (before.size() != seals.size() && attempt < 5) {
                active.close();
                continue;
            }
            try (active) {
                long n = 0;
                for (Segments.Seal seal : seals) {
                    Path where = switch (seal.where()) {
                        case HOT -> logDir.resolve(Segments.DIR).resolve(seal.name() + Segments.LOG);
                        case ARCHIVED -> seal.archived().orElseThrow();
                        case REMOVED -> null;
                    };
                    if (where == null || !Files.isReadable(where)) {
                        throw new IOException("entries " + seal.first() + " to " + (seal.end() - 1) + " of the receipts log in " + logDir + " cannot be read: "
                                + (where == null ? "they were removed after their retention" : where + " is not there (is the archive mounted?)"));
                    }
                    long[] next = {n};
                    long read;
                    try (InputStream in = Files.newInputStream(where)) {
                        read = forEachIn(in, (i, entry) -> sink.accept(next[0]++, entry));
                    }
                    if (read != seal.end() - seal.first()) {
                        throw new IOException(where + " holds " + read + " readable entries; its seal says " + (seal.end() - seal.first()));
                    }
                    n += read;
                }
                long[] next = {n};
                return n + forEachIn(active, (i, entry) -> sink.accept(next[0]++, entry));
            }
        }
    }

    /** Hands every readable entry of one segment's file to {@code sink}, in order, numbered from 0. */
    public static long forEachIn(Path segment, Entries sink) throws IOException {
        try (InputStream in = Files.newInputStream(segment)) {
            return forEachIn(in, sink);
        }
    }

    private static long forEachIn(InputStream raw, Entries sink) throws IOException {
        long n = 0;
        CRC32C c = new CRC32C();
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20));
        while (true) {
            int len;
            int crc;
            try {
                len = in.readInt();
                crc = in.readInt();
            } catch (EOFException e) {
                return n;
            }
            if (len <= 0 || len > ReceiptLog.MAX_ENTRY_BYTES) {
                return n;
            }
            byte[] entry = new byte[len];
            try {
                in.readFully(entry);
            } catch (EOFException e) {
                return n;
            }
            c.reset();
            c.update(entry);
            if ((int) c.getValue() != crc) {
                return n;
            }
            sink.accept(n++, entry);
        }
    }
}
