package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.log.Checkpoint;

/** Runs {@code CheckpointVerify} groups ([LOG-3], [LOG-6]): what a collector takes from a checkpoint, or why it refuses it. */
final class CheckpointRunner {
    private CheckpointRunner() {}

    static void run(VectorFile.Case c) {
        KeySet keys = KeySet.of(VerificationKey.fromJson(c.group().get("jwk").toString()));
        JsonNode t = c.test();
        String compact = t.get("compact").textValue();
        if (c.expectValid()) {
            Checkpoint cp = Checkpoint.verify(compact, keys);
            assertThat(cp.logId()).isEqualTo(t.get("logId").textValue());
            assertThat(cp.size()).isEqualTo(t.get("size").longValue());
            assertThat(cp.rootHex()).isEqualTo(t.get("root").textValue());
            assertThat(cp.time().getEpochSecond()).isEqualTo(t.get("iat").longValue());
            assertThat(cp.successor()).isEqualTo(Optional.ofNullable(t.get("successor").textValue()));
            assertThat(cp.isFinal()).isEqualTo(!t.get("successor").isNull());
        } else {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> Checkpoint.verify(compact, keys));
            assertThat(e).as("refused").isNotNull();
            assertThat(e.reason().name()).isEqualTo(c.expectedReason());
        }
    }
}
