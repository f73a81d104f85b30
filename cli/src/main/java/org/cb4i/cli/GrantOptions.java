package org.cb4i.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Agreement;
import org.cb4i.sdk.token.PathScope;
import org.cb4i.sdk.token.Quota;
import picocli.CommandLine.Option;

/**
 * What a license grants, as options ({@code --usages}, {@code --paths}, {@code --quota-*}, {@code --agreement} with
 * {@code --agreement-uri}): shared by {@code cb4i license issue} (one license) and {@code cb4i issuer agreement add}
 * (every license issued under the agreement).
 */
final class GrantOptions {
    @Option(names = "--usages", required = true, split = ",", paramLabel = "USAGE", description = "Usages granted: all, ai-all, ai-train, ai-input, ai-index, search.")
    List<String> usages;

    @Option(names = "--paths", paramLabel = "SPEC", description = "'[ORIGIN] allow PATTERN... [disallow PATTERN...]'; repeatable. Default: everything the repertoire covers.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--quota-rps", paramLabel = "N", description = "Requests per second per site.")
    Double quotaRps;

    @Option(names = "--quota-requests-per-day", paramLabel = "N", description = "Requests per day per site.")
    Long quotaRequestsPerDay;

    @Option(names = "--quota-bytes-per-day", paramLabel = "N", description = "Bytes per day per site.")
    Long quotaBytesPerDay;

    @Option(names = "--agreement", paramLabel = "FILE", description = "The agreement's text; its SHA-256 goes into the license (with --agreement-uri).")
    Path agreementFile;

    @Option(names = "--agreement-uri", paramLabel = "URI", description = "Where the agreement's text can be read (with --agreement).")
    URI agreementUri;

    EnumSet<Usage> usages() {
        EnumSet<Usage> granted = EnumSet.noneOf(Usage.class);
        for (String u : usages) {
            granted.add(Usage.parse(u.strip()).orElseThrow(() -> new IllegalArgumentException(
                    "--usages: unknown usage \"" + u + "\"; use all, ai-all, ai-train, ai-input, ai-index or search")));
        }
        return granted;
    }

    List<PathScope> paths() {
        List<PathScope> scopes = new ArrayList<>();
        for (String p : paths) {
            scopes.add(PathsArgument.parse(p));
        }
        return scopes;
    }

    Quota quota() {
        return new Quota(quotaRps == null ? OptionalDouble.empty() : OptionalDouble.of(quotaRps),
                quotaRequestsPerDay == null ? OptionalLong.empty() : OptionalLong.of(quotaRequestsPerDay),
                quotaBytesPerDay == null ? OptionalLong.empty() : OptionalLong.of(quotaBytesPerDay));
    }

    Optional<Agreement> agreement() throws IOException {
        if ((agreementFile == null) != (agreementUri == null)) {
            throw new IllegalArgumentException("--agreement and --agreement-uri go together");
        }
        if (agreementFile == null) {
            return Optional.empty();
        }
        try {
            byte[] text = Files.readAllBytes(agreementFile);
            return Optional.of(new Agreement(agreementUri, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The grant as the JSON members a license token carries ([TOK-8] to [TOK-11]). */
    Map<String, Object> toJson() throws IOException {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("usages", usages().stream().map(Usage::token).toList());
        List<PathScope> ps = paths();
        if (!ps.isEmpty()) {
            g.put("paths", ps.stream().map(PathScope::toJson).toList());
        }
        Quota q = quota();
        if (!q.isEmpty()) {
            g.put("quota", q.toJson());
        }
        agreement().ifPresent(a -> g.put("agreement", Map.of("uri", a.uri().toString(), "sha256", a.sha256())));
        return g;
    }
}
