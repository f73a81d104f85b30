package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cb4i.conformance.vectors.VectorFile.strings;
import static org.cb4i.conformance.vectors.VectorFile.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.dataset.ManifestRecord;

/**
 * Runs {@code ManifestRecordRead} groups ([DST-1]): what {@link ManifestRecord#read} takes from a line, or that it
 * refuses it, and the line {@link ManifestRecord#toBytes} writes of what it read.
 */
final class ManifestRecordRunner {
    private ManifestRecordRunner() {}

    static void run(VectorFile.Case c) {
        byte[] line = c.test().get("line").textValue().getBytes(StandardCharsets.UTF_8);
        if (!c.expectValid()) {
            assertThatThrownBy(() -> ManifestRecord.read(line)).isInstanceOf(MalformedInputException.class);
            return;
        }
        ManifestRecord r = ManifestRecord.read(line);
        JsonNode e = c.test().get("read");
        assertThat(r.id().isPresent() ? r.id().getAsLong() : null).isEqualTo(e.has("id") ? e.get("id").longValue() : null);
        assertThat(r.url()).isEqualTo(e.get("url").textValue());
        assertThat(r.fetchedAt().isPresent() ? r.fetchedAt().getAsLong() : null).isEqualTo(e.has("fetched_at") ? e.get("fetched_at").longValue() : null);
        assertThat(r.status().isPresent() ? r.status().getAsInt() : null).isEqualTo(e.has("status") ? e.get("status").intValue() : null);
        assertThat(r.outcome()).isEqualTo(text(e, "outcome"));
        assertThat(r.reason()).isEqualTo(text(e, "reason"));
        assertThat(r.detail()).isEqualTo(text(e, "detail"));
        assertThat(r.location()).isEqualTo(text(e, "location"));
        assertThat(r.bytes().isPresent() ? r.bytes().getAsLong() : null).isEqualTo(e.has("bytes") ? e.get("bytes").longValue() : null);
        assertThat(r.contentType()).isEqualTo(e.get("content_type").textValue());
        assertThat(r.bytesSha256()).isEqualTo(text(e, "bytes_sha256"));
        assertThat(r.license()).isEqualTo(text(e, "license"));
        assertThat(r.credential()).isEqualTo(text(e, "credential"));
        assertThat(r.text().isPresent()).isEqualTo(e.has("text"));
        r.text().ifPresent(t -> {
            JsonNode et = e.get("text");
            assertThat(t.sha256()).isEqualTo(et.get("sha256").textValue());
            assertThat(t.kept()).isEqualTo(text(et, "kept"));
            assertThat(t.paragraphs().isPresent() ? t.paragraphs().getAsInt() : null).isEqualTo(et.has("paragraphs") ? et.get("paragraphs").intValue() : null);
            assertThat(t.paragraphsRoot()).isEqualTo(text(et, "paragraphs_root"));
            assertThat(t.paragraphDigests()).containsExactlyElementsOf(strings(et.get("paragraph_digests")));
        });
        assertThat(r.receipt().isPresent()).isEqualTo(e.has("receipt"));
        r.receipt().ifPresent(rc -> {
            JsonNode er = e.get("receipt");
            assertThat(rc.log()).isEqualTo(er.get("log").textValue());
            assertThat(rc.rid()).isEqualTo(er.get("rid").textValue());
            assertThat(rc.origin()).isEqualTo(text(er, "origin"));
            assertThat(rc.entry()).isEqualTo(text(er, "entry"));
            assertThat(rc.treeSize().isPresent() ? rc.treeSize().getAsLong() : null).isEqualTo(er.has("tree_size") ? er.get("tree_size").longValue() : null);
            assertThat(rc.proofChecked()).isEqualTo(er.has("proof_checked") ? Optional.of(er.get("proof_checked").booleanValue()) : Optional.empty());
            assertThat(rc.index()).isEqualTo(er.get("index").longValue());
            assertThat(rc.inclusionProof().stream().map(HexFormat.of()::formatHex).toList()).containsExactlyElementsOf(strings(er.get("inclusion_proof")));
            assertThat(rc.checkpoint()).isEqualTo(text(er, "checkpoint"));
            assertThat(rc.error()).isEqualTo(text(er, "error"));
        });
        assertThat(r.warc().isPresent()).isEqualTo(e.has("warc"));
        r.warc().ifPresent(w -> {
            JsonNode ew = e.get("warc");
            assertThat(w.file()).isEqualTo(ew.get("file").textValue());
            assertThat(w.offset()).isEqualTo(ew.get("offset").longValue());
            assertThat(w.length()).isEqualTo(ew.get("length").longValue());
            assertThat(w.recordId()).isEqualTo(text(ew, "record_id"));
        });
        assertThat(new String(r.toBytes(), StandardCharsets.UTF_8)).as("the line a writer makes of it").isEqualTo(c.test().get("written").textValue());
    }
}
