package org.cb4i.verifier.warc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * A part of a file, read by positional reads (so one {@link FileChannel} serves every thread): a WARC record read
 * through it cannot run into the record after its place.
 */
final class RangeChannel implements ReadableByteChannel {
    private final FileChannel file;
    private long position;
    private final long end;

    RangeChannel(FileChannel file, long offset, long length) {
        this.file = file;
        this.position = offset;
        this.end = offset + length;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= end) {
            return -1;
        }
        int limit = dst.limit();
        if (dst.remaining() > end - position) {
            dst.limit(dst.position() + (int) (end - position));
        }
        try {
            int n = file.read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        } finally {
            dst.limit(limit);
        }
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    @Override
    public void close() {
        // the file is the index's to close
    }
}
