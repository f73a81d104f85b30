package org.cb4i.sdk.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.log.MerkleTree;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * cb4i-text-v1 (SPEC.md [CRD-2]): the canonical text of an HTML page's signed region, which survives re-serialising,
 * pretty-printing and minifying the page, and changes when a word of its text does.
 *
 * <p>The region is the first element with {@code data-cb4i-region}, else the first {@code article}, else {@code main},
 * else {@code body}. Its text is read in tree order, skipping the subtrees of {@link #SKIPPED} elements and of elements
 * with {@code hidden}; the start and end of a {@link #BLOCKS block} element end a paragraph; {@code br} is a space. Each
 * paragraph is normalised to NFC, loses U+200B and U+FEFF, has every run of Unicode white space folded to one space,
 * and is trimmed; empty paragraphs are dropped. Implemented on jsoup; the vectors are computed by an independent
 * implementation on parse5. The walk is iterative (no recursion, whatever the depth). Stateless and thread-safe.
 */
public final class CanonicalText {
    /** Larger documents are refused before parsing. */
    public static final int MAX_HTML_CHARS = 16 * 1024 * 1024;

    static final Set<String> SKIPPED = Set.of("script", "style", "template", "noscript", "iframe", "object", "embed", "svg",
            "math", "canvas", "audio", "video", "select", "textarea", "button", "input");
    static final Set<String> BLOCKS = Set.of("address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog",
            "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
            "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
            "thead", "tr", "ul");
    private static final Object END = new Object();

    private CanonicalText() {}

    /**
     * The canonical text of a page: its paragraphs, in order; the text (the paragraphs joined by U+000A) and its hex
     * SHA-256; and, computed when first asked (a verifier checking only the text digest never pays for it), the hex
     * RFC 9162 Merkle root over the paragraphs' UTF-8 bytes. Immutable and thread-safe.
     */
    public static final class Result {
        private final List<String> paragraphs;
        private final String textSha256;
        private volatile String text;
        private volatile String paragraphsRoot;

        Result(List<String> paragraphs, String textSha256) {
            this.paragraphs = List.copyOf(paragraphs);
            this.textSha256 = textSha256;
        }

        public List<String> paragraphs() {
            return paragraphs;
        }

        public String text() {
            String t = text;
            if (t == null) {
                text = t = String.join("\n", paragraphs);
            }
            return t;
        }

        public String textSha256() {
            return textSha256;
        }

        public String paragraphsRoot() {
            String r = paragraphsRoot;
            if (r == null) {
                MerkleTree tree = new MerkleTree();
                paragraphs.forEach(p -> tree.append(p.getBytes(StandardCharsets.UTF_8)));
                paragraphsRoot = r = HexFormat.of().formatHex(tree.root(tree.size()));
            }
            return r;
        }

        /** Each paragraph's RFC 9162 leaf hash (hex SHA-256 of 0x00 and its UTF-8 bytes), as a dataset manifest carries them ([CRD-5]). */
        public List<String> paragraphDigests() {
            return paragraphs.stream().map(p -> HexFormat.of().formatHex(MerkleTree.leafHash(p.getBytes(StandardCharsets.UTF_8)))).toList();
        }
    }

    /**
     * Computes cb4i-text-v1 of an HTML document.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_CONTENT}) for a document over {@link #MAX_HTML_CHARS}
     */
    public static Result of(String html) {
        if (html.length() > MAX_HTML_CHARS) {
            throw new MalformedInputException(Reason.MALFORMED_CONTENT, "the HTML document is larger than " + MAX_HTML_CHARS + " characters");
        }
        return of(Jsoup.parse(html));
    }

    /** As {@link #of(String)}, on a document already parsed (so that a caller parses a page once). */
    public static Result of(Document doc) {
        Element region = region(doc);
        Paragraphs out = new Paragraphs();
        Deque<Object> stack = new ArrayDeque<>();
        pushChildren(stack, region);
        while (!stack.isEmpty()) {
            Object o = stack.pop();
            if (o == END) {
                out.end();
                continue;
            }
            if (o instanceof TextNode t) {
                out.raw.append(t.getWholeText());
                continue;
            }
            if (!(o instanceof Element e)) {
                continue; // comments, data nodes, document types
            }
            String name = e.normalName();
            if (SKIPPED.contains(name) || e.hasAttr("hidden")) {
                continue;
            }
            if (name.equals("br")) {
                out.raw.append(' ');
                continue;
            }
            if (BLOCKS.contains(name)) {
                out.end();
                stack.push(END);
            }
            pushChildren(stack, e);
        }
        out.end();
        return new Result(out.paragraphs, HexFormat.of().formatHex(out.text.digest()));
    }

    /**
     * The paragraphs as the walk ends them, each normalised as it ends, and the text digest fed as they come (the text
     * itself is joined only if asked for).
     */
    private static final class Paragraphs {
        final StringBuilder raw = new StringBuilder();
        final List<String> paragraphs = new ArrayList<>();
        final MessageDigest text = sha256();
        char[] buf = new char[256];

        void end() {
            int len = raw.length();
            if (len == 0) {
                return;
            }
            String s = raw.toString();
            raw.setLength(0);
            // The UTF-8 bytes are needed for the digest anyway; as many bytes as characters means ASCII only.
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            int from = 0;
            int to = len;
            String p = null;
            if (utf8.length == len) {
                while (from < to && utf8[from] == ' ') {
                    from++;
                }
                while (to > from && utf8[to - 1] == ' ') {
                    to--;
                }
                if (singleSpaced(s, from, to)) {
                    p = from == 0 && to == len ? s : s.substring(from, to);
                }
            }
            if (p == null) {
                if (buf.length < len) {
                    buf = new char[Math.max(len, buf.length * 2)];
                }
                s.getChars(0, len, buf, 0);
                int k = fold(buf, len, true);
                p = k >= 0 ? new String(buf, 0, k) : normalise(s);
                if (!p.equals(s)) { // else already in its normal form (non-ASCII text often is): its bytes are made
                    utf8 = p.getBytes(StandardCharsets.UTF_8);
                }
                from = 0;
                to = utf8.length;
            }
            if (!p.isEmpty()) {
                if (!paragraphs.isEmpty()) {
                    text.update((byte) '\n');
                }
                text.update(utf8, from, to - from);
                paragraphs.add(p);
            }
        }
    }

    /**
     * Whether ASCII text, its ends trimmed, is already folded: its only white space single spaces. Then the fold is
     * the identity. Six String.indexOf scans instead of the fold's loop over every character (which cost more than
     * parsing the HTML) took CanonicalText.of from 107 to 70 µs a 20 KB page.
     */
    private static boolean singleSpaced(String s, int from, int to) {
        int i = s.indexOf("  ", from);
        if (i >= 0 && i < to - 1) {
            return false;
        }
        for (char c = 0x09; c <= 0x0D; c++) {
            int j = s.indexOf(c, from);
            if (j >= 0 && j < to) {
                return false;
            }
        }
        return true;
    }

    /**
     * Folds a paragraph in place (zero-width characters dropped, each run of white space one space, none at either end)
     * and returns its new length. Text whose other characters are all below U+0300 is already NFC; with
     * {@code handOverAtCombiningMarks}, the first character at or above it stops the folding and -1 is returned (the
     * buffer then spoilt) so that the caller normalises first. On a char array: String.charAt here cost about twice as much.
     */
    static int fold(char[] buf, int len, boolean handOverAtCombiningMarks) {
        int k = 0;
        boolean pending = false;
        for (int i = 0; i < len; i++) {
            char c = buf[i];
            if (c > ' ' && c < 0x85) { // printable ASCII and the controls below NEL: the bulk of any Latin text
                if (pending) {
                    buf[k++] = ' ';
                    pending = false;
                }
                buf[k++] = c;
            } else if (c == ' ' || (c < 0x85 ? c >= 0x09 && c <= 0x0D : isWhiteSpace(c))) {
                pending = k > 0;
            } else if (c == '\u200B' || c == '\uFEFF') {
                // dropped
            } else if (c >= 0x300 && handOverAtCombiningMarks) {
                return -1;
            } else {
                if (pending) {
                    buf[k++] = ' ';
                    pending = false;
                }
                buf[k++] = c;
            }
        }
        return k;
    }

    /** One paragraph's normal form: NFC, zero-width characters removed, white space folded, trimmed. */
    public static String normalise(String paragraph) {
        char[] buf = paragraph.toCharArray();
        int k = fold(buf, buf.length, true);
        if (k < 0) { // a character at or above U+0300: NFC first, then the same folding
            String nfc = Normalizer.isNormalized(paragraph, Normalizer.Form.NFC) ? paragraph : Normalizer.normalize(paragraph, Normalizer.Form.NFC);
            buf = nfc.toCharArray();
            k = fold(buf, buf.length, false);
        }
        return new String(buf, 0, k);
    }

    /** Unicode White_Space (all of it is in the BMP). */
    static boolean isWhiteSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** The region's selectors, parsed once rather than for every page. */
    private static final Evaluator MARKED = QueryParser.parse("[data-cb4i-region]");
    private static final Evaluator ARTICLE = QueryParser.parse("article");
    private static final Evaluator MAIN = QueryParser.parse("main");

    static Element region(Document doc) {
        Element e = doc.selectFirst(MARKED);
        if (e == null) {
            e = doc.selectFirst(ARTICLE);
        }
        if (e == null) {
            e = doc.selectFirst(MAIN);
        }
        return e != null ? e : doc.body();
    }

    private static void pushChildren(Deque<Object> stack, Node n) {
        for (int i = n.childNodeSize() - 1; i >= 0; i--) {
            stack.push(n.childNode(i));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
