package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.repertoire.Repertoire;

/** Runs {@code RepertoireVerify} groups ([REP-1], [REP-2]): a repertoire read, and who is a member when; or why it is refused. */
final class RepertoireRunner {
    private RepertoireRunner() {}

    static void run(VectorFile.Case c) {
        KeySet keys = KeySet.of(VerificationKey.fromJson(c.group().get("jwk").toString()));
        JsonNode t = c.test();
        String compact = t.get("compact").textValue();
        if (c.expectValid()) {
            Repertoire r = Repertoire.verify(compact, keys);
            assertThat(r.issuer()).isEqualTo(t.get("iss").textValue());
            assertThat(r.id()).isEqualTo(t.get("sub").textValue());
            assertThat(r.issuedAt().getEpochSecond()).isEqualTo(t.get("iat").longValue());
            assertThat(r.expiresAt().getEpochSecond()).isEqualTo(t.get("exp").longValue());
            assertThat(r.members()).hasSize(t.get("memberCount").intValue());
            for (JsonNode q : t.get("queries")) {
                assertThat(r.memberAt(q.get("origin").textValue(), Instant.ofEpochSecond(q.get("time").longValue())).isPresent())
                        .as("%s a member at %d", q.get("origin").textValue(), q.get("time").longValue()).isEqualTo(q.get("member").booleanValue());
            }
        } else {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> Repertoire.verify(compact, keys));
            assertThat(e).as("refused").isNotNull();
            assertThat(e.reason().name()).isEqualTo(c.expectedReason());
        }
    }
}
