package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.Finding;
import org.cb4i.verifier.ManifestContext;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.RecordVerifier;
import org.cb4i.verifier.trust.TrustStore;

/** Runs {@code VerifyRecord} groups (SPEC.md §14, [TRS-1], [VER-1] to [VER-5]): the verifier's verdict on a record and its findings. */
final class VerificationRunner {
    private VerificationRunner() {}

    static void run(VectorFile.Case c) {
        JsonNode t = c.test();
        try {
            Path trustFile = Files.createTempFile("cb4i-vector-trust", ".json");
            try {
                Files.writeString(trustFile, t.get("trust").toString());
                TrustStore trust = TrustStore.read(trustFile);
                Usage usage = Usage.parse(t.get("usage").textValue()).orElseThrow();
                RecordResult r = new RecordVerifier(new ManifestContext((ObjectNode) t.get("header"), trust), usage)
                        .verify((ObjectNode) t.get("record"), Optional.of(t.get("content").textValue().getBytes(StandardCharsets.UTF_8)));
                Set<String> codes = r.findings().stream().map(Finding::code).collect(Collectors.toSet());
                assertThat(r.status().name()).as("verdict, with findings " + r.findings()).isEqualTo(t.get("status").textValue());
                t.get("findings").forEach(f -> assertThat(codes).as("findings").contains(f.textValue()));
            } finally {
                Files.deleteIfExists(trustFile);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
