package org.cb4i.sdk.credential;

import java.net.URI;
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
    private static final Pattern CREDENTIAL = Pattern.compile(
            "<script\\b[^>]*\\btype\\s*=\\s*([\"']?)application/content-credential\\+jwt\\1[^>]*>[^<]*</script\\s*>");
    private static final Pattern HEAD_END = Pattern.compile("</head\\s*>");
    private static final Pattern HEAD_START = Pattern.compile("<head\\b[^>]*>");
    private static final Pattern HTML_START = Pattern.compile("<html\\b[^>]*>");
    private static final Pattern DOCTYPE = Pattern.compile("<!doctype[^>]*>");
    private static final Pattern LICENSE_LINK = Pattern.compile("<link\\b[^>]*\\brel\\s*=\\s*([\"']?)[^\"'>]*\\blicense\\b[^>]*>");

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
        // The patterns are lower case and run on an ASCII-lowered copy (same length, same offsets): a case-insensitive
        // java.util.regex search compares at every position, a case-sensitive one skips ahead (Boyer-Moore).
        String lower = asciiLower(html);
        Matcher existing = CREDENTIAL.matcher(lower);
        String out;
        if (existing.find()) {
            int start = existing.start();
            int end = existing.end();
            if (existing.find()) {
                throw new MalformedInputException(Reason.CREDENTIAL_AMBIGUOUS, "the page already holds more than one content credential; remove the extra ones");
            }
            out = html.substring(0, start) + element + html.substring(end);
        } else {
            String insert = element;
            if (license.isPresent() && !LICENSE_LINK.matcher(lower).find()) {
                insert = "<link rel=\"license\" type=\"application/rsl+xml\" href=\"" + escapeAttr(license.get().toString()) + "\">\n" + element;
            }
            out = insertIntoHead(html, lower, insert + "\n");
        }
        // Check where an HTML parser puts the credential. The tree builder has placed our element by the time it has
        // read it, so parsing the page up to the element's end decides its place and sees any credential before it;
        // the rest of the page is parsed again only if one of its script tags could be another credential.
        int at = out.indexOf(element);
        boolean prefixDecides = at >= 0 && !mayHoldCredential(asciiLower(out.substring(at + element.length())));
        String back = extract(prefixDecides ? out.substring(0, at + element.length()) : out).orElse(null);
        if (!credential.equals(back)) {
            throw new MalformedInputException(Reason.CREDENTIAL_MISPLACED, "the credential could not be placed in <head> of this page");
        }
        return out;
    }

    private static String insertIntoHead(String html, String lower, String insert) {
        Matcher m = HEAD_END.matcher(lower);
        if (m.find()) {
            return html.substring(0, m.start()) + insert + html.substring(m.start());
        }
        m = HEAD_START.matcher(lower);
        if (m.find()) {
            return html.substring(0, m.end()) + "\n" + insert + html.substring(m.end());
        }
        m = HTML_START.matcher(lower);
        if (m.find()) {
            return html.substring(0, m.end()) + "<head>" + insert + "</head>" + html.substring(m.end());
        }
        m = DOCTYPE.matcher(lower);
        int at = m.lookingAt() || m.find() && m.start() == 0 ? m.end() : 0;
        return html.substring(0, at) + "<head>" + insert + "</head>" + html.substring(at);
    }

    /**
     * Whether lower-cased markup has a script tag that may be a credential: one naming the media type, or with a
     * character reference that could spell it.
     */
    private static boolean mayHoldCredential(String lower) {
        for (int i = lower.indexOf("<script"); i >= 0; i = lower.indexOf("<script", i + 7)) {
            int end = lower.indexOf('>', i);
            String tag = end < 0 ? lower.substring(i) : lower.substring(i, end);
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

    /** {@code s} with A-Z lowered and every other character kept: the same length, so offsets carry over. */
    static String asciiLower(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'A' && c[i] <= 'Z') {
                c[i] += 'a' - 'A';
            }
        }
        return new String(c);
    }

    private static String escapeAttr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
