package org.cb4i.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** [ENF-4]: the Reason enum is exactly the registry of SPEC.md 0.4 (reasons.json), codes, statuses and errors alike. */
class ReasonRegistryTest {
    @Test
    void reasonEnum_matchesThePublishedRegistry() throws Exception {
        JsonNode registry;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("org/cb4i/spec/reasons.json")) {
            assertThat(in).as("reasons.json on the classpath").isNotNull();
            registry = new ObjectMapper().readTree(in).get("reasons");
        }
        List<String> published = new ArrayList<>();
        for (JsonNode r : registry) {
            published.add(r.get("code").textValue());
            Reason reason = Reason.valueOf(r.get("code").textValue());
            assertThat(reason.httpStatus()).as(reason.name()).isEqualTo(r.get("httpStatus").intValue());
            assertThat(reason.authError()).as(reason.name()).isEqualTo(r.get("authError").isNull() ? null : r.get("authError").textValue());
        }
        assertThat(Arrays.stream(Reason.values()).map(Enum::name).toList()).containsExactlyElementsOf(published);
    }

    @Test
    void everyReasonAnsweredWith401Or402_hasTheErrorRslCapRequires() {
        for (Reason r : Reason.values()) {
            if (r.httpStatus() == 401 || r.httpStatus() == 402) {
                assertThat(r.authError()).as(r.name() + ": RSL CAP requires WWW-Authenticate: License error=… on 401 and 402").isNotNull();
            }
        }
    }
}
