package org.cb4i.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.credential.ContentCredentials;
import org.cb4i.sdk.credential.CredentialClaims;
import org.cb4i.sdk.credential.CredentialFiles;
import org.cb4i.sdk.credential.HtmlCredentials;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.verifier.trust.TrustStore;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cb4i inspect}: a page's or file's content credential, checked. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show the content credential of a file or URL and check its signature and digests. Exit 0 valid, 1 invalid "
                + "(saying which check failed), 2 no credential or unreadable input.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|URL", description = "An HTML page, another signed file (its NAME.credential.jwt is read), or an http(s) URL.")
    String target;

    @Option(names = "--jwks", paramLabel = "FILE|URL", description = "The publisher's public keys. Without it, a URL's /.well-known/cb4i content_keys are used.")
    String jwks;

    @Option(names = "--trust", paramLabel = "FILE", description = "A trust store (cb4i trust add): its publisher entry for the credential's "
            + "origin, or, with --repertoire, the collective that signed the repertoire.")
    Path trustStore;

    @Option(names = "--repertoire", paramLabel = "FILE|URL", description = "A collective's signed repertoire (e.g. https://issuer/repertoire): "
            + "the publisher's keys are those of its membership now, if the repertoire is signed by a collective of --trust.")
    String repertoire;

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        boolean isUrl = target.startsWith("http://") || target.startsWith("https://");
        byte[] body;
        String headerCredential = null;
        boolean html;
        if (isUrl) {
            HttpResponse<byte[]> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new MalformedInputException(Reason.CREDENTIAL_MISSING, target + " answered HTTP " + r.statusCode());
            }
            body = r.body();
            headerCredential = r.headers().firstValue("Content-Credential").orElse(null);
            html = r.headers().firstValue("Content-Type").orElse("").contains("html");
        } else {
            body = Files.readAllBytes(Path.of(target));
            html = CredentialFiles.isHtml(Path.of(target));
        }
        String credential;
        String text = null;
        if (html) {
            text = CredentialFiles.decode(body, Path.of(isUrl ? "page" : target));
            credential = HtmlCredentials.extract(text).orElse(headerCredential);
        } else if (isUrl) {
            credential = headerCredential;
        } else {
            Path sidecar = CredentialFiles.sidecarOf(Path.of(target));
            credential = Files.isRegularFile(sidecar) ? Files.readString(sidecar, StandardCharsets.US_ASCII).strip() : null;
        }
        if (credential == null) {
            throw new MalformedInputException(Reason.CREDENTIAL_MISSING, target + " has no content credential"
                    + (html ? " in <head>" : isUrl ? " (no Content-Credential header)" : " (no " + CredentialFiles.sidecarOf(Path.of(target)).getFileName() + ")"));
        }
        CredentialClaims claims = ContentCredentials.readUnverified(credential);
        Map<String, Object> checks = new LinkedHashMap<>();
        String trust;
        KeySet keys = null;
        if (jwks != null) {
            keys = Sources.keySet(jwks, Sources.USER_GIVEN);
            trust = "the key set given with --jwks (" + jwks + ")";
        } else if (trustStore != null) {
            TrustStore ts = TrustStore.read(trustStore);
            java.time.Instant now = java.time.Instant.now();
            java.util.Optional<KeySet> direct = ts.publisher(claims.issuer(), now);
            if (direct.isPresent()) {
                keys = direct.get();
                trust = "the trust store's entry for " + claims.issuer() + " (" + trustStore + ")";
            } else if (repertoire != null) {
                String compact = Sources.text(repertoire, Sources.USER_GIVEN, Repertoire.MEDIA_TYPE).strip();
                String iss = Repertoire.issuerOf(compact);
                KeySet collectiveKeys = ts.collective(iss, now).orElseThrow(() -> new org.cb4i.sdk.RejectedException(Reason.UNKNOWN_ISSUER,
                        "the repertoire is signed by " + iss + ", which " + trustStore + " does not trust"));
                Repertoire r = Repertoire.verify(compact, collectiveKeys);
                var member = r.memberAt(claims.issuer(), now);
                keys = member.map(Repertoire.Member::contentKeys).orElse(null);
                trust = member.isPresent() ? "the repertoire of " + r.issuer() + " (" + claims.issuer() + " a member since " + member.get().joined()
                        + "), signed by a collective of " + trustStore : "none: " + claims.issuer() + " is not a member of " + r.issuer() + "'s repertoire now";
            } else {
                trust = "none: " + trustStore + " has no entry for " + claims.issuer() + " (give --repertoire to trust it through its collective)";
            }
        } else if (isUrl) {
            URI u = URI.create(target);
            String wk = Sources.text(u.getScheme() + "://" + u.getRawAuthority() + "/.well-known/cb4i", Sources.USER_GIVEN, "application/json");
            var node = Json.readObject(wk, "/.well-known/cb4i", Reason.MALFORMED_JSON).path("content_keys");
            keys = node.path("keys").isEmpty() ? null : KeyFiles.parseKeySet(node.toString(), "/.well-known/cb4i content_keys");
            trust = keys == null ? "none: the site's /.well-known/cb4i lists no content keys" : "the publisher's /.well-known/cb4i (same origin as the page)";
        } else {
            trust = "none: give --jwks with the publisher's keys";
        }
        boolean valid = false;
        if (keys == null) {
            checks.put("signature", "not checked: no trusted key");
        } else {
            try {
                if (html && text != null && HtmlCredentials.extract(text).isPresent()) {
                    HtmlCredentials.check(text, keys);
                    checks.put("signature", "valid");
                    checks.put("digests.text", "matches");
                    checks.put("digests.paragraphs", "matches");
                } else {
                    ContentCredentials.verify(credential, keys);
                    checks.put("signature", "valid");
                    String actual = CredentialFiles.sha256(body);
                    if (claims.digests().bytes().map(actual::equals).orElse(false)) {
                        checks.put("digests.bytes", "matches");
                    } else {
                        throw new org.cb4i.sdk.RejectedException(Reason.DIGEST_MISMATCH, "digests.bytes differs: the file is " + actual);
                    }
                }
                valid = true;
            } catch (Cb4iException e) {
                checks.put("failed", e.getMessage() + " [" + e.reason() + "]");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", target);
            m.put("claims", Json.mapper().readTree(Json.write(claims.toJsonForDisplay())));
            m.put("key", ContentCredentials.keyIdOf(credential));
            m.put("trust", trust);
            m.put("checks", checks);
            m.put("valid", valid);
            out.print(Json.writePretty(m));
        } else {
            out.println("content credential of " + target);
            out.printf("  %-12s %s%n", "publisher", claims.issuer());
            out.printf("  %-12s %s%n", "url", claims.subject());
            out.printf("  %-12s %s%n", "signed", claims.issuedAt());
            if (!claims.creators().isEmpty()) {
                out.printf("  %-12s %s%n", "creators", String.join(", ", claims.creators()));
            }
            claims.terms().ifPresent(t -> out.printf("  %-12s %s%n", "terms", t.uri()));
            out.printf("  %-12s %s%n", "key", ContentCredentials.keyIdOf(credential));
            out.printf("  %-12s %s%n", "trust", trust);
            checks.forEach((k, v) -> out.printf("  %-12s %s%n", k, v));
            out.println(valid ? "VALID" : "NOT VALID");
        }
        return valid ? ExitCodes.OK : ExitCodes.REFUSED;
    }
}
