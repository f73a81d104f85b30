package org.cb4i.issuer.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries the collector read from one member log in one page of the issuer's store
 * ([SET-9]): the entries of one collector page, in index order, in a compact binary form, instead of one database row
 * for each. A month of a large collective is millions of entries, and a row each made the database's writing of rows
 * most of what collecting cost; settlement and an invoice's entries read entries in (log, index) order, which pages in
 * the order of their first index give.
 *
 * <p>Format (version 1; every integer an unsigned LEB128 varint, signed ones zigzag-encoded; strings UTF-8, length first):
 * <pre>
 *   version (1)
 *   strings: count, then each string              -- licensees, license ids, usages, notes, key thumbprints, members
 *   entries: count, then each entry:
 *     index - previous index (the first: index - 0)
 *     leaf hash, 32 bytes
 *     time (epoch seconds) - previous time, zigzag (the first: minus 0)
 *     flags: 1 attested, 2 billable, 4 licensee, 8 jti, 16 note, 32 jkt, 64 rid, 128 path, 256 agreement
 *     member (string number), usage (string number)
 *     licensee, jti, note, jkt, agreement (string numbers, each when its flag is set)
 *     rid, path (strings, each when its flag is set)
 *     bytes
 * </pre>
 * The log is the page's column. A page that is not of this version is refused with a clear error.
 */
public final class UsagePage {
    static final int VERSION = 1;
    private static final HexFormat HEX = HexFormat.of();
    private static final int ATTESTED = 1;
    private static final int BILLABLE = 2;
    private static final int LICENSEE = 4;
    private static final int JTI = 8;
    private static final int NOTE = 16;
    private static final int JKT = 32;
    private static final int RID = 64;
    private static final int PATH = 128;
    private static final int AGREEMENT = 256;

    private UsagePage() {}

    /** Encodes entries of one log, in index order. */
    static byte[] encode(List<UsageStore.EntryRow> rows) {
        Map<String, Integer> numbers = new HashMap<>();
        List<String> strings = new ArrayList<>();
        Out body = new Out(rows.size() * 96 + 16);
        body.varint(rows.size());
        long prevIndex = 0;
        long prevAt = 0;
        for (UsageStore.EntryRow r : rows) {
            if (r.index() < prevIndex) {
                throw new IllegalArgumentException("entries out of index order: " + r.index() + " after " + prevIndex);
            }
            body.varint(r.index() - prevIndex);
            prevIndex = r.index();
            byte[] leaf = HEX.parseHex(r.leafHex());
            if (leaf.length != 32) {
                throw new IllegalArgumentException("a leaf hash of " + leaf.length + " bytes");
            }
            body.bytes(leaf);
            long at = r.at().getEpochSecond();
            body.varint((at - prevAt) << 1 ^ (at - prevAt) >> 63);
            prevAt = at;
            int flags = (r.attested() ? ATTESTED : 0) | (r.billable() ? BILLABLE : 0) | (r.licensee().isPresent() ? LICENSEE : 0)
                    | (r.jti().isPresent() ? JTI : 0) | (r.note().isPresent() ? NOTE : 0) | (r.jkt().isPresent() ? JKT : 0)
                    | (r.rid().isPresent() ? RID : 0) | (r.path().isPresent() ? PATH : 0) | (r.agreement().isPresent() ? AGREEMENT : 0);
            body.varint(flags);
            body.varint(number(r.member(), numbers, strings));
            body.varint(number(r.usage(), numbers, strings));
            for (Optional<String> s : List.of(r.licensee(), r.jti(), r.note(), r.jkt(), r.agreement())) {
                if (s.isPresent()) {
                    body.varint(number(s.get(), numbers, strings));
                }
            }
            r.rid().ifPresent(body::string);
            r.path().map(p -> p.length() > 2048 ? p.substring(0, 2048) : p).ifPresent(body::string);
            body.varint(r.bytes());
        }
        Out page = new Out(body.size + strings.size() * 48 + 8);
        page.varint(VERSION);
        page.varint(strings.size());
        strings.forEach(page::string);
        page.bytes(body.buf, body.size);
        return page.done();
    }

    private static int number(String s, Map<String, Integer> numbers, List<String> strings) {
        Integer n = numbers.get(s);
        if (n == null) {
            n = strings.size();
            strings.add(s);
            numbers.put(s, n);
        }
        return n;
    }

    /** A decoded entry handed to a reader. */
    interface Sink {
        void accept(UsageStore.EntryRow row);
    }

    /**
     * Decodes a page of {@code logId}, handing each entry to {@code sink} in index order.
     *
     * @throws StoreException when the page is not one this version wrote, or is cut short
     */
    static void decode(byte[] page, String logId, Sink sink) {
        In in = new In(page, logId);
        int version = (int) in.varint();
        if (version != VERSION) {
            throw new StoreException("a usage page of log " + logId + " is of format version " + version + "; this cb4i reads version " + VERSION);
        }
        int n = (int) in.varint();
        String[] strings = new String[n];
        for (int i = 0; i < n; i++) {
            strings[i] = in.string();
        }
        long count = in.varint();
        long index = 0;
        long at = 0;
        for (long i = 0; i < count; i++) {
            index += in.varint();
            String leaf = HEX.formatHex(in.bytes(32));
            long z = in.varint();
            at += (z >>> 1) ^ -(z & 1);
            int flags = (int) in.varint();
            String member = in.ref(strings);
            String usage = in.ref(strings);
            Optional<String> licensee = (flags & LICENSEE) != 0 ? Optional.of(in.ref(strings)) : Optional.empty();
            Optional<String> jti = (flags & JTI) != 0 ? Optional.of(in.ref(strings)) : Optional.empty();
            Optional<String> note = (flags & NOTE) != 0 ? Optional.of(in.ref(strings)) : Optional.empty();
            Optional<String> jkt = (flags & JKT) != 0 ? Optional.of(in.ref(strings)) : Optional.empty();
            Optional<String> agreement = (flags & AGREEMENT) != 0 ? Optional.of(in.ref(strings)) : Optional.empty();
            Optional<String> rid = (flags & RID) != 0 ? Optional.of(in.string()) : Optional.empty();
            Optional<String> path = (flags & PATH) != 0 ? Optional.of(in.string()) : Optional.empty();
            long bytes = in.varint();
            sink.accept(new UsageStore.EntryRow(logId, index, leaf, Instant.ofEpochSecond(at), licensee, jti, agreement, member, usage, bytes,
                    (flags & ATTESTED) != 0, (flags & BILLABLE) != 0, note, jkt, rid, path));
        }
        if (in.pos != page.length) {
            throw new StoreException("a usage page of log " + logId + " has " + (page.length - in.pos) + " bytes after its " + count + " entries");
        }
    }

    private static final class Out {
        byte[] buf;
        int size;

        Out(int capacity) {
            buf = new byte[Math.max(capacity, 16)];
        }

        void room(int n) {
            if (size + n > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void varint(long v) {
            room(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void bytes(byte[] b) {
            bytes(b, b.length);
        }

        void bytes(byte[] b, int n) {
            room(n);
            System.arraycopy(b, 0, buf, size, n);
            size += n;
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            bytes(b);
        }

        byte[] done() {
            return size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
        }
    }

    private static final class In {
        final byte[] b;
        final String logId;
        int pos;

        In(byte[] b, String logId) {
            this.b = b;
            this.logId = logId;
        }

        private StoreException cut() {
            return new StoreException("a usage page of log " + logId + " is cut short at byte " + pos);
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= b.length) {
                    throw cut();
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new StoreException("a usage page of log " + logId + " has a number longer than 64 bits at byte " + pos);
        }

        byte[] bytes(int n) {
            if (n < 0 || pos + n > b.length) {
                throw cut();
            }
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        String string() {
            long n = varint();
            if (n > b.length - pos) {
                throw cut();
            }
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        String ref(String[] strings) {
            long i = varint();
            if (i >= strings.length) {
                throw new StoreException("a usage page of log " + logId + " names string " + i + " of " + strings.length);
            }
            return strings[(int) i];
        }
    }
}
