package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.sdk.text.ParagraphMatch;

/** Runs {@code ParagraphMatch} groups ([CRD-5]): whether digests are the signed page's, and what of a cut-down text is attributed to it. */
final class ParagraphMatchRunner {
    private ParagraphMatchRunner() {}

    static void run(VectorFile.Case c) {
        JsonNode t = c.test();
        List<String> digests = new ArrayList<>();
        t.get("digests").forEach(d -> digests.add(d.textValue()));
        assertThat(ParagraphMatch.bindsTo(digests, t.get("count").intValue(), t.get("root").textValue())).isEqualTo(t.get("binds").booleanValue());
        if (!c.expectValid()) {
            return; // [CRD-5]: DIGEST_MISMATCH, nothing is matched against digests that are not the page's
        }
        ParagraphMatch.Match m = ParagraphMatch.match(t.get("kept").textValue(), digests);
        assertThat(m.pieces()).as("pieces").isEqualTo(t.get("pieces").intValue());
        assertThat(m.attributed()).as("attributed").isEqualTo(t.get("attributed").intValue());
        assertThat(m.attributedChars()).as("attributedChars").isEqualTo(t.get("attributedChars").longValue());
        assertThat(m.totalChars()).as("totalChars").isEqualTo(t.get("totalChars").longValue());
        List<Integer> found = new ArrayList<>();
        t.get("signedFound").forEach(i -> found.add(i.intValue()));
        assertThat(m.signedFound()).containsExactlyElementsOf(found);
    }
}
