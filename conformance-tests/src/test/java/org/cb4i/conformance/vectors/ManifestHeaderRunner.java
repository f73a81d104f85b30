package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cb4i.conformance.vectors.VectorFile.strings;
import static org.cb4i.conformance.vectors.VectorFile.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.dataset.ManifestHeader;
import org.cb4i.sdk.json.Json;

/**
 * Runs {@code ManifestHeaderRead} groups ([DST-1]): what {@link ManifestHeader#parse} takes from a header line, or
 * that it refuses it, and the line {@link ManifestHeader#toBytes} writes of what it read.
 */
final class ManifestHeaderRunner {
    private ManifestHeaderRunner() {}

    static void run(VectorFile.Case c) {
        byte[] line = c.test().get("line").textValue().getBytes(StandardCharsets.UTF_8);
        if (!c.expectValid()) {
            assertThatThrownBy(() -> ManifestHeader.parse(line, "manifest.jsonl:1")).isInstanceOfSatisfying(MalformedInputException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.valueOf(c.expectedReason())));
            return;
        }
        ManifestHeader h = ManifestHeader.parse(line, "manifest.jsonl:1");
        JsonNode e = c.test().get("read");
        assertThat(h.version()).isEqualTo(e.get("version").intValue());
        assertThat(h.builder()).isEqualTo(e.get("builder").textValue());
        assertThat(h.usage()).isEqualTo(e.get("usage").textValue());
        assertThat(h.created()).isEqualTo(e.get("created").longValue());
        assertThat(h.licenses()).containsExactlyElementsOf(strings(e.get("licenses")));
        assertThat(h.statusLists()).containsExactlyElementsOf(strings(e.get("status_lists")));
        assertThat(h.repertoires()).containsExactlyElementsOf(strings(e.get("repertoires")));
        assertThat(h.sites()).hasSize(e.get("sites").size());
        for (int i = 0; i < h.sites().size(); i++) {
            ManifestHeader.Site s = h.sites().get(i);
            JsonNode es = e.get("sites").get(i);
            assertThat(s.origin()).isEqualTo(es.get("origin").textValue());
            assertThat(s.robotsLicenses()).containsExactlyElementsOf(strings(es.get("robots_licenses")));
            assertThat(s.contentUsage()).isEqualTo(text(es, "content_usage"));
            assertThat(s.terms().map(ManifestHeader.Terms::url)).isEqualTo(es.has("terms") ? Optional.of(es.get("terms").get("url").textValue())
                    : Optional.empty());
            assertThat(s.terms().map(ManifestHeader.Terms::sha256)).isEqualTo(es.has("terms") ? Optional.of(es.get("terms").get("sha256").textValue())
                    : Optional.empty());
            assertThat(s.signaturePolicy()).isEqualTo(es.get("signature_policy").textValue());
        }
        assertThat(h.logs().keySet()).containsExactlyElementsOf(() -> e.get("logs").fieldNames());
        for (Map.Entry<String, ManifestHeader.Log> l : h.logs().entrySet()) {
            JsonNode el = e.get("logs").get(l.getKey());
            assertThat(l.getValue().origin()).isEqualTo(el.get("origin").textValue());
            assertThat(l.getValue().jwks().map(ManifestHeaderRunner::tree)).isEqualTo(el.has("jwks") ? Optional.of(el.get("jwks")) : Optional.empty());
            assertThat(l.getValue().jwksError()).isEqualTo(text(el, "jwks_error"));
            assertThat(l.getValue().checkpoints()).containsExactlyElementsOf(strings(el.get("checkpoints")));
            assertThat(l.getValue().checkpointError()).isEqualTo(text(el, "checkpoint_error"));
        }
        assertThat(new String(h.toBytes(), StandardCharsets.UTF_8)).as("the line a writer makes of it").isEqualTo(c.test().get("written").textValue());
    }

    private static JsonNode tree(String json) {
        try {
            return Json.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
