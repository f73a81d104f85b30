package org.cb4i.sdk.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batched replacements: every target replaced whole or left as it was, failures named, no temporary file left behind. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    List<Path> leftovers() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void aBatch_replacesEveryTargetWhenCommitted_andNotBefore() throws Exception {
        for (int i = 0; i < 10; i++) {
            Files.writeString(dir.resolve("f" + i), "old " + i);
        }
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch(4, 3)) {
            for (int i = 0; i < 10; i++) {
                batch.write(dir.resolve("f" + i), utf8("new " + i));
            }
            // The last two are staged but not committed: their targets are still the old ones.
            assertThat(Files.readString(dir.resolve("f9"))).isEqualTo("old 9");
            assertThat(batch.finish()).isEmpty();
        }
        for (int i = 0; i < 10; i++) {
            assertThat(Files.readString(dir.resolve("f" + i))).isEqualTo("new " + i);
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aTargetThatCannotBeReplaced_isReported_andTheOthersAreStillWritten() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("a"), "old a");
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch(100, 2)) {
            batch.write(dir.resolve("a"), utf8("new a"));
            batch.write(sub.resolve("b"), utf8("new b"));
            // The target became a non-empty folder after staging: the rename over it must fail.
            Files.createDirectories(sub.resolve("b/inside"));
            List<AtomicFiles.Batch.Failure> failures = batch.finish();
            assertThat(failures).extracting(AtomicFiles.Batch.Failure::target).containsExactly(sub.resolve("b"));
        }
        assertThat(Files.readString(dir.resolve("a"))).isEqualTo("new a");
        assertThat(sub.resolve("b/inside")).isDirectory();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void closingWithoutFinishing_leavesTargetsAsTheyWere_andNoTemporaryFile() throws Exception {
        Files.writeString(dir.resolve("a"), "old a");
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch(100, 2)) {
            batch.write(dir.resolve("a"), utf8("new a"));
        }
        assertThat(Files.readString(dir.resolve("a"))).isEqualTo("old a");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void closingWithBatchesInFlightAndQueued_leavesEachTargetOldOrNew_andNoTemporaryFile() throws Exception {
        for (int i = 0; i < 40; i++) {
            Files.writeString(dir.resolve("f" + i), "old " + i);
        }
        try (AtomicFiles.Batch batch = new AtomicFiles.Batch(1, 1)) { // a batch a file: one committing, one queued
            for (int i = 0; i < 40; i++) {
                batch.write(dir.resolve("f" + i), utf8("new " + i));
            }
        }
        for (int i = 0; i < 40; i++) {
            assertThat(Files.readString(dir.resolve("f" + i))).isIn("old " + i, "new " + i);
        }
        assertThat(leftovers()).as("temporary files of batches that never committed").isEmpty();
    }
}
