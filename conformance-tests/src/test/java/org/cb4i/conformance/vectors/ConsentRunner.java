package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.consent.ConsentDocument;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Agreement;

/** Runs {@code ConsentVerify} groups ([CNS-1], [CNS-2]): a consent document read, and which requests it opts out; or why it is refused. */
final class ConsentRunner {
    private ConsentRunner() {}

    static void run(VectorFile.Case c) {
        KeySet keys = KeySet.of(VerificationKey.fromJson(c.group().get("jwk").toString()));
        JsonNode t = c.test();
        String compact = t.get("compact").textValue();
        if (c.expectValid()) {
            ConsentDocument d = ConsentDocument.verify(compact, keys);
            assertThat(d.issuer()).isEqualTo(t.get("iss").textValue());
            assertThat(d.member()).isEqualTo(t.get("sub").textValue());
            assertThat(d.issuedAt().getEpochSecond()).isEqualTo(t.get("iat").longValue());
            assertThat(d.expiresAt().getEpochSecond()).isEqualTo(t.get("exp").longValue());
            assertThat(d.version()).isEqualTo(t.get("version").longValue());
            assertThat(d.ttl().toSeconds()).isEqualTo(t.get("ttl").longValue());
            for (JsonNode q : t.get("queries")) {
                List<Usage> required = new ArrayList<>();
                q.get("required").forEach(u -> required.add(Usage.parse(u.textValue()).orElseThrow()));
                Optional<Agreement> agreement = q.get("agreement").isNull() ? Optional.empty()
                        : Optional.of(new Agreement(URI.create(q.get("agreement").textValue()), "0".repeat(64)));
                assertThat(d.refuses(required, agreement, q.get("path").textValue()).isPresent())
                        .as("%s under %s at %s opted out", required, q.get("agreement"), q.get("path").textValue())
                        .isEqualTo(q.get("optedOut").booleanValue());
            }
        } else {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> ConsentDocument.verify(compact, keys));
            assertThat(e).as("refused").isNotNull();
            assertThat(e.reason().name()).isEqualTo(c.expectedReason());
        }
    }

    /**
     * Runs {@code ConsentAtFetch} groups ([CNS-8]): a member's consent history, and for each entry whether the version in
     * force at its time opted it out (path opt-outs judged only where the path is known).
     */
    static void atFetch(VectorFile.Case c) {
        List<org.cb4i.sdk.consent.ConsentHistory.Version> versions = new ArrayList<>();
        for (JsonNode v : c.test().get("history")) {
            versions.add(new org.cb4i.sdk.consent.ConsentHistory.Version(java.time.Instant.ofEpochSecond(v.get("from").longValue()),
                    org.cb4i.sdk.consent.OptOut.read(v.get("opt_out"), "vector opt_out")));
        }
        org.cb4i.sdk.consent.ConsentHistory h = new org.cb4i.sdk.consent.ConsentHistory(versions);
        for (JsonNode e : c.test().get("entries")) {
            Optional<Agreement> agreement = e.get("agreement").isNull() ? Optional.empty()
                    : Optional.of(new Agreement(URI.create(e.get("agreement").textValue()), "0".repeat(64)));
            Optional<String> path = e.get("path").isNull() ? Optional.empty() : Optional.of(e.get("path").textValue());
            assertThat(h.optedOut(java.time.Instant.ofEpochSecond(e.get("time").longValue()), Usage.parse(e.get("usage").textValue()).orElseThrow(),
                    agreement, path)).as(e.toString()).isEqualTo(e.get("optedOut").booleanValue());
        }
    }
}
