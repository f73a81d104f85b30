package org.cb4i.proxy.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.cb4i.sdk.json.Json;
import org.junit.jupiter.api.Test;

/** How the proxy writes an entries page ([SET-8]) byte by byte: each entry as a JSON string, and whose it is by its {@code iss}. */
class EntriesPageWritingTest {
    @Test
    void anEntryWrittenAsAJsonString_readsBackAsTheSameText() throws Exception {
        Random r = new Random(9);
        String alphabet = "{}[]\":,\\/ abcXYZ019\t\n\r\u0000\u001f\u007fé€😀";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(60);
            for (int k = 0; k < n; k++) {
                b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            String text = b.toString();
            byte[] written = LogEndpoints.jsonString(text.getBytes(StandardCharsets.UTF_8));
            assertThat(Json.mapper().readValue(written, String.class)).as(text).isEqualTo(text);
        }
    }

    @Test
    void theIssuerOfAnEntry_isItsTopLevelIss() throws Exception {
        assertThat(LogEndpoints.issOf("{\"rid\":\"r\",\"time\":1,\"iss\":\"https://c.example\",\"url\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("https://c.example");
        assertThat(LogEndpoints.issOf("{\"nested\":{\"iss\":\"https://other.example\"},\"list\":[{\"iss\":1}],\"iss\":\"https://c.example\"}"
                .getBytes(StandardCharsets.UTF_8))).as("not a nested one").isEqualTo("https://c.example");
        assertThat(LogEndpoints.issOf("{\"rid\":\"r\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(LogEndpoints.issOf("{\"iss\":7}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThatThrownBy(() -> LogEndpoints.issOf("[1]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> LogEndpoints.issOf("{\"rid\":".getBytes(StandardCharsets.UTF_8))).isInstanceOf(java.io.IOException.class);
    }
}
