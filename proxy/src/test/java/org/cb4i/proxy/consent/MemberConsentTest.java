package org.cb4i.proxy.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.cb4i.proxy.config.ConfigLoader;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.proxy.testing.ProxyYaml;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.consent.ConsentDocument;
import org.cb4i.sdk.consent.OptOut;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [CNS-4] [CNS-5]: what the proxy takes from the consent endpoint and how long it relies on it, with a clock the test
 * moves: a newer version replaces the one held, an older one, another member's or another collective's is not taken;
 * the last good copy is used while the issuer is away until its {@code exp}, then licensed requests fail closed.
 */
class MemberConsentTest {
    static final String COLLECTIVE = "https://collective.example";
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    final SigningKey collective = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey member = KeyFiles.generate(KeyAlgorithm.ED25519);
    final AtomicReference<String> served = new AtomicReference<>();
    final List<String> signatures = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    HttpServer issuer;
    ProxyConfig config;
    MemberConsent consent;
    String site;

    @BeforeEach
    void start() throws Exception {
        issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer.createContext("/consent", ex -> {
            String doc = served.get();
            signatures.add(ex.getRequestHeaders().getFirst("Signature-Input") + " " + ex.getRequestURI().getRawQuery());
            byte[] b = doc == null ? new byte[0] : doc.getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", ConsentDocument.MEDIA_TYPE);
            ex.sendResponseHeaders(doc == null ? 503 : 200, doc == null ? -1 : b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        issuer.start();
        Files.writeString(dir.resolve("collective.jwks.json"), Json.write(KeySet.of(collective.publicKey()).toJsonObject()));
        KeyFiles.writeKeyPair(dir.resolve("member"), member, false);
        Path f = ProxyYaml.inFrontOf(8080).publisher("https://news.example").issuer(COLLECTIVE, "file:collective.jwks.json",
                "consent: {url: http://127.0.0.1:" + issuer.getAddress().getPort() + "/consent, key: member/private.jwk}").write(dir.resolve("proxy.yaml"));
        config = ConfigLoader.load(f);
        consent = new MemberConsent(() -> config, id -> id.equals(COLLECTIVE) ? Optional.of(KeySet.of(collective.publicKey())) : Optional.empty(),
                clock, Runnable::run, events::add);
    }

    @AfterEach
    void stop() {
        issuer.stop(0);
    }

    String doc(String iss, String sub, long version, Duration validity, OptOut optOut) {
        return ConsentDocument.sign(collective, iss, sub, clock.instant(), clock.instant().plus(validity), version, Duration.ofSeconds(60), optOut).compact();
    }

    Optional<Reason> check() {
        return consent.check(COLLECTIVE, List.of(Usage.AI_TRAIN), Optional.empty(), "/articles/a.html").map(MemberConsent.Refusal::reason);
    }

    @Test
    void newerVersionsReplaceTheCopyHeld_olderOnesAndOtherMembersDoNot() {
        assertThat(check()).as("never fetched: fail closed").contains(Reason.CONSENT_UNAVAILABLE);
        served.set(doc(COLLECTIVE, "https://news.example", 2, Duration.ofHours(1), OptOut.NONE));
        consent.tick();
        assertThat(check()).isEmpty();
        assertThat(signatures.get(0)).as("asked with the member's key, per request, for this site")
                .contains("keyid=\"" + member.thumbprint() + "\"").endsWith("origin=https%3A%2F%2Fnews.example");

        served.set(doc(COLLECTIVE, "https://news.example", 1, Duration.ofHours(1), new OptOut(List.of("ai-train"), List.of(), List.of())));
        clock.advance(Duration.ofSeconds(61));
        consent.tick();
        assertThat(check()).as("an older version is not taken").isEmpty();
        assertThat(events).anyMatch(e -> e.contains("older than the one held"));

        served.set(doc(COLLECTIVE, "https://blog.example", 3, Duration.ofHours(1), new OptOut(List.of("ai-train"), List.of(), List.of())));
        clock.advance(Duration.ofSeconds(6));
        consent.tick();
        assertThat(check()).as("another member's document is not taken").isEmpty();
        served.set(doc("https://other.example", "https://news.example", 3, Duration.ofHours(1), new OptOut(List.of("ai-train"), List.of(), List.of())));
        clock.advance(Duration.ofSeconds(6));
        consent.tick();
        assertThat(check()).as("another collective's document is not taken").isEmpty();

        served.set(doc(COLLECTIVE, "https://news.example", 3, Duration.ofHours(1), new OptOut(List.of("ai-all"), List.of(), List.of())));
        clock.advance(Duration.ofSeconds(6));
        consent.tick();
        assertThat(check()).contains(Reason.MEMBER_OPTED_OUT);
        assertThat(consent.check("https://unconfigured.example", List.of(Usage.AI_TRAIN), Optional.empty(), "/")).as("a collective without a consent endpoint here")
                .isEmpty();
    }

    @Test
    void theLastGoodCopyServesWhileTheIssuerIsAway_untilItsExp_thenLicensedRequestsFailClosed() {
        served.set(doc(COLLECTIVE, "https://news.example", 5, Duration.ofMinutes(10), new OptOut(List.of(), List.of(), List.of())));
        consent.tick();
        assertThat(check()).isEmpty();
        served.set(null); // the issuer answers 503 from now on
        clock.advance(Duration.ofMinutes(5));
        consent.tick();
        assertThat(check()).as("held until exp").isEmpty();
        assertThat(consent.unavailable()).isEmpty();
        assertThat(events).anyMatch(e -> e.contains("the copy held is used until"));
        clock.advance(Duration.ofMinutes(5));
        consent.tick();
        assertThat(check()).contains(Reason.CONSENT_UNAVAILABLE);
        assertThat(consent.unavailable()).containsKey(COLLECTIVE);
        served.set(doc(COLLECTIVE, "https://news.example", 5, Duration.ofMinutes(10), OptOut.NONE));
        clock.advance(MemberConsent.RETRY_AFTER_FAILURE);
        consent.tick();
        assertThat(check()).as("back once fetched").isEmpty();
    }
}
