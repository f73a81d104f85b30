package org.cb4i.proxy.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.log.MerkleTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability of the receipts log ([LOG-4]; research/security.md A5). */
public class ReceiptLogTest {
    @TempDir
    Path dir;
    final List<String> events = new ArrayList<>();

    ProxyConfig.LogSettings settings(int entries) {
        return new ProxyConfig.LogSettings(dir, dir.resolve("log-key.jwk"), Duration.ofMillis(100), entries);
    }

    static byte[] entry(int i) {
        return ("{\"rid\":\"r" + i + "\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    ReceiptLog open() throws IOException {
        return ReceiptLog.open(settings(5), Clock.systemUTC(), events::add);
    }

    @Test
    void anIdleLog_signsItsCheckpointAgain_andARestartAfterALongStopDoesSoAtOnce() throws Exception { // [LOG-3]
        org.cb4i.sdk.MutableClock clock = new org.cb4i.sdk.MutableClock(java.time.Instant.parse("2026-11-30T23:00:00Z"));
        ProxyConfig.LogSettings s = new ProxyConfig.LogSettings(dir, dir.resolve("log-key.jwk"), Duration.ofMillis(100), 1, Duration.ofMinutes(5));
        try (ReceiptLog log = ReceiptLog.open(s, clock, events::add)) {
            log.append(entry(0)).get(5, TimeUnit.SECONDS);
            org.cb4i.sdk.Eventually.until(() -> log.checkpoint().isPresent());
            java.time.Instant first = log.checkpoint().get().time();
            clock.advance(Duration.ofMinutes(6));
            org.cb4i.sdk.Eventually.until(() -> log.checkpoint().get().time().isAfter(first));
            assertThat(log.checkpoint().get().size()).as("the same tree, signed again").isEqualTo(1);
        }
        clock.advance(Duration.ofHours(2));
        try (ReceiptLog log = ReceiptLog.open(s, clock, events::add)) {
            org.cb4i.sdk.Eventually.until(() -> log.checkpoint().get().time().equals(clock.instant()));
        }
    }

    @Test
    void entries_surviveARestart_withTheirCheckpoint() throws Exception {
        String id;
        try (ReceiptLog log = open()) {
            id = log.logId();
            List<CompletableFuture<Long>> acks = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                acks.add(log.append(entry(i)));
            }
            for (int i = 0; i < 12; i++) {
                assertThat(acks.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i);
            }
        }
        try (ReceiptLog log = open()) {
            assertThat(log.logId()).as("the key is kept").isEqualTo(id);
            assertThat(log.size()).isEqualTo(12);
            assertThat(log.checkpoint().map(Checkpoint::size)).as("close publishes a final checkpoint").contains(12L);
            assertThat(new String(log.entry(7), StandardCharsets.UTF_8)).contains("\"n\":7");
            assertThat(log.indexOf("r11")).contains(11L);
        }
    }

    @Test
    void tornTail_isTruncatedWithAMessage_andCompleteEntriesKept() throws Exception {
        try (ReceiptLog log = open()) {
            for (int i = 0; i < 3; i++) {
                log.append(entry(i)).get(5, TimeUnit.SECONDS);
            }
        }
        Path file = dir.resolve(ReceiptLog.ENTRIES);
        long good = Files.size(file);
        Files.write(file, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, '{', '"'}, StandardOpenOption.APPEND);
        try (ReceiptLog log = open()) {
            assertThat(log.size()).isEqualTo(3);
            assertThat(Files.size(file)).isEqualTo(good);
            log.append(entry(3)).get(5, TimeUnit.SECONDS);
        }
        assertThat(events).anyMatch(e -> e.contains("truncated a torn tail of 10 bytes"));
        try (ReceiptLog log = open()) {
            assertThat(log.size()).isEqualTo(4);
        }
    }

    @Test
    void entriesCoveredByTheCheckpointButUnreadable_refuseToOpen() throws Exception {
        try (ReceiptLog log = open()) {
            for (int i = 0; i < 6; i++) {
                log.append(entry(i)).get(5, TimeUnit.SECONDS);
            }
        }
        Path file = dir.resolve(ReceiptLog.ENTRIES);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40; // a flipped bit in the middle: not a torn tail, a corrupt log
        Files.write(file, bytes);
        Files.deleteIfExists(dir.resolve(ReceiptLog.CLEAN)); // as after a crash: every entry is read
        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("corrupt")
                .hasMessageContaining("checkpoint covers 6 entries").hasMessageContaining("left as it is");
        assertThat(Files.readAllBytes(file)).as("the entries after the bad one are not cut off").isEqualTo(bytes);
    }

    @Test
    void entriesPastTheLastCheckpoint_areCoveredSoonAfterARestart() throws Exception {
        try (ReceiptLog log = open()) {
            for (int i = 0; i < 3; i++) {
                log.append(entry(i)).get(5, TimeUnit.SECONDS);
            }
        }
        String coversThree = Files.readString(dir.resolve(ReceiptLog.CHECKPOINT));
        try (ReceiptLog log = open()) {
            log.append(entry(3)).get(5, TimeUnit.SECONDS);
        }
        // As after a crash between a write and the next checkpoint: entry 3 is on disk, the checkpoint covers 3.
        Files.writeString(dir.resolve(ReceiptLog.CHECKPOINT), coversThree);
        try (ReceiptLog log = open()) {
            assertThat(log.size()).isEqualTo(4);
            assertThat(log.checkpoint().map(Checkpoint::size)).contains(3L);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (log.checkpoint().map(Checkpoint::size).orElse(0L) < 4 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(log.checkpoint().map(Checkpoint::size)).as("covered without any new entry").contains(4L);
        }
    }

    @Test
    void secondProcessOnTheSameLog_isRefused() throws Exception {
        try (ReceiptLog log = open()) {
            assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("in use by another proxy");
            assertThat(log.writable()).isTrue();
        }
    }

    @Test
    void writeFailure_failsTheLogForGood_andNothingIsAcknowledged() throws Exception {
        try (ReceiptLog log = open()) {
            log.append(entry(0)).get(5, TimeUnit.SECONDS);
            log.injectedFault = new IOException("No space left on device");
            CompletableFuture<Long> f = log.append(entry(1));
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("No space left");
            assertThat(log.writable()).isFalse();
            log.injectedFault = null;
            assertThatThrownBy(() -> log.append(entry(2)).get(5, TimeUnit.SECONDS)).hasMessageContaining("unavailable");
            assertThat(events).anyMatch(e -> e.contains("receipts log FAILED"));
        }
        try (ReceiptLog log = open()) {
            assertThat(log.size()).as("only the acknowledged entry is there").isEqualTo(1);
        }
    }

    @Test
    void aLogAsLargeAsTheHeapCanIndex_failsClosed_withEveryAcknowledgedEntryCheckpointed() throws Exception {
        // No checkpoint would come by time or count here: only the one published as the log fills.
        ProxyConfig.LogSettings rare = new ProxyConfig.LogSettings(dir, dir.resolve("log-key.jwk"), Duration.ofHours(1), 1000);
        try (ReceiptLog log = ReceiptLog.open(rare, Clock.systemUTC(), events::add)) {
            log.capacity = 3;
            for (int i = 0; i < 3; i++) {
                log.append(entry(i)).get(5, TimeUnit.SECONDS);
            }
            CompletableFuture<Long> f = log.append(entry(3));
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("the receipts log is full");
            assertThat(log.writable()).isFalse();
            assertThat(log.failure()).hasValueSatisfying(m -> assertThat(m).contains("3 entries").contains("-Xmx"));
            assertThat(events).anyMatch(e -> e.contains("receipts log FAILED") && e.contains("full"));
            assertThat(log.checkpoint()).hasValueSatisfying(cp -> assertThat(cp.size()).isEqualTo(3));
        }
        try (ReceiptLog log = open()) {
            assertThat(log.size()).isEqualTo(3);
        }
    }

    @Test
    void receiptIds_areFoundAfterARestart_andUnknownOnesAreNot() throws Exception {
        try (ReceiptLog log = open()) {
            for (int i = 0; i < 20; i++) {
                log.append(entry(i)).get(5, TimeUnit.SECONDS);
            }
            assertThat(log.indexOf("r7")).contains(7L);
        }
        try (ReceiptLog log = open()) {
            for (int i = 0; i < 20; i++) {
                assertThat(log.indexOf("r" + i)).as("r%d", i).contains((long) i);
            }
            assertThat(log.indexOf("r20")).isEmpty();
            assertThat(log.indexOf("")).isEmpty();
        }
    }

    static byte[] entry(String rid, int i) {
        return ("{\"rid\":\"" + rid + "\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void receiptIds_carryTheirEntry_acrossTiles_restarts_andRebuiltIndexFiles() throws Exception {
        // 1,000 entries (tiles of 256 leaves on disk), appended in an order other than their ids', as responses end.
        int n = 1000;
        List<String> rids = new ArrayList<>();
        MerkleTree reference = new MerkleTree();
        List<byte[]> entries = new ArrayList<>();
        try (ReceiptLog log = open()) {
            for (int i = 0; i < n; i++) {
                rids.add(log.newRid());
            }
            assertThat(rids).doesNotHaveDuplicates().allMatch(r -> r.matches("[A-Za-z0-9_-]{22}"));
            for (int i = 0; i < n; i++) {
                int which = i % 2 == 0 ? i + 1 : i - 1; // pairs swapped
                byte[] e = entry(rids.get(which), which);
                entries.add(e);
                reference.append(e);
                log.append(rids.get(which), e);
            }
            log.append(entry("r-old", n)).get(5, TimeUnit.SECONDS); // an id of another form still works
            reference.append(entry("r-old", n));
            for (int i = 0; i < n; i += 97) {
                int seq = i % 2 == 0 ? i + 1 : i - 1;
                assertThat(log.indexOf(rids.get(i))).as("rid %d", i).contains((long) seq);
            }
        }
        Files.write(dir.resolve(EntryIndex.RIDS_INDEX), new byte[] {1, 2, 3}); // damaged: derived data, rebuilt
        Files.delete(dir.resolve(EntryIndex.ENTRIES_INDEX));
        try (ReceiptLog log = open()) {
            assertThat(log.size()).isEqualTo(n + 1);
            for (int i = 0; i < n; i++) {
                int seq = i % 2 == 0 ? i + 1 : i - 1;
                assertThat(log.indexOf(rids.get(i))).as("rid %d after a restart", i).contains((long) seq);
            }
            assertThat(log.indexOf("r-old")).contains((long) n);
            assertThat(log.checkpoint().map(Checkpoint::size)).contains((long) n + 1);
            assertThat(log.tree().root(n + 1)).isEqualTo(reference.root(n + 1));
            for (int i : new int[] {0, 255, 256, 257, 511, 700, n}) {
                assertThat(log.tree().inclusionProof(i, n + 1)).containsExactlyElementsOf(reference.inclusionProof(i, n + 1));
                assertThat(log.entry(i)).isEqualTo(i == n ? entry("r-old", n) : entries.get(i));
            }
            assertThat(log.tree().consistencyProof(300, n + 1)).containsExactlyElementsOf(reference.consistencyProof(300, n + 1));
            // A rid of the right form that this log never issued, and one it issued whose entry never came.
            String forged = org.cb4i.sdk.jose.Base64Url.encode(new byte[16]);
            assertThat(log.indexOf(forged)).isEmpty();
            String unused = log.newRid();
            assertThat(log.indexOf(unused)).isEmpty();
            assertThat(rids).doesNotContain(unused);
        }
    }

    @Test
    void aStartReadsEveryEntryBack_largeOnesAcrossItsReadBuffer_andCutsATornOneOff() throws Exception {
        java.util.Random random = new java.util.Random(7);
        List<byte[]> entries = new ArrayList<>();
        try (ReceiptLog log = open()) {
            for (int i = 0; i < 120; i++) {
                int size = i % 10 == 9 ? ReceiptLog.MAX_ENTRY_BYTES - 40 : 1 + random.nextInt(30_000);
                byte[] e = entry("x".repeat(size), i); // about 4 MB in all: several of the start's 1 MiB reads
                entries.add(e);
                log.append(e);
            }
            log.append(entry(120)).get(5, TimeUnit.SECONDS);
            entries.add(entry(120));
        }
        long full = Files.size(dir.resolve(ReceiptLog.ENTRIES));
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve(ReceiptLog.ENTRIES), StandardOpenOption.WRITE)) {
            ch.truncate(full - 3); // the last entry torn, as by a crash before any checkpoint covered it
        }
        Files.delete(dir.resolve(ReceiptLog.CHECKPOINT));
        try (ReceiptLog log = ReceiptLog.open(new ProxyConfig.LogSettings(dir, dir.resolve("log-key.jwk"), Duration.ofMillis(100), 5),
                Clock.systemUTC(), events::add)) {
            assertThat(events).anyMatch(m -> m.contains("truncated a torn tail"));
            assertThat(log.size()).isEqualTo(120);
            for (int i = 0; i < 120; i++) {
                assertThat(log.entry(i)).as("entry %d", i).isEqualTo(entries.get(i));
            }
        }
    }

    @Test
    void afterACleanClose_aStartReadsTheIndexNotTheEntries_andFallsBackWhenTheIndexDisagrees() throws Exception {
        int n = 700;
        List<String> rids = new ArrayList<>();
        MerkleTree reference = new MerkleTree();
        try (ReceiptLog log = open()) {
            for (int i = 0; i < n; i++) {
                String rid = log.newRid();
                rids.add(rid);
                reference.append(entry(rid, i));
                log.append(rid, entry(rid, i));
            }
        }
        assertThat(dir.resolve(ReceiptLog.CLEAN)).exists();
        try (ReceiptLog log = open()) {
            assertThat(events).anyMatch(e -> e.contains("resumed " + n + " entries from its index"));
            assertThat(dir.resolve(ReceiptLog.CLEAN)).as("taken at the start: a crash from here on rebuilds").doesNotExist();
            assertThat(log.size()).isEqualTo(n);
            assertThat(log.tree().root(n)).isEqualTo(reference.root(n));
            assertThat(log.tree().inclusionProof(300, n)).containsExactlyElementsOf(reference.inclusionProof(300, n));
            assertThat(log.indexOf(rids.get(513))).contains(513L);
            String next = log.newRid();
            assertThat(rids).doesNotContain(next);
            assertThat(log.append(next, entry(next, n)).get(5, TimeUnit.SECONDS)).isEqualTo(n);
        }
        // A clean close, then the index damaged behind the log's back: the start notices and reads the entries.
        events.clear();
        byte[] idx = Files.readAllBytes(dir.resolve(EntryIndex.ENTRIES_INDEX));
        idx[40 * 5] ^= 1; // entry 5's leaf hash
        Files.write(dir.resolve(EntryIndex.ENTRIES_INDEX), idx);
        try (ReceiptLog log = open()) {
            assertThat(events).anyMatch(e -> e.contains("do not match entries.log; rebuilding"));
            assertThat(events).noneMatch(e -> e.contains("resumed"));
            assertThat(log.size()).isEqualTo(n + 1);
            assertThat(log.tree().leaf(5)).isEqualTo(reference.leaf(5));
            assertThat(log.indexOf(rids.get(5))).contains(5L);
        }
        // The receipt id index cut short behind the log's back after a clean close: rebuilt too.
        events.clear();
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve(EntryIndex.RIDS_INDEX), StandardOpenOption.WRITE)) {
            ch.truncate(8);
        }
        try (ReceiptLog log = open()) {
            assertThat(events).noneMatch(e -> e.contains("resumed"));
            assertThat(log.indexOf(rids.get(600))).contains(600L);
        }
        // A marker that does not describe the files (entries written after it, as if by a crash) is not trusted.
        Files.writeString(dir.resolve(ReceiptLog.CLEAN), "12 3 4 0\n");
        events.clear();
        try (ReceiptLog log = open()) {
            assertThat(events).noneMatch(e -> e.contains("resumed"));
            assertThat(log.size()).isEqualTo(n + 1);
        }
        // A byte of an entry rotted after a clean close: the start trusts the index, but the entry is never served as it is.
        try (ReceiptLog log = open()) {
            assertThat(log.size()).isEqualTo(n + 1);
        }
        long offset = 0;
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve(ReceiptLog.ENTRIES), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer len = java.nio.ByteBuffer.allocate(4);
            for (int i = 0; i < 42; i++) { // to entry 42
                ch.read(len.clear(), offset);
                offset += 8 + len.flip().getInt();
            }
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), offset + 20);
        }
        events.clear();
        try (ReceiptLog log = open()) {
            assertThat(events).anyMatch(e -> e.contains("resumed"));
            assertThatThrownBy(() -> log.entry(42)).isInstanceOf(IOException.class).hasMessageContaining("entry 42").hasMessageContaining("corrupt");
            assertThatThrownBy(() -> log.indexOf(rids.get(42))).isInstanceOf(IOException.class);
            assertThat(log.entry(43)).isEqualTo(entry(rids.get(43), 43));
        }
    }

    @Test
    void receiptIdsHandedOutButNeverLogged_areNotIssuedAgainAfterACrash() throws Exception {
        List<String> handedOut = new ArrayList<>();
        try (ReceiptLog log = open()) {
            for (int i = 0; i < 5; i++) {
                handedOut.add(log.newRid());
            }
            log.append(handedOut.get(0), entry(handedOut.get(0), 0)).get(5, TimeUnit.SECONDS);
            // the others' responses never completed: the process died
        }
        try (ReceiptLog log = open()) {
            List<String> next = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                next.add(log.newRid());
            }
            assertThat(next).doesNotContainAnyElementsOf(handedOut);
        }
        assertThat(Files.readString(dir.resolve(ReceiptLog.RESERVED)).strip()).matches("\\d+");
        Files.writeString(dir.resolve(ReceiptLog.RESERVED), "twelve\n");
        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining(ReceiptLog.RESERVED)
                .hasMessageContaining("twelve");
    }

    /** Lets other test packages break a log as a full disk would. */
    public static void injectFault(ReceiptLog log, IOException fault) {
        log.injectedFault = fault;
    }
}
