package org.cb4i.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log file: rotated by size and by age, the oldest beyond {@code keep} deleted, reopened on request, no line lost uncounted. */
class AccessLogWriterTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    final List<String> events = new ArrayList<>();

    static String line(int i) {
        return "{\"n\":" + i + ",\"pad\":\"" + "p".repeat(80) + "\"}";
    }

    /** Every line of the file and its rotated copies, in order of the copies' names and then the file's. */
    List<String> allLines(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(f -> f.getFileName().toString().startsWith("access.log.")).sorted().toList()) {
                out.addAll(Files.readAllLines(f));
            }
        }
        if (Files.exists(file)) {
            out.addAll(Files.readAllLines(file));
        }
        return out;
    }

    long rotated() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith("access.log.")).count();
        }
    }

    @Test
    void aFileIsRotatedAtItsSize_andNoLineIsLostAcrossRotations() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLogWriter w = AccessLogWriter.open(new ProxyConfig.AccessLog(file.toString(), new ProxyConfig.Rotation(4096, Optional.empty(), 0)),
                clock, events::add)) {
            for (int i = 0; i < 200; i++) {
                w.offer(line(i));
                if (i % 20 == 0) {
                    clock.advance(Duration.ofSeconds(1)); // rotated files are named by the time
                }
            }
            Eventually.until(() -> allLines(file).size() == 200);
            assertThat(w.rotations()).isGreaterThanOrEqualTo(4);
            assertThat(w.dropped()).isZero();
        }
        List<String> lines = allLines(file);
        for (int i = 0; i < 200; i++) {
            assertThat(lines.get(i)).isEqualTo(line(i));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.filter(f -> f.getFileName().toString().startsWith("access.log.")))
                    .allSatisfy(f -> assertThat(Files.size(f)).isLessThanOrEqualTo(4096));
        }
    }

    @Test
    void aFileIsRotatedByAge_andOnlyTheNewestKeepAreKept() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLogWriter w = AccessLogWriter.open(new ProxyConfig.AccessLog(file.toString(),
                new ProxyConfig.Rotation(0, Optional.of(Duration.ofHours(1)), 2)), clock, events::add)) {
            for (int hour = 0; hour < 5; hour++) {
                w.offer(line(hour));
                int h = hour;
                Eventually.until(() -> Files.exists(file) && Files.readString(file).contains("\"n\":" + h + ","));
                clock.advance(Duration.ofMinutes(61));
                Eventually.until(() -> w.rotations() == h + 1);
            }
            assertThat(rotated()).as("keep: 2").isEqualTo(2);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(f -> f.getFileName().toString()).sorted()).containsExactly("access.log", "access.log.20261206T140400Z",
                    "access.log.20261206T150500Z");
        }
    }

    @Test
    void reopen_afterAnExternalRotation_writesToANewFileAtThePath() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLogWriter w = AccessLogWriter.open(file.toString(), clock)) {
            w.offer(line(1));
            Eventually.until(() -> Files.exists(file) && Files.size(file) > 0);
            Files.move(file, dir.resolve("access.log.1")); // what logrotate does before it signals
            w.reopen();
            w.offer(line(2));
            Eventually.until(() -> Files.exists(file) && Files.readString(file).contains("\"n\":2,"));
            assertThat(Files.readAllLines(dir.resolve("access.log.1"))).containsExactly(line(1));
            assertThat(Files.readAllLines(file)).containsExactly(line(2));
        }
    }

    @Test
    void linesThatCannotBeWritten_areCountedAndReported_andWritingResumesWhenItCan() throws Exception {
        Path sub = dir.resolve("logs");
        Path file = sub.resolve("access.log");
        Files.createDirectories(sub);
        try (AccessLogWriter w = AccessLogWriter.open(new ProxyConfig.AccessLog(file.toString()), clock, events::add)) {
            w.offer(line(1));
            Eventually.until(() -> Files.exists(file) && Files.size(file) > 0);
            // The folder replaced by a file: the log cannot be opened again there.
            Files.move(sub, dir.resolve("logs-away"));
            Files.writeString(sub, "not a folder");
            w.reopen();
            w.offer(line(2));
            w.offer(line(3));
            Eventually.until(() -> w.dropped() == 2);
            assertThat(events).anyMatch(e -> e.contains("access log: cannot write") && e.contains("cb4i_proxy_access_log_dropped"));
            Files.delete(sub);
            Files.createDirectories(sub);
            w.offer(line(4));
            Eventually.until(() -> Files.exists(file) && Files.readString(file).contains("\"n\":4,"));
            assertThat(w.dropped()).isEqualTo(2);
        }
    }
}
