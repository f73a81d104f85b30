package org.cb4i.proxy.receipts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retiring a receipts log ([LOG-6]): the final checkpoint covers every entry and names the successor, which takes the
 * entries from the next open on; the retired log stays readable where it is kept and takes nothing; a kill at any step
 * of the retirement is finished (or, before the final checkpoint, undone) by the next open.
 */
class LogRetirementTest {
    @TempDir
    Path tmp;
    final List<String> events = new ArrayList<>();

    Path dir() {
        return tmp.resolve("log");
    }

    static ProxyConfig.LogSettings settings(Path dir) {
        // Segments of 4 KiB: a retired log has sealed segments as well as its active one.
        return LogSegmentsTest.settings(dir, LogSegmentsTest.bySize(4096, Optional.empty(), Optional.empty()));
    }

    static String fill(Path dir, int n) throws Exception {
        try (ReceiptLog log = ReceiptLog.open(settings(dir), Clock.systemUTC(), e -> { })) {
            LogSegmentsTest.append(log, 0, n);
            LogSegmentsTest.untilCovered(log, n);
            return log.logId();
        }
    }

    /** Checks what a finished retirement of {@code old} with {@code n} entries left. */
    void assertRetired(String old, int n) throws Exception {
        Path kept = dir().resolve("retired").resolve(old);
        assertThat(Files.exists(dir().resolve(LogRetirement.PLAN))).as("the plan is gone").isFalse();
        try (ReceiptLog retired = ReceiptLog.openRetired(kept, settings(dir()).segments(), Clock.systemUTC(), events::add)) {
            assertThat(retired.logId()).isEqualTo(old);
            assertThat(retired.isRetired()).isTrue();
            assertThat(retired.size()).isEqualTo(n);
            Checkpoint cp = retired.checkpoint().orElseThrow();
            Checkpoint verified = Checkpoint.verify(cp.compact(), KeySet.of(retired.key().publicKey()));
            assertThat(verified.isFinal()).isTrue();
            assertThat(verified.size()).isEqualTo(n);
            assertThat(verified.root()).isEqualTo(LogSegmentsTest.rootOf(n));
            for (int i = 0; i < n; i++) {
                assertThat(retired.entry(i)).isEqualTo(LogSegmentsTest.entry(i));
            }
            assertThat(retired.writable()).isFalse();
            assertThat(retired.newRid()).as("a retired log hands out no receipt").isNull();
            assertThatThrownBy(() -> retired.append(LogSegmentsTest.entry(n)).get(5, TimeUnit.SECONDS)).hasMessageContaining("unavailable");
            if (n >= 60) { // some 20 entries a 4 KiB segment
                assertThat(retired.segments().list()).as("its sealed segments went with it").isNotEmpty();
            }
            try (ReceiptLog next = ReceiptLog.open(settings(dir()), Clock.systemUTC(), events::add)) {
                assertThat(next.logId()).as("the successor's key is the log key now").isEqualTo(verified.successor().orElseThrow());
                assertThat(next.size()).isZero();
                LogSegmentsTest.append(next, 0, 3);
                LogSegmentsTest.untilCovered(next, 3);
                assertThat(next.checkpoint().orElseThrow().isFinal()).isFalse();
            }
        }
        assertThat(LogRetirement.retiredDirs(dir())).containsExactly(kept);
    }

    @Test
    void retiring_signsAFinalCheckpointNamingTheSuccessor_andTheSuccessorTakesTheEntries() throws Exception {
        String old = fill(dir(), 60);
        LogRetirement.Retired r = LogRetirement.retire(settings(dir()), Clock.systemUTC(), events::add);
        assertThat(r.logId()).isEqualTo(old);
        assertThat(r.size()).isEqualTo(60);
        assertThat(r.successor()).isNotEqualTo(old).hasSize(43);
        assertThat(KeyFiles.readSigningKey(dir().resolve("log-key.jwk")).thumbprint()).isEqualTo(r.successor());
        assertRetired(old, 60);
        assertThat(events).anyMatch(e -> e.contains("log " + old + " is retired"));
    }

    @Test
    void aLogWithAFinalCheckpoint_refusesToTakeEntries_andARetiredFolderMustHoldAFinalOne() throws Exception {
        String old = fill(dir(), 5);
        LogRetirement.retire(settings(dir()), Clock.systemUTC(), events::add);
        Path kept = dir().resolve("retired").resolve(old);
        assertThatThrownBy(() -> ReceiptLog.open(LogSegmentsTest.settings(kept, ProxyConfig.Segments.DEFAULT),
                Clock.systemUTC(), events::add)).hasMessageContaining("was retired").hasMessageContaining("takes no more entries");
        Path other = tmp.resolve("other");
        fill(other, 2);
        assertThatThrownBy(() -> ReceiptLog.openRetired(other, ProxyConfig.Segments.DEFAULT, Clock.systemUTC(), events::add))
                .hasMessageContaining("not final");
        // Both refusals left the logs as they were.
        assertRetired(old, 5);
    }

    @Test
    void aPlanWithoutAFinalCheckpoint_isDropped_andTheLogGoesOn() throws Exception {
        String old = fill(dir(), 7);
        // What a kill between the plan and the final checkpoint leaves.
        Files.writeString(dir().resolve(LogRetirement.PLAN), "{\"log_id\":\"" + old + "\",\"successor\":\"" + "A".repeat(43) + "\",\"key\":{}}");
        try (ReceiptLog log = ReceiptLog.open(settings(dir()), Clock.systemUTC(), events::add)) {
            assertThat(log.logId()).isEqualTo(old);
            assertThat(log.size()).isEqualTo(7);
            assertThat(log.writable()).isTrue();
        }
        assertThat(Files.exists(dir().resolve(LogRetirement.PLAN))).isFalse();
        assertThat(events).anyMatch(e -> e.contains("stopped before its final checkpoint"));
    }

    @Test
    void aPlanThatCannotBeRead_stopsTheOpen_namingTheFile() throws Exception {
        fill(dir(), 2);
        Files.writeString(dir().resolve(LogRetirement.PLAN), "{\"log_id\":\"x\"}");
        assertThatThrownBy(() -> ReceiptLog.open(settings(dir()), Clock.systemUTC(), events::add)).hasMessageContaining("retire.json")
                .hasMessageContaining("successor");
    }

    // ---- kill -9 at each step of a retirement ----

    /** The child: fills a log with 60 entries, then retires it; the crash hook halts it at the step. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        System.out.println("log " + fill(dir, 60));
        LogRetirement.retire(settings(dir), Clock.systemUTC(), e -> System.out.println("event " + e));
        System.out.println("retired");
    }

    @ParameterizedTest
    @ValueSource(strings = {"retire:final", "retire:moving", "retire:moved"})
    void killedAtAStepOfARetirement_theNextOpenFinishesIt(String step) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dcb4i.test.crash_at=" + step, "-cp",
                System.getProperty("java.class.path"), LogRetirementTest.class.getName(), dir().toString()).redirectErrorStream(true).start();
        String old = null;
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(line);
                if (line.startsWith("log ")) {
                    old = line.substring(4);
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("halted at %s: %s", step, out).isEqualTo(137);
        assertThat(out).doesNotContain("retired");
        assertThat(Files.exists(dir().resolve(LogRetirement.PLAN))).as("the plan is still there").isTrue();
        // The proxy's next start opens the log folder: that finishes the retirement.
        ReceiptLog.open(settings(dir()), Clock.systemUTC(), events::add).close();
        assertRetired(old, 60);
    }

    @Test
    void theSegmentsOfEachLog_areArchivedInAFolderOfItsOwn() throws Exception {
        Path archive = tmp.resolve("archive");
        ProxyConfig.LogSettings s = LogSegmentsTest.settings(dir(), LogSegmentsTest.bySize(4096, Optional.of(archive), Optional.of(Duration.ZERO)));
        String id;
        try (ReceiptLog log = ReceiptLog.open(s, Clock.systemUTC(), events::add)) {
            id = log.logId();
            LogSegmentsTest.append(log, 0, 60);
            LogSegmentsTest.untilCovered(log, 60);
            assertThat(log.releaseNow()).isPositive();
        }
        try (var files = Files.list(archive)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly(id);
        }
    }
}
