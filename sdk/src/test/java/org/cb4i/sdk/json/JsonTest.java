package org.cb4i.sdk.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JsonTest {
    @Test
    void aNumberTheDecimalParserRefusesIsMalformedInputNotACrash() { // found by ParserFuzzTest
        assertThatThrownBy(() -> Json.readObject("{\"exp\": 1e3091777636800}", "token payload", Reason.MALFORMED_TOKEN))
                .isInstanceOf(MalformedInputException.class).hasMessageContaining("token payload has a number that cannot be read");
    }

    @Test
    void readObject_duplicateMember_isRejectedAsDuplicate() {
        assertThatThrownBy(() -> Json.readObject("{\"a\":1,\"a\":2}", "x", Reason.MALFORMED_JSON))
                .isInstanceOf(MalformedInputException.class)
                .extracting(e -> ((MalformedInputException) e).reason()).isEqualTo(Reason.DUPLICATE_MEMBER);
    }

    @Test
    @Timeout(5)
    void readObject_hundredThousandDeep_isRejectedQuickly_withoutStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> Json.readObject(deep, "x", Reason.MALFORMED_JSON))
                .isInstanceOf(MalformedInputException.class).hasMessageContaining("x is not acceptable JSON");
    }

    @Test
    void readObject_invalidUtf8_isRejected() {
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        assertThatThrownBy(() -> Json.readObject(bad, "claims", Reason.MALFORMED_TOKEN)).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void readObject_trailingData_andNonObjects_areRejected() {
        assertThatThrownBy(() -> Json.readObject("{} {}", "x", Reason.MALFORMED_JSON)).isInstanceOf(MalformedInputException.class);
        assertThatThrownBy(() -> Json.readObject("[1]", "x", Reason.MALFORMED_JSON)).hasMessageContaining("must be a JSON object");
    }
}
