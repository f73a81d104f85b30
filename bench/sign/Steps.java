// Where a signer's time goes, per page, on one warm thread: each step of `cb4i sign` timed apart on the first 2,000
// pages of a tree, beside jsoup's own Element.text() on the same region (what any text extraction costs), ten rounds,
// the last printed.
//   java -cp cli/target/cb4i.jar bench/sign/Steps.java DIR PRIVATE_JWK
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.cb4i.sdk.credential.ContentCredentials;
import org.cb4i.sdk.credential.CredentialClaims;
import org.cb4i.sdk.credential.CredentialFiles;
import org.cb4i.sdk.credential.HtmlCredentials;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.text.CanonicalText;
import org.jsoup.Jsoup;

public class Steps {
    public static void main(String[] a) throws Exception {
        List<Path> pages;
        try (Stream<Path> s = Files.walk(Path.of(a[0]))) {
            pages = s.filter(p -> p.toString().endsWith(".html")).sorted().limit(2000).toList();
        }
        List<byte[]> bytes = new ArrayList<>();
        for (Path p : pages) {
            bytes.add(Files.readAllBytes(p));
        }
        var key = KeyFiles.readSigningKey(Path.of(a[1]));
        long[] t = new long[8];
        String[] names = {"decode", "parse", "canonical text", "paragraph root", "find credential", "sign", "embed", "(jsoup text())"};
        long sink = 0;
        for (int round = 0; round < 10; round++) {
            java.util.Arrays.fill(t, 0);
            for (int i = 0; i < bytes.size(); i++) {
                long t0 = System.nanoTime();
                String html = CredentialFiles.decode(bytes.get(i), pages.get(i));
                long t1 = System.nanoTime();
                var doc = Jsoup.parse(html);
                long t2 = System.nanoTime();
                var text = CanonicalText.of(doc);
                long t3 = System.nanoTime();
                String root = text.paragraphsRoot();
                long t4 = System.nanoTime();
                sink += HtmlCredentials.extract(doc).isPresent() ? 1 : 0;
                long t5 = System.nanoTime();
                var d = new CredentialClaims.Digests(Optional.of(text.textSha256()), Optional.of(text.paragraphs().size()), Optional.of(root), Optional.empty());
                String jws = ContentCredentials.sign(new CredentialClaims("https://news.example", "https://news.example/" + i, Instant.now(), List.of(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Set.of(), d), key);
                long t6 = System.nanoTime();
                sink += HtmlCredentials.embed(new String(bytes.get(i), StandardCharsets.ISO_8859_1), jws, Optional.of(URI.create("https://news.example/l.xml"))).length();
                long t7 = System.nanoTime();
                sink += doc.selectFirst("article") != null ? doc.selectFirst("article").text().length() : 0;
                long t8 = System.nanoTime();
                long[] at = {t0, t1, t2, t3, t4, t5, t6, t7, t8};
                for (int k = 0; k < 8; k++) {
                    t[k] += at[k + 1] - at[k];
                }
            }
        }
        double parse = t[1] / 1e3 / bytes.size();
        double total = 0;
        StringBuilder out = new StringBuilder("per page, one warm thread (us, and x the parse):");
        for (int k = 0; k < 8; k++) {
            double us = t[k] / 1e3 / bytes.size();
            if (k < 7) {
                total += us;
            }
            out.append(String.format("  %s %.0f (%.1fx)", names[k], us, us / parse));
        }
        out.append(String.format("  | signing total %.0f us = %.1fx the parse", total, total / parse));
        System.out.println(out);
        if (sink == 42) {
            System.out.println();
        }
    }
}
