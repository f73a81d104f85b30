package org.cb4i.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.httpsig.WebBotAuthVerifier;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.PathScope;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;
import org.cb4i.sdk.token.VerifiedLicense;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cb4i walkthrough}: the license layer end to end, in one process, narrated. It checks every step and
 * exits 1 if any did not behave as the narration says.
 */
@Command(name = "walkthrough", mixinStandardHelpOptions = true,
        description = "Walk through the license layer: a collective issues a license bound to a crawler's key, the crawler "
                + "signs requests (Web Bot Auth), a site verifies both, and a data strike suspends the license. "
                + "Writes its keys and token under --dir and prints the equivalent commands.")
final class WalkthroughCommand implements Callable<Integer> {
    static final String COLLECTIVE = "https://collective.example";
    static final String SITE = "https://news.example";

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = ".cb4i/walkthrough", paramLabel = "DIR", description = "Where keys and the token go (default ${DEFAULT-VALUE}).")
    Path dir;

    private PrintWriter out;
    private int failures;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();

        step("1. The collective and the crawler each have a signing key (Ed25519).");
        SigningKey collective = keyIn(dir.resolve("collective"));
        SigningKey crawler = keyIn(dir.resolve("crawler"));
        say("collective key " + collective.thumbprint());
        say("crawler key    " + crawler.thumbprint() + "  (this thumbprint is the crawler's Web Bot Auth keyid)");
        cmd("cb4i keys generate --out " + dir.resolve("collective"));

        step("2. The collective issues a license: ai-train on " + SITE + "/articles/*, bound to the crawler's key (cnf).");
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        URI statusUri = URI.create(COLLECTIVE + "/status/1");
        LicenseClaims claims = new LicenseClaims(COLLECTIVE, "crawler-co", List.of(COLLECTIVE), "walkthrough-1", now, now, now.plus(Duration.ofDays(30)),
                new Confirmation(crawler.publicKey()), EnumSet.of(Usage.AI_TRAIN),
                List.of(new PathScope(Optional.of(SITE), List.of(PathPattern.of("/articles/*")), List.of(PathPattern.of("/articles/private/*")))),
                Quota.NONE, Optional.empty(), Optional.of(new StatusReference(7, statusUri)));
        String token = LicenseTokens.issue(claims, collective);
        Path tokenFile = dir.resolve("license.jwt");
        AtomicFiles.write(tokenFile, (token + "\n").getBytes(StandardCharsets.US_ASCII), false, true);
        say("token written to " + tokenFile + " (" + token.length() + " characters, typ license+jwt, alg EdDSA)");
        cmd("cb4i license issue --issuer-key " + dir.resolve("collective/private.jwk") + " --issuer " + COLLECTIVE
                + " --licensee crawler-co --crawler-key " + dir.resolve("crawler/public.jwk")
                + " --usages ai-train --paths '" + SITE + " allow /articles/* disallow /articles/private/*' --out " + tokenFile);

        step("3. A member site verifies the license (what the proxy does for each crawler request).");
        LicenseTokenVerifier verifier = LicenseTokenVerifier.builder().trustIssuer(COLLECTIVE, KeySet.of(collective.publicKey())).build();
        VerifiedLicense v = verifier.verify(token);
        expect("license verifies with the collective's public key", v.claims().id().equals("walkthrough-1"));
        expect("it covers " + SITE + "/articles/2026/ai.html for ai-train",
                v.claims().covers(URI.create(SITE + "/articles/2026/ai.html")) && v.claims().permits(Usage.AI_TRAIN));
        expect("it does not cover " + SITE + "/articles/private/memo.html", !v.claims().covers(URI.create(SITE + "/articles/private/memo.html")));
        expect("it does not grant ai-input (403 insufficient_scope at the proxy)", !v.claims().permits(Usage.AI_INPUT));
        cmd("cb4i license inspect " + tokenFile + " --jwks " + dir.resolve("collective/public.jwks"));

        step("4. The crawler signs its request (Web Bot Auth, RFC 9421); the site checks keyid == cnf.jkt.");
        SignedRequest request = SignedRequest.of("GET", URI.create(SITE + "/articles/2026/ai.html"));
        SignatureHeaders sig = new WebBotAuthSigner(crawler, clock).sign(request, SignaturePolicy.REUSABLE);
        say("Authorization: License " + token.substring(0, 24) + "…");
        say("Signature-Input: " + sig.signatureInput());
        say("Signature: " + sig.signature());
        WebBotAuthVerifier wba = WebBotAuthVerifier.builder().build();
        SignedRequest received = SignedRequest.of("GET", URI.create(SITE + "/articles/2026/ai.html"),
                Map.of("Signature-Input", List.of(sig.signatureInput()), "Signature", List.of(sig.signature())));
        expect("the signature verifies with the key in the license (proof of possession)",
                wba.verifyBound(received, SignaturePolicy.REUSABLE, v.claims().confirmation().key()).keyId().equals(crawler.thumbprint()));

        step("5. Someone copies the token but not the private key: their signature is refused.");
        SigningKey thief = KeyFiles.generate(KeyAlgorithm.ED25519);
        SignatureHeaders stolen = new WebBotAuthSigner(thief, clock).sign(request, SignaturePolicy.REUSABLE);
        SignedRequest replay = SignedRequest.of("GET", URI.create(request.targetUri()),
                Map.of("Signature-Input", List.of(stolen.signatureInput()), "Signature", List.of(stolen.signature())));
        expectReason("a copied token is useless without the crawler's key", Reason.SIGNATURE_KEY_MISMATCH,
                () -> wba.verifyBound(replay, SignaturePolicy.REUSABLE, v.claims().confirmation().key()));

        step("6. Data strike: the collective suspends the license in its status list; every site sees it within the list's ttl.");
        StatusList list = StatusList.create(2, 1024);
        list.set(7, StatusValue.SUSPENDED);
        StatusListToken published = StatusListToken.sign(collective, statusUri, now, now.plus(Duration.ofHours(1)), Duration.ofMinutes(5), list);
        StatusListToken fetched = StatusListToken.verify(published.compact(), statusUri, KeySet.of(collective.publicKey()));
        StatusValue status = fetched.list().status((int) v.claims().status().orElseThrow().idx());
        expect("index 7 reads SUSPENDED: the proxy answers 401 invalid_token, reason " + status.reason(), status == StatusValue.SUSPENDED);
        say("status list token: " + published.compact().length() + " characters for 1024 licenses (typ statuslist+jwt)");

        out.println();
        if (failures > 0) {
            out.println("walkthrough: " + failures + " step(s) did not behave as described");
            return ExitCodes.REFUSED;
        }
        out.println("walkthrough: every step behaved as described. Keys and token are in " + dir + ".");
        out.println("Not yet built: the enforcement proxy, the issuer server, content credentials, receipts and the dataset verifier (see README).");
        return ExitCodes.OK;
    }

    private SigningKey keyIn(Path d) throws Exception {
        if (Files.exists(d.resolve(KeyFiles.PRIVATE_JWK))) {
            return KeyFiles.readSigningKey(d.resolve(KeyFiles.PRIVATE_JWK));
        }
        SigningKey k = KeyFiles.generate(KeyAlgorithm.ED25519);
        KeyFiles.writeKeyPair(d, k, false);
        return k;
    }

    private void step(String s) {
        out.println();
        out.println(s);
    }

    private void say(String s) {
        out.println("   " + s);
    }

    private void cmd(String s) {
        out.println("   $ " + s);
    }

    private void expect(String what, boolean ok) {
        out.println("   " + (ok ? "ok    " : "FAILED") + " " + what);
        if (!ok) {
            failures++;
        }
    }

    private void expectReason(String what, Reason expected, Runnable r) {
        Reason got = null;
        try {
            r.run();
        } catch (Cb4iException e) {
            got = e.reason();
        }
        expect(what + " (" + (got == null ? "accepted!" : got) + ")", got == expected);
    }
}
