package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.cb4i.sdk.text.CanonicalText;

/** Runs {@code CanonicalText} groups ([CRD-2]) against the jsoup-based implementation. */
final class CanonicalTextRunner {
    private CanonicalTextRunner() {}

    static void run(VectorFile.Case c) {
        CanonicalText.Result r = CanonicalText.of(c.test().get("html").textValue());
        List<String> want = new ArrayList<>();
        c.test().get("paragraphs").forEach(p -> want.add(p.textValue()));
        assertThat(r.paragraphs()).containsExactlyElementsOf(want);
        assertThat(r.text()).isEqualTo(c.test().get("text").textValue());
        assertThat(r.textSha256()).isEqualTo(c.test().get("textSha256").textValue());
        assertThat(r.paragraphsRoot()).isEqualTo(c.test().get("paragraphsRoot").textValue());
    }
}
