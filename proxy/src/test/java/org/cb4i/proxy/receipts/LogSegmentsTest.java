package org.cb4i.proxy.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receipts log in segments ([LOG-5]): sealed at a size or an age with a checkpoint covering each, released to an
 * archive (or removed) once every collective acknowledged them or after the retention, read across segments and from
 * the archive, {@code archived} when the archive cannot be read, and [LOG-4]'s crash behaviour at every step of a seal
 * and of an archive move (a child JVM halted there, as {@code kill -9} would stop it).
 */
class LogSegmentsTest {
    @TempDir
    Path tmp;
    final List<String> events = new ArrayList<>();

    Path dir() {
        return tmp.resolve("log");
    }

    Path archive() {
        return tmp.resolve("archive");
    }

    static ProxyConfig.LogSettings settings(Path dir, ProxyConfig.Segments seg) {
        return new ProxyConfig.LogSettings(dir, dir.resolve("log-key.jwk"), Duration.ofMillis(50), 1, Duration.ofMinutes(5), seg);
    }

    static ProxyConfig.Segments bySize(long bytes, Optional<Path> archive, Optional<Duration> retention) {
        return new ProxyConfig.Segments(bytes, Duration.ofDays(1), archive, retention, Duration.ofHours(1));
    }

    /** About 200 bytes an entry: 4096-byte segments hold some 20. */
    static byte[] entry(int i) {
        return ("{\"rid\":\"r" + i + "\",\"iss\":\"https://c.example\",\"n\":" + i + ",\"pad\":\"" + "x".repeat(160) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static void append(ReceiptLog log, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            log.append(entry(i)).get(5, TimeUnit.SECONDS);
        }
    }

    static void untilCovered(ReceiptLog log, long n) throws Exception {
        org.cb4i.sdk.Eventually.until(() -> log.checkpoint().map(Checkpoint::size).orElse(0L) >= n);
    }

    static byte[] rootOf(int n) {
        MerkleTree t = new MerkleTree();
        for (int i = 0; i < n; i++) {
            t.append(entry(i));
        }
        return t.root(n);
    }

    @Test
    void aLogSealsSegmentsAtItsSizeLimit_readsAcrossThem_andRestartsCleanOrAfterACrash() throws Exception {
        ProxyConfig.LogSettings s = settings(dir(), bySize(4096, Optional.empty(), Optional.empty()));
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            append(log, 0, 100);
            untilCovered(log, 100);
            List<Segments.Seal> seals = log.segments().list();
            assertThat(seals).hasSizeGreaterThanOrEqualTo(4);
            for (Segments.Seal seal : seals) {
                assertThat(seal.bytes()).isGreaterThanOrEqualTo(4096);
                assertThat(seal.root()).as("each seal carries the root its checkpoint signs at its end")
                        .isEqualTo(HexFormat.of().formatHex(rootOf((int) seal.end())));
                assertThat(Checkpoint.verify(seal.checkpoint(), org.cb4i.sdk.key.KeySet.of(log.key().publicKey())).size()).isEqualTo(seal.end());
                assertThat(dir().resolve("segments").resolve(seal.name() + ".log")).hasSize(seal.bytes());
            }
            for (int i = 0; i < 100; i++) {
                assertThat(log.entry(i)).as("entry %d", i).isEqualTo(entry(i));
            }
            assertThat(log.tree().root(100)).isEqualTo(rootOf(100));
        }
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            // Ids of another form ("r5") keep the index in memory, so the active segment is read again; the sealed ones are not.
            assertThat(events).as("%s", events).noneMatch(e -> e.contains("from their entries"));
            append(log, 100, 130);
            untilCovered(log, 130);
            assertThat(log.entry(5)).isEqualTo(entry(5));
            assertThat(log.indexOf("r5")).as("an id of another form, in a sealed segment").contains(5L);
        }
        Files.delete(dir().resolve(ReceiptLog.CLEAN)); // as after a crash: the active segment is read again, the sealed ones are not
        events.clear();
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            assertThat(log.size()).isEqualTo(130);
            assertThat(log.tree().root(130)).isEqualTo(rootOf(130));
            for (int i = 0; i < 130; i++) {
                assertThat(log.entry(i)).isEqualTo(entry(i));
            }
            assertThat(log.indexOf("r5")).contains(5L);
            assertThat(log.indexOf("r120")).contains(120L);
        }
    }

    @Test
    void receiptIds_areFoundInSealedSegments_afterACleanStopAndAfterACrash() throws Exception {
        ProxyConfig.LogSettings s = settings(dir(), bySize(4096, Optional.empty(), Optional.empty()));
        List<String> rids = new ArrayList<>();
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            for (int i = 0; i < 60; i++) {
                String rid = log.newRid();
                rids.add(rid);
                log.append(rid, ("{\"rid\":\"" + rid + "\",\"pad\":\"" + "y".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            }
            untilCovered(log, 60);
            assertThat(log.segments().list()).hasSizeGreaterThanOrEqualTo(2);
        }
        Files.delete(dir().resolve(ReceiptLog.CLEAN));
        events.clear();
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            assertThat(events).as("only the active segment was read").noneMatch(e -> e.contains("from their entries"));
            for (int i = 0; i < 60; i++) {
                assertThat(log.indexOf(rids.get(i))).as("rid %d", i).contains((long) i);
            }
        }
        events.clear();
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            assertThat(events).as("after a clean close").anyMatch(e -> e.contains("resumed 60 entries from its index"));
            assertThat(log.indexOf(rids.get(3))).contains(3L);
        }
        // The receipt id index cut short behind the log's back after a clean close: the sealed segments' ids, which a
        // start otherwise never reads again, are indexed anew from their entries.
        try (var ch = java.nio.channels.FileChannel.open(dir().resolve(EntryIndex.RIDS_INDEX), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(8);
        }
        events.clear();
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            assertThat(events).noneMatch(e -> e.contains("resumed"));
            assertThat(events).anyMatch(e -> e.contains("indexing the sealed segments' receipt ids again"));
            assertThat(log.segments().list()).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 0; i < 60; i++) {
                assertThat(log.indexOf(rids.get(i))).as("rid %d", i).contains((long) i);
            }
            String next = log.newRid();
            assertThat(rids).as("no reservation number is handed out twice").doesNotContain(next);
        }
    }

    @Test
    void anOldSegmentIsSealedByAge_evenWithNothingNewWritten() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        ProxyConfig.LogSettings s = settings(dir(), new ProxyConfig.Segments(1L << 30, Duration.ofHours(1), Optional.empty(), Optional.empty(),
                Duration.ofHours(1)));
        try (ReceiptLog log = ReceiptLog.open(s, clock, events::add)) {
            append(log, 0, 3);
            untilCovered(log, 3);
            assertThat(log.segments().list()).isEmpty();
            clock.advance(Duration.ofMinutes(61));
            org.cb4i.sdk.Eventually.until(() -> log.segments().list().size() == 1);
            assertThat(log.segments().list().get(0).end()).isEqualTo(3);
            append(log, 3, 4);
            assertThat(log.entry(3)).isEqualTo(entry(3));
            assertThat(log.entry(0)).isEqualTo(entry(0));
        }
    }

    @Test
    void segmentsLeaveTheHotDisk_onlyOnceEveryCollectiveAcknowledgedThem_andAreReadFromTheArchive_orSaidArchived() throws Exception {
        ProxyConfig.LogSettings s = settings(dir(), bySize(4096, Optional.of(archive()), Optional.empty()));
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            log.collectors(Set.of("https://a.example", "https://b.example"));
            append(log, 0, 70);
            untilCovered(log, 70);
            List<Segments.Seal> seals = log.segments().list();
            assertThat(seals).hasSizeGreaterThanOrEqualTo(3);
            assertThat(log.releaseNow()).as("no collective has acknowledged anything").isZero();
            long firstEnd = seals.get(0).end();
            ack(log, "https://a.example", seals.get(1).end());
            assertThat(log.releaseNow()).as("one of two collectives acknowledged").isZero();
            ack(log, "https://b.example", firstEnd);
            assertThat(log.releaseNow()).as("both acknowledged the first segment; only a has the second").isEqualTo(1);
            Segments.Seal first = log.segments().list().get(0);
            assertThat(first.where()).isEqualTo(Segments.Where.ARCHIVED);
            assertThat(dir().resolve("segments").resolve(first.name() + ".log")).doesNotExist();
            assertThat(archive().resolve(log.logId()).resolve(first.name() + ".log")).as("each log archives into a folder of its own").hasSize(first.bytes());
            assertThat(log.segments().list().get(1).where()).isEqualTo(Segments.Where.HOT);
            assertThat(log.segments().bytes()[1]).isEqualTo(first.bytes());
            assertThat(log.entry(0)).as("read from the archive").isEqualTo(entry(0));
            List<byte[]> read = new ArrayList<>();
            long n = EntryFile.forEach(dir(), (i, e) -> {
                assertThat(i).isEqualTo(read.size());
                read.add(e);
            });
            assertThat(n).as("a reader beside the proxy (cb4i statement check --log) reads across segments and the archive").isEqualTo(70);
            for (int i = 0; i < 70; i++) {
                assertThat(read.get(i)).isEqualTo(entry(i));
            }

            // The archive unmounted: the entry cannot be served, its leaf hash and proofs still can.
            Files.move(archive(), tmp.resolve("archive-away"));
            try (ReceiptLog reopened = reopenedAfterClose(log, s)) {
                assertThat(reopened.readable(0)).isFalse();
                assertThatThrownBy(() -> reopened.entry(0)).isInstanceOf(Segments.ArchivedException.class).hasMessageContaining("archived in");
                assertThat(reopened.leafHash(0)).isEqualTo(MerkleTree.leafHash(entry(0)));
                assertThat(org.cb4i.sdk.log.MerkleProofs.verifyInclusion(MerkleTree.leafHash(entry(0)), 0, 70, reopened.tree().inclusionProof(0, 70), rootOf(70))).isTrue();
                assertThat(reopened.readable(firstEnd)).isTrue();
                Files.move(tmp.resolve("archive-away"), archive());
                assertThat(reopened.entry(0)).as("readable again once the archive is back").isEqualTo(entry(0));
            }
        }
    }

    /** Closes {@code log} and opens it again (the caller's try closes the new one; closing the old twice does nothing harmful). */
    private ReceiptLog reopenedAfterClose(ReceiptLog log, ProxyConfig.LogSettings s) throws IOException {
        log.close();
        return ReceiptLog.open(s, Clock.systemUTC(), events::add);
    }

    /** A page of entries ([SET-8]) read a run at a time gives what reading each gives, across segments; a damaged byte is caught. */
    @Test
    void entriesReadAsARange_areTheEntriesReadOneByOne_acrossSegments_andARemovedSegmentIsNull() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        ProxyConfig.LogSettings s = settings(dir(), bySize(4096, Optional.empty(), Optional.of(Duration.ofDays(30))));
        try (ReceiptLog log = ReceiptLog.open(s, clock, events::add)) {
            append(log, 0, 100);
            untilCovered(log, 100);
            assertThat(log.segments().list()).hasSizeGreaterThanOrEqualTo(4);
            for (int[] r : new int[][] {{0, 100}, {0, 1}, {7, 63}, {99, 100}, {40, 40}, {(int) log.segments().list().get(1).first(), 100}}) {
                byte[][] got = log.entries(r[0], r[1]);
                assertThat(got.length).isEqualTo(r[1] - r[0]);
                for (int i = r[0]; i < r[1]; i++) {
                    assertThat(got[i - r[0]]).as("entry %d of %d..%d", i, r[0], r[1]).isEqualTo(entry(i));
                }
            }
            assertThatThrownBy(() -> log.entries(90, 101)).isInstanceOf(IllegalArgumentException.class);
            // A byte of an entry in the middle of the active file damaged on disk: the range read refuses it as the single read does.
            long active = log.segments().base();
            Path file = dir().resolve(ReceiptLog.ENTRIES);
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            int off = text.indexOf("xxxxxxxxxx", text.length() / 2) + 5;
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), off);
            }
            assertThatThrownBy(() -> log.entries(active, 100)).isInstanceOf(IOException.class).hasMessageContaining("corrupt on disk");
            assertThat(java.util.stream.LongStream.range(active, 100).filter(i -> {
                try {
                    log.entry(i);
                    return false;
                } catch (IOException e) {
                    return e.getMessage().contains("corrupt on disk");
                }
            }).count()).as("the single read finds the same one entry").isEqualTo(1);
            assertThat(log.entry(99)).as("not the last entry: the range's own check found it").isEqualTo(entry(99));
            clock.advance(Duration.ofDays(31));
            assertThat(log.releaseNow()).isPositive();
            byte[][] after = log.entries(0, (int) active);
            assertThat(java.util.Arrays.asList(after)).as("entries of removed segments come back null: the endpoint says archived").hasSize((int) active)
                    .containsOnlyNulls();
        }
    }

    @Test
    void withARetentionAndNoArchive_aSegmentIsRemovedWhenItsTimeIsUp_andItsEntriesSayArchived() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        ProxyConfig.LogSettings s = settings(dir(), bySize(4096, Optional.empty(), Optional.of(Duration.ofDays(30))));
        try (ReceiptLog log = ReceiptLog.open(s, clock, events::add)) {
            append(log, 0, 50);
            untilCovered(log, 50);
            assertThat(log.releaseNow()).isZero();
            clock.advance(Duration.ofDays(31));
            int sealed = log.segments().list().size();
            assertThat(log.releaseNow()).isEqualTo(sealed);
            assertThat(log.segments().list()).allMatch(x -> x.where() == Segments.Where.REMOVED);
            assertThat(log.readable(0)).isFalse();
            assertThatThrownBy(() -> log.entry(0)).isInstanceOf(Segments.ArchivedException.class).hasMessageContaining("removed");
            assertThat(log.tree().root(50)).isEqualTo(rootOf(50));
            assertThatThrownBy(() -> EntryFile.forEach(dir(), (i, e) -> { })).isInstanceOf(IOException.class)
                    .hasMessageContaining("entries 0 to").hasMessageContaining("removed after their retention");
        }
        Files.delete(dir().resolve(ReceiptLog.CLEAN));
        try (ReceiptLog log = ReceiptLog.open(s, clock, events::add)) {
            assertThat(log.size()).as("a crash after removal: the tree comes from the index, not from entries gone").isEqualTo(50);
            append(log, 50, 51);
            assertThat(log.entry(50)).isEqualTo(entry(50));
        }
        // An index that is lost cannot be rebuilt from entries that are gone: the open says which and what to do.
        Files.delete(dir().resolve(ReceiptLog.CLEAN));
        Files.write(dir().resolve(EntryIndex.ENTRIES_INDEX), new byte[0]);
        assertThatThrownBy(() -> ReceiptLog.open(s, clock, events::add)).isInstanceOf(IOException.class)
                .hasMessageContaining("must be rebuilt").hasMessageContaining("removed from the disk");
    }

    @Test
    void aDamagedIndex_isRebuiltFromTheSegmentsAndTheArchive() throws Exception {
        ProxyConfig.LogSettings s = settings(dir(), bySize(4096, Optional.of(archive()), Optional.of(Duration.ZERO)));
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            append(log, 0, 60);
            untilCovered(log, 60);
            log.releaseNow();
        }
        Files.delete(dir().resolve(ReceiptLog.CLEAN));
        byte[] idx = Files.readAllBytes(dir().resolve(EntryIndex.ENTRIES_INDEX));
        idx[45] ^= 1; // entry 1's leaf hash
        Files.write(dir().resolve(EntryIndex.ENTRIES_INDEX), idx);
        events.clear();
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            assertThat(events).anyMatch(e -> e.contains("rebuilding it from their entries"));
            assertThat(log.tree().root(60)).isEqualTo(rootOf(60));
            assertThat(log.leafHash(1)).isEqualTo(MerkleTree.leafHash(entry(1)));
        }
    }

    static void ack(ReceiptLog log, String iss, long size) throws IOException {
        // What LogEndpoints keeps once it checked the signature: here only the claims matter.
        String claims = "{\"iss\":\"" + iss + "\",\"log_id\":\"" + log.logId() + "\",\"size\":" + size + "}";
        String jws = "e30." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
        Files.createDirectories(log.ackFile(iss).getParent());
        Files.writeString(log.ackFile(iss), jws + "\n");
    }

    // ---- kill -9 at each step of a seal and of an archive move ----

    /** The child: appends entries, printing each one acknowledged, then releases; the crash hook halts it at the step. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ProxyConfig.LogSettings s = settings(dir, bySize(4096, Optional.of(Path.of(args[1])), Optional.of(Duration.ZERO)));
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), e -> System.out.println("event " + e))) {
            int n = Integer.parseInt(args[2]);
            for (int i = 0; i < n; i++) {
                log.append(entry(i)).get(5, TimeUnit.SECONDS);
                System.out.println("acked " + i);
            }
            untilCovered(log, n);
            log.releaseNow();
            System.out.println("released");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"seal:written", "seal:renamed", "archive:copied", "archive:renamed", "archive:sealed"})
    void killedAtAStepOfASealOrAnArchiveMove_theLogOpensWithEveryAcknowledgedEntry_andFinishesTheStep(String step) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dcb4i.test.crash_at=" + step, "-cp",
                System.getProperty("java.class.path"), LogSegmentsTest.class.getName(), dir().toString(), archive().toString(), "60")
                .redirectErrorStream(true).start();
        int acked = -1;
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
                if (line.startsWith("acked ")) {
                    acked = Integer.parseInt(line.substring(6));
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("halted at %s: %s", step, out).isEqualTo(137);
        assertThat(out).noneMatch(l -> l.equals("released"));

        ProxyConfig.LogSettings s = settings(dir(), bySize(4096, Optional.of(archive()), Optional.of(Duration.ZERO)));
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            assertThat(log.size()).as("every acknowledged entry is there").isGreaterThanOrEqualTo(acked + 1);
            long size = log.size();
            assertThat(log.tree().root(size)).isEqualTo(rootOf((int) size));
            for (int i = 0; i < size; i++) {
                assertThat(log.entry(i)).as("entry %d after a kill at %s", i, step).isEqualTo(entry(i));
            }
            log.releaseNow();
            append(log, (int) size, (int) size + 40);
            untilCovered(log, size + 40);
            log.releaseNow();
            for (Segments.Seal seal : log.segments().list()) {
                assertThat(seal.where()).isEqualTo(Segments.Where.ARCHIVED);
                assertThat(archive().resolve(log.logId()).resolve(seal.name() + ".log")).hasSize(seal.bytes());
            }
            for (int i = 0; i < size + 40; i++) {
                assertThat(log.entry(i)).isEqualTo(entry(i));
            }
        }
        Path only;
        try (Stream<Path> ids = Files.list(archive())) {
            List<Path> folders = ids.toList();
            assertThat(folders).as("one log, one archive folder").hasSize(1);
            only = folders.get(0);
        }
        try (Stream<Path> a = Files.list(only); Stream<Path> h = Files.list(dir().resolve("segments"))) {
            assertThat(a).noneMatch(f -> f.toString().endsWith(".part"));
            assertThat(h).noneMatch(f -> f.toString().endsWith(".log"));
        }
    }
}
