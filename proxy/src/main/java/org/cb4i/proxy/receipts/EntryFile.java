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
     * Hands every readable entry of the log in {@code logDir} to {@code sink}, in order.
     *
     * @return how many entries were read
     * @throws IOException when the folder holds no receipts log or it cannot be read
     */
    public static long forEach(Path logDir, Entries sink) throws IOException {
        Path file = logDir.resolve(ReceiptLog.ENTRIES);
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no receipts log here (a proxy's log.dir holds entries.log)");
        }
        long n = 0;
        CRC32C c = new CRC32C();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
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
}
