package org.cb4i.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.consent.ConsentDocument;
import org.cb4i.sdk.consent.ConsentRequest;
import org.cb4i.sdk.consent.OptOut;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cb4i consent}: a member reads and sets its own consent at its collective (SPEC.md §16), signing with its
 * content key: no admin token, no operator in between.
 */
@Command(name = "consent", mixinStandardHelpOptions = true,
        description = "A member's consent at its collective: what it opts out of (usages, agreements, works by path), enforced by its proxies.",
        subcommands = {ConsentCommand.Show.class, ConsentCommand.Set.class})
final class ConsentCommand {
    static final class Member {
        @Option(names = "--issuer", required = true, paramLabel = "URL", description = "The collective's issuer, e.g. https://licenses.collective.example.")
        URI issuer;

        @Option(names = "--origin", required = true, paramLabel = "URL", description = "The member site's origin, e.g. https://news.example.")
        String origin;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "The member's private content key (the one registered with the collective).")
        Path key;

        @Option(names = "--json", description = "Print the answer as JSON.")
        boolean json;

        URI endpoint() {
            return URI.create(issuer.toString().replaceAll("/+$", "") + "/consent");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the member's consent in force, as its proxies receive it (checked with the collective's keys).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Member m;

        @Override
        public Integer call() throws Exception {
            SigningKey k = KeyFiles.readSigningKey(m.key);
            URI url = URI.create(m.endpoint() + "?origin=" + URLEncoder.encode(m.origin, StandardCharsets.UTF_8));
            SignatureHeaders sig = new WebBotAuthSigner(k, Clock.systemUTC()).sign(SignedRequest.of("GET", url), SignaturePolicy.PER_REQUEST);
            HttpResponse<String> r = IssuerRequests.send(HttpRequest.newBuilder(url).header("Accept", ConsentDocument.MEDIA_TYPE)
                    .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature()).GET());
            return answer(spec, m, r);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the member's whole choice (what is not named is opted back in); its proxies enforce it within one consent ttl.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Member m;

        @Option(names = "--opt-out-usage", paramLabel = "USAGE", description = "A usage to refuse (ai-train, ai-input, ai-index, ai-all, search, all); repeatable.")
        List<String> usages = new ArrayList<>();

        @Option(names = "--opt-out-agreement", paramLabel = "URI", description = "An agreement to stay out of (its URI, as licenses name it); repeatable.")
        List<String> agreements = new ArrayList<>();

        @Option(names = "--opt-out-path", paramLabel = "PATTERN", description = "Works to withhold, by path pattern (/drafts/, *.pdf); repeatable.")
        List<String> paths = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            for (String u : usages) {
                if (Usage.parse(u).isEmpty()) {
                    err.println("cb4i: --opt-out-usage " + u + ": not a usage; expected one of all, ai-all, ai-train, ai-input, ai-index, search");
                    return ExitCodes.BAD_INPUT;
                }
            }
            List<PathPattern> patterns = new ArrayList<>();
            for (String p : paths) {
                try {
                    patterns.add(PathPattern.of(p));
                } catch (IllegalArgumentException e) {
                    err.println("cb4i: --opt-out-path: " + e.getMessage());
                    return ExitCodes.BAD_INPUT;
                }
            }
            for (String a : agreements) {
                URI u;
                try {
                    u = URI.create(a);
                } catch (IllegalArgumentException e) {
                    u = null;
                }
                if (u == null || !u.isAbsolute()) {
                    err.println("cb4i: --opt-out-agreement " + a + ": expected the agreement's absolute URI, as licenses name it "
                            + "(cb4i license inspect shows it)");
                    return ExitCodes.BAD_INPUT;
                }
            }
            SigningKey k = KeyFiles.readSigningKey(m.key);
            String request = ConsentRequest.sign(k, m.origin, Clock.systemUTC().instant(), UUID.randomUUID().toString(),
                    new OptOut(usages, agreements, patterns));
            HttpResponse<String> r = IssuerRequests.send(HttpRequest.newBuilder(m.endpoint()).header("Content-Type", "application/" + ConsentRequest.TYP)
                    .header("Accept", ConsentDocument.MEDIA_TYPE).POST(HttpRequest.BodyPublishers.ofString(request)));
            return answer(spec, m, r);
        }
    }

    /** Prints the document the issuer answered, checked with the collective's keys; or why it refused. */
    private static int answer(CommandSpec spec, Member m, HttpResponse<String> r) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (r.statusCode() != 200) {
            return IssuerRequests.refused(spec, r);
        }
        URI jwks = URI.create(m.issuer.toString().replaceAll("/+$", "") + "/jwks");
        HttpResponse<String> keys = IssuerRequests.send(HttpRequest.newBuilder(jwks).GET());
        ConsentDocument d;
        try {
            KeySet ks = KeyFiles.parseKeySet(keys.body(), jwks.toString());
            d = ConsentDocument.verify(r.body().trim(), ks);
        } catch (Cb4iException e) {
            err.println("cb4i: the consent document the issuer answered does not check out: " + e.reason() + ": " + e.getMessage());
            return ExitCodes.REFUSED;
        }
        if (m.json) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("iss", d.issuer());
            o.put("sub", d.member());
            o.put("version", d.version());
            o.put("iat", d.issuedAt().getEpochSecond());
            o.put("exp", d.expiresAt().getEpochSecond());
            o.put("ttl", d.ttl().toSeconds());
            o.set("opt_out", Json.mapper().valueToTree(d.optOut().toJson()));
            out.println(Json.writePretty(o));
        } else {
            out.println("consent of " + d.member() + " at " + d.issuer() + ": version " + d.version());
            if (d.optOut().isEmpty()) {
                out.println("  nothing opted out: every use the collective licenses is allowed");
            } else {
                if (!d.optOut().usageTokens().isEmpty()) {
                    out.println("  usages opted out:     " + String.join(", ", d.optOut().usageTokens()));
                }
                if (!d.optOut().agreements().isEmpty()) {
                    out.println("  agreements opted out: " + String.join(", ", d.optOut().agreements()));
                }
                if (!d.optOut().paths().isEmpty()) {
                    out.println("  works withheld:       " + String.join(", ", d.optOut().paths().stream().map(PathPattern::pattern).toList()));
                }
            }
            out.println("  its proxies hold it for up to " + d.ttl().toSeconds() + " s before fetching it again");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
