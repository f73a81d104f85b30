package org.cb4i.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.cb4i.sdk.crawler.Crawler;
import org.cb4i.sdk.crawler.TokenClient;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.terms.Usage;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cb4i crawl}: the licensed crawler. */
@Command(name = "crawl", mixinStandardHelpOptions = true,
        description = "Crawl with a license: every request signed with --key, robots.txt and a per-host rate honoured, links followed within the "
                + "license's paths. Writes DIR/data.warc.gz and DIR/manifest.jsonl (with receipts and their proofs). Run it again on the same "
                + "--out to resume an interrupted crawl.")
final class CrawlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The crawler's private JWK (the key its license is bound to).")
    Path key;

    @ArgGroup(exclusive = true, multiplicity = "1")
    LicenseSource license;

    static final class LicenseSource {
        @Option(names = "--token", required = true, paramLabel = "FILE", description = "A license token file.")
        Path token;

        @Option(names = "--issuer", required = true, paramLabel = "URL", description = "The collective's issuer: obtain (and renew) the license there.")
        URI issuer;
    }

    @Option(names = "--licensee", paramLabel = "ID", description = "With --issuer: the licensee id (default: whoever the key is registered to).")
    String licensee;

    @Option(names = "--seeds", required = true, arity = "1..*", paramLabel = "URL|FILE", description = "Start URLs, or files of URLs (one per line).")
    List<String> seeds;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The dataset folder.")
    Path out;

    @Option(names = "--usage", defaultValue = "ai-train", paramLabel = "USAGE", description = "What the data is for (default ${DEFAULT-VALUE}); the license must grant it.")
    String usage;

    @Option(names = "--max-pages", defaultValue = "1000", paramLabel = "N", description = "Stop after N URLs (default ${DEFAULT-VALUE}).")
    int maxPages;

    @Option(names = "--rps", defaultValue = "1", paramLabel = "N", description = "Requests per second per host (default ${DEFAULT-VALUE}).")
    double rps;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Usage u = Usage.parse(usage).orElseThrow(() -> new IllegalArgumentException("--usage: unknown usage \"" + usage
                + "\"; use all, ai-all, ai-train, ai-input, ai-index or search"));
        List<URI> urls = new ArrayList<>();
        for (String sd : seeds) {
            if (sd.startsWith("http://") || sd.startsWith("https://")) {
                urls.add(URI.create(sd));
                continue;
            }
            List<String> lines = Files.readAllLines(Path.of(sd), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (!l.startsWith("http://") && !l.startsWith("https://")) {
                    throw new IllegalArgumentException(sd + ":" + (i + 1) + ": expected an http(s) URL; found \"" + l + "\"");
                }
                urls.add(URI.create(l));
            }
        }
        Crawler.Settings settings = new Crawler.Settings(KeyFiles.readSigningKey(key),
                license.token == null ? Optional.empty() : Optional.of(Files.readString(license.token, StandardCharsets.US_ASCII)),
                Optional.ofNullable(license.issuer), Optional.ofNullable(licensee), urls, out, u, maxPages, rps, Clock.systemUTC());
        Crawler.Counts c;
        try {
            boolean tty = System.console() != null;
            c = new Crawler(settings).run((counts, url, outcome) -> {
                String line = String.format("%4d fetched %3d refused %3d skipped %3d failed %4d queued  ", counts.fetched, counts.refused,
                        counts.skipped, counts.failed, counts.queued) + outcome + " " + shorten(url);
                if (tty) {
                    err.print("\r" + line + "\u001b[K");
                } else if (counts.finished() % 50 == 0) {
                    err.println(line);
                }
                err.flush();
            });
        } catch (TokenClient.Refused e) {
            err.println("cb4i: the issuer refused a license: " + e.getMessage());
            return ExitCodes.REFUSED;
        }
        err.println();
        stdout.println("crawl finished: " + c.fetched + " fetched, " + c.refused + " refused, " + c.skipped + " skipped, " + c.failed + " failed"
                + (c.queued > 0 ? " (" + c.queued + " URLs left: --max-pages reached)" : ""));
        for (Map.Entry<String, Integer> e : c.reasons.entrySet()) {
            stdout.println("  " + e.getValue() + " x " + e.getKey());
        }
        stdout.println("  content   " + out(settings, "data.warc.gz"));
        stdout.println("  manifest  " + out(settings, "manifest.jsonl") + "   (licenses, status lists, receipts with inclusion proofs)");
        stdout.flush();
        return ExitCodes.OK;
    }

    private static Path out(Crawler.Settings s, String name) {
        return s.out().resolve(name);
    }

    private static String shorten(String url) {
        return url.length() > 60 ? url.substring(0, 57) + "..." : url;
    }
}
