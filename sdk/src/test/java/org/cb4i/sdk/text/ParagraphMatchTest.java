package org.cb4i.sdk.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching a pipeline's cut-down text against a signed page's paragraphs ([CRD-5]). */
class ParagraphMatchTest {
    static final String PAGE = "<html><body><nav>Menu</nav><article><h1>Strike</h1>"
            + "<p>The writers of the collective stopped all licensed crawling at noon.</p>"
            + "<p>Every member site answered with a suspended license within a minute.</p>"
            + "<p>Négociations résumées lundi.</p></article><footer>© 2026</footer></body></html>";
    final CanonicalText.Result signed = CanonicalText.of(PAGE);

    @Test
    void theDigestsTravellingWithARecordBindToTheCredentialsRoot() {
        List<String> d = signed.paragraphDigests();
        assertThat(ParagraphMatch.bindsTo(d, signed.paragraphs().size(), signed.paragraphsRoot())).isTrue();
        List<String> swapped = new ArrayList<>(d);
        java.util.Collections.swap(swapped, 0, 1);
        assertThat(ParagraphMatch.bindsTo(swapped, d.size(), signed.paragraphsRoot())).as("order is part of the page").isFalse();
        List<String> forged = new ArrayList<>(d);
        forged.add(d.get(0));
        assertThat(ParagraphMatch.bindsTo(forged, d.size() + 1, signed.paragraphsRoot())).isFalse();
    }

    @Test
    void keptParagraphsAreFoundReorderedAndRewrapped_andForeignTextIsNot() {
        String kept = "Every member site answered\nwith a   suspended license\nwithin a minute.\n\n"
                + "An editor's summary that the page never said.\n"
                + "The writers of the collective stopped all licensed crawling at noon.\n";
        ParagraphMatch.Match m = ParagraphMatch.match(kept, signed.paragraphDigests());
        assertThat(m.attributed()).isEqualTo(2);
        assertThat(m.signedFound()).containsExactly(1, 2); // h1 is paragraph 0
        assertThat(m.pieces()).isEqualTo(3);
        String foreign = "An editor's summary that the page never said.";
        assertThat(m.totalChars() - m.attributedChars()).isEqualTo(foreign.length());
        assertThat(m.coverage()).isBetween(0.6, 0.8);
    }

    @Test
    void oneChangedWordIsNotAttributed() {
        ParagraphMatch.Match m = ParagraphMatch.match("The writers of the collective stopped all licensed crawling at dawn.", signed.paragraphDigests());
        assertThat(m.attributed()).isZero();
        assertThat(m.coverage()).isZero();
    }

    @Test
    void unicodeIsNormalisedBeforeMatching() {
        String decomposed = "Ne\u0301gociations re\u0301sume\u0301es lundi.";
        assertThat(ParagraphMatch.match(decomposed, signed.paragraphDigests()).coverage()).isEqualTo(1.0);
    }
}
