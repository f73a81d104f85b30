package org.cb4i.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestLinesTest {
    static String next(ManifestLines in) throws IOException {
        byte[] b = in.next();
        return b == null ? null : b == ManifestLines.TOO_LONG ? "TOO_LONG" : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void linesAreSplitOnLf_withoutCr_andTheLastLineNeedsNoNewline() throws IOException {
        ManifestLines in = new ManifestLines(new ByteArrayInputStream("a\r\n\nbé\nlast".getBytes(StandardCharsets.UTF_8)), 100);
        assertThat(next(in)).isEqualTo("a");
        assertThat(next(in)).isEmpty();
        assertThat(next(in)).isEqualTo("bé");
        assertThat(next(in)).isEqualTo("last");
        assertThat(next(in)).isNull();
    }

    @Test
    void aLineOverTheCap_isSkippedWithoutBeingHeld_andTheNextLineIsRead() throws IOException {
        // A 200 MB line, produced on the fly: the reader must neither keep it nor stop at it.
        InputStream huge = new InputStream() {
            long left = 200_000_000L;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        InputStream all = new java.io.SequenceInputStream(java.util.Collections.enumeration(java.util.List.of(
                new ByteArrayInputStream("first\n".getBytes()), huge, new ByteArrayInputStream("\nafter\n".getBytes()))));
        ManifestLines in = new ManifestLines(all, 1 << 20);
        assertThat(next(in)).isEqualTo("first");
        assertThat(next(in)).isEqualTo("TOO_LONG");
        assertThat(next(in)).isEqualTo("after");
        assertThat(next(in)).isNull();
    }
}
