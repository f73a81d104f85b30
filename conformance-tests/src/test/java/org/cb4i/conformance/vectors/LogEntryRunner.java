package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.log.LogEntry;
import org.cb4i.sdk.log.MerkleTree;

/** Runs {@code LogEntry} groups ([LOG-2], [LOG-1]): members to the exact bytes and leaf hash, and the bytes back to members. */
final class LogEntryRunner {
    private LogEntryRunner() {}

    static void run(VectorFile.Case c) {
        JsonNode t = c.test();
        JsonNode m = t.get("members");
        List<String> usages = new ArrayList<>();
        m.get("usages").forEach(u -> usages.add(u.textValue()));
        LogEntry e = new LogEntry(m.get("rid").textValue(), Instant.ofEpochSecond(m.get("time").longValue()), text(m, "iss").orElse(""),
                m.get("licensee").textValue(),
                m.get("jti").textValue(), m.get("jkt").textValue(), m.get("method").textValue(), m.get("url").textValue(), m.get("status").intValue(),
                m.get("bytes").longValue(), text(m, "content_range"), m.get("sha256").textValue(), usages, text(m, "signature_input"),
                text(m, "signature"), m.get("complete").booleanValue());
        byte[] bytes = e.toBytes();
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(t.get("entry").textValue());
        assertThat(HexFormat.of().formatHex(MerkleTree.leafHash(bytes))).isEqualTo(t.get("leafHash").textValue());
        assertThat(LogEntry.parse(t.get("entry").textValue().getBytes(StandardCharsets.UTF_8))).isEqualTo(e);
        assertThat(LogEntry.ridOf(bytes)).isEqualTo(e.rid());
    }

    private static Optional<String> text(JsonNode m, String name) {
        return m.has(name) ? Optional.of(m.get(name).textValue()) : Optional.empty();
    }
}
