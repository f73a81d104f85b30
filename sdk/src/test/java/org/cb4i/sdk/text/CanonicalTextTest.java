package org.cb4i.sdk.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cb4i.sdk.MalformedInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** [CRD-2] behaviour the vectors cannot show: hostile sizes and depths, and sensitivity to edits. */
class CanonicalTextTest {
    static final String PAGE = "<article><h1>Title</h1><p>One paragraph of text.</p><p>Another one.</p></article>";

    @Test
    @Timeout(10)
    void deeplyNestedDocument_isReadWithoutStackOverflow() {
        String deep = "<article>" + "<div>".repeat(100_000) + "deep text" + "</div>".repeat(100_000) + "</article>";
        assertThat(CanonicalText.of(deep).text()).isEqualTo("deep text");
    }

    @Test
    void normalise_foldsEveryKindOfWhiteSpace_andLeavesFoldedTextAsItIs() {
        assertThat(CanonicalText.normalise("already folded text")).isEqualTo("already folded text");
        assertThat(CanonicalText.normalise("")).isEmpty();
        assertThat(CanonicalText.normalise(" lead")).isEqualTo("lead");
        assertThat(CanonicalText.normalise("trail ")).isEqualTo("trail");
        assertThat(CanonicalText.normalise("two  spaces")).isEqualTo("two spaces");
        assertThat(CanonicalText.normalise("new\nline\ttab")).isEqualTo("new line tab");
        assertThat(CanonicalText.normalise("no\u00A0break\u3000ideographic")).isEqualTo("no break ideographic");
        assertThat(CanonicalText.normalise("zero\u200Bwidth\uFEFF")).isEqualTo("zerowidth");
        assertThat(CanonicalText.normalise("cafe\u0301")).isEqualTo("caf\u00E9");
        assertThat(CanonicalText.normalise(" ")).isEmpty();
    }

    /** [CRD-2]'s paragraph rule read literally, with the JDK's regular expressions: the oracle for the folding loop. */
    static String reference(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC).replaceAll("[\u200B\uFEFF]", "")
                .replaceAll("\\p{IsWhite_Space}+", " ").replaceAll("^ | $", "");
    }

    @Test
    void inPlaceFold_agreesWithNormalise_whereverItDoesNotHandOver() {
        // The walk's fast path must give exactly the rule's answer, or hand over (-1) to normalise(), which must too.
        char[] alphabet = {'a', 'Z', '.', ' ', '\t', '\n', '\r', '\u000B', '\u000C', '\u0001', '\u0008', '\u000E', '\u001F', '!', '\u007F', '\u0084', '\u0085', '\u00A0', '\u00E9', '\u02FF', '\u1680',
            '\u2000', '\u2001', '\u200A', '\u200B', '\u2028', '\u3000', '\uFEFF', '\u0301', '\u05D0', '\u4E2D'};
        java.util.Random random = new java.util.Random(42);
        int handedOver = 0;
        for (int n = 0; n < 20_000; n++) {
            char[] c = new char[random.nextInt(12)];
            for (int i = 0; i < c.length; i++) {
                c[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(c);
            assertThat(CanonicalText.normalise(s)).as("normalise of %s", s.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(reference(s));
            int k = CanonicalText.fold(c, c.length, true);
            if (k < 0) {
                handedOver++;
            } else {
                assertThat(new String(c, 0, k)).as("fold of %s", s.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(CanonicalText.normalise(s));
            }
        }
        assertThat(handedOver).isBetween(1_000, 19_000); // both paths were exercised
    }

    @Test
    void paragraphs_andTextDigest_agreeWithTheRule_onMostlyAsciiText() throws Exception {
        // The walk takes a short cut for ASCII paragraphs whose only white space is single spaces (ends trimmed), and
        // feeds the digest from the bytes it already has: both must give the rule's answer, short cut or not.
        char[] alphabet = {'a', 'b', 'c', 'd', 'e', 'f', ' ', ' ', ' ', ' ', '.', '\t', '\n', '\r', '\u000B', '\u000C', '\u0001', '\u007F',
            '\u00A0', '\u0085', '\u00E9', '\u200B', '\u0301', '\u3000'};
        java.util.Random random = new java.util.Random(7);
        for (int n = 0; n < 3_000; n++) {
            StringBuilder html = new StringBuilder("<article>");
            java.util.List<String> expected = new java.util.ArrayList<>();
            for (int p = random.nextInt(4); p >= 0; p--) {
                char[] c = new char[random.nextInt(14)];
                for (int i = 0; i < c.length; i++) {
                    // mostly letters and single spaces, so that most paragraphs take the short cut
                    c[i] = random.nextInt(4) > 0 ? alphabet[random.nextInt(7)] : alphabet[random.nextInt(alphabet.length)];
                }
                String text = new String(c);
                html.append("<p>").append(text).append("</p>");
                String r = reference(text.replace("\r", "\n"));
                if (!r.isEmpty()) {
                    expected.add(r);
                }
            }
            CanonicalText.Result got = CanonicalText.of(html.append("</article>").toString());
            assertThat(got.paragraphs()).as("paragraphs of %s", html).isEqualTo(expected);
            assertThat(got.textSha256()).as("text digest of %s", html).isEqualTo(sha256Hex(String.join("\n", expected)));
        }
    }

    static String sha256Hex(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void oversizedDocument_isRefusedNotTruncated() {
        String big = "x".repeat(CanonicalText.MAX_HTML_CHARS + 1);
        assertThatThrownBy(() -> CanonicalText.of(big)).isInstanceOf(MalformedInputException.class).hasMessageContaining("larger than");
    }

    @Test
    void oneChangedWord_reorderedOrAddedParagraphs_changeTheDigests() {
        CanonicalText.Result base = CanonicalText.of(PAGE);
        CanonicalText.Result word = CanonicalText.of(PAGE.replace("Another", "A different"));
        CanonicalText.Result reordered = CanonicalText.of("<article><h1>Title</h1><p>Another one.</p><p>One paragraph of text.</p></article>");
        CanonicalText.Result added = CanonicalText.of(PAGE.replace("</article>", "<p>Added.</p></article>"));
        for (CanonicalText.Result r : new CanonicalText.Result[] {word, reordered, added}) {
            assertThat(r.textSha256()).isNotEqualTo(base.textSha256());
            assertThat(r.paragraphsRoot()).isNotEqualTo(base.paragraphsRoot());
        }
        assertThat(reordered.paragraphDigests()).containsExactlyInAnyOrderElementsOf(base.paragraphDigests());
    }

    @Test
    void changesOutsideTheRegion_changeNothing() {
        String a = "<html><body><nav>Mon 09:00</nav>" + PAGE + "<div class=ad>Buy A</div></body></html>";
        String b = "<html><head><meta charset=utf-8></head><body><nav>Tue 17:45</nav>" + PAGE + "<div class=ad>Buy B</div></body></html>";
        assertThat(CanonicalText.of(a).textSha256()).isEqualTo(CanonicalText.of(b).textSha256());
    }
}
