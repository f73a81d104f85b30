package org.cb4i.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.sample.EmbeddedDefault;
import org.cb4i.proxy.sample.SampleSite;
import org.cb4i.sdk.credential.CredentialFiles;
import org.cb4i.sdk.crawler.Crawler;
import org.cb4i.sdk.crawler.TokenClient;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;
import org.cb4i.verifier.trust.TrustStore;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cb4i demo}: the whole story on loopback, narrated — a collective's issuer, two member sites (pages signed by
 * their publishers) behind two proxies, a crawler turned away without a license and served with one, a data strike and
 * its end, the dataset verified, and a tampered record caught. Every step checks what it narrates; the command exits
 * 1 if any did not happen as told.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole system on loopback and narrate it: issuer, two member sites behind proxies, licensed and unlicensed "
                + "crawlers, a data strike, the dataset verified and a tampered record caught. Exit 1 if any step did not behave as told.")
final class DemoCommand implements Callable<Integer> {
    static final String COLLECTIVE = EmbeddedDefault.COLLECTIVE;
    /** ai-lab's price schedule (SPEC.md [SET-1]). */
    static final Map<String, Object> PRICE = Map.of("currency", "EUR", "per_request", "0.25", "per_mib", "1.00", "minimum", "5.00", "fee", "10");

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to put everything (default: a new temporary folder, kept).")
    Path dir;

    private PrintWriter out;
    private int failures;
    /**
     * The demo's clock: real time, shifted to half an hour before the end of the last month, so that step 7 can close
     * that month within seconds by moving the clock past its end.
     */
    private final ShiftedClock clock = ShiftedClock.beforeEndOfLastMonth(Duration.ofMinutes(30));
    /**
     * Made when the demo runs, not when picocli builds the command tree: an HttpClient sets up TLS, which cost every
     * cb4i command about half a second at start.
     */
    private HttpClient http;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        if (dir == null) {
            dir = Files.createTempDirectory("cb4i-demo-");
        }
        Files.createDirectories(dir);
        List<AutoCloseable> running = new ArrayList<>();
        try {
            run(running);
        } finally {
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception e) {
                    // shutting down the demo
                }
            }
        }
        out.println();
        out.println(failures == 0 ? "Every step behaved as narrated. Everything is under " + dir
                : failures + " step(s) did not behave as narrated (marked FAILED above). Everything is under " + dir);
        out.flush();
        return failures == 0 ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private void run(List<AutoCloseable> running) throws Exception {
        title("1. A collective and two member sites");
        SigningKey collective = KeyFiles.readOrGenerate(dir.resolve("collective"));
        // The collector key lives in the issuer's store folder; member proxies are told its public half ([SET-8]).
        SigningKey collector = KeyFiles.readOrGenerate(dir.resolve("issuer-store").resolve("collector"));
        Path collectorJwks = dir.resolve("collector.jwks.json");
        Files.writeString(collectorJwks, Json.write(KeySet.of(collector.publicKey()).toJsonObject()));
        SigningKey crawlerKey = KeyFiles.readOrGenerate(dir.resolve("crawler"));
        List<Integer> ports = new ArrayList<>();
        Map<String, SigningKey> publishers = new LinkedHashMap<>();
        List<Proxy> proxies = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            int port = freePort();
            ports.add(port);
            String origin = "http://127.0.0.1:" + port;
            SigningKey pub = KeyFiles.readOrGenerate(dir.resolve("publisher-" + name));
            publishers.put(origin, pub);
            Path site = dir.resolve("site-" + name);
            SampleSite.copyTo(site);
            int signed = 0;
            try (Stream<Path> files = Files.walk(site)) {
                for (Path f : files.filter(CredentialFiles::isHtml).toList()) {
                    CredentialFiles.sign(f, site.relativize(f).toString(), new CredentialFiles.Signer(pub, origin, URI.create(origin + "/"),
                            List.of("The writers of site " + name), Optional.of(URI.create(origin + "/license.xml"))), clock.instant());
                    signed++;
                }
            }
            SampleSite server = SampleSite.start(Optional.of(site));
            running.add(server);
            Path state = dir.resolve("proxy-" + name);
            KeyFiles.writeKeyPair(state.resolve("collective"), collective, true);
            Proxy p = Proxy.start(EmbeddedDefault.config(state, port, server.port(), Optional.of(collectorJwks.toUri())), clock, line -> { });
            running.add(p);
            proxies.add(p);
            say("site " + name + ": " + signed + " pages signed by its publisher (content credentials in <head>), served behind a cb4i proxy at "
                    + origin + " (receipts log " + p.log().logId().substring(0, 12) + "…)");
        }
        int issuerPort = freePort();
        String issuerUrl = "http://127.0.0.1:" + issuerPort;
        IssuerConfig ic = new IssuerConfig(Optional.empty(), "127.0.0.1", issuerPort, COLLECTIVE, COLLECTIVE, URI.create(issuerUrl),
                dir.resolve("collective").resolve(KeyFiles.PRIVATE_JWK), dir.resolve("issuer-store"), dir.resolve("issuer-store/admin.token"),
                Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofMinutes(10), IssuerConfig.DEFAULT_STATUS_CAPACITY,
                IssuerConfig.DEFAULT_REPERTOIRE_VALIDITY, IssuerConfig.DEFAULT_MAX_BODY_BYTES)
                .withCollection(new IssuerConfig.Collection(Duration.ZERO, true, true));
        Issuer issuer = Issuer.start(ic, clock, line -> { });
        running.add(issuer);
        AdminOps admin = new AdminOps(issuer.collective());
        for (Map.Entry<String, SigningKey> e : publishers.entrySet()) {
            admin.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", e.getKey(), "content_keys",
                    KeySet.of(e.getValue().publicKey()).toJsonObject())));
        }
        admin.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "ai-lab", "jwk", crawlerKey.publicKey().toJsonObject())));
        admin.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", "ai-lab-2026", "licensee", "ai-lab", "grant",
                Map.of("usages", List.of("ai-train"), "price", PRICE), "not_before", clock.instant().minus(Duration.ofDays(30)).getEpochSecond(),
                "not_after", clock.instant().plus(Duration.ofDays(365)).getEpochSecond())));
        say("the collective's issuer runs at " + issuerUrl + ": both sites are members (with their publishers' keys), the licensee "
                + "ai-lab has an agreement for ai-train; status lists refresh every 2 s");

        title("2. An AI crawler without a license");
        String article = "http://127.0.0.1:" + ports.get(0) + "/articles/data-strike.html";
        HttpResponse<String> offer = http.send(HttpRequest.newBuilder(URI.create(article)).header("User-Agent", "GPTBot/1.2").build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode problem = Json.mapper().readTree(offer.body());
        check(offer.statusCode() == 402 && "LICENSE_REQUIRED".equals(problem.path("reason").asText()),
                "GPTBot asks for " + article + " → " + offer.statusCode() + " " + problem.path("reason").asText()
                        + ", with the offer: the license terms at " + offer.headers().firstValue("Link").orElse("?"));
        HttpResponse<String> human = http.send(HttpRequest.newBuilder(URI.create(article)).build(), HttpResponse.BodyHandlers.ofString());
        check(human.statusCode() == 200, "a reader's browser asks for the same page → " + human.statusCode() + ": people are not licensed, crawlers are");

        title("3. A licensed crawler");
        Path dataset = dir.resolve("dataset");
        Crawler.Counts c = new Crawler(new Crawler.Settings(crawlerKey, Optional.empty(), Optional.of(URI.create(issuerUrl)), Optional.empty(),
                List.of(URI.create("http://127.0.0.1:" + ports.get(0) + "/"), URI.create("http://127.0.0.1:" + ports.get(1) + "/")), dataset,
                Usage.AI_TRAIN, 100, 20, clock)).run((counts, url, outcome) -> { });
        long proven = Files.readAllLines(dataset.resolve("manifest.jsonl")).stream().skip(1).filter(l -> l.contains("\"proof_checked\":true")).count();
        check(c.fetched == 10 && proven == 8, "ai-lab obtains its license from the issuer (a request signed with its key), then crawls both sites, "
                + "every request signed: " + c.fetched + " pages fetched, " + proven + " with a receipt proven against the site's log (the "
                + "2 pages under /free/ are open to all and have none)");
        say("the dataset: " + dataset.resolve("data.warc.gz") + " and " + dataset.resolve("manifest.jsonl"));

        title("4. A data strike");
        String token = Files.readAllLines(dataset.resolve("licenses.txt")).get(0).strip();
        admin.apply(Json.mapper().valueToTree(Map.of("op", "strike", "all", true)));
        Instant struck = Instant.now();
        boolean both = waitFor(ports, token, crawlerKey, 401, "LICENSE_SUSPENDED", Duration.ofSeconds(15))
                && reasons(ports, token, crawlerKey).stream().allMatch("LICENSE_SUSPENDED"::equals);
        check(both, "the collective strikes (cb4i issuer strike --all); " + Duration.between(struck, Instant.now()).toMillis()
                + " ms later both sites answer ai-lab's license with 401 LICENSE_SUSPENDED, though no site changed its configuration");
        String refusal;
        try {
            new TokenClient(crawlerKey, clock).request(URI.create(issuerUrl + "/token"), Optional.empty(), Optional.empty());
            refusal = "a new license";
        } catch (TokenClient.Refused e) {
            refusal = e.error();
        }
        check(refusal.equals("unauthorized_client"), "a new license during the strike → " + refusal);
        admin.apply(Json.mapper().valueToTree(Map.of("op", "resume", "all", true)));
        check(waitFor(ports, token, crawlerKey, 200, null, Duration.ofSeconds(15)), "the collective resumes: both sites serve ai-lab again (200)");

        title("5. Verifying the dataset");
        TrustStore trust = TrustStore.empty().with("collectives", new TrustStore.Entry(COLLECTIVE, Optional.empty(), issuer.collective().jwks(),
                Optional.empty(), Optional.empty()));
        for (Proxy p : proxies) {
            trust = trust.with("logs", new TrustStore.Entry(p.log().logId(), Optional.empty(), KeySet.of(p.log().key().publicKey()),
                    Optional.empty(), Optional.empty()));
        }
        trust.write(dir.resolve("trust.json"));
        List<RecordResult> all = new ArrayList<>();
        DatasetVerifier.Summary s = new DatasetVerifier(trust, Usage.AI_TRAIN, 2).verify(dataset.resolve("manifest.jsonl"), all::add);
        long credentials = all.stream().filter(r -> r.findings().stream().anyMatch(f -> f.code().equals("CREDENTIAL_TRUSTED"))).count();
        check(s.verified() == 8 && s.byStatus().getOrDefault(Status.UNLICENSED, 0L) == 2 && credentials == 10, "a dataset builder trusts the collective and the two "
                + "logs (" + dir.resolve("trust.json") + ") and verifies every record: " + s.verified() + " VERIFIED (license valid at fetch "
                + "time for ai-train, receipt proven, publisher's credential trusted through the collective's repertoire: " + credentials + " of 10), "
                + s.byStatus().getOrDefault(Status.UNLICENSED, 0L) + " UNLICENSED (the open pages: no license covered them)");

        title("6. A tampered record");
        Path tampered = dir.resolve("dataset-tampered");
        String changedUrl = tamper(dataset, tampered);
        List<RecordResult> caught = new ArrayList<>();
        new DatasetVerifier(trust, Usage.AI_TRAIN, 2).verify(tampered.resolve("manifest.jsonl"), r -> {
            if (r.status() != Status.VERIFIED && r.status() != Status.UNLICENSED) {
                caught.add(r);
            }
        });
        boolean named = caught.size() == 1 && caught.get(0).url().equals(changedUrl) && caught.get(0).status() == Status.TAMPERED;
        check(named, "someone edits one page's text inside the WARC (" + tampered + "); the verifier names it: "
                + (caught.isEmpty() ? "nothing" : caught.get(0).url() + " " + caught.get(0).status() + " ("
                        + String.join(", ", caught.get(0).findings().stream().filter(f -> f.status().isPresent()).map(f -> f.code()).toList()) + ")"));

        DemoSettlement.run(this::title, this::say, this::check, clock, issuer, proxies, dir, dataset, PRICE);
    }

    /** Copies the dataset, changing one word of one article inside the WARC (offsets in the manifest follow). */
    /**
     * Edits the first article's text in a copy of the dataset's WARC, keeping its WARC-Record-ID, as someone changing
     * the data would; the manifest is copied as it is (its offsets no longer hold the records: they are found by id).
     */
    private static String tamper(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        String changed = null;
        try (WarcReader in = new WarcReader(from.resolve("data.warc.gz"));
                FileChannel ch = FileChannel.open(to.resolve("data.warc.gz"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            WarcWriter w = new WarcWriter(ch, WarcCompression.GZIP);
            for (WarcRecord r : in) {
                if (changed == null && r instanceof WarcResponse resp && resp.target().contains("/articles/")) {
                    byte[] body = resp.http().body().stream().readAllBytes();
                    String html = new String(body, StandardCharsets.UTF_8).replaceFirst("collective", "individual");
                    org.netpreserve.jwarc.HttpResponse.Builder hb = new org.netpreserve.jwarc.HttpResponse.Builder(200, "OK");
                    hb.body(org.netpreserve.jwarc.MediaType.parse("text/html; charset=utf-8"), html.getBytes(StandardCharsets.UTF_8));
                    WarcResponse.Builder wb = new WarcResponse.Builder(resp.target()).recordId(resp.id()).date(resp.date()).body(hb.build());
                    resp.headers().all("WARC-Cb4i-Receipt").forEach(v -> wb.addHeader("WARC-Cb4i-Receipt", v));
                    w.write(wb.build());
                    changed = resp.target();
                } else {
                    w.write(r);
                }
            }
        }
        Files.copy(from.resolve("manifest.jsonl"), to.resolve("manifest.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return changed;
    }

    /** Probes every site with HEAD until each answers {@code status} ({@code reason} is then read with {@link #reasons}). */
    private boolean waitFor(List<Integer> ports, String token, SigningKey key, int status, String reason, Duration max) throws Exception {
        Instant until = Instant.now().plus(max);
        List<Integer> pending = new ArrayList<>(ports);
        while (!pending.isEmpty() && Instant.now().isBefore(until)) {
            for (Integer p : List.copyOf(pending)) {
                // HEAD: the proxy logs it like any licensed request, but only complete GETs are billed ([SET-2]), so
                // probing the strike does not add to the invoice of step 7.
                URI u = URI.create("http://127.0.0.1:" + p + "/articles/receipts.html");
                SignatureHeaders sig = new WebBotAuthSigner(key, clock).reusableFor(SignedRequest.of("HEAD", u));
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).header("Authorization", "License " + token)
                        .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature())
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == status) {
                    pending.remove(p);
                }
            }
            Thread.sleep(100);
        }
        return pending.isEmpty();
    }

    /** Each site's answer to a GET with the license: its problem's reason (a denial is never logged, so never billed). */
    private List<String> reasons(List<Integer> ports, String token, SigningKey key) throws Exception {
        List<String> out = new ArrayList<>();
        for (Integer p : ports) {
            URI u = URI.create("http://127.0.0.1:" + p + "/articles/receipts.html");
            SignatureHeaders sig = new WebBotAuthSigner(key, clock).reusableFor(SignedRequest.of("GET", u));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).header("Authorization", "License " + token)
                    .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature()).build(), HttpResponse.BodyHandlers.ofString());
            out.add(r.statusCode() == 200 ? "served" : Json.mapper().readTree(r.body()).path("reason").asText());
        }
        return out;
    }

    private void title(String t) {
        out.println();
        out.println(t);
        out.flush();
    }

    private void say(String s) {
        out.println("   " + s);
        out.flush();
    }

    private void check(boolean ok, String s) {
        if (!ok) {
            failures++;
        }
        out.println((ok ? "   ✓ " : "   FAILED: ") + s);
        out.flush();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
