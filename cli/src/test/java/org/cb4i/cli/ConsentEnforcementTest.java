package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.Issuer;
import org.cb4i.issuer.collective.AdminOps;
import org.cb4i.issuer.config.IssuerConfigLoader;
import org.cb4i.issuer.testing.IssuerYaml;
import org.cb4i.proxy.Proxy;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.sample.SampleSite;
import org.cb4i.proxy.testing.ProxyYaml;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [CNS-4] [CNS-5] [CNS-6], end to end with a real issuer, proxy and origin: a member opts a usage, its works at a path
 * and one agreement out with {@code cb4i consent set}, signing with its own content key (no admin token); its proxy
 * answers the licensed crawler 403 {@code MEMBER_OPTED_OUT} within one consent ttl, and serves again when the member opts
 * back in. A proxy that cannot get the member's consent refuses licensed requests with 503 {@code CONSENT_UNAVAILABLE}.
 */
class ConsentEnforcementTest {
    static final String COLLECTIVE = "https://collective.example";
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<AutoCloseable> running = new ArrayList<>();
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    record Answer(int status, String reason) {}

    Answer fetch(int port, String path, String token, SigningKey key) throws Exception {
        URI u = URI.create("http://127.0.0.1:" + port + path);
        SignatureHeaders sig = new WebBotAuthSigner(key, Clock.systemUTC()).reusableFor(SignedRequest.of("GET", u));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).header("Authorization", "License " + token)
                .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature()).build(), HttpResponse.BodyHandlers.ofString());
        String reason = r.statusCode() == 200 ? "" : Json.mapper().readTree(r.body()).path("reason").asText();
        return new Answer(r.statusCode(), reason);
    }

    /** Polls until the proxy answers {@code status}; returns how long that took from {@code from}. */
    Duration until(int port, String path, String token, SigningKey key, int status, Instant from) throws Exception {
        Instant deadline = from.plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            if (fetch(port, path, token, key).status() == status) {
                return Duration.between(from, Instant.now());
            }
            Thread.sleep(20);
        }
        throw new AssertionError(path + " did not answer " + status + " within 10 s: " + fetch(port, path, token, key) + "; events " + events);
    }

    /** A collective's issuer, a member site behind its proxy (fetching the member's consent, ttl 1 s), a licensee and its licenses. */
    record World(Issuer issuer, Path yaml, String issuerUrl, SampleSite site, String origin, SigningKey member, SigningKey crawler,
            org.cb4i.issuer.collective.Collective.Issued issuedA1, String underA1, String underA2, Proxy proxy) {}

    World start() throws Exception {
        KeyFiles.readOrGenerate(dir.resolve("collective"));
        int issuerPort = CollectorCrashTest.freePort();
        String issuerUrl = "http://127.0.0.1:" + issuerPort;
        Path yaml = IssuerYaml.onPort(issuerPort).with("token_lifetime: 1h", "status: {ttl: 1s, validity: 1h}").write(dir.resolve("issuer.yaml"));
        Issuer issuer = Issuer.start(IssuerConfigLoader.load(yaml), Clock.systemUTC(), events::add);
        running.add(issuer);
        SampleSite site = SampleSite.start();
        running.add(site::close);
        String origin = "http://127.0.0.1:" + site.port();

        // The member registers its content key with the collective; its proxy asks for its consent with the same key.
        SigningKey member = KeyFiles.generate(KeyAlgorithm.ED25519);
        KeyFiles.writeKeyPair(dir.resolve("member"), member, false);
        SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
        AdminOps ops = new AdminOps(issuer.collective());
        ops.apply(Json.mapper().valueToTree(Map.of("op", "member.add", "origin", origin, "content_keys", KeySet.of(member.publicKey()).toJsonObject())));
        ops.apply(Json.mapper().valueToTree(Map.of("op", "licensee.add", "id", "lab", "jwk", crawler.publicKey().toJsonObject())));
        long until = Instant.now().plus(Duration.ofDays(30)).getEpochSecond();
        for (String a : List.of("a1", "a2")) {
            ops.apply(Json.mapper().valueToTree(Map.of("op", "agreement.add", "id", a, "licensee", "lab", "grant", Map.of("usages", List.of("ai-train")),
                    "not_before", 0, "not_after", until)));
        }
        var issuedA1 = issuer.collective().issue("lab", Optional.of("a1"));
        String underA2 = issuer.collective().issue("lab", Optional.of("a2")).token();
        Files.writeString(dir.resolve("collective.jwks.json"), Files.readString(dir.resolve("collective").resolve(KeyFiles.PUBLIC_JWKS)));

        Path f = ProxyYaml.inFrontOf(site.port()).issuer(COLLECTIVE, "file:collective.jwks.json",
                "consent: {url: " + issuerUrl + "/consent, key: member/private.jwk}").write(dir.resolve("proxy.yaml"));
        Proxy proxy = Proxy.start(ConfigLoader.load(f), Clock.systemUTC(), events::add);
        running.add(proxy);
        assertThat(fetch(proxy.port(), ARTICLE, issuedA1.token(), crawler).status()).as(events.toString()).isEqualTo(200);
        return new World(issuer, yaml, issuerUrl, site, origin, member, crawler, issuedA1, issuedA1.token(), underA2, proxy);
    }

    static final String ARTICLE = "/articles/collective-bargaining.html";

    @Test
    void aMembersOptOutHoldsAtItsProxy_withinOneConsentTtl_andOptingBackInServesAgain() throws Exception {
        World w = start();
        String issuerUrl = w.issuerUrl();
        String origin = w.origin();
        SigningKey member = w.member();
        SigningKey crawler = w.crawler();
        var issuedA1 = w.issuedA1();
        String underA1 = w.underA1();
        String underA2 = w.underA2();
        Path yaml = w.yaml();
        SampleSite site = w.site();
        int p = w.proxy().port();
        String article = ARTICLE;
        assertThat(events).anyMatch(e -> e.startsWith("consent: " + COLLECTIVE + " version 0, nothing opted out"));

        String[] as = {"--issuer", issuerUrl, "--origin", origin, "--key", dir.resolve("member/private.jwk").toString()};
        // 1. A usage: training refused.
        Instant t0 = Instant.now();
        StrikePushTest.Run set = StrikePushTest.cb4i(concat(new String[] {"consent", "set", "--opt-out-usage", "ai-train"}, as));
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("version 1").contains("usages opted out:     ai-train");
        Duration took = until(p, article, underA1, crawler, 403, t0);
        System.out.println("opt-out of ai-train to first 403 at the member's proxy (consent ttl 1 s): " + took);
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(fetch(p, article, underA1, crawler).reason()).isEqualTo("MEMBER_OPTED_OUT");
        assertThat(fetch(p, "/free/about.html", underA1, crawler).status()).as("an open path is not licensed use").isEqualTo(200);

        // 2. Works by path: the articles withheld, the home page still licensed.
        set = StrikePushTest.cb4i(concat(new String[] {"consent", "set", "--opt-out-path", "/articles/"}, as));
        assertThat(set.exit()).as(set.err()).isZero();
        until(p, "/index.html", underA1, crawler, 200, Instant.now());
        assertThat(fetch(p, article, underA1, crawler)).isEqualTo(new Answer(403, "MEMBER_OPTED_OUT"));

        // 3. One agreement: the licensee's licenses under a1 refused, under a2 served.
        String a1 = issuedA1.claims().agreement().orElseThrow().uri().toString();
        set = StrikePushTest.cb4i(concat(new String[] {"consent", "set", "--opt-out-agreement", a1}, as));
        assertThat(set.exit()).as(set.err()).isZero();
        until(p, article, underA2, crawler, 200, Instant.now());
        until(p, article, underA1, crawler, 403, Instant.now());
        assertThat(fetch(p, article, underA1, crawler).reason()).isEqualTo("MEMBER_OPTED_OUT");

        // 4. Back in: everything served again; the member sees its version.
        set = StrikePushTest.cb4i(concat(new String[] {"consent", "set"}, as));
        assertThat(set.exit()).as(set.err()).isZero();
        until(p, article, underA1, crawler, 200, Instant.now());
        StrikePushTest.Run show = StrikePushTest.cb4i(concat(new String[] {"consent", "show"}, as));
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("version 4").contains("nothing opted out");

        // The operator sees every version, who set it and the member's signed requests; it may set one on the member's instruction.
        StrikePushTest.Run history = StrikePushTest.cb4i("issuer", "consent", "show", "--config", yaml.toString(), "--server", issuerUrl,
                "--origin", origin);
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out()).contains("history: 4").contains("set_by=member " + member.thumbprint()).contains("evidence=ey");
        StrikePushTest.Run byOperator = StrikePushTest.cb4i("issuer", "consent", "set", "--config", yaml.toString(), "--server", issuerUrl,
                "--origin", origin, "--opt-out-usage", "ai-all");
        assertThat(byOperator.exit()).as(byOperator.err()).isZero();
        until(p, article, underA1, crawler, 403, Instant.now());
        assertThat(StrikePushTest.cb4i("issuer", "consent", "show", "--config", yaml.toString(), "--server", issuerUrl, "--origin", origin).out())
                .contains("history: 5").contains("set_by=operator");

        // Bad input is named, and nothing is changed.
        StrikePushTest.Run bad = StrikePushTest.cb4i(concat(new String[] {"consent", "set", "--opt-out-usage", "ai-dream"}, as));
        assertThat(bad.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(bad.err()).contains("--opt-out-usage ai-dream");
        StrikePushTest.Run stranger = StrikePushTest.cb4i("consent", "show", "--issuer", issuerUrl, "--origin", origin, "--key",
                dir.resolve("collective/private.jwk").toString());
        assertThat(stranger.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(stranger.err()).contains("HTTP 401");

        // [CNS-5] A proxy that cannot get the member's consent fails closed for licensed requests, and says so.
        Path g = ProxyYaml.inFrontOf(site.port()).issuer(COLLECTIVE, "file:collective.jwks.json",
                "consent: {url: http://127.0.0.1:" + CollectorCrashTest.freePort() + "/consent, key: member/private.jwk}")
                .log("./proxy-log-2").write(dir.resolve("proxy2.yaml"));
        Proxy closed = Proxy.start(ConfigLoader.load(g), Clock.systemUTC(), events::add);
        running.add(closed);
        assertThat(fetch(closed.port(), article, underA1, crawler)).isEqualTo(new Answer(503, "CONSENT_UNAVAILABLE"));
        assertThat(fetch(closed.port(), "/free/about.html", underA1, crawler).status()).isEqualTo(200);
        assertThat(events).anyMatch(e -> e.startsWith("consent: cannot fetch the member's consent") && e.contains("refused with 503"));
    }

    /**
     * The console end to end, as issue #22's first browser test asks: an operator invites the member with {@code cb4i
     * issuer invite}; the member opens the link in Chromium (chromium-driver, a virtual authenticator), registers a
     * passkey and opts out of {@code ai-train}; the licensed crawler's next fetch at the member's proxy gets 403
     * {@code MEMBER_OPTED_OUT}.
     */
    @Test
    void aMemberInvitedToTheConsole_optsOutOfAiTrain_andItsProxyRefusesTheNextLicensedFetch() throws Exception {
        World w = start();
        StrikePushTest.Run invite = StrikePushTest.cb4i("issuer", "invite", "--config", w.yaml().toString(), "--server", w.issuerUrl(), "--member",
                w.origin());
        assertThat(invite.exit()).as(invite.err()).isZero();
        String link = invite.out().lines().findFirst().orElseThrow();
        assertThat(link).startsWith("http://localhost:" + URI.create(w.issuerUrl()).getPort() + "/console/invite#t=");

        org.openqa.selenium.WebDriver browser = registered(link);
        var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(org.openqa.selenium.By.id("consent")));
        browser.findElement(org.openqa.selenium.By.cssSelector("input[name=usage][value=ai-train]")).click();
        Instant saved = Instant.now();
        browser.findElement(org.openqa.selenium.By.id("save-consent")).click();
        wait.until(org.openqa.selenium.support.ui.ExpectedConditions.urlContains("saved=consent"));
        Duration took = until(w.proxy().port(), ARTICLE, w.underA1(), w.crawler(), 403, saved);
        System.out.println("opt-out of ai-train in the console to the first 403 at the member's proxy (consent ttl 1 s): " + took);
        assertThat(fetch(w.proxy().port(), ARTICLE, w.underA1(), w.crawler()).reason()).isEqualTo("MEMBER_OPTED_OUT");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    /**
     * A strike decided in the console, as issue #22 asks: the member, signed in with its passkey, votes yes on a strike
     * proposal ([DEC-2]: the vote confirmed by the passkey); the proposal passes (the member is the whole electorate),
     * is executed through the status lists ([DEC-4]) and the member's proxy answers the licensee 401
     * {@code LICENSE_SUSPENDED} within the status ttl (1 s here).
     */
    @Test
    void aStrikeProposalPassesByTheMembersVoteInTheConsole_andItsProxyAnswers401WithinTheStatusTtl() throws Exception {
        World w = start();
        AdminOps ops = new AdminOps(w.issuer().collective());
        String link = "http://localhost:" + URI.create(w.issuerUrl()).getPort() + Json.mapper().valueToTree(ops.apply(Json.mapper().valueToTree(Map.of(
                "op", "console.invite", "origin", w.origin())))).path("link_path").asText();
        String proposal = Json.mapper().valueToTree(ops.apply(Json.mapper().valueToTree(Map.of("op", "proposal.open", "action", "strike", "scope",
                Map.of("all", true), "reason", "the licensee has not paid")))).path("id").asText();

        org.openqa.selenium.WebDriver browser = registered(link);
        var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20));
        org.openqa.selenium.By yes = org.openqa.selenium.By.cssSelector("button.vote[data-proposal='" + proposal + "'][data-vote=yes]");
        wait.until(org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable(yes));
        assertThat(fetch(w.proxy().port(), ARTICLE, w.underA1(), w.crawler()).status()).as("served before the vote").isEqualTo(200);
        Instant voted = Instant.now();
        browser.findElement(yes).click();
        Duration took = until(w.proxy().port(), ARTICLE, w.underA1(), w.crawler(), 401, voted);
        System.out.println("a strike voted in the console to the first 401 at the member's proxy (status ttl 1 s): " + took);
        assertThat(fetch(w.proxy().port(), ARTICLE, w.underA1(), w.crawler()).reason()).isEqualTo("LICENSE_SUSPENDED");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(org.openqa.selenium.By.cssSelector(
                "section.proposal"), "You voted yes"));
        var shown = Json.mapper().valueToTree(ops.apply(Json.mapper().valueToTree(Map.of("op", "proposal.show", "id", proposal))));
        assertThat(shown.path("state").asText()).isEqualTo("executed");
        assertThat(shown.toString()).as("the vote's evidence is the passkey's assertion").contains("console passkey ");
    }

    /** Debian's Chromium with a virtual authenticator, which opens a member's invite link and registers its passkey. */
    org.openqa.selenium.WebDriver registered(String link) {
        org.openqa.selenium.WebDriver browser = org.cb4i.issuer.testing.Browsers.chromium();
        running.add(browser::quit);
        org.cb4i.issuer.testing.Browsers.passkeys(browser);
        browser.get(link);
        new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(20)).until(org.openqa.selenium.support.ui.ExpectedConditions
                .elementToBeClickable(org.openqa.selenium.By.id("register"))).click();
        return browser;
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
