package org.cb4i.sdk.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.junit.jupiter.api.Test;

/** [DST-1]: a manifest header's writer and reader, side by side. */
class ManifestHeaderTest {
    static final ManifestHeader FULL = new ManifestHeader(1, "cb4i crawl (test)", "ai-train", 1780000000, List.of("a.b.c"), List.of("d.e.f"),
            List.of("g.h.i"), List.of(new ManifestHeader.Site("https://news.example", List.of("https://news.example/license.xml"),
                    Optional.of("train-ai=n"), Optional.of(new ManifestHeader.Terms("https://news.example/license.xml", "ab".repeat(32))), "per-request"),
                    new ManifestHeader.Site("https://blog.example", List.of(), Optional.empty(), Optional.empty(), "reusable")),
            Map.of("LOG1", new ManifestHeader.Log("https://news.example", Optional.of("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA\"}]}"),
                    Optional.empty(), List.of("j.k.l", "m.n.o"), Optional.of("a checkpoint did not verify"))));

    @Test
    void aHeader_roundTripsThroughItsLine_membersInTheOrderOfDst1() {
        byte[] line = FULL.toBytes();
        assertThat(ManifestHeader.parse(line, "m:1")).isEqualTo(FULL);
        String text = new String(line, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"type\":\"cb4i-manifest\",\"version\":1,\"builder\":").contains("\"sites\":[{\"origin\":\"https://news.example\","
                + "\"robots_licenses\":[\"https://news.example/license.xml\"],\"content_usage\":\"train-ai=n\",\"terms\":{\"url\":")
                .contains("\"logs\":{\"LOG1\":{\"origin\":\"https://news.example\",\"jwks\":{\"keys\":[")
                .endsWith("\"checkpoints\":[\"j.k.l\",\"m.n.o\"],\"checkpoint_error\":\"a checkpoint did not verify\"}}}");
    }

    @Test
    void aLineThatIsNotAHeader_isRefusedNamingWhere_andWhatIsInsideIsTakenAsItIs() {
        assertThatThrownBy(() -> ManifestHeader.parse("{\"type\":\"other\"}".getBytes(StandardCharsets.UTF_8), "data/manifest.jsonl:1"))
                .isInstanceOf(MalformedInputException.class).hasMessage("data/manifest.jsonl:1: not a cb4i manifest header (type is not \"cb4i-manifest\")");
        assertThatThrownBy(() -> ManifestHeader.parse("[1]".getBytes(StandardCharsets.UTF_8), "m:1")).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("m:1");
        ManifestHeader odd = ManifestHeader.parse("{\"type\":\"cb4i-manifest\",\"licenses\":[1,\"x\"],\"extra\":{}}".getBytes(StandardCharsets.UTF_8), "m:1");
        assertThat(odd.licenses()).as("judged later, by their signatures").containsExactly("1", "x");
        assertThat(odd.statusLists()).isEmpty();
        assertThat(odd.logs()).isEmpty();
    }
}
