package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HexFormat;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.status.StatusList;

/** Runs {@code StatusListDecode} groups ([STS-2], [STS-3]). */
final class StatusListRunner {
    private StatusListRunner() {}

    static void run(VectorFile.Case c) {
        int bits = c.test().get("bits").intValue();
        String lst = c.test().get("lst").textValue();
        if (!c.expectValid()) {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> StatusList.decode(bits, lst));
            assertThat(e).as("rejection").isNotNull();
            assertThat(e.reason().name()).isEqualTo(c.expectedReason());
            return;
        }
        StatusList list = StatusList.decode(bits, lst);
        assertThat(HexFormat.of().formatHex(list.toBytes())).isEqualTo(c.test().get("bytesHex").textValue());
        for (int i = 0; i < c.test().get("statuses").size(); i++) {
            assertThat(list.get(i)).as("index " + i).isEqualTo(c.test().get("statuses").get(i).intValue());
        }
        assertThat(StatusList.decode(bits, list.encode())).as("round trip").isEqualTo(list);
    }
}
