package org.cb4i.proxy.log;

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
        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("corrupt");
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

    /** Lets other test packages break a log as a full disk would. */
    public static void injectFault(ReceiptLog log, IOException fault) {
        log.injectedFault = fault;
    }
}
