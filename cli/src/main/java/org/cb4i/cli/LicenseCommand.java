package org.cb4i.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.crawler.TokenClient;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.PathScope;
import org.cb4i.sdk.token.StatusReference;
import org.cb4i.sdk.token.VerifiedLicense;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cb4i license}: issue and inspect license tokens (SPEC.md §4). */
@Command(name = "license", mixinStandardHelpOptions = true, description = "Issue and inspect license tokens.",
        subcommands = {LicenseCommand.Request.class, LicenseCommand.Offers.class, LicenseCommand.Accept.class, LicenseCommand.Issue.class,
                LicenseCommand.Inspect.class})
final class LicenseCommand {

    @Command(name = "request", mixinStandardHelpOptions = true,
            description = "Obtain a license from a collective's issuer (POST /token, signed with the crawler's key) and write it to --out.")
    static final class Request implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--issuer", required = true, paramLabel = "URL", description = "The issuer's base URL, e.g. https://licenses.collective.example.")
        URI issuer;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "The crawler's private JWK (the key registered with the collective).")
        Path key;

        @Option(names = "--licensee", paramLabel = "ID", description = "The licensee id (client_id); default: whoever the key is registered to.")
        String licensee;

        @Option(names = "--agreement", paramLabel = "ID", description = "The agreement to license under, when there are several.")
        String agreement;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the token.")
        Path out;

        @Override
        public Integer call() throws Exception {
            SigningKey k = KeyFiles.readSigningKey(key);
            URI endpoint = URI.create(issuer.toString().replaceAll("/+$", "") + "/token");
            TokenClient.Issued issued;
            try {
                issued = new TokenClient(k, Clock.systemUTC()).request(endpoint, Optional.ofNullable(licensee), Optional.ofNullable(agreement));
            } catch (TokenClient.Refused e) {
                spec.commandLine().getErr().println("cb4i: the issuer refused: " + e.getMessage());
                return ExitCodes.REFUSED;
            }
            AtomicFiles.write(out, (issued.token() + "\n").getBytes(StandardCharsets.US_ASCII), false, true);
            PrintWriter w = spec.commandLine().getOut();
            w.println("obtained license " + issued.licenseId().orElse("?") + ", valid for " + issued.expiresIn() + " s");
            w.println("  bound to crawler key " + k.thumbprint());
            w.println("  written to " + out + "   (cb4i license inspect " + out + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "offers", mixinStandardHelpOptions = true, description = "The collective's open offers: what each grants, its price and term.")
    static final class Offers implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--issuer", required = true, paramLabel = "URL", description = "The issuer's base URL.")
        URI issuer;

        @Option(names = "--json", description = "Print the offers as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    URI.create(issuer.toString().replaceAll("/+$", "") + "/offers")).timeout(java.time.Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                spec.commandLine().getErr().println("cb4i: " + issuer + "/offers answered HTTP " + r.statusCode());
                return ExitCodes.REFUSED;
            }
            com.fasterxml.jackson.databind.JsonNode offers = org.cb4i.sdk.json.Json.mapper().readTree(r.body()).path("offers");
            PrintWriter w = spec.commandLine().getOut();
            if (json) {
                w.println(org.cb4i.sdk.json.Json.writePretty(offers));
            } else if (offers.isEmpty()) {
                w.println("no open offers at " + issuer);
            }
            for (com.fasterxml.jackson.databind.JsonNode o : json ? org.cb4i.sdk.json.Json.mapper().createArrayNode() : offers) {
                w.println(o.path("id").asText() + "  " + o.path("usages") + "  price " + o.path("price") + "  until "
                        + java.time.Instant.ofEpochSecond(o.path("not_after").asLong()) + "  (accept before "
                        + java.time.Instant.ofEpochSecond(o.path("accept_until").asLong()) + ")");
            }
            w.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "accept", mixinStandardHelpOptions = true,
            description = "Accept an offer as published, signed with the crawler's registered key: the agreement is in force at once.")
    static final class Accept implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--issuer", required = true, paramLabel = "URL", description = "The issuer's base URL.")
        URI issuer;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "The licensee's registered private key.")
        Path key;

        @Option(names = "--licensee", required = true, paramLabel = "ID", description = "The licensee's id.")
        String licensee;

        @Option(names = "--offer", required = true, paramLabel = "ID", description = "The offer (cb4i license offers lists them).")
        String offer;

        @Override
        public Integer call() throws Exception {
            SigningKey k = KeyFiles.readSigningKey(key);
            String base = issuer.toString().replaceAll("/+$", "");
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> o = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/offers/" + offer))
                    .timeout(java.time.Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (o.statusCode() != 200) {
                spec.commandLine().getErr().println("cb4i: no published offer " + offer + " at " + base + " (HTTP " + o.statusCode() + ")");
                return ExitCodes.REFUSED;
            }
            java.net.http.HttpResponse<String> jwks = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/jwks"))
                    .timeout(java.time.Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            org.cb4i.sdk.offer.Offer read;
            try {
                read = org.cb4i.sdk.offer.Offer.verify(o.body().trim(), KeyFiles.parseKeySet(jwks.body(), base + "/jwks"));
            } catch (org.cb4i.sdk.Cb4iException e) {
                spec.commandLine().getErr().println("cb4i: the offer does not check out with the collective's keys: " + e.getMessage());
                return ExitCodes.REFUSED;
            }
            String acceptance = org.cb4i.sdk.offer.Acceptance.sign(k, licensee, read, Clock.systemUTC().instant(), java.util.UUID.randomUUID().toString());
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/offers/" + offer + "/accept"))
                    .header("Content-Type", "application/" + org.cb4i.sdk.offer.Acceptance.TYP).timeout(java.time.Duration.ofSeconds(30))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(acceptance)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            com.fasterxml.jackson.databind.JsonNode a = org.cb4i.sdk.json.Json.mapper().readTree(r.body());
            if (r.statusCode() != 200) {
                spec.commandLine().getErr().println("cb4i: the issuer refused (HTTP " + r.statusCode() + ") " + a.path("error").asText() + ": "
                        + a.path("error_description").asText());
                return r.statusCode() == 400 ? ExitCodes.BAD_INPUT : ExitCodes.REFUSED;
            }
            PrintWriter w = spec.commandLine().getOut();
            w.println("accepted offer " + offer + " (sha256 " + read.sha256() + "): agreement " + a.path("agreement").asText() + " in force from "
                    + java.time.Instant.ofEpochSecond(a.path("not_before").asLong()) + " until " + java.time.Instant.ofEpochSecond(a.path("not_after").asLong()));
            w.println("  price " + read.grant().path("price") + "; grants " + read.grant().path("usages"));
            w.println("  next: cb4i license request --issuer " + base + " --key " + key + " --agreement " + a.path("agreement").asText() + " --out license.jwt");
            w.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Sign a license token (typ license+jwt) bound to a crawler's key, and write it to --out.")
    static final class Issue implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--issuer-key", required = true, paramLabel = "FILE", description = "The collective's private JWK.")
        Path issuerKey;

        @Option(names = "--issuer", required = true, paramLabel = "ID", description = "The collective's id (iss), e.g. https://collective.example.")
        String issuer;

        @Option(names = "--aud", paramLabel = "REPERTOIRE_ID", description = "The repertoire the license covers (aud); repeatable. Default: the issuer id.")
        List<String> aud = new ArrayList<>();

        @Option(names = "--licensee", required = true, paramLabel = "ID", description = "The licensee's id (sub).")
        String licensee;

        @Option(names = "--crawler-key", required = true, paramLabel = "FILE", description = "The crawler's public key: a JWK or a JWKS with one key.")
        Path crawlerKey;

        @Mixin
        GrantOptions grant;

        @Option(names = "--days", defaultValue = "30", paramLabel = "N", description = "Validity in days from now (default 30; at most 400).")
        long days;

        @Option(names = "--status-list", paramLabel = "URI", description = "The status list that can revoke or suspend this license.")
        URI statusList;

        @Option(names = "--status-index", paramLabel = "N", description = "This license's index in --status-list.")
        Long statusIndex;

        @Option(names = "--jti", paramLabel = "ID", description = "The token id (default: a random UUID).")
        String jti;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the token.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (days < 1 || days > 400) {
                throw new IllegalArgumentException("--days must be from 1 to 400");
            }
            if ((statusList == null) != (statusIndex == null)) {
                throw new IllegalArgumentException("--status-list and --status-index go together");
            }
            SigningKey key = KeyFiles.readSigningKey(issuerKey);
            KeySet crawler = KeyFiles.readKeySet(crawlerKey);
            if (crawler.keys().size() != 1) {
                throw new IllegalArgumentException(crawlerKey + " holds " + crawler.keys().size() + " keys; give the one key the crawler signs with");
            }
            EnumSet<Usage> granted = grant.usages();
            Instant now = Clock.systemUTC().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            LicenseClaims claims = new LicenseClaims(issuer, licensee, aud.isEmpty() ? List.of(issuer) : aud,
                    jti == null ? UUID.randomUUID().toString() : jti, now, now, now.plus(Duration.ofDays(days)),
                    new Confirmation(crawler.keys().get(0)), granted, grant.paths(), grant.quota(), grant.agreement(),
                    statusList == null ? Optional.empty() : Optional.of(new StatusReference(statusIndex, statusList)));
            String token = LicenseTokens.issue(claims, key);
            AtomicFiles.write(out, (token + "\n").getBytes(StandardCharsets.US_ASCII), false, true);
            PrintWriter w = spec.commandLine().getOut();
            w.println("issued license " + claims.id() + " to " + licensee + " for " + granted + ", valid until " + claims.expiresAt());
            w.println("  bound to crawler key " + claims.confirmation().jkt());
            w.println("  written to " + out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Print a license token's claims; with --jwks, also verify its signature. Exit 0 valid (or readable and not "
                    + "checked without --jwks), 1 invalid (a refused alg, typ, crit header, claim or signature), 2 unreadable (not a compact JWS, "
                    + "not strict JSON).")
    static final class Inspect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TOKEN_FILE", description = "A file holding the compact token.")
        Path file;

        @Option(names = "--jwks", paramLabel = "FILE", description = "The issuer's public keys (JWK or JWKS): verify the token with them.")
        Path jwks;

        @Option(names = "--aud", paramLabel = "REPERTOIRE_ID", description = "Also require this audience (default: accept the token's own).")
        String aud;

        @Option(names = "--json", description = "Print JSON for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            // Unreadable (exit 2): not a compact JWS, bad base64url, JSON that is not strict. Everything a token says
            // that can be read but is not acceptable (its alg, typ, crit, claims, cnf) is "invalid" (exit 1), shown.
            CompactJws.Parsed raw;
            try {
                raw = CompactJws.readUnchecked(token, LicenseTokenVerifier.DEFAULT_MAX_TOKEN_CHARS, "license token");
            } catch (Cb4iException e) {
                throw new MalformedInputException(e.reason(), file + ": " + e.getMessage());
            }
            Map<String, Object> verification = new LinkedHashMap<>();
            CompactJws.Parsed parsed = null;
            LicenseClaims claims = null;
            try {
                parsed = CompactJws.parse(token, LicenseTokens.TYP, LicenseTokenVerifier.DEFAULT_MAX_TOKEN_CHARS, "license token");
                claims = LicenseClaims.fromJws(parsed);
            } catch (Cb4iException e) {
                invalid(verification, e);
            }
            int exit = verification.isEmpty() ? ExitCodes.OK : ExitCodes.REFUSED;
            if (claims != null && jwks != null) {
                KeySet keys = KeyFiles.readKeySet(jwks);
                LicenseTokenVerifier.Builder b = LicenseTokenVerifier.builder().trustIssuer(claims.issuer(), keys).cacheBytes(0);
                (aud == null ? claims.audience() : List.of(aud)).forEach(b::acceptAudience);
                try {
                    VerifiedLicense v = b.build().verify(token);
                    verification.put("result", "valid");
                    verification.put("issuer_key", v.issuerKeyId());
                } catch (Cb4iException e) {
                    invalid(verification, e);
                    exit = ExitCodes.REFUSED;
                }
            } else if (claims != null) {
                verification.put("result", "not checked");
            }
            PrintWriter w = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> outJson = new LinkedHashMap<>();
                outJson.put("header", Json.mapper().convertValue(raw.header(), Map.class));
                if (claims != null) {
                    outJson.put("claims", claims.toJson());
                } else {
                    outJson.put("payload", Json.mapper().convertValue(raw.payload(), Map.class));
                }
                outJson.put("verification", verification);
                w.print(Json.writePretty(outJson));
            } else if (claims != null) {
                printHuman(w, claims, parsed, verification);
            } else {
                w.println("license token " + file + " is not valid: " + verification.get("message") + " [" + verification.get("reason") + "]");
                w.println("  header   " + Json.write(raw.header()));
                w.println("  payload  " + Json.write(raw.payload()));
            }
            w.flush();
            return exit;
        }

        private static void invalid(Map<String, Object> verification, Cb4iException e) {
            verification.put("result", "invalid");
            verification.put("reason", e.reason().name());
            verification.put("message", e.getMessage());
        }

        private void printHuman(PrintWriter w, LicenseClaims c, CompactJws.Parsed p, Map<String, Object> v) {
            w.println("license " + c.id());
            row(w, "issuer", c.issuer() + "  (alg " + p.alg() + ", key " + p.kid() + ")");
            row(w, "licensee", c.subject());
            row(w, "repertoire", String.join(", ", c.audience()));
            row(w, "valid", c.notBefore() + " to " + c.expiresAt());
            row(w, "crawler key", c.confirmation().jkt() + "  (" + c.confirmation().key().algorithm() + ")");
            row(w, "usages", c.usages().toString());
            if (c.paths().isEmpty()) {
                row(w, "paths", "everything the repertoire covers");
            }
            for (PathScope s : c.paths()) {
                row(w, "paths", s.origin().orElse("every member") + " allow " + join(s.allow())
                        + (s.disallow().isEmpty() ? "" : " disallow " + join(s.disallow())));
            }
            if (!c.quota().isEmpty()) {
                row(w, "quota", c.quota().describe() + " per site");
            }
            c.agreement().ifPresent(a -> row(w, "agreement", a.uri() + "  sha256 " + a.sha256()));
            c.status().ifPresent(s -> row(w, "status", s.uri() + "  index " + s.idx()));
            String result = (String) v.get("result");
            if (result.equals("valid")) {
                row(w, "signature", "VALID (issuer key " + v.get("issuer_key") + ")");
            } else if (result.equals("invalid")) {
                row(w, "signature", "INVALID: " + v.get("message") + " [" + v.get("reason") + "]");
            } else {
                row(w, "signature", "not checked (give --jwks with the issuer's keys to verify)");
            }
        }

        private static String join(List<PathPattern> ps) {
            return String.join(" ", ps.stream().map(PathPattern::pattern).toList());
        }

        private static void row(PrintWriter w, String k, String v) {
            w.printf("  %-12s %s%n", k, v);
        }
    }
}
