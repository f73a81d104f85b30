package org.cb4i.sdk.crawler;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.credential.HtmlCredentials;
import org.cb4i.sdk.dataset.ManifestRecord;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.text.CanonicalText;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.PathScope;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;

/**
 * The licensed crawler (DESIGN.md: the crawler operator's side): fetches the seeds' sites with its license, each
 * request signed with its key, politely (robots.txt, a request rate per host, {@code Retry-After}), following links
 * within its license's paths, and keeps the evidence a dataset builder will need: the content in a WARC, and per
 * record the digests, the publisher's credential, the license and the proxy's receipt, which {@link Evidence}
 * completes with inclusion proofs, checkpoints and status lists when the crawl ends ({@code manifest.jsonl}).
 *
 * <p>One thread: the crawl's pace is set by politeness, not by the CPU. A crawl killed at any point resumes from
 * its journal ({@link CrawlJournal}).
 */
public final class Crawler {
    /** The product token the crawler sends and robots.txt groups are matched against. */
    public static final String PRODUCT = "cb4i-crawler";
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    static final String LICENSES = "licenses.txt";
    static final int MAX_TERMS_BYTES = 1024 * 1024;
    private static final int MAX_ATTEMPTS = 4;
    private static final Pattern RECEIPT = Pattern.compile("log=\"([A-Za-z0-9_-]+)\"\\s*,\\s*rid=\"([A-Za-z0-9_-]+)\"");

    /**
     * What to crawl and how.
     *
     * @param token a license token to use, or empty to obtain one from {@code issuer}
     * @param issuer the collective's issuer (base URL): where licenses are obtained and renewed
     * @param licensee the licensee id to request as (default: whoever the key is registered to)
     * @param usage what the crawl is for; the license must grant it
     * @param rps requests per second per host
     */
    public record Settings(SigningKey key, Optional<String> token, Optional<URI> issuer, Optional<String> licensee, List<URI> seeds, Path out,
            Usage usage, int maxPages, double rps, Clock clock) {
        public Settings {
            if (token.isEmpty() && issuer.isEmpty()) {
                throw new IllegalArgumentException("give a license token or an issuer to obtain one from");
            }
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("give at least one seed URL");
            }
            if (!(rps > 0) || rps > 100) {
                throw new IllegalArgumentException("rps must be above 0 and at most 100");
            }
            if (maxPages < 1) {
                throw new IllegalArgumentException("max pages must be at least 1");
            }
        }
    }

    /** Told of each URL finished. */
    public interface Progress {
        void update(Counts counts, String url, String outcome);
    }

    /** Running totals. */
    public static final class Counts {
        public int fetched;
        public int refused;
        public int failed;
        public int skipped;
        public int queued;
        public final Map<String, Integer> reasons = new LinkedHashMap<>();

        public int finished() {
            return fetched + refused + failed + skipped;
        }
    }

    private final Settings s;
    private final HttpClient http;
    private final WebBotAuthSigner signer;
    private final Sites sites;
    private final List<String> tokensUsed = new ArrayList<>();
    private String token;
    private LicenseClaims claims;
    /** The license a 401 LICENSE_REVOKED made the crawl ask for a new one: asked once a license, never in a loop. */
    private String renewedAfterRevocation = "";

    public Crawler(Settings settings) {
        this.s = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.signer = new WebBotAuthSigner(settings.key(), settings.clock());
        this.sites = new Sites(settings, http);
    }

    /** A URL waiting, with how often it was tried. */
    record Pending(URI url, int attempts) {}

    /**
     * Crawls until the frontier is empty or {@code maxPages} URLs are finished (earlier runs into the same folder
     * included), then writes {@code manifest.jsonl}.
     *
     * @throws TokenClient.Refused when the issuer refuses a license
     * @throws IllegalArgumentException when the license does not grant the crawl's usage
     */
    public Counts run(Progress progress) throws IOException, TokenClient.Refused, InterruptedException {
        Counts counts = new Counts();
        renewToken();
        ArrayDeque<Pending> frontier = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        try (CrawlJournal journal = CrawlJournal.open(s.out(), s.clock().instant())) {
            for (CrawlJournal.Line line : journal.done()) {
                seen.add(line.record().url());
                count(counts, line.record());
            }
            for (CrawlJournal.Line line : journal.done()) {
                for (String l : line.links()) {
                    if (seen.add(l)) {
                        frontier.add(new Pending(URI.create(l), 0));
                    }
                }
            }
            for (URI seed : s.seeds()) {
                String u = normalise(seed).toString();
                if (seen.add(u)) {
                    frontier.addFirst(new Pending(URI.create(u), 0));
                }
            }
            Set<String> scope = new HashSet<>();
            for (URI seed : s.seeds()) {
                scope.add(PathScope.normaliseOrigin(seed.getScheme() + "://" + seed.getRawAuthority()));
            }
            while (!frontier.isEmpty() && counts.finished() < s.maxPages()) {
                Pending p = next(frontier);
                Sites.Host host = sites.get(p.url());
                waitFor(host);
                counts.queued = frontier.size();
                CrawlJournal.Line line = fetch(p, host, frontier, seen, scope, journal);
                if (line == null) {
                    continue; // requeued (429, transient failure)
                }
                journal.append(line);
                count(counts, line.record());
                counts.queued = frontier.size();
                progress.update(counts, p.url().toString(), line.record().outcome().orElse(""));
            }
            counts.queued = frontier.size();
            new Evidence(s, http, signer, () -> token).write(journal.done(), tokensUsed, sites.all());
        }
        return counts;
    }

    private static void count(Counts c, ManifestRecord line) {
        switch (line.outcome().orElse("")) {
            case "fetched" -> c.fetched++;
            case "refused" -> c.refused++;
            case "skipped" -> c.skipped++;
            default -> c.failed++;
        }
        line.reason().ifPresent(r -> c.reasons.merge(r, 1, Integer::sum));
    }

    /** The first pending URL whose host may be asked now, else the one whose host is free soonest. */
    private Pending next(ArrayDeque<Pending> frontier) {
        Instant now = s.clock().instant();
        Pending best = null;
        Instant bestAt = null;
        int looked = 0;
        for (Pending p : frontier) {
            Sites.Host h = sites.known(p.url());
            Instant at = h == null ? Instant.EPOCH : h.nextAllowed;
            if (!at.isAfter(now)) {
                best = p;
                break;
            }
            if (bestAt == null || at.isBefore(bestAt)) {
                best = p;
                bestAt = at;
            }
            if (++looked > 1000) {
                break;
            }
        }
        frontier.remove(best);
        return best;
    }

    private void waitFor(Sites.Host h) throws InterruptedException {
        long ms = Duration.between(s.clock().instant(), h.nextAllowed).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
        h.nextAllowed = s.clock().instant().plusNanos((long) (1e9 / s.rps()));
    }

    // ------------------------------------------------------------------ license

    private void renewToken() throws TokenClient.Refused {
        renewToken(false);
    }

    /** @param anew whether to ask for a new license whatever the held one's time (it was revoked: an agreement amended, [ISS-12]) */
    private void renewToken(boolean anew) throws TokenClient.Refused {
        Instant now = s.clock().instant();
        if (claims != null && !anew) {
            Duration life = Duration.between(claims.issuedAt(), claims.expiresAt());
            Duration margin = life.dividedBy(10).compareTo(Duration.ofSeconds(60)) > 0 ? life.dividedBy(10) : Duration.ofSeconds(60);
            if (now.isBefore(claims.expiresAt().minus(margin)) || s.issuer().isEmpty()) {
                return;
            }
        }
        String t;
        if (claims == null && s.token().isPresent()) {
            t = s.token().get().strip();
        } else {
            URI endpoint = URI.create(s.issuer().orElseThrow().toString().replaceAll("/+$", "") + "/token");
            t = new TokenClient(s.key(), s.clock()).request(endpoint, s.licensee(), Optional.empty()).token();
        }
        LicenseClaims c;
        try {
            c = LicenseClaims.fromJws(CompactJws.parse(t, LicenseTokens.TYP, LicenseTokenVerifier.DEFAULT_MAX_TOKEN_CHARS, "license token"));
        } catch (Cb4iException e) {
            throw new IllegalArgumentException("the license cannot be read: " + e.getMessage());
        }
        if (!c.confirmation().jkt().equals(s.key().thumbprint())) {
            throw new IllegalArgumentException("the license is bound to key " + c.confirmation().jkt() + ", not to the crawler key "
                    + s.key().thumbprint() + " (cnf.jkt): it cannot be used with this key");
        }
        if (!c.permits(s.usage())) {
            throw new IllegalArgumentException("the license grants " + c.usages() + ", not " + s.usage().token());
        }
        if (!now.isBefore(c.expiresAt())) {
            throw new IllegalArgumentException("the license expired at " + c.expiresAt() + (s.issuer().isEmpty() ? "; give --issuer to obtain a new one" : ""));
        }
        token = t;
        claims = c;
        rememberLicense(t);
    }

    /**
     * Keeps every license the crawl uses in {@code licenses.txt}, durably, before any request is made with it: a
     * resumed crawl renews its license, and the manifest must still hold the ones earlier records were fetched under.
     */
    private void rememberLicense(String t) {
        tokensUsed.clear();
        tokensUsed.addAll(CrawlJournal.rememberLicense(s.out().resolve(LICENSES), t));
    }

    // ------------------------------------------------------------------ one URL

    private CrawlJournal.Line fetch(Pending p, Sites.Host host, ArrayDeque<Pending> frontier, Set<String> seen, Set<String> scope, CrawlJournal journal)
            throws IOException, TokenClient.Refused {
        URI url = p.url();
        Instant at = s.clock().instant();
        ManifestRecord.Builder line = new ManifestRecord.Builder(url.toString(), at.getEpochSecond());
        String pathAndQuery = org.cb4i.sdk.terms.PathPattern.pathAndQuery(url);
        if (!host.robots.isAllowed(pathAndQuery)) {
            return skipped(line, "ROBOTS_DISALLOWED", "robots.txt disallows it for " + PRODUCT);
        }
        if (!claims.covers(url)) {
            return skipped(line, Reason.PATH_NOT_LICENSED.name(), "the license's paths do not cover it");
        }
        renewToken();
        SignedRequest sr = SignedRequest.of("GET", url);
        SignatureHeaders sig = host.policy == SignaturePolicy.PER_REQUEST ? signer.sign(sr, SignaturePolicy.PER_REQUEST) : signer.reusableFor(sr);
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("User-Agent", PRODUCT + "/0.1 (+https://cb4i.org/crawler)")
                .header("Authorization", LicenseTokens.AUTH_SCHEME + " " + token)
                .header("Signature-Input", sig.signatureInput())
                .header("Signature", sig.signature())
                .GET().build();
        HttpResponse<InputStream> resp;
        byte[] body;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
        } catch (IOException e) {
            return retryOrFail(p, frontier, line, "FETCH_FAILED", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        int status = resp.statusCode();
        line.status(status).license(claims.id());
        if (body.length > MAX_BODY_BYTES) {
            return failed(line, "TOO_LARGE", "larger than " + MAX_BODY_BYTES + " bytes; not kept");
        }
        if (status == 429 || status == 503 && resp.headers().firstValue("Retry-After").isPresent()) {
            long wait = resp.headers().firstValue("Retry-After").map(Answers::retryAfterSeconds).orElse(5L);
            host.nextAllowed = s.clock().instant().plusSeconds(Math.min(wait, 600));
            if (p.attempts() + 1 < MAX_ATTEMPTS) {
                frontier.addFirst(new Pending(url, p.attempts() + 1));
                return null;
            }
            return failed(line, Answers.reasonOf(body).orElse("QUOTA_EXCEEDED"), "still " + status + " after " + MAX_ATTEMPTS + " attempts");
        }
        if (status == 401 && s.issuer().isPresent() && "LICENSE_REVOKED".equals(Answers.reasonOf(body).orElse(""))
                && !renewedAfterRevocation.equals(claims.id())) {
            // The collective revoked the license (its agreement amended, or superseded): ask for one of the terms in force
            // now, once, and fetch the page again with it; the issuer refuses one if there is none (the crawl stops and says why).
            renewedAfterRevocation = claims.id();
            renewToken(true);
            frontier.addFirst(new Pending(url, p.attempts()));
            return null;
        }
        if (status == 401 || status == 402 || status == 403) {
            line.outcome("refused", Optional.of(Answers.reasonOf(body).orElse("HTTP_" + status)), Optional.of(Answers.detailOf(body)));
            return new CrawlJournal.Line(line.build());
        }
        if (status >= 300 && status < 400) {
            Optional<String> loc = resp.headers().firstValue("Location");
            line.outcome("skipped", Optional.of("REDIRECT"), Optional.empty());
            List<String> links = new ArrayList<>();
            if (loc.isPresent()) {
                try {
                    URI target = normalise(url.resolve(loc.get()));
                    line.location(target.toString());
                    if (scope.contains(origin(target)) && seen.add(target.toString())) {
                        frontier.add(new Pending(target, 0));
                        links.add(target.toString());
                    }
                } catch (IllegalArgumentException e) {
                    line.detail("unusable Location");
                }
            }
            return new CrawlJournal.Line(line.build(), links, Map.of());
        }
        if (status >= 500) {
            return retryOrFail(p, frontier, line, "ORIGIN_" + status, "the site answered " + status);
        }
        if (status != 200) {
            return failed(line, "HTTP_" + status, "not kept");
        }
        // 200: keep it, with its evidence.
        String contentType = resp.headers().firstValue("Content-Type").orElse("application/octet-stream");
        line.outcome("fetched", Optional.empty(), Optional.empty()).content(contentType, body.length, sha256Hex(body));
        Optional<String> receipt = resp.headers().firstValue("CB4I-Receipt");
        receipt.ifPresent(r -> {
            Matcher m = RECEIPT.matcher(r);
            if (m.find()) {
                line.receipt(ManifestRecord.Receipt.named(m.group(1), m.group(2), host.origin));
            }
        });
        resp.headers().firstValue("Content-Credential").ifPresent(c -> line.credential(c.strip()));
        List<String> links = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        if (contentType.toLowerCase(Locale.ROOT).startsWith("text/html")) {
            String html = new String(body, Answers.charsetOf(contentType));
            Document doc = Jsoup.parse(html, url.toString());
            try {
                CanonicalText.Result text = CanonicalText.of(doc);
                line.text(new ManifestRecord.Text(text.textSha256(), OptionalInt.of(text.paragraphs().size()), Optional.of(text.paragraphsRoot()),
                        Optional.empty(), text.paragraphDigests()));
            } catch (Cb4iException e) {
                notes.put("text_error", e.getMessage());
            }
            if (line.credential().isEmpty()) {
                try {
                    HtmlCredentials.extract(doc).ifPresent(line::credential);
                } catch (Cb4iException e) {
                    notes.put("credential_error", e.reason().name() + ": " + e.getMessage());
                }
            }
            for (Element a : doc.select("a[href]")) {
                URI target;
                try {
                    target = normalise(new URI(a.absUrl("href")));
                } catch (URISyntaxException | IllegalArgumentException e) {
                    continue;
                }
                if (target.getScheme() == null || !scope.contains(origin(target)) || !seen.add(target.toString())) {
                    continue;
                }
                frontier.add(new Pending(target, 0));
                links.add(target.toString());
            }
        }
        // [DST-2] [DST-3]: the request (its credentials redacted), then the response that names it.
        List<Map.Entry<String, String>> sent = new ArrayList<>();
        req.headers().map().forEach((k, vs) -> vs.forEach(v -> sent.add(Map.entry(k, v))));
        WarcRequest request = WarcRecords.request(url, at, sent);
        WarcResponse.Builder wb = WarcRecords.response(url, at, status, resp.headers().map(), contentType, body, request.id());
        receipt.ifPresent(r -> wb.addHeader("WARC-Cb4i-Receipt", r));
        wb.addHeader("WARC-Cb4i-License", claims.id());
        wb.addHeader("WARC-Cb4i-Bytes-Sha256", line.bytesSha256().orElseThrow());
        line.warc(journal.writeExchange(request, wb.build()));
        return new CrawlJournal.Line(line.build(), links, notes);
    }

    private CrawlJournal.Line retryOrFail(Pending p, ArrayDeque<Pending> frontier, ManifestRecord.Builder line, String reason, String detail) {
        if (p.attempts() + 1 < MAX_ATTEMPTS) {
            sites.known(p.url()).nextAllowed = s.clock().instant().plusSeconds(1L << p.attempts());
            frontier.addLast(new Pending(p.url(), p.attempts() + 1));
            return null;
        }
        return failed(line, reason, detail);
    }

    private static CrawlJournal.Line failed(ManifestRecord.Builder line, String reason, String detail) {
        return new CrawlJournal.Line(line.outcome("failed", Optional.of(reason), Optional.of(detail)).build());
    }

    private static CrawlJournal.Line skipped(ManifestRecord.Builder line, String reason, String detail) {
        return new CrawlJournal.Line(line.outcome("skipped", Optional.of(reason), Optional.of(detail)).build());
    }

    // ------------------------------------------------------------------ helpers

    static String origin(URI u) {
        return PathScope.normaliseOrigin(u.getScheme() + "://" + u.getRawAuthority());
    }

    /** Drops the fragment; an empty path becomes {@code /}. */
    static URI normalise(URI u) {
        try {
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("not http(s): " + u);
            }
            return new URI(scheme + "://" + u.getRawAuthority() + path + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    static byte[] limit(byte[] b, int max) {
        return b.length <= max ? b : java.util.Arrays.copyOf(b, max);
    }

    static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
