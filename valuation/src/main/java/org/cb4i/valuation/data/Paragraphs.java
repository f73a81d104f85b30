package org.cb4i.valuation.data;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Plain text made comparable with a page's canonical text (cb4i-text-v1, SPEC [CRD-2]): paragraphs (separated by a
 * blank line) in NFC, without U+200B and U+FEFF, every run of white space one space, trimmed, empty ones dropped, and
 * joined by U+000A. So an evaluation text and a page's text are scored and compared in the same form.
 */
public final class Paragraphs {
    private static final Pattern BLANK_LINE = Pattern.compile("\\r?\\n[\\s&&[^\\n]]*\\r?\\n\\s*");
    private static final Pattern SPACES = Pattern.compile("[\\s\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+");

    private Paragraphs() {}

    /** The normalised paragraphs of a plain text. */
    public static List<String> of(String text) {
        List<String> out = new ArrayList<>();
        for (String p : BLANK_LINE.split(Normalizer.normalize(text, Normalizer.Form.NFC))) {
            String folded = SPACES.matcher(p.replace("\u200b", "").replace("\ufeff", "")).replaceAll(" ").strip();
            if (!folded.isEmpty()) {
                out.add(folded);
            }
        }
        return out;
    }
}
