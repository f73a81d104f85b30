package org.cb4i.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Croissant 1.1 export: the files with their digests, and record-level provenance fields read from verification.jsonl. */
class CroissantTest {
    @TempDir
    Path dir;

    @Test
    void describesTheFilesAndTheProvenanceFields() throws Exception {
        RecordResult r = new RecordResult(1, "https://news.example/a", Status.VERIFIED, List.of(), "https://news.example", Optional.of("https://c.example"),
                Optional.of(Instant.parse("2026-05-01T12:00:00Z")), "ab".repeat(32), Optional.of("lic-1"));
        Path lines = dir.resolve("verification.jsonl");
        Files.writeString(lines, Croissant.line(r).toString() + "\n");
        Path manifest = Files.writeString(dir.resolve("manifest.jsonl"), "{}\n");
        DatasetVerifier.Tally t = new DatasetVerifier.Tally();
        t.add(r);
        DatasetVerifier.Summary s = t.summary();
        Croissant.About about = new Croissant.About("news crawl", "https://data.example/news", "https://spdx.org/licenses/CC-BY-4.0.html",
                List.of("Example Lab", "https://lab.example"), Instant.parse("2026-05-03T00:00:00Z"));
        JsonNode d = Croissant.document(about, "ai-train", s, dir, List.of(manifest, lines), Instant.parse("2026-05-02T00:00:00Z"));
        // Croissant 1.1's required dataset properties, as given: nothing of them invented.
        assertThat(d.get("name").asText()).isEqualTo("news crawl");
        assertThat(d.get("url").asText()).isEqualTo("https://data.example/news");
        assertThat(d.get("license").asText()).isEqualTo("https://spdx.org/licenses/CC-BY-4.0.html");
        assertThat(d.get("creator").get(0).get("name").asText()).isEqualTo("Example Lab");
        assertThat(d.get("creator").get(1).get("url").asText()).isEqualTo("https://lab.example");
        assertThat(d.get("datePublished").asText()).isEqualTo("2026-05-03T00:00:00Z");
        assertThat(d.get("dateCreated").asText()).isEqualTo("2026-05-02T00:00:00Z");
        assertThat(d.get("@context").get("@vocab").asText()).as("Croissant 1.1's context").isEqualTo("http://schema.org/");
        // Recommended: the publisher is the creators unless given; what only the maker knows is left out, not guessed.
        assertThat(d.get("publisher")).isEqualTo(d.get("creator"));
        assertThat(d.get("dateModified").asText()).isEqualTo("2026-05-02T00:00:00Z");
        assertThat(d.has("version") || d.has("inLanguage") || d.has("sameAs") || d.has("sdLicence")).isFalse();
        JsonNode full = Croissant.document(new Croissant.About("news crawl", "https://data.example/news", "https://spdx.org/licenses/CC-BY-4.0.html",
                List.of("Example Lab"), Instant.parse("2026-05-03T00:00:00Z"), List.of("https://publisher.example"), Optional.of("1.2.0"), List.of("en", "fr"),
                List.of("https://mirror.example/news"), Optional.of("https://spdx.org/licenses/CC0-1.0.html")), "ai-train", s, dir, List.of(manifest, lines),
                Instant.parse("2026-05-02T00:00:00Z"));
        assertThat(full.get("publisher").get(0).get("url").asText()).isEqualTo("https://publisher.example");
        assertThat(full.get("version").asText()).isEqualTo("1.2.0");
        assertThat(full.get("inLanguage")).hasSize(2);
        assertThat(full.get("sameAs").get(0).asText()).isEqualTo("https://mirror.example/news");
        assertThat(full.get("sdLicence").asText()).isEqualTo("https://spdx.org/licenses/CC0-1.0.html");
        assertThat(d.get("conformsTo").asText()).isEqualTo("http://mlcommons.org/croissant/1.1");
        assertThat(d.get("@type").asText()).isEqualTo("sc:Dataset");
        assertThat(d.get("distribution").get(1).get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(lines))));
        JsonNode status = d.get("recordSet").get(0).get("field").get(6);
        assertThat(status.get("name").asText()).isEqualTo("status");
        assertThat(status.get("source").get("fileObject").get("@id").asText()).isEqualTo("verification.jsonl");
        assertThat(status.get("source").get("extract").get("jsonPath").asText()).isEqualTo("$.status");
        assertThat(Croissant.line(r).get("fetched_at").asText()).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(d.get("recordSet").get(0).get("field").get(7).get("name").asText()).isEqualTo("reasons");
        assertThat(Croissant.line(r).get("reasons").asText()).as("a VERIFIED record has no findings").isEmpty();
        assertThat(d.get("description").asText()).contains("1 of 1 records verified for ai-train");
    }
}
