package org.cb4i.sdk.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cb4i.sdk.ReasonOf.reasonOf;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content credentials in HTML: [CRD-1], [CRD-3], [CRD-4]. */
class HtmlCredentialsTest {
    static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Why writers bargain</title>
            </head>
            <body>
              <nav>Home | 09:00</nav>
              <article>
                <h1>Why writers bargain</h1>
                <p>Information is cheap to copy, so its price collapses.</p>
                <p>Together, creators set the terms — café included.</p>
              </article>
            </body>
            </html>
            """;

    @TempDir
    Path dir;
    final SigningKey key = KeyFiles.generate(KeyAlgorithm.ED25519);
    final KeySet keys = KeySet.of(key.publicKey());

    CredentialFiles.Signer signer() {
        return new CredentialFiles.Signer(key, "https://news.example", URI.create("https://news.example/"), List.of("A. Writer"),
                Optional.of(URI.create("https://news.example/license.xml")));
    }

    Path signed(String name, String html) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, html);
        CredentialFiles.sign(f, name, signer(), Instant.now());
        return f;
    }

    @Test
    void signing_insertsIntoHead_andLeavesEveryOtherByteAlone() throws Exception {
        String out = Files.readString(signed("a.html", PAGE));
        assertThat(out).contains("<link rel=\"license\" type=\"application/rsl+xml\" href=\"https://news.example/license.xml\">");
        String credential = HtmlCredentials.extract(out).orElseThrow();
        String inserted = out.substring(out.indexOf("<link rel=\"license\""), out.indexOf("</script>") + "</script>\n".length());
        assertThat(out.replace(inserted, "")).isEqualTo(PAGE);
        HtmlCredentials.Checked c = HtmlCredentials.check(out, keys);
        assertThat(c.credential().claims().subject()).isEqualTo("https://news.example/a.html");
        assertThat(c.credential().claims().creators()).containsExactly("A. Writer");
        assertThat(credential).isEqualTo(c.credential().compact());
    }

    @Test
    void resigning_replaces_neverDuplicates_andUnchangedContentIsLeftAlone() throws Exception {
        Path f = signed("b.html", PAGE);
        String first = Files.readString(f);
        assertThat(CredentialFiles.sign(f, "b.html", signer(), Instant.now().plusSeconds(60))).isEqualTo(CredentialFiles.Outcome.UNCHANGED);
        assertThat(Files.readString(f)).isEqualTo(first);
        Files.writeString(f, first.replace("collapses", "falls"));
        assertThat(CredentialFiles.sign(f, "b.html", signer(), Instant.now())).isEqualTo(CredentialFiles.Outcome.SIGNED);
        String again = Files.readString(f);
        assertThat(again.split("content-credential\\+jwt", -1)).hasSize(2);
        assertThat(HtmlCredentials.check(again, keys)).isNotNull();
    }

    @Test
    void aCredentialThatIsNotExactlyOurs_isSignedAfresh_evenWhenItsClaimsMatch() throws Exception {
        Path f = signed("c.html", PAGE);
        String first = Files.readString(f);
        String jws = HtmlCredentials.extract(first).orElseThrow();
        // A broken signature with the right claims: not "unchanged", replaced by one that verifies.
        String flipped = jws.substring(0, jws.length() - 2) + (jws.charAt(jws.length() - 2) == 'A' ? 'B' : 'A') + jws.charAt(jws.length() - 1);
        Files.writeString(f, first.replace(jws, flipped));
        assertThat(CredentialFiles.sign(f, "c.html", signer(), Instant.now())).isEqualTo(CredentialFiles.Outcome.SIGNED);
        assertThat(HtmlCredentials.check(Files.readString(f), keys).credential().compact()).isNotEqualTo(flipped);
        // The same claims signed by another key: replaced too.
        SigningKey other = KeyFiles.generate(KeyAlgorithm.ED25519);
        String foreign = ContentCredentials.sign(ContentCredentials.readUnverified(jws), other);
        Files.writeString(f, first.replace(jws, foreign));
        assertThat(CredentialFiles.sign(f, "c.html", signer(), Instant.now())).isEqualTo(CredentialFiles.Outcome.SIGNED);
        assertThat(HtmlCredentials.check(Files.readString(f), keys)).isNotNull();
    }

    @Test
    void upperCaseMarkup_isFound_theCredentialLandsInHead_andResigningReplacesIt() throws Exception {
        String upper = "<!DOCTYPE HTML>\n<HTML><HEAD><TITLE>Old page</TITLE><LINK REL=\"LICENSE\" HREF=\"/terms.xml\"></HEAD>\n"
                + "<BODY><ARTICLE><P>Written before lower case was fashionable.</P></ARTICLE></BODY></HTML>\n";
        Path f = signed("upper.html", upper);
        String out = Files.readString(f);
        assertThat(out).doesNotContain("application/rsl+xml"); // the page's own LINK REL=LICENSE is kept, no second one
        assertThat(out.indexOf("content-credential+jwt")).isBetween(out.indexOf("<TITLE>"), out.indexOf("</HEAD>"));
        assertThat(HtmlCredentials.check(out, keys)).isNotNull();
        String shouted = out.replace("<script type=\"application/content-credential+jwt\">", "<SCRIPT TYPE='APPLICATION/CONTENT-CREDENTIAL+JWT'>")
                .replace("</script>", "</SCRIPT >").replace("before", "long before");
        Files.writeString(f, shouted);
        assertThat(CredentialFiles.sign(f, "upper.html", signer(), Instant.now())).isEqualTo(CredentialFiles.Outcome.SIGNED);
        String again = Files.readString(f);
        assertThat(again.toLowerCase().split("content-credential\\+jwt", -1)).hasSize(2);
        assertThat(HtmlCredentials.check(again, keys)).isNotNull();
    }

    @Test
    void stillVerifies_afterPrettyPrinting_minifying_reorderingAttributes_andChangingTheCharset() throws Exception {
        String out = Files.readString(signed("c.html", PAGE));
        String cred = out.substring(out.indexOf("<script type=\"application/content-credential+jwt\">"), out.indexOf("</script>") + 9);
        String minified = "<html lang=en><head>" + cred + "<title>x</title></head><body><nav>Tue 17:45</nav><article><h1>Why writers bargain</h1>"
                + "<p>Information is cheap to copy, so its price collapses.<p>Together, creators set the terms — café included.</article></body></html>";
        String pretty = "<html>\n <head>\n  " + cred + "\n </head>\n <body>\n  <article class=\"x\" id=\"y\">\n   <h1>\n    Why writers bargain\n   </h1>\n"
                + "   <p>\n    Information is cheap to copy,\n    so its price collapses.\n   </p>\n   <p>Together, creators set the terms &mdash; caf&eacute; included.</p>\n"
                + "  </article>\n </body>\n</html>\n";
        assertThat(HtmlCredentials.check(minified, keys)).isNotNull();
        assertThat(HtmlCredentials.check(pretty, keys)).isNotNull();
        byte[] latin1 = pretty.replace("&mdash;", "&#8212;").replace("<head>", "<head><meta charset=\"iso-8859-1\">").replace("caf&eacute;", "café")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HtmlCredentials.check(CredentialFiles.decode(latin1, Path.of("latin1.html")), keys)).isNotNull();
    }

    @Test
    void fails_namingTheDigest_afterAChangedWord_reorderedOrAddedParagraphs() throws Exception {
        String out = Files.readString(signed("d.html", PAGE));
        for (String tampered : new String[] {
                out.replace("cheap", "costly"),
                out.replace("<p>Information is cheap to copy, so its price collapses.</p>\n    <p>Together, creators set the terms — café included.</p>",
                        "<p>Together, creators set the terms — café included.</p>\n    <p>Information is cheap to copy, so its price collapses.</p>"),
                out.replace("</article>", "<p>An added paragraph.</p></article>")}) {
            assertThat(tampered).isNotEqualTo(out);
            assertThatThrownBy(() -> HtmlCredentials.check(tampered, keys)).isInstanceOf(Cb4iException.class)
                    .hasMessageContaining("digests.text differs").hasMessageContaining("digests.paragraphs differs")
                    .extracting(e -> ((Cb4iException) e).reason()).isEqualTo(Reason.DIGEST_MISMATCH);
        }
        assertThat(reasonOf(() -> HtmlCredentials.check(out, KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey())))).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void hostilePages_areRefusedWithAReason() throws Exception {
        String out = Files.readString(signed("e.html", PAGE));
        String cred = out.substring(out.indexOf("<script type=\"application/content-credential+jwt\">"), out.indexOf("</script>") + 9);
        assertThat(reasonOf(() -> HtmlCredentials.extract(out.replace("</head>", cred + "</head>")))).isEqualTo(Reason.CREDENTIAL_AMBIGUOUS);
        assertThat(reasonOf(() -> HtmlCredentials.extract(PAGE.replace("<article>", "<article>" + cred)))).isEqualTo(Reason.CREDENTIAL_MISPLACED);
        assertThat(reasonOf(() -> HtmlCredentials.check(PAGE, keys))).isEqualTo(Reason.CREDENTIAL_MISSING);
        String jws = cred.substring(cred.indexOf('>') + 1, cred.indexOf("</script>"));
        // Text before <head> makes a parser open <body>: a credential inserted before </head> would land in the body.
        assertThat(reasonOf(() -> HtmlCredentials.embed("Preface.<html><head><title>t</title></head><body><p>x</p></body></html>", jws,
                java.util.Optional.empty()))).isEqualTo(Reason.CREDENTIAL_MISPLACED);
        // A second credential-typed element elsewhere in the page: the whole page is parsed, and the ambiguity refused.
        assertThat(reasonOf(() -> HtmlCredentials.embed(PAGE.replace("<article>", "<article><script data-x=1 type='application/content-credential+jwt'>"
                + jws + "</script>"), jws, java.util.Optional.empty()))).isIn(Reason.CREDENTIAL_AMBIGUOUS, Reason.CREDENTIAL_MISPLACED);
        // ... also when its type is spelt with a character reference, which only a parser decodes.
        assertThat(reasonOf(() -> HtmlCredentials.embed(PAGE.replace("<article>", "<article><script type='application/content&#45;credential+jwt'>"
                + jws + "</script>"), jws, java.util.Optional.empty()))).isEqualTo(Reason.CREDENTIAL_AMBIGUOUS);
        Path binary = dir.resolve("image.html");
        Files.write(binary, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        assertThatThrownBy(() -> CredentialFiles.sign(binary, "image.html", signer(), Instant.now())).hasMessageContaining("binary content");
        Path huge = dir.resolve("huge.html");
        Files.writeString(huge, "<html><body><article><p title=\"" + "a".repeat(2_000_000) + "\">text</p></article></body></html>");
        assertThat(CredentialFiles.sign(huge, "huge.html", signer(), Instant.now())).isEqualTo(CredentialFiles.Outcome.SIGNED);
    }

    @Test
    void decoding_isStrict_whateverPathItTakes() throws Exception {
        byte[] page = "<html><head><META CHARSET=UTF-8><title>t</title></head><body><p>caf\u00E9 \uFFFD</p></body></html>".getBytes(StandardCharsets.UTF_8);
        // A genuine U+FFFD in valid UTF-8 is text like any other ...
        assertThat(CredentialFiles.decode(page, Path.of("ok.html"))).contains("caf\u00E9 \uFFFD");
        // ... malformed UTF-8 (a lone continuation byte, an encoded surrogate, an overlong slash) is refused, not replaced.
        for (byte[] bad : new byte[][] {{(byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}}) {
            byte[] b = java.util.Arrays.copyOf(page, page.length + bad.length);
            System.arraycopy(bad, 0, b, page.length, bad.length);
            assertThatThrownBy(() -> CredentialFiles.decode(b, Path.of("bad.html"))).hasMessageContaining("bad.html: not valid UTF-8 text");
        }
        // The charset declaration is read in any case of the tag's name.
        byte[] latin1 = "<html><head><Meta Charset=\"ISO-8859-1\"></head><body><p>caf\u00E9</p></body></html>".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(CredentialFiles.decode(latin1, Path.of("l.html"))).contains("caf\u00E9");
    }

    @Test
    void otherFiles_getASidecar_boundToTheirBytes() throws Exception {
        Path img = dir.resolve("photo.jpg");
        Files.write(img, new byte[] {1, 2, 3, 4});
        assertThat(CredentialFiles.sign(img, "photo.jpg", signer(), Instant.now())).isEqualTo(CredentialFiles.Outcome.SIGNED);
        String sidecar = Files.readString(CredentialFiles.sidecarOf(img)).strip();
        CredentialClaims c = ContentCredentials.verify(sidecar, keys).claims();
        assertThat(c.digests().bytes()).contains(CredentialFiles.sha256(new byte[] {1, 2, 3, 4}));
        assertThat(CredentialFiles.sign(img, "photo.jpg", signer(), Instant.now())).isEqualTo(CredentialFiles.Outcome.UNCHANGED);
    }
}
