package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cb4i.issuer.testing.Browsers;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

/**
 * The console in a real Chromium (Debian's chromium and chromium-driver), passkeys through Chromium's virtual
 * authenticator: an operator's invite, a member's passkey registered from it, the member's opt-out saved, sign-out
 * and sign-in again, a strike decided by the member's vote confirmed with its passkey; the invite refused the second time; forms without the session's CSRF token or from another
 * origin refused; every page checked by axe-core (no serious or critical violation) and kept as a screenshot in
 * target/console/.
 */
class ConsoleBrowserTest extends IssuerFixture {
    static final String MEMBER = "https://news.example";
    static final String OTHER = "https://other.example";
    final List<WebDriver> drivers = new ArrayList<>();

    @AfterEach
    void quit() {
        drivers.forEach(WebDriver::quit);
    }

    WebDriver chromium() {
        WebDriver d = Browsers.chromium();
        drivers.add(d);
        return d;
    }

    static VirtualAuthenticator passkeys(WebDriver d) {
        return Browsers.passkeys(d);
    }

    @Override
    org.cb4i.issuer.config.IssuerConfig.Collection collection() {
        return new org.cb4i.issuer.config.IssuerConfig.Collection(Duration.ZERO, true, true); // FakeMemberLog is plain HTTP on loopback
    }

    String console() {
        return "http://localhost:" + issuer.port();
    }

    @Test
    void aMemberInvitedByAnOperator_registersAPasskey_optsOutOfAiTrain_andSignsInAgain() throws Exception {
        admin(Map.of("op", "member.add", "origin", MEMBER, "content_keys", KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(),
                "joined", 0));
        admin(Map.of("op", "member.add", "origin", OTHER, "content_keys", KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(),
                "joined", 0));
        // June closed with its minimum and no usage: shared equally, a payout statement for each member.
        ok(admin(Map.of("op", "agreement.price", "id", "a1", "price", Map.of("currency", "EUR", "per_request", "0.01", "minimum", "3"), "from",
                clock.instant().plusSeconds(1).getEpochSecond())));
        clock.set(java.time.Instant.parse("2026-07-01T00:10:00Z"));
        ok(admin(Map.of("op", "settle", "period", "2026-06", "close", true)));
        String link = ok(admin(Map.of("op", "console.invite", "origin", MEMBER))).get("link_path").asText();
        assertThat(link).startsWith("/console/invite#t=");

        WebDriver d = chromium();
        passkeys(d);
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(20));
        d.get(console() + link);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("account"), "This invite is for " + MEMBER));
        assertThat(d.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("#t=");
        accessible(d, "invite");
        d.findElement(By.id("register")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("consent")));
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo(MEMBER);
        assertThat(d.getPageSource()).contains("What was fetched from you");
        accessible(d, "member");

        // Its own payout statement, signed, to download; another member's is not found.
        assertThat(d.findElement(By.id("statements")).isDisplayed()).isTrue();
        org.openqa.selenium.WebElement mine = d.findElement(By.cssSelector("a[href^='/console/statements/']"));
        assertThat(d.getPageSource()).contains("1.50 EUR").contains("2026-06");
        String own = fetchText(d, mine.getAttribute("href"));
        assertThat(own).startsWith("200 ey");
        String theirs = ok(admin(Map.of("op", "statement.list", "period", "2026-06"))).toString();
        java.util.regex.Matcher numbers = java.util.regex.Pattern.compile("\"number\"\\s*:\\s*\"([^\"]+)\"").matcher(theirs);
        List<String> all = new ArrayList<>();
        while (numbers.find()) {
            all.add(numbers.group(1));
        }
        String mineNumber = mine.getAttribute("href").replaceAll(".*/statements/(.*)\\.jwt", "$1");
        assertThat(all).contains(mineNumber).hasSizeGreaterThan(1);
        for (String n : all) {
            if (!n.equals(mineNumber)) {
                assertThat(fetchText(d, console() + "/console/statements/" + n + ".jwt")).as("statement " + n + " is not this member's").startsWith("404");
            }
        }
        d.findElement(By.cssSelector("input[name=usage][value=ai-train]")).click();
        d.findElement(By.id("save-consent")).click();
        wait.until(ExpectedConditions.urlContains("saved=consent"));
        assertThat(d.findElement(By.cssSelector("input[name=usage][value=ai-train]")).isSelected()).isTrue();
        assertThat(d.findElement(By.className("saved")).getText()).contains("version 1 is in force");
        accessible(d, "member-saved");
        JsonNode consent = ok(admin(Map.of("op", "consent.show", "origin", MEMBER)));
        assertThat(consent.toString()).contains("ai-train").contains("member (console, passkey)");
        // The member's consent history ([CNS-6]): every version, newest first, with who set it.
        assertThat(d.findElement(By.id("consent-history")).getText()).contains("uses ai-train").contains("you (console, passkey)");
        assertThat(ok(admin(Map.of("op", "audit"))).toString()).as("the passkey in the audit trail").contains("console.passkey.add");

        String cookie = d.manage().getCookieNamed("cb4i_console").getValue();
        assertThat(d.manage().getCookieNamed("cb4i_console").isHttpOnly()).isTrue();
        HttpResponse<String> noToken = form(cookie, console(), "usage=search");
        assertThat(noToken.statusCode()).as("a form without the CSRF token").isEqualTo(403);
        assertThat(noToken.body()).contains("csrf_refused");
        HttpResponse<String> elsewhere = form(cookie, "https://evil.example", "usage=search");
        assertThat(elsewhere.statusCode()).as("a form from another origin").isEqualTo(403);
        assertThat(elsewhere.body()).contains("origin_refused");

        d.findElement(By.cssSelector("form[action='/console/signout'] button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signin")));
        accessible(d, "signin");
        d.findElement(By.id("signin")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("consent")));
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo(MEMBER);

        ok(admin(Map.of("op", "member.remove", "origin", OTHER))); // the electorate is this one member
        // A strike proposal: the member's one vote, confirmed with its passkey over a challenge naming that vote, decides it.
        String proposal = ok(admin(Map.of("op", "proposal.open", "action", "strike", "scope", Map.of("all", true), "reason", "pay the invoices")))
                .get("id").asText();
        d.navigate().refresh();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.vote[data-proposal='" + proposal + "'][data-vote=yes]")));
        // A passkey's signature over the challenge made for "no" does not count as a "yes".
        Object swapped = ((org.openqa.selenium.JavascriptExecutor) d).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const id = arguments[0]; const h = {'Content-Type': 'application/json', 'X-CSRF-Token': document.querySelector('meta[name=csrf]').content};"
                + "fetch('/console/api/vote/options', {method: 'POST', headers: h, body: JSON.stringify({proposal: id, vote: 'no'})}).then(r => r.json())"
                + ".then(o => navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(o)}))"
                + ".then(c => fetch('/console/api/vote', {method: 'POST', headers: h, body: JSON.stringify({proposal: id, vote: 'yes', credential: c.toJSON()})}))"
                + ".then(r => r.text().then(t => done(r.status + ' ' + t))).catch(e => done('error ' + e));", proposal);
        assertThat(String.valueOf(swapped)).startsWith("401").contains("challenge_unknown");
        d.findElement(By.cssSelector("button.vote[data-proposal='" + proposal + "'][data-vote=yes]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("p-" + proposal), "strike"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("section.proposal"), "You voted yes"));
        accessible(d, "member-voted");
        JsonNode shown = ok(admin(Map.of("op", "proposal.show", "id", proposal)));
        assertThat(shown.get("state").asText()).as(shown.toString()).isIn("passed", "executed");
        assertThat(shown.get("yes").asInt()).isEqualTo(1);

        assertThat(fetchText(d, console() + "/console/operator")).as("a member on the operators' page").startsWith("403");

        WebDriver other = chromium();
        passkeys(other);
        other.get(console() + link);
        new WebDriverWait(other, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("account"), "was used"));
        assertThat(other.findElement(By.id("register")).isEnabled()).as("an invite works once").isFalse();
    }

    @Test
    void anOperatorSignsInWithTheAdminToken_invitesAMember_andStrikesEveryLicenseeOnlyWhenConfirmed() throws Exception {
        admin(Map.of("op", "member.add", "origin", MEMBER, "content_keys", KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(),
                "joined", 0));
        ok(admin(Map.of("op", "offer.add", "id", "draft-1", "grant", Map.of("usages", List.of("ai-input"), "price", Map.of("currency", "EUR",
                "per_request", "0.5")), "not_after", clock.instant().plus(Duration.ofDays(90)).getEpochSecond())));
        WebDriver d = chromium();
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(20));
        d.get(console() + "/console/operator");
        accessible(d, "operator-signin");
        d.findElement(By.id("token")).sendKeys("not the token");
        d.findElement(By.id("operator-signin")).click();
        wait.until(ExpectedConditions.urlToBe(console() + "/console/operator/signin"));
        assertThat(d.getPageSource()).contains("token_refused");
        d.get(console() + "/console/operator");
        d.findElement(By.id("token")).sendKeys(adminToken);
        d.findElement(By.id("operator-signin")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("members")));
        assertThat(d.getPageSource()).contains(MEMBER);
        accessible(d, "operator");

        d.findElement(By.cssSelector("button[aria-label='Invite " + MEMBER + "']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("invite-link")));
        String link = d.findElement(By.cssSelector("#invite-link code")).getText();
        assertThat(link).startsWith(console() + "/console/invite#t=");
        String token = link.substring(link.indexOf("#t=") + 3);
        HttpResponse<String> valid = http.send(HttpRequest.newBuilder(URI.create(console() + "/console/api/register/options")).header("Origin", console())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"invite\": \"" + token + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(valid.statusCode()).as("the operator's invite works").isEqualTo(200);
        // Every section: licensees (with their invite), offers, agreements, usage and statements.
        String text = d.findElement(By.id("main")).getText();
        assertThat(text).contains("crawler-co").contains("a1").contains("draft-1").contains("0.5 EUR a request").contains("active");
        org.openqa.selenium.WebElement shown = d.findElement(By.id("invite-link"));
        d.findElement(By.cssSelector("button[aria-label='Invite licensee crawler-co']")).click();
        wait.until(ExpectedConditions.stalenessOf(shown));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("invite-link")));
        String licenseeLink = d.findElement(By.cssSelector("#invite-link code")).getText();
        HttpResponse<String> forLicensee = http.send(HttpRequest.newBuilder(URI.create(console() + "/console/api/register/options")).header("Origin", console())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"invite\": \""
                        + licenseeLink.substring(licenseeLink.indexOf("#t=") + 3) + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forLicensee.body()).as("the licensee's invite").contains("\"account\":\"licensee:crawler-co\"");

        // The strike switch: refused without the confirmation (the browser's own check bypassed), done with it.
        String unconfirmed = String.valueOf(((org.openqa.selenium.JavascriptExecutor) d).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const f = new URLSearchParams({csrf: document.querySelector('input[name=csrf]').value, action: 'strike', reason: 'no confirmation'});"
                + "fetch('/console/operator/strike', {method: 'POST', body: f}).then(r => r.text().then(t => done(r.status + ' ' + t)));"));
        assertThat(unconfirmed).startsWith("400").contains("not_confirmed");
        assertThat(ok(admin(Map.of("op", "status"))).path("strike_all").asBoolean()).isFalse();
        d.findElement(By.id("reason")).sendKeys("the licensees did not pay");
        d.findElement(By.cssSelector("input[name=confirm]")).click();
        d.findElement(By.id("strike-switch")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.saved"), "Every licensee is struck"));
        assertThat(ok(admin(Map.of("op", "status"))).path("strike_all").asBoolean()).isTrue();
        accessible(d, "operator-struck");
        // An operator has no vote, and no member's page.
        assertThat(fetchText(d, console() + "/console/statements/X1.jwt")).startsWith("403");
    }

    @Test
    void aLicenseeInvitedByAnOperator_seesItsAgreementsAndInvoices_andAcceptsAnOfferWithItsPasskey() throws Exception {
        // [OFR-3]: an acceptance in the console is a WebAuthn assertion over a challenge made for that offer's text and account.
        admin(Map.of("op", "member.add", "origin", MEMBER, "content_keys", KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(),
                "joined", 0));
        ok(admin(Map.of("op", "agreement.price", "id", "a1", "price", Map.of("currency", "EUR", "per_request", "0.01", "minimum", "3"), "from",
                clock.instant().plusSeconds(1).getEpochSecond())));
        ok(admin(Map.of("op", "offer.add", "id", "train-2027", "grant", Map.of("usages", List.of("ai-train"), "price", Map.of("currency", "EUR",
                "per_request", "0.002", "minimum", "5")), "not_after", java.time.Instant.parse("2027-12-31T00:00:00Z").getEpochSecond())));
        clock.set(java.time.Instant.parse("2026-07-01T00:10:00Z"));
        ok(admin(Map.of("op", "settle", "period", "2026-06", "close", true)));
        ok(admin(Map.of("op", "offer.publish", "id", "train-2027", "accept_until", clock.instant().plus(Duration.ofDays(30)).getEpochSecond())));
        String link = ok(admin(Map.of("op", "console.invite", "licensee", "crawler-co"))).get("link_path").asText();
        assertThat(admin(Map.of("op", "console.invite", "licensee", "nobody")).statusCode()).as("an unknown licensee").isEqualTo(404);

        WebDriver d = chromium();
        passkeys(d);
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(20));
        d.get(console() + link);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("account"), "This invite is for licensee crawler-co"));
        d.findElement(By.id("register")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("offers")));
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Licensee crawler-co");
        String page = d.findElement(By.id("main")).getText();
        assertThat(page).contains("a1").contains("active").contains("0.002 EUR a request").contains("at least 5 EUR a month")
                .doesNotContain(MEMBER + " ");
        accessible(d, "licensee");

        // Its June invoice (the minimum: 3.00 EUR), signed, to download.
        org.openqa.selenium.WebElement invoice = d.findElement(By.cssSelector("#main a[href^='/console/statements/']"));
        assertThat(page).contains("3.00 EUR").contains("open");
        assertThat(fetchText(d, invoice.getAttribute("href"))).startsWith("200 ey");
        String payouts = ok(admin(Map.of("op", "statement.list", "period", "2026-06"))).toString();
        java.util.regex.Matcher payout = java.util.regex.Pattern.compile("\"number\"\\s*:\\s*\"([^\"]+)\"[^}]*\"kind\"\\s*:\\s*\"payout\"").matcher(payouts);
        assertThat(payout.find()).as(payouts).isTrue();
        assertThat(fetchText(d, console() + "/console/statements/" + payout.group(1) + ".jwt")).as("a member's payout").startsWith("404");

        // A passkey's signature over the challenge made for another text of the offer does not accept this one.
        String sha = d.findElement(By.cssSelector("button.accept[data-offer='train-2027']")).getAttribute("data-sha256");
        Object swapped = ((org.openqa.selenium.JavascriptExecutor) d).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const h = {'Content-Type': 'application/json', 'X-CSRF-Token': document.querySelector('meta[name=csrf]').content};"
                + "fetch('/console/api/accept/options', {method: 'POST', headers: h, body: JSON.stringify({offer: 'train-2027', offer_sha256: '0'.repeat(64)})})"
                + ".then(r => r.json()).then(o => navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(o)}))"
                + ".then(c => fetch('/console/api/accept', {method: 'POST', headers: h, body: JSON.stringify({offer: 'train-2027', offer_sha256: arguments[0], "
                + "credential: c.toJSON()})})).then(r => r.text().then(t => done(r.status + ' ' + t))).catch(e => done('error ' + e));", sha);
        assertThat(String.valueOf(swapped)).startsWith("401").contains("challenge_unknown");
        assertThat(ok(admin(Map.of("op", "agreement.list"))).toString()).doesNotContain("train-2027-crawler-co");

        d.findElement(By.cssSelector("button.accept[data-offer='train-2027']")).click();
        wait.until(ExpectedConditions.urlContains("saved=accepted"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("agreements"), "Your agreements"));
        assertThat(d.findElement(By.id("main")).getText()).contains("train-2027-crawler-co").contains("You accepted it");
        assertThat(d.findElements(By.cssSelector("button.accept"))).as("an offer is accepted once").isEmpty();
        accessible(d, "licensee-accepted");
        JsonNode offers = ok(admin(Map.of("op", "offer.list")));
        assertThat(offers.toString()).contains("train-2027-crawler-co").contains("console passkey ");
        JsonNode agreements = ok(admin(Map.of("op", "agreement.list")));
        assertThat(agreements.toString()).contains("train-2027-crawler-co");
        // The agreement is the offer's: a license for it is issued to the licensee's key.
        HttpResponse<String> token = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "train-2027-crawler-co"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);

        // A licensee has no member's or operator's page, and after its removal signs in no more.
        assertThat(fetchText(d, console() + "/console/operator")).startsWith("403");
        ok(admin(Map.of("op", "licensee.remove", "id", "crawler-co", "reason", "left")));
        d.navigate().refresh();
        assertThat(d.getPageSource()).contains("not_a_licensee");
    }

    @Test
    void aMembersCollectedUsageIsChartedByDay_andTheMemberOpensAProposalEveryMemberVotesOn() throws Exception {
        try (FakeMemberLog log = new FakeMemberLog()) {
            ok(admin(Map.of("op", "member.add", "origin", log.origin(), "content_keys", KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey())
                    .toJsonObject(), "joined", 0)));
            ok(admin(Map.of("op", "log.add", "member", log.origin(), "url", log.origin())));
            String jti = issuer.collective().issue("crawler-co", java.util.Optional.empty()).claims().id();
            // 3 requests on 1 June, 1 on 3 June: collected from the member's signed log.
            java.time.Instant[] at = {clock.instant(), clock.instant().plusSeconds(60), clock.instant().plusSeconds(120),
                clock.instant().plus(Duration.ofDays(2))};
            for (int i = 0; i < at.length; i++) {
                log.entries.add(new org.cb4i.sdk.log.LogEntry("r" + i, at[i], ID, "crawler-co", jti, crawler.thumbprint(), "GET", log.origin() + "/a/" + i,
                        200, 1000, java.util.Optional.empty(), "00".repeat(32), List.of("ai-train"), java.util.Optional.empty(), java.util.Optional.empty(),
                        true).toBytes());
            }
            clock.advance(Duration.ofDays(3));
            log.sign(log.logKey, clock.instant());
            assertThat(ok(admin(Map.of("op", "collect"))).get("results").get(0).get("outcome").asText()).isEqualTo("collected");
            String link = ok(admin(Map.of("op", "console.invite", "origin", log.origin()))).get("link_path").asText();

            WebDriver d = chromium();
            passkeys(d);
            WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(20));
            d.get(console() + link);
            wait.until(ExpectedConditions.elementToBeClickable(By.id("register"))).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("consent")));
            List<org.openqa.selenium.WebElement> bars = d.findElements(By.cssSelector("figure.chart svg rect"));
            assertThat(bars).as("one bar for each day with fetches").hasSize(2);
            List<String> labels = bars.stream().map(b -> b.findElement(By.tagName("title")).getAttribute("textContent")).toList();
            assertThat(labels).containsExactly("2026-06-01: 3 requests", "2026-06-03: 1 requests");
            assertThat(Integer.parseInt(bars.get(0).getAttribute("height"))).as("the tallest day fills the chart").isEqualTo(180);
            assertThat(Integer.parseInt(bars.get(1).getAttribute("height"))).isEqualTo(60);
            assertThat(d.findElement(By.cssSelector("figure.chart figcaption")).getText()).contains("2026-03-07 to 2026-06-04").contains("tallest bar: 3");
            accessible(d, "member-chart");

            // The member opens a strike of one licensee; it is open, and the member (the whole electorate) may vote on it.
            d.findElement(By.cssSelector("details summary")).click();
            new org.openqa.selenium.support.ui.Select(d.findElement(By.id("scope"))).selectByValue("crawler-co");
            d.findElement(By.id("proposal-reason")).sendKeys("crawler-co fetched drafts it was not licensed for");
            accessible(d, "member-proposing");
            d.findElement(By.id("open-proposal")).click();
            wait.until(ExpectedConditions.urlContains("saved=proposal"));
            assertThat(d.findElement(By.cssSelector("section.proposal h3")).getText()).startsWith("strike licensee crawler-co");
            assertThat(d.findElements(By.cssSelector("section.proposal button.vote"))).hasSize(3);
            JsonNode proposals = ok(admin(Map.of("op", "proposal.list")));
            assertThat(proposals.toString()).contains("crawler-co fetched drafts").contains("\"opened_by\":\"member " + log.origin() + "\"");
            String unreasoned = String.valueOf(((org.openqa.selenium.JavascriptExecutor) d).executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const f = new URLSearchParams({csrf: document.querySelector('input[name=csrf]').value, action: 'strike', scope: 'all', reason: ' '});"
                    + "fetch('/console/proposal', {method: 'POST', body: f}).then(r => r.text().then(t => done(r.status + ' ' + t)));"));
            assertThat(unreasoned).as("a proposal says why").startsWith("400").contains("reason");
        }
    }

    @Test
    void theConsoleAtAnIpAddress_sendsTheReaderToLocalhost_andAStrangerGetsTheSignInPage() throws Exception {
        HttpResponse<String> ip = http.send(HttpRequest.newBuilder(URI.create(base + "/console/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ip.statusCode()).isEqualTo(403);
        assertThat(ip.body()).contains("http://localhost:" + issuer.port() + "/console/");
        HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(URI.create(console() + "/console/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stranger.statusCode()).isEqualTo(200);
        assertThat(stranger.body()).contains("id=\"signin\"").doesNotContain("consent");
        assertThat(stranger.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'").doesNotContain("unsafe");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(console() + "/console/consent")).header("Origin", console())
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("usage=ai-train")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).as("a stranger's form").isEqualTo(401);
        HttpResponse<String> expired = http.send(HttpRequest.newBuilder(URI.create(console() + "/console/api/register/options")).header("Origin", console())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"invite\": \"" + "x".repeat(43) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(expired.statusCode()).as("an invite never made").isEqualTo(410);
        admin(Map.of("op", "member.add", "origin", MEMBER, "content_keys", KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()).toJsonObject(),
                "joined", 0));
        String token = ok(admin(Map.of("op", "console.invite", "origin", MEMBER, "hours", 1))).get("link_path").asText().replace("/console/invite#t=", "");
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        HttpResponse<String> late = http.send(HttpRequest.newBuilder(URI.create(console() + "/console/api/register/options")).header("Origin", console())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"invite\": \"" + token + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).as("an invite after its expiry").isEqualTo(410);
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    /** A same-origin GET from the page, with its session: "status body". */
    static String fetchText(WebDriver d, String url) {
        return String.valueOf(((org.openqa.selenium.JavascriptExecutor) d).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text().then(t => done(r.status + ' ' + t))).catch(e => done('error ' + e));",
                url));
    }

    HttpResponse<String> form(String cookie, String origin, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(console() + "/console/consent")).header("Origin", origin).header("Cookie", "cb4i_console=" + cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void accessible(WebDriver d, String name) throws Exception {
        Browsers.accessible(d, name);
    }

}
