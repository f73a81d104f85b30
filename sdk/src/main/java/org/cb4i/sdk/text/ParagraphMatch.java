package org.cb4i.sdk.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cb4i.sdk.log.MerkleTree;

/**
 * Which parts of a cut-down text belong to a signed page (SPEC.md [CRD-5]). A dataset record keeps the signed page's
 * per-paragraph leaf hashes ({@link CanonicalText.Result#paragraphDigests()}); {@link #bindsTo} checks that they are
 * the page's (their Merkle root is the credential's {@code paragraphs.root}), and {@link #match} attributes the kept
 * text's paragraphs to them, whatever order the pipeline kept them in and however it re-wrapped their lines.
 */
public final class ParagraphMatch {
    /** Lines a re-wrapped paragraph may have been broken into, at most. */
    static final int MAX_LINES_PER_PARAGRAPH = 64;

    private ParagraphMatch() {}

    /**
     * What matched.
     *
     * @param pieces the kept text's paragraphs (after re-joining re-wrapped lines where that made a signed paragraph)
     * @param attributed how many of them are signed paragraphs
     * @param attributedChars characters (of the normalised kept text, paragraph separators excluded) in them
     * @param totalChars all characters of the normalised kept text, paragraph separators excluded
     * @param signedFound indexes, in the signed page, of the paragraphs found
     */
    public record Match(int pieces, int attributed, long attributedChars, long totalChars, Set<Integer> signedFound) {
        /** The share of the kept text attributed to the signed page, from 0 to 1 (1 for an empty text). */
        public double coverage() {
            return totalChars == 0 ? 1.0 : (double) attributedChars / totalChars;
        }
    }

    /** Whether {@code leafDigests} are a page's paragraphs as signed: their count and RFC 9162 root are the credential's. */
    public static boolean bindsTo(List<String> leafDigests, int count, String rootHex) {
        if (leafDigests.size() != count) {
            return false;
        }
        MerkleTree t = new MerkleTree();
        try {
            for (String d : leafDigests) {
                t.appendLeafHash(HexFormat.of().parseHex(d));
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return HexFormat.of().formatHex(t.root(t.size())).equals(rootHex);
    }

    /**
     * Attributes the kept text to the signed paragraphs. The text is split at line feeds; each line is normalised as
     * in [CRD-2] step 4; from each position the longest run of consecutive lines that, joined by a space and
     * normalised, is a signed paragraph is taken as that paragraph (a pipeline may have hard-wrapped it); a line that
     * starts no such run is kept text the page did not sign.
     */
    public static Match match(String keptText, List<String> leafDigests) {
        Map<String, Integer> signed = new HashMap<>();
        for (int i = 0; i < leafDigests.size(); i++) {
            signed.putIfAbsent(leafDigests.get(i), i);
        }
        List<String> lines = new ArrayList<>();
        for (String l : keptText.split("\n", -1)) {
            String n = CanonicalText.normalise(l);
            if (!n.isEmpty()) {
                lines.add(n);
            }
        }
        long total = 0;
        for (String l : lines) {
            total += l.codePointCount(0, l.length());
        }
        int pieces = 0;
        int attributed = 0;
        long attributedChars = 0;
        Set<Integer> found = new TreeSet<>();
        int i = 0;
        while (i < lines.size()) {
            int best = -1;
            Integer bestIndex = null;
            StringBuilder joined = new StringBuilder();
            for (int j = i; j < lines.size() && j < i + MAX_LINES_PER_PARAGRAPH; j++) {
                if (j > i) {
                    joined.append(' ');
                }
                joined.append(lines.get(j));
                Integer idx = signed.get(HexFormat.of().formatHex(MerkleTree.leafHash(joined.toString().getBytes(StandardCharsets.UTF_8))));
                if (idx != null) {
                    best = j;
                    bestIndex = idx;
                }
            }
            pieces++;
            if (best < 0) {
                i++;
                continue;
            }
            attributed++;
            found.add(bestIndex);
            for (int k = i; k <= best; k++) {
                attributedChars += lines.get(k).codePointCount(0, lines.get(k).length());
            }
            i = best + 1;
        }
        return new Match(pieces, attributed, attributedChars, total, found);
    }
}
