package org.cb4i.sdk.credential;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.text.CanonicalText;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.select.Elements;

/**
 * Content credentials in HTML ([CRD-3]): embedded in {@code <head>} as
 * {@code <script type="application/content-credential+jwt">} beside {@code <link rel="license">}, extracted, and checked
 * against the page's canonical text ([CRD-2], [CRD-4]).
 *
 * <p>Embedding edits the document's text in place rather than re-serialising it: everything but the inserted (or
 * replaced) element stays as the publisher wrote it. Pass the document decoded byte for byte (ISO-8859-1) to keep every
 * byte of an ASCII-compatible encoding; the inserted markup is ASCII.
 */
public final class HtmlCredentials {
    // Matched case-insensitively (ASCII only, as HTML's tag and attribute names), anchored at a tag's "<" found by
    // tagAt: a scan of the page for "<" is far cheaper than a regular expression tried at every position.
    private static final int ASCII_CI = Pattern.CASE_INSENSITIVE;
    private static final Pattern CREDENTIAL = Pattern.compile(
            "<script\\b[^>]*\\btype\\s*=\\s*([\"']?)application/content-credential\\+jwt\\1[^>]*>[^<]*</script\\s*>", ASCII_CI);
    private static final Pattern HEAD_END = Pattern.compile("</head\\s*>", ASCII_CI);
    private static final Pattern HEAD_START = Pattern.compile("<head\\b[^>]*>", ASCII_CI);
    private static final Pattern HTML_START = Pattern.compile("<html\\b[^>]*>", ASCII_CI);
    private static final Pattern DOCTYPE = Pattern.compile("<!doctype[^>]*>", ASCII_CI);
    private static final Pattern LICENSE_LINK = Pattern.compile("<link\\b[^>]*\\brel\\s*=\\s*([\"']?)[^\"'>]*\\blicense\\b[^>]*>", ASCII_CI);

    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_.-]+");

    private HtmlCredentials() {}

    /** The digests of a page: its canonical text and paragraphs. */
    public static CredentialClaims.Digests digestsOf(String html) {
        return digestsOf(Jsoup.parse(html));
    }

    /** As {@link #digestsOf(String)}, on a parsed page. */
    public static CredentialClaims.Digests digestsOf(Document doc) {
        CanonicalText.Result r = CanonicalText.of(doc);
        return new CredentialClaims.Digests(Optional.of(r.textSha256()), Optional.of(r.paragraphs().size()), Optional.of(r.paragraphsRoot()), Optional.empty());
    }

    /**
     * Puts {@code credential} into the page: replacing the existing credential element if there is one, else before
     * {@code </head>}, with a {@code <link rel="license" type="application/rsl+xml">} when {@code license} is given and
     * the page has no license link.
     *
     * @throws MalformedInputException ({@link Reason#CREDENTIAL_AMBIGUOUS}) when the page already holds several
     *     credentials, or {@link Reason#CREDENTIAL_MISPLACED} when the result would not hold it in {@code <head>}
     */
    public static String embed(String html, String credential, Optional<URI> license) {
        if (!COMPACT_JWS.matcher(credential).matches()) {
            throw new IllegalArgumentException("a compact JWS is base64url segments and dots only");
        }
        String element = "<script type=\"" + ContentCredentials.MEDIA_TYPE + "\">" + credential + "</script>";
        Matcher existing = CREDENTIAL.matcher(html);
        int start = find(existing, html, "<script", 0);
        String out;
        int rest; // where the publisher's markup after the credential starts, in out
        if (start >= 0) {
            int end = existing.end();
            if (find(existing, html, "<script", end) >= 0) {
                throw new MalformedInputException(Reason.CREDENTIAL_AMBIGUOUS, "the page already holds more than one content credential; remove the extra ones");
            }
            out = html.substring(0, start) + element + html.substring(end);
            rest = start + element.length();
        } else {
            String insert = element;
            if (license.isPresent() && find(LICENSE_LINK.matcher(html), html, "<link", 0) < 0) {
                insert = "<link rel=\"license\" type=\"application/rsl+xml\" href=\"" + escapeAttr(license.get().toString()) + "\">\n" + element;
            }
            out = insertIntoHead(html, insert + "\n");
            rest = out.indexOf(element) + element.length();
        }
        // Check where an HTML parser puts the credential. The tree builder has placed our element by the time it has
        // read it, so parsing the page up to the element's end decides its place and sees any credential before it;
        // the rest of the page is parsed again only if one of its script tags could be another credential.
        boolean prefixDecides = !mayHoldCredential(out, rest);
        String back = extract(prefixDecides ? out.substring(0, rest) : out).orElse(null);
        if (!credential.equals(back)) {
            throw new MalformedInputException(Reason.CREDENTIAL_MISPLACED, "the credential could not be placed in <head> of this page");
        }
        return out;
    }

    private static String insertIntoHead(String html, String insert) {
        Matcher m = HEAD_END.matcher(html);
        int at = find(m, html, "</head", 0);
        if (at >= 0) {
            return html.substring(0, at) + insert + html.substring(at);
        }
        m = HEAD_START.matcher(html);
        if (find(m, html, "<head", 0) >= 0) {
            return html.substring(0, m.end()) + "\n" + insert + html.substring(m.end());
        }
        m = HTML_START.matcher(html);
        if (find(m, html, "<html", 0) >= 0) {
            return html.substring(0, m.end()) + "<head>" + insert + "</head>" + html.substring(m.end());
        }
        m = DOCTYPE.matcher(html);
        at = m.lookingAt() || m.find() && m.start() == 0 ? m.end() : 0;
        return html.substring(0, at) + "<head>" + insert + "</head>" + html.substring(at);
    }

    /**
     * The start of the first match of {@code m} at or after {@code from} (then {@code m.end()} is its end), trying it only
     * where {@code tag} (lower case, starting with "<") begins, in any ASCII case; -1 if none.
     */
    static int find(Matcher m, String s, String tag, int from) {
        for (int i = tagAt(s, tag, from); i >= 0; i = tagAt(s, tag, i + 1)) {
            m.region(i, s.length());
            if (m.lookingAt()) {
                return i;
            }
        }
        return -1;
    }

    /** The first {@code tag} (lower case, starting with "<") at or after {@code from}, in any ASCII case; -1 if none. */
    private static int tagAt(String s, String tag, int from) {
        for (int i = s.indexOf('<', from); i >= 0 && i + tag.length() <= s.length(); i = s.indexOf('<', i + 1)) {
            int k = 1;
            while (k < tag.length() && (s.charAt(i + k) | (Character.isLetter(tag.charAt(k)) ? 0x20 : 0)) == tag.charAt(k)) {
                k++;
            }
            if (k == tag.length()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the markup from {@code from} on has a script tag that may be a credential: one naming the media type, or
     * with a character reference that could spell it.
     */
    private static boolean mayHoldCredential(String html, int from) {
        for (int i = tagAt(html, "<script", from); i >= 0; i = tagAt(html, "<script", i + 7)) {
            int end = html.indexOf('>', i);
            String tag = (end < 0 ? html.substring(i) : html.substring(i, end)).toLowerCase(Locale.ROOT);
            if (tag.contains("content-credential") || tag.indexOf('&') >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The page's credential, if any.
     *
     * @throws MalformedInputException {@link Reason#CREDENTIAL_AMBIGUOUS} when there are several (none is chosen), or
     *     {@link Reason#CREDENTIAL_MISPLACED} when it is outside {@code <head>}
     */
    public static Optional<String> extract(String html) {
        return extract(Jsoup.parse(html));
    }

    /** As {@link #extract(String)}, on a parsed page. */
    public static Optional<String> extract(Document doc) {
        Elements all = doc.select("script[type=\"" + ContentCredentials.MEDIA_TYPE + "\"]");
        if (all.isEmpty()) {
            return Optional.empty();
        }
        if (all.size() > 1) {
            throw new MalformedInputException(Reason.CREDENTIAL_AMBIGUOUS, "the page holds " + all.size() + " content credentials; none is chosen");
        }
        if (all.first().parent() == null || !all.first().parent().normalName().equals("head")) {
            throw new MalformedInputException(Reason.CREDENTIAL_MISPLACED, "the content credential is not in <head>");
        }
        return Optional.of(all.first().data().strip());
    }

    /** A page whose credential verified and whose content matches it. */
    public record Checked(ContentCredentials.Verified credential, CanonicalText.Result text) {}

    /**
     * Checks a page: the credential's signature by one of the publisher's keys, then the canonical text's digest and
     * paragraph root ([CRD-4]).
     *
     * @throws MalformedInputException {@link Reason#CREDENTIAL_MISSING} when there is none (and the extraction errors)
     * @throws RejectedException {@link Reason#DIGEST_MISMATCH} naming the digest that failed, or a signature reason
     */
    public static Checked check(String html, KeySet publisherKeys) {
        String compact = extract(html).orElseThrow(() -> new MalformedInputException(Reason.CREDENTIAL_MISSING, "the page has no content credential"));
        ContentCredentials.Verified v = ContentCredentials.verify(compact, publisherKeys);
        CanonicalText.Result t = CanonicalText.of(html);
        CredentialClaims.Digests d = v.claims().digests();
        boolean textOk = d.text().map(t.textSha256()::equals).orElse(false);
        boolean rootOk = d.paragraphsRoot().map(t.paragraphsRoot()::equals).orElse(false);
        if (!textOk || !rootOk) {
            throw new RejectedException(Reason.DIGEST_MISMATCH, "the page's text does not match its credential: "
                    + (textOk ? "" : "digests.text differs; ") + (rootOk ? "" : "digests.paragraphs differs (" + t.paragraphs().size()
                    + " paragraphs now, " + d.paragraphCount().orElse(0) + " signed)"));
        }
        return new Checked(v, t);
    }

    private static String escapeAttr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
