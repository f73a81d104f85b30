package org.cb4i.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cb4i.issuer.sample.EmbeddedDefault;
import org.cb4i.issuer.testing.Browsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code ./cb4i issuer} on its embedded default, as a new user runs it: it prints the console's address and the demo
 * member's one-time invite, and that link, opened in Chromium, registers a passkey and shows the member's page; and the
 * demo operator's one-time sign-in link, which signs in once.
 */
class IssuerConsoleLinkTest {
    @TempDir
    Path dir;
    Process issuer;
    WebDriver browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (issuer != null) {
            issuer.destroy();
            issuer.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theEmbeddedIssuer_printsTheConsoleAndAnInvite_thatRegistersThePasskeyOfTheDemoMember() throws Exception {
        int port = CollectorCrashTest.freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.cb4i.cli.Main", "issuer", "--state", dir.resolve("state").toString(), "--port",
                Integer.toString(port)));
        issuer = new ProcessBuilder(cmd).redirectError(dir.resolve("issuer-stderr.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(issuer.getInputStream(), StandardCharsets.UTF_8));
        List<String> printed = new ArrayList<>();
        String invite = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    printed.add(line);
                    if (line.startsWith("  operator ")) {
                        return printed.stream().filter(l -> l.startsWith("  invite ")).findFirst().map(l -> l.trim().split("\\s+")[1]).orElse(null);
                    }
                }
            } catch (java.io.IOException e) {
                return null;
            }
            return null;
        }).get(60, TimeUnit.SECONDS);
        assertThat(invite).as(String.join("\n", printed)).startsWith("http://localhost:" + port + "/console/invite#t=");
        assertThat(printed).anyMatch(l -> l.startsWith("  console      http://localhost:" + port + "/console/"));

        browser = Browsers.chromium();
        Browsers.passkeys(browser);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(invite);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("register"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("consent")));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(EmbeddedDefault.MEMBER);

        // The demo operator's one-time sign-in link: it signs in once, on this machine; the second time it says so.
        String operator = printed.stream().filter(l -> l.startsWith("  operator ")).findFirst().orElseThrow().trim().split("\\s+")[1];
        assertThat(operator).startsWith("http://localhost:" + port + "/console/operator/link#t=");
        WebDriver op = Browsers.chromium();
        try {
            op.get(operator);
            new WebDriverWait(op, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("strike-switch")));
            assertThat(op.getPageSource()).contains(EmbeddedDefault.MEMBER).contains(EmbeddedDefault.LICENSEE);
            op.manage().deleteAllCookies();
            op.get(operator);
            new WebDriverWait(op, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("link-status"), "was used"));
        } finally {
            op.quit();
        }
        // Not a passkey invite: it registers no operator passkey.
        java.net.http.HttpResponse<String> asInvite = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + port + "/console/api/register/options")).header("Origin", "http://localhost:" + port)
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"invite\": \""
                        + operator.substring(operator.indexOf("#t=") + 3) + "\"}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(asInvite.statusCode()).isEqualTo(410);
    }
}
