package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.testing.ProxyYaml;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.settlement.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settlement end to end on loopback ([SET-8] [SET-9] [SET-10]): a real issuer and two real member proxies in front of
 * real origins, a licensee fetching with reusable and per-request signatures, the collector reading both logs, a
 * member proxy down at the close (the close refuses, then closes with --allow-incomplete), its late usage becoming
 * adjustment lines of the next month, a credit note, and the statements checked with the collective's key. Every
 * amount is also computed here, independently, from the fetches made.
 */
class SettlementTest {
    static final String COLLECTIVE = "https://settling-collective.example";
    static final int PAGE = 100_000;

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-10T10:00:00Z"));
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<AutoCloseable> running = new ArrayList<>();
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    Issuer issuer;
    Path issuerYaml;
    int origin;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Run(int exit, String out, String err) {}

    Run cb4i(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    Run ok(String... args) {
        Run r = cb4i(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
        return r;
    }

    Proxy proxy(String name, int port) throws Exception {
        Path yaml = ProxyYaml.inFrontOf(origin).port(port).publisher("http://127.0.0.1:" + port)
                .issuer(COLLECTIVE, "file:collective.jwks.json", "collector_key: file:collector.jwks.json")
                .log("./log-" + name, "checkpoint_interval: 1s", "checkpoint_entries: 1", "checkpoint_refresh: 1s")
                .write(dir.resolve(name + ".yaml"));
        Proxy p = Proxy.start(ConfigLoader.load(yaml), clock, events::add);
        running.add(p);
        return p;
    }

    int fetch(int port, String path, String token, SigningKey key, SignaturePolicy policy) throws Exception {
        URI u = URI.create("http://127.0.0.1:" + port + path);
        SignatureHeaders sig = new WebBotAuthSigner(key, clock).sign(SignedRequest.of("GET", u), policy);
        return http.send(HttpRequest.newBuilder(u).header("Authorization", "License " + token).header("Signature-Input", sig.signatureInput())
                .header("Signature", sig.signature()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Fetches until the site answers 200: after a jump of the clock the proxy first fetches a fresh status list. */
    void fetchOk(int port, String path, String token, SigningKey key, SignaturePolicy policy) throws Exception {
        Eventually.until(Duration.ofSeconds(20), path + " served", () -> fetch(port, path, token, key, policy) == 200);
    }

    void checkpointAfter(Proxy p, Instant t) throws Exception {
        Eventually.until(Duration.ofSeconds(20), "a checkpoint signed after " + t, () -> p.log().checkpoint().map(Checkpoint::time)
                .map(x -> !x.isBefore(t)).orElse(false));
    }

    /** [SET-4]: an independent count's amount in cents: requests × 0.002 + bytes × 0.5 / MiB, rounded half to even once. */
    static long cents(long requests, long bytes) {
        return new BigDecimal("0.002").multiply(BigDecimal.valueOf(requests)).add(new BigDecimal("0.5").multiply(BigDecimal.valueOf(bytes))
                .divide(BigDecimal.valueOf(1048576))).movePointRight(2).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    SigningKey collective;
    String cfg;

    /** A real origin (pages of {@link #PAGE} bytes, 404 under /missing) and a real issuer whose collector reads plain HTTP on loopback. */
    void startSiteAndIssuer() throws Exception {
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = "x".repeat(PAGE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        site.createContext("/", ex -> {
            boolean missing = ex.getRequestURI().getPath().startsWith("/missing");
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(missing ? 404 : 200, missing ? -1 : page.length);
            if (!missing) {
                ex.getResponseBody().write(page);
            }
            ex.close();
        });
        site.start();
        running.add(() -> site.stop(0));
        origin = site.getAddress().getPort();

        int issuerPort = freePort();
        issuerYaml = dir.resolve("issuer.yaml");
        IssuerYaml.onPort(issuerPort).id(COLLECTIVE).with("token_lifetime: 30d", "status: {ttl: 60s, validity: 60d}",
                "collection: {interval: 0s, allow_plain_http: true, allow_private_addresses: true}").write(issuerYaml);
        collective = KeyFiles.readOrGenerate(dir.resolve("collective"));
        issuer = Issuer.start(IssuerConfigLoader.load(issuerYaml), clock, events::add);
        running.add(issuer::stop);
        cfg = issuerYaml.toString();
        // [SET-8]: the collector key, as a member's operator takes it from the collective's /.well-known/cb4i.
        JsonNode wk = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + issuerPort + "/.well-known/cb4i")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Files.writeString(dir.resolve("collector.jwks.json"), Json.write(wk.get("collector_jwks")));
        Files.writeString(dir.resolve("collective.jwks.json"), Json.write(KeySet.of(collective.publicKey()).toJsonObject()));
    }

    @Test
    void usageIsCollected_billed_paidOut_andLateUsageBecomesAnAdjustment() throws Exception {
        startSiteAndIssuer();
        int portA = freePort();
        int portB = freePort();
        Proxy a = proxy("a", portA);
        Proxy b = proxy("b", portB);
        String memberA = "http://127.0.0.1:" + portA;
        String memberB = "http://127.0.0.1:" + portB;
        ok("keys", "generate", "--out", dir.resolve("crawler").toString());
        ok("keys", "generate", "--out", dir.resolve("publisher").toString());
        for (String m : List.of(memberA, memberB)) {
            ok("issuer", "member", "add", "--config", cfg, "--origin", m, "--content-keys", dir.resolve("publisher/public.jwks").toString(), "--joined",
                    "2026-10-01");
        }
        ok("issuer", "licensee", "add", "--config", cfg, "--id", "crawler-co", "--key", dir.resolve("crawler/public.jwk").toString());
        Path price = dir.resolve("price.json");
        Files.writeString(price, "{\"currency\": \"EUR\", \"per_request\": \"0.002\", \"per_mib\": \"0.5\", \"minimum\": \"1.00\", \"fee\": \"10\"}");
        Path floats = dir.resolve("floats.json");
        Files.writeString(floats, "{\"currency\": \"EUR\", \"per_request\": 0.002}");
        Run refused = cb4i("issuer", "agreement", "add", "--config", cfg, "--id", "bad", "--licensee", "crawler-co", "--usages", "ai-train",
                "--from", "2026-11-01", "--until", "2027-12-31", "--price", floats.toString());
        assertThat(refused.exit()).as("[SET-1] a JSON number for an amount").isEqualTo(2);
        assertThat(refused.err()).contains(floats + ": per_request: amounts are exact decimal strings");
        Path valueFile = dir.resolve("value.json"); // as cb4i value --weights-out writes it, with a value it never writes
        Files.writeString(valueFile, "{\"value\": {\"" + memberA + "\": \"1e-3\"}}");
        Run badAllocation = cb4i("issuer", "agreement", "add", "--config", cfg, "--id", "bad", "--licensee", "crawler-co", "--usages", "ai-train",
                "--from", "2026-11-01", "--until", "2027-12-31", "--price", price.toString(), "--allocation", valueFile.toString());
        assertThat(badAllocation.exit()).as("[SET-1] an allocation file whose value is not a decimal").isEqualTo(2);
        assertThat(badAllocation.err()).contains(price + " with the allocation of " + valueFile + ": allocation.value." + memberA);
        ok("issuer", "agreement", "add", "--config", cfg, "--id", "crawl-2026", "--licensee", "crawler-co", "--usages", "ai-train", "--from", "2026-11-01",
                "--until", "2027-12-31", "--price", price.toString());
        // The collector finds each proxy's log through its /.well-known/cb4i.
        Run added = ok("issuer", "log", "add", "--config", cfg, "--member", memberA, "--json");
        assertThat(Json.mapper().readTree(added.out()).get("log_ids").get(0).asText()).isEqualTo(a.log().logId());
        ok("issuer", "log", "add", "--config", cfg, "--member", memberB);

        // November 10th: five pages from A (two with per-request signatures: attested), a missing page, four from B.
        SigningKey crawler = KeyFiles.readSigningKey(dir.resolve("crawler/private.jwk"));
        String token = issuer.collective().issue("crawler-co", Optional.empty()).token();
        for (int i = 0; i < 3; i++) {
            fetchOk(portA, "/articles/" + i, token, crawler, SignaturePolicy.REUSABLE);
        }
        for (int i = 0; i < 2; i++) {
            fetchOk(portA, "/premium/" + i, token, crawler, SignaturePolicy.PER_REQUEST);
        }
        assertThat(fetch(portA, "/missing/1", token, crawler, SignaturePolicy.REUSABLE)).as("logged, not billable").isEqualTo(404);
        for (int i = 0; i < 4; i++) {
            fetchOk(portB, "/articles/" + i, token, crawler, SignaturePolicy.REUSABLE);
        }
        Eventually.until(() -> a.log().checkpoint().map(Checkpoint::size).orElse(0L) == 6 && b.log().checkpoint().map(Checkpoint::size).orElse(0L) == 4);
        Run first = ok("issuer", "collect", "--config", cfg, "--json");
        assertThat(Json.mapper().readTree(first.out()).get("results")).allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("collected"));
        assertThat(a.log().dir().resolve("acks")).as("[SET-9] the acknowledgement the proxy keeps").isDirectoryContaining("glob:**.jwt");
        Run again = ok("issuer", "collect", "--config", cfg, "--json");
        assertThat(Json.mapper().readTree(again.out()).get("results")).allSatisfy(r -> assertThat(r.get("outcome").asText()).isEqualTo("unchanged"));
        JsonNode usage = Json.mapper().readTree(ok("issuer", "usage", "--config", cfg, "--format", "json").out());
        assertThat(usage).hasSize(2);
        JsonNode ua = usage.get(0).get("member").asText().equals(memberA) ? usage.get(0) : usage.get(1);
        assertThat(ua.get("requests").asLong()).as("nothing counted twice").isEqualTo(6);
        assertThat(ua.get("billable").asLong()).isEqualTo(5);
        assertThat(ua.get("attested").asLong()).isEqualTo(2);
        assertThat(ok("issuer", "usage", "--config", cfg, "--format", "csv").out()).startsWith("day,licensee,member,usage,requests,bytes,attested,billable\r\n2026-11-10,crawler-co,");

        // November 20th: three more pages from B, which goes down before the collector reads them.
        clock.set(Instant.parse("2026-11-20T10:00:00Z"));
        for (int i = 4; i < 7; i++) {
            fetchOk(portB, "/articles/" + i, token, crawler, SignaturePolicy.REUSABLE);
        }
        Eventually.until(() -> b.log().checkpoint().map(Checkpoint::size).orElse(0L) == 7);
        b.close();
        running.remove(b);
        clock.set(Instant.parse("2026-12-01T00:05:00Z"));
        checkpointAfter(a, Instant.parse("2026-12-01T00:00:00Z"));
        Run partial = cb4i("issuer", "collect", "--config", cfg, "--json");
        assertThat(partial.exit()).as("a member proxy down at collection").isEqualTo(1);

        Path out = dir.resolve("statements");
        Run blocked = cb4i("issuer", "settle", "--config", cfg, "--period", "2026-11", "--close", "--out", out.toString());
        assertThat(blocked.exit()).as("[SET-10] a member proxy down at the close").isEqualTo(1);
        assertThat(blocked.err()).contains("cannot close 2026-11", memberB, "--allow-incomplete");
        Run closed = ok("issuer", "settle", "--config", cfg, "--period", "2026-11", "--close", "--allow-incomplete", "--out", out.toString());
        assertThat(closed.out()).contains("INCOMPLETE", "period 2026-11 is closed");

        KeySet keys = KeySet.of(collective.publicKey());
        Statement invoice = Statement.verify(Files.readString(out.resolve("2026-11-I0001.invoice.jwt")), iss -> keys);
        long centsA = cents(5, 5L * PAGE);
        long centsB = cents(4, 4L * PAGE);
        long minimum = Math.max(0, 100 - centsA - centsB);
        // [SET-4]: usage lines in member order (the ports decide which comes first), then the minimum.
        boolean aFirst = memberA.compareTo(memberB) < 0;
        Statement.Line lineA = invoice.lines().get(aFirst ? 0 : 1);
        Statement.Line lineB = invoice.lines().get(aFirst ? 1 : 0);
        assertThat(lineA.member()).hasValue(memberA);
        assertThat(lineA.amountMinor()).isEqualTo(centsA);
        assertThat(lineB.amountMinor()).isEqualTo(centsB);
        assertThat(invoice.lines().get(2).kind()).isEqualTo("minimum");
        assertThat(invoice.lines().get(2).amountMinor()).isEqualTo(minimum);
        assertThat(lineA.attested()).isEqualTo(2);
        assertThat(lineA.logged()).isEqualTo(3);
        assertThat(lineB.incompleteUntil()).as("B verified only to Nov 10").hasValue(Instant.parse("2026-11-10T10:00:00Z"));
        assertThat(lineA.incompleteUntil()).isEmpty();
        assertThat(invoice.totalMinor()).isEqualTo(100);
        assertThat(invoice.entries().orElseThrow().count()).isEqualTo(9);
        assertThat(invoice.arithmeticProblems()).isEmpty();
        Statement summary = Statement.verify(Files.readString(out.resolve("summary.jwt")), iss -> keys);
        assertThat(summary.feeMinor()).hasValue(10);
        assertThat(summary.payouts().stream().mapToLong(Statement.Share::amountMinor).sum() + summary.feeMinor().getAsLong()).isEqualTo(100);
        assertThat(summary.arithmeticProblems()).isEmpty();
        assertThat(out.resolve("2026-11-I0001.invoice.csv")).content().contains("2026-11-I0001,2026-11,invoice," + lineA.line() + ",usage," + memberA);
        assertThat(out.resolve("2026-11-I0001.invoice.html")).content().contains("<h1>invoice 2026-11-I0001</h1>");
        // [SET-11] Each member checks its payout statement against its own proxy's log: A's holds; B's counts 4 of the 7
        // entries its log holds for November (3 were made after the collector last reached it).
        Path trust = dir.resolve("trust.json");
        ok("trust", "add", "--trust", trust.toString(), "--collective", COLLECTIVE, "--keys", dir.resolve("collective.jwks.json").toString());
        String payoutA = null;
        String payoutB = null;
        try (var files = Files.list(out)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".payout.jwt")).toList()) {
                String member = Statement.verify(Files.readString(f), iss -> keys).member().orElseThrow();
                if (member.equals(memberA)) {
                    payoutA = f.toString();
                } else {
                    payoutB = f.toString();
                }
            }
        }
        Run checkA = cb4i("statement", "check", payoutA, "--trust", trust.toString(), "--log", a.log().dir().toString());
        assertThat(checkA.exit()).as(checkA.out() + checkA.err()).isZero();
        assertThat(checkA.out()).contains("licensee crawler-co: 5 entries counted, 5 in your log");
        Run checkB = cb4i("statement", "check", payoutB, "--trust", trust.toString(), "--log", dir.resolve("log-b").toString());
        assertThat(checkB.exit()).as(checkB.out()).isEqualTo(1);
        assertThat(checkB.out()).contains("the statement counts 4 entries, your log holds 7");

        Run twice = cb4i("issuer", "settle", "--config", cfg, "--period", "2026-11", "--close", "--out", out.toString());
        assertThat(twice.exit()).as("a closed period never changes").isEqualTo(1);

        // B comes back: its November 20th entries are counted now, and billed as adjustments of December.
        Proxy b2 = proxy("b", portB);
        checkpointAfter(b2, Instant.parse("2026-12-01T00:00:00Z"));
        ok("issuer", "collect", "--config", cfg);
        clock.set(Instant.parse("2027-01-01T00:05:00Z"));
        checkpointAfter(a, Instant.parse("2027-01-01T00:00:00Z"));
        checkpointAfter(b2, Instant.parse("2027-01-01T00:00:00Z"));
        ok("issuer", "collect", "--config", cfg);
        ok("issuer", "settle", "--config", cfg, "--period", "2026-12", "--close", "--out", out.toString());
        Statement december = Statement.verify(Files.readString(out.resolve("2026-12-I0001.invoice.jwt")), iss -> keys);
        long late = cents(3, 3L * PAGE);
        assertThat(december.lines()).extracting(Statement.Line::kind).containsExactly("minimum", "adjustment");
        assertThat(december.lines().get(1).member()).hasValue(memberB);
        assertThat(december.lines().get(1).requests()).isEqualTo(3);
        assertThat(december.totalMinor()).isEqualTo(100 + late);

        // A disputed line is answered by a signed credit note; the invoice itself never changes.
        Run credit = ok("issuer", "credit", "--config", cfg, "--invoice", "2026-11-I0001", "--line", Integer.toString(lineB.line()), "--amount-minor", "5", "--reason",
                "two pages were served twice", "--json");
        Statement note = Statement.verify(Json.mapper().readTree(credit.out()).get("statement").asText(), iss -> keys);
        assertThat(note.refersTo()).hasValue("2026-11-I0001#" + lineB.line());
        Run tooMuch = cb4i("issuer", "credit", "--config", cfg, "--invoice", "2026-11-I0001", "--line", Integer.toString(lineB.line()),
                "--amount-minor", Long.toString(lineB.amountMinor()), "--reason", "x");
        assertThat(tooMuch.exit()).as("credits on one line never exceed it").isEqualTo(2);
        assertThat(tooMuch.err()).contains("less 5 credited already");
        ok("issuer", "invoice", "--config", cfg, "--number", "2026-11-I0001", "--status", "paid");
        assertThat(ok("issuer", "statements", "--config", cfg, "--period", "2026-11").out()).contains("status=paid");
    }

    /**
     * [LOG-6] A member retires its proxy's log (the proxy stopped, {@code cb4i proxy log retire}): the proxy serves the
     * retired log beside its successor; the collector reads the retired log up to its final checkpoint, follows the
     * successor it names without an operator's approval, and counts every entry of both once; the retired log never
     * holds a month's close back, and the member's own check reads both logs.
     */
    @Test
    void aRetiredLog_isCollectedToItsFinalCheckpoint_andItsSuccessorIsFollowed() throws Exception {
        startSiteAndIssuer();
        int port = freePort();
        Proxy a = proxy("a", port);
        String member = "http://127.0.0.1:" + port;
        ok("keys", "generate", "--out", dir.resolve("crawler").toString());
        ok("keys", "generate", "--out", dir.resolve("publisher").toString());
        ok("issuer", "member", "add", "--config", cfg, "--origin", member, "--content-keys", dir.resolve("publisher/public.jwks").toString(), "--joined",
                "2026-10-01");
        ok("issuer", "licensee", "add", "--config", cfg, "--id", "crawler-co", "--key", dir.resolve("crawler/public.jwk").toString());
        Path price = dir.resolve("price.json");
        Files.writeString(price, "{\"currency\": \"EUR\", \"per_request\": \"0.01\", \"fee\": \"10\"}");
        ok("issuer", "agreement", "add", "--config", cfg, "--id", "crawl-2026", "--licensee", "crawler-co", "--usages", "ai-train", "--from", "2026-11-01",
                "--until", "2027-12-31", "--price", price.toString());
        ok("issuer", "log", "add", "--config", cfg, "--member", member);
        SigningKey crawler = KeyFiles.readSigningKey(dir.resolve("crawler/private.jwk"));
        String token = issuer.collective().issue("crawler-co", Optional.empty()).token();

        // Three pages collected, two more logged but not yet collected when the member retires its log.
        for (int i = 0; i < 3; i++) {
            fetchOk(port, "/articles/" + i, token, crawler, SignaturePolicy.REUSABLE);
        }
        Eventually.until(() -> a.log().checkpoint().map(Checkpoint::size).orElse(0L) == 3);
        ok("issuer", "collect", "--config", cfg);
        for (int i = 3; i < 5; i++) {
            fetchOk(port, "/articles/" + i, token, crawler, SignaturePolicy.REUSABLE);
        }
        Eventually.until(() -> a.log().checkpoint().map(Checkpoint::size).orElse(0L) == 5);
        String old = a.log().logId();
        Path yaml = dir.resolve("a.yaml");
        Run busy = cb4i("proxy", "log", "retire", "--config", yaml.toString());
        assertThat(busy.exit()).as("the proxy still runs").isEqualTo(1);
        assertThat(busy.err()).contains("was not retired", "in use by another proxy process");
        a.close();
        running.remove(a);
        Run retired = ok("proxy", "log", "retire", "--config", yaml.toString());
        assertThat(retired.out()).contains("log " + old + " is retired: its final checkpoint covers 5 entries");
        String successor = successorIn(retired);
        // Retired again before it took an entry: a chain of two, which the collector follows to its end.
        Run again = ok("proxy", "log", "retire", "--config", yaml.toString());
        assertThat(again.out()).contains("log " + successor + " is retired: its final checkpoint covers 0 entries");
        String last = successorIn(again);

        Proxy a2 = proxy("a", port);
        assertThat(a2.log().logId()).isEqualTo(last);
        JsonNode wk = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(member + "/.well-known/cb4i")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(wk.get("logs")).extracting(l -> l.get("log_id").asText()).containsExactlyInAnyOrder(last, old, successor);
        assertThat(wk.get("logs")).filteredOn(l -> l.path("retired").asBoolean()).extracting(l -> l.get("successor").asText())
                .containsExactlyInAnyOrder(successor, last);
        for (int i = 5; i < 9; i++) {
            fetchOk(port, "/articles/" + i, token, crawler, SignaturePolicy.REUSABLE);
        }
        Eventually.until(() -> a2.log().checkpoint().map(Checkpoint::size).orElse(0L) == 4);

        JsonNode results = Json.mapper().readTree(ok("issuer", "collect", "--config", cfg, "--json").out()).get("results");
        JsonNode first = find(results, old);
        assertThat(first.get("to").asLong()).as("the retired log read to its final checkpoint").isEqualTo(5);
        assertThat(first.get("detail").asText()).contains("retired by this final checkpoint", successor);
        assertThat(find(results, successor).get("outcome").asText()).as("an empty log retired in turn").isEqualTo("retired");
        assertThat(find(results, last).get("outcome").asText()).as("followed in the same collection, no approval waited for").isEqualTo("collected");
        assertThat(find(results, last).get("to").asLong()).isEqualTo(4);
        assertThat(dir.resolve("log-a/retired").resolve(old).resolve("acks")).as("the retired log took the acknowledgement").isDirectoryContaining("glob:**.jwt");
        JsonNode usage = Json.mapper().readTree(ok("issuer", "usage", "--config", cfg, "--format", "json").out());
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).get("requests").asLong()).as("every entry of both logs once").isEqualTo(9);
        JsonNode second = Json.mapper().readTree(ok("issuer", "collect", "--config", cfg, "--json").out()).get("results");
        assertThat(find(second, old).get("outcome").asText()).isEqualTo("retired");
        assertThat(find(second, last).get("outcome").asText()).isEqualTo("unchanged");
        assertThat(ok("issuer", "log", "list", "--config", cfg).out()).contains(old, "retired");

        // The month closes on the successor's checkpoint alone: the retired logs are complete.
        clock.set(Instant.parse("2026-12-01T00:05:00Z"));
        checkpointAfter(a2, Instant.parse("2026-12-01T00:00:00Z"));
        ok("issuer", "collect", "--config", cfg);
        Path out = dir.resolve("statements");
        ok("issuer", "settle", "--config", cfg, "--period", "2026-11", "--close", "--out", out.toString());
        KeySet keys = KeySet.of(collective.publicKey());
        Statement invoice = Statement.verify(Files.readString(out.resolve("2026-11-I0001.invoice.jwt")), iss -> keys);
        assertThat(invoice.lines().get(0).requests()).isEqualTo(9);
        assertThat(invoice.totalMinor()).isEqualTo(9);
        assertThat(invoice.entries().orElseThrow().count()).isEqualTo(9);
        assertThat(invoice.lines().get(0).incompleteUntil()).isEmpty();
        Path trust = dir.resolve("trust.json");
        ok("trust", "add", "--trust", trust.toString(), "--collective", COLLECTIVE, "--keys", dir.resolve("collective.jwks.json").toString());
        Path payout;
        try (var files = Files.list(out)) {
            payout = files.filter(f -> f.toString().endsWith(".payout.jwt")).findFirst().orElseThrow();
        }
        Run check = cb4i("statement", "check", payout.toString(), "--trust", trust.toString(), "--log", dir.resolve("log-a").toString());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("licensee crawler-co: 9 entries counted, 9 in your log");
    }

    static String successorIn(Run retire) {
        return retire.out().lines().map(String::strip).filter(l -> l.startsWith("successor")).findFirst().orElseThrow().split("\\s+")[1];
    }

    static JsonNode find(JsonNode results, String logId) {
        for (JsonNode r : results) {
            if (r.get("log_id").asText().equals(logId)) {
                return r;
            }
        }
        throw new AssertionError("no result for log " + logId + " in " + results);
    }
}
