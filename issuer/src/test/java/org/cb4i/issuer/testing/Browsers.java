package org.cb4i.issuer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * A real Chromium for the console's tests: Debian's chromium driven by its chromium-driver (never a downloaded one),
 * headless, with a virtual authenticator for passkeys, and axe-core (npm, in protocol-spec/interop) to check pages.
 * Without them the test is skipped and says how to install them; under {@code CI=true} it fails.
 */
public final class Browsers {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private Browsers() {}

    /** The axe-core script, found from a module's folder. */
    static Path axe() {
        return Path.of("../protocol-spec/interop/node_modules/axe-core/axe.min.js");
    }

    public static WebDriver chromium() {
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM) || !Files.isRegularFile(axe())) {
            String how = "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver) and axe-core "
                    + "(cd protocol-spec/interop && npm ci)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("the console's browser test " + how);
            }
            Assumptions.abort("skipped: the console's browser test " + how);
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toString());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1000,900", "--disable-dev-shm-usage");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build(), o);
    }

    /** A platform authenticator that holds discoverable credentials and verifies its user (a passkey). */
    public static VirtualAuthenticator passkeys(WebDriver d) {
        return ((HasVirtualAuthenticator) d).addVirtualAuthenticator(new VirtualAuthenticatorOptions().setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL).setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true)
                .setIsUserConsenting(true));
    }

    /**
     * axe-core on the page as Chromium rendered it: no serious or critical violation, and nothing wider than a phone's
     * screen; screenshots (desktop and phone) kept in {@code target/console/}.
     */
    public static void accessible(WebDriver d, String name) throws IOException {
        Path out = Files.createDirectories(Path.of("target/console"));
        Files.write(out.resolve(name + ".png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
        JavascriptExecutor js = (JavascriptExecutor) d;
        js.executeScript(Files.readString(axe()));
        assertThat(axe(js)).as("axe-core on the " + name + " page").isEqualTo("[]");
        // On a phone (390 CSS pixels wide): nothing wider than the screen but what scrolls in its own box (tables), and
        // axe-core again (a table that scrolls must be reachable by keyboard).
        org.openqa.selenium.Dimension desk = d.manage().window().getSize();
        d.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            Object wide = js.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            Files.write(out.resolve(name + "-phone.png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
            assertThat(((Number) wide).longValue()).as("the " + name + " page is wider than a phone's screen by so many pixels").isLessThanOrEqualTo(0);
            assertThat(axe(js)).as("axe-core on the " + name + " page on a phone").isEqualTo("[]");
        } finally {
            d.manage().window().setSize(desk);
        }
    }

    private static String axe(JavascriptExecutor js) {
        return String.valueOf(js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations.filter(v => v.impact === 'serious' "
                + "|| v.impact === 'critical').map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))))).catch(e => "
                + "done('error: ' + e));"));
    }
}
