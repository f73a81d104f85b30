package org.cb4i.sdk.dataset;

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
    void indexOfNewline_findsTheFirstNewline_atEveryPlaceAroundTheEightByteSteps() {
        for (int len = 0; len < 40; len++) {
            for (int from = 0; from <= len; from++) {
                for (int at = -1; at < len; at++) {
                    byte[] b = new byte[len];
                    for (int i = 0; i < len; i++) {
                        b[i] = (byte) (i % 3 == 0 ? 0x0B : i % 3 == 1 ? 0x8A : 'x'); // bytes one bit from '\n'
                    }
                    if (at >= 0) {
                        b[at] = '\n';
                        if (at + 1 < len) {
                            b[at + 1] = '\n'; // a second one must not be taken for the first
                        }
                    }
                    int want = at >= from ? at : at >= 0 && at + 1 >= from && at + 1 < len ? at + 1 : -1;
                    assertThat(ManifestLines.indexOfNewline(b, from, len)).as("len %d from %d at %d", len, from, at).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void linesAreTheSame_howeverTheInputArrivesInPieces() throws IOException {
        java.util.Random random = new java.util.Random(11);
        StringBuilder all = new StringBuilder();
        java.util.List<String> want = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int n = random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(40); // some lines longer than the 64 KiB buffer
            String line = "l" + i + "é".repeat(n % 3) + "x".repeat(n);
            want.add(line);
            all.append(line).append(random.nextBoolean() ? "\r\n" : "\n");
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
        InputStream pieces = new InputStream() { // hands out 1 to 100,000 bytes at a time
            int at;

            @Override
            public int read() {
                return at < bytes.length ? bytes[at++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 1 + random.nextInt(100_000)), bytes.length - at);
                System.arraycopy(bytes, at, b, off, n);
                at += n;
                return n;
            }
        };
        ManifestLines in = new ManifestLines(pieces, 1 << 20);
        for (String w : want) {
            assertThat(next(in)).isEqualTo(w);
        }
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
