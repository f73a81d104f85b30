package org.cb4i.sdk.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cb4i.sdk.ReasonOf.reasonOf;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.SigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WebBotAuthTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T12:00:00Z"));
    final SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    final WebBotAuthSigner signer = new WebBotAuthSigner(crawler, clock);
    final WebBotAuthVerifier verifier = WebBotAuthVerifier.builder().clock(clock).build();

    static SignedRequest get(String url) {
        return SignedRequest.of("GET", URI.create(url));
    }

    static SignedRequest signed(SignedRequest req, SignatureHeaders h) {
        Map<String, List<String>> f = new LinkedHashMap<>();
        h.signatureAgent().ifPresent(a -> f.put("Signature-Agent", List.of(a)));
        f.put("Signature-Input", List.of(h.signatureInput()));
        f.put("Signature", List.of(h.signature()));
        return SignedRequest.of(req.method(), URI.create(req.targetUri()), f);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void reusableSignature_verifiesOnEveryPathOfTheAuthority_butNotElsewhere(KeyAlgorithm alg) {
        SigningKey key = KeyFiles.generate(alg);
        SignatureHeaders h = new WebBotAuthSigner(key, clock).sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        VerifiedSignature v = verifier.verifyBound(signed(get("https://news.example/other?q=1"), h), SignaturePolicy.REUSABLE, key.publicKey());
        assertThat(v.keyId()).isEqualTo(key.thumbprint());
        assertThat(v.components()).containsExactly("@authority");
        assertThat(reasonOf(() -> verifier.verifyBound(signed(get("https://evil.example/a"), h), SignaturePolicy.REUSABLE, key.publicKey())))
                .isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void perRequestSignature_bindsMethodAndTarget() {
        SignatureHeaders h = signer.sign(get("https://news.example/a?x=1"), SignaturePolicy.PER_REQUEST);
        assertThat(verifier.verifyBound(signed(get("https://news.example/a?x=1"), h), SignaturePolicy.PER_REQUEST, crawler.publicKey())
                .components()).containsExactly("@authority", "@method", "@target-uri");
        assertThat(reasonOf(() -> verifier.verifyBound(signed(get("https://news.example/a?x=2"), h), SignaturePolicy.PER_REQUEST, crawler.publicKey())))
                .isEqualTo(Reason.SIGNATURE_INVALID);
        SignedRequest post = SignedRequest.of("POST", URI.create("https://news.example/a?x=1"), Map.of(
                "Signature-Input", List.of(h.signatureInput()), "Signature", List.of(h.signature())));
        assertThat(reasonOf(() -> verifier.verifyBound(post, SignaturePolicy.PER_REQUEST, crawler.publicKey()))).isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void signaturesBoundToOneTarget_areNotCached_reusableOnesAre_andTheCacheIsBoundedInBytes() {
        for (int i = 0; i < 50; i++) {
            SignedRequest req = get("https://news.example/p/" + i);
            verifier.verifyBound(signed(req, signer.sign(req, SignaturePolicy.PER_REQUEST)), SignaturePolicy.PER_REQUEST, crawler.publicKey());
        }
        assertThat(verifier.cacheCounters().size()).as("per-request signatures held").isZero();
        SignatureHeaders h = signer.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        for (int i = 0; i < 3; i++) {
            verifier.verifyBound(signed(get("https://news.example/p/" + i), h), SignaturePolicy.REUSABLE, crawler.publicKey());
        }
        assertThat(verifier.cacheCounters().size()).isEqualTo(1);
        assertThat(verifier.cacheCounters().hits()).isEqualTo(2);

        long budget = 64 * 1024;
        WebBotAuthVerifier small = WebBotAuthVerifier.builder().clock(clock).cacheBytes(budget).build();
        for (int i = 0; i < 2_000; i++) { // a flood of distinct reusable signatures (each has its own nonce)
            SignatureHeaders each = signer.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
            small.verifyBound(signed(get("https://news.example/a"), each), SignaturePolicy.REUSABLE, crawler.publicKey());
        }
        java.util.concurrent.ForkJoinPool.commonPool().awaitQuiescence(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(small.cacheCounters().size()).isPositive().isLessThan(budget / 2 / 256);
    }

    @Test
    void aSignatureVerifiedBefore_isSkippedOnlyForTheSameKeyAndTheSameBase() {
        // A signature remembers what it verified over; the same headers with another covered value, or a key that
        // answers to the same keyid but is another key, are checked again (and fail), on the same thread and after.
        WebBotAuthSigner withAgent = new WebBotAuthSigner(crawler, Optional.of(URI.create("https://crawler.example")), clock, Duration.ofMinutes(1));
        SignatureHeaders h = withAgent.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        SignedRequest good = signed(get("https://news.example/a"), h);
        for (int i = 0; i < 3; i++) {
            assertThat(verifier.verifyBound(good, SignaturePolicy.REUSABLE, crawler.publicKey()).keyId()).isEqualTo(crawler.thumbprint());
        }
        Map<String, List<String>> f = new LinkedHashMap<>();
        f.put("Signature-Input", List.of(h.signatureInput()));
        f.put("Signature", List.of(h.signature()));
        f.put("Signature-Agent", List.of("sig1=\"https://other.example\""));
        SignedRequest otherAgent = SignedRequest.of("GET", URI.create("https://news.example/a"), f);
        assertThat(reasonOf(() -> verifier.verifyBound(otherAgent, SignaturePolicy.REUSABLE, crawler.publicKey()))).isEqualTo(Reason.SIGNATURE_INVALID);
        SigningKey impostor = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThat(reasonOf(() -> verifier.verify(good, SignaturePolicy.REUSABLE, (keyId, agents) -> Optional.of(impostor.publicKey()))))
                .isEqualTo(Reason.SIGNATURE_INVALID);
        assertThat(verifier.verifyBound(good, SignaturePolicy.REUSABLE, crawler.publicKey())).isNotNull();
        assertThat(verifier.cacheCounters().hits()).as("the repeats count as hits").isGreaterThanOrEqualTo(3);
    }

    @Test
    void reusableSignature_isRefusedWhereThePolicyRequiresPerRequest() {
        SignatureHeaders h = signer.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        assertThat(reasonOf(() -> verifier.verifyBound(signed(get("https://news.example/a"), h), SignaturePolicy.PER_REQUEST, crawler.publicKey())))
                .isEqualTo(Reason.SIGNATURE_COVERAGE_INSUFFICIENT);
    }

    @Test
    void signatureAgent_isCoveredByItsMember() {
        WebBotAuthSigner withAgent = new WebBotAuthSigner(crawler, Optional.of(URI.create("https://crawler.example")), clock, Duration.ofMinutes(1));
        SignatureHeaders h = withAgent.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        assertThat(h.signatureAgent()).contains("sig1=\"https://crawler.example\"");
        assertThat(h.signatureInput()).contains("\"signature-agent\";key=\"sig1\"");
        assertThat(verifier.verifyBound(signed(get("https://news.example/a"), h), SignaturePolicy.REUSABLE, crawler.publicKey())).isNotNull();
    }

    @Test
    void signatureByAnotherKey_isAKeyMismatch() {
        SigningKey other = KeyFiles.generate(KeyAlgorithm.ED25519);
        SignatureHeaders h = new WebBotAuthSigner(other, clock).sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        assertThat(reasonOf(() -> verifier.verifyBound(signed(get("https://news.example/a"), h), SignaturePolicy.REUSABLE, crawler.publicKey())))
                .isEqualTo(Reason.SIGNATURE_KEY_MISMATCH);
    }

    @Test
    void expiry_andValidityWindow_areEnforced() {
        SignatureHeaders h = signer.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        SignedRequest req = signed(get("https://news.example/a"), h);
        clock.advance(Duration.ofMinutes(1).plus(WebBotAuthVerifier.DEFAULT_CLOCK_SKEW));
        assertThat(reasonOf(() -> verifier.verifyBound(req, SignaturePolicy.REUSABLE, crawler.publicKey()))).isEqualTo(Reason.SIGNATURE_EXPIRED);

        WebBotAuthSigner longLived = new WebBotAuthSigner(crawler, Optional.empty(), clock, Duration.ofHours(1));
        SignatureHeaders hl = longLived.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        assertThat(reasonOf(() -> verifier.verifyBound(signed(get("https://news.example/a"), hl), SignaturePolicy.REUSABLE, crawler.publicKey())))
                .isEqualTo(Reason.SIGNATURE_VALIDITY_TOO_LONG);
    }

    @Test
    void reusableFor_reusesUntilFourFifthsOfTheValidity_thenSignsAfresh() {
        SignatureHeaders first = signer.reusableFor(get("https://news.example/a"));
        clock.advance(Duration.ofSeconds(40));
        assertThat(signer.reusableFor(get("https://news.example/b"))).isSameAs(first);
        assertThat(signer.reusableFor(get("https://other.example/b"))).isNotSameAs(first);
        clock.advance(Duration.ofSeconds(9));
        assertThat(signer.reusableFor(get("https://news.example/c"))).isNotEqualTo(first);
    }

    @Test
    void manySignatures_costAtMostThreeVerifications_andNineLabelsAreRefused() {
        SignatureHeaders good = signer.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        SigningKey other = KeyFiles.generate(KeyAlgorithm.ED25519);
        List<String> inputs = new ArrayList<>();
        List<String> sigs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SignatureHeaders bad = new WebBotAuthSigner(other, clock).sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
            inputs.add(bad.signatureInput().replace("sig1=", "bad" + i + "="));
            sigs.add(bad.signature().replace("sig1=", "bad" + i + "="));
        }
        inputs.add(good.signatureInput());
        sigs.add(good.signature());
        SignedRequest req = SignedRequest.of("GET", URI.create("https://news.example/a"),
                Map.of("Signature-Input", List.of(String.join(", ", inputs)), "Signature", List.of(String.join(", ", sigs))));
        assertThat(reasonOf(() -> verifier.verifyBound(req, SignaturePolicy.REUSABLE, crawler.publicKey())))
                .as("the valid fourth signature is never tried").isEqualTo(Reason.SIGNATURE_KEY_MISMATCH);

        StringBuilder in = new StringBuilder();
        StringBuilder sg = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            in.append(i == 0 ? "" : ", ").append("s").append(i).append("=(\"@authority\");tag=\"web-bot-auth\"");
            sg.append(i == 0 ? "" : ", ").append("s").append(i).append("=:AAAA:");
        }
        SignedRequest many = SignedRequest.of("GET", URI.create("https://news.example/a"),
                Map.of("Signature-Input", List.of(in.toString()), "Signature", List.of(sg.toString())));
        assertThatThrownBy(() -> verifier.verifyBound(many, SignaturePolicy.REUSABLE, crawler.publicKey()))
                .isInstanceOf(MalformedInputException.class).hasMessageContaining("more than 8");
    }

    @Test
    void malformedStructuredFields_areMalformedNotCrashes() {
        for (String bad : new String[] {"sig1=(\"@authority\"", "sig1=", "=x", "sig1=(\"@authority\");created=12345678901234567", "sig1=(\"@authoritÿ\")"}) {
            SignedRequest req = SignedRequest.of("GET", URI.create("https://news.example/a"),
                    Map.of("Signature-Input", List.of(bad), "Signature", List.of("sig1=:AAAA:")));
            Reason r = reasonOf(() -> verifier.verifyBound(req, SignaturePolicy.REUSABLE, crawler.publicKey()));
            assertThat(r).as(bad).isIn(Reason.MALFORMED_SIGNATURE_HEADER, Reason.SIGNATURE_TAG_MISSING);
        }
    }

    @Test
    void signatureBase_isAvailableForDebugging() {
        SignatureHeaders h = signer.sign(get("https://news.example/a"), SignaturePolicy.REUSABLE);
        String base = SignatureBase.of(signed(get("https://NEWS.example:443/a"), h), "sig1");
        assertThat(base).startsWith("\"@authority\": news.example\n\"@signature-params\": (\"@authority\");created=");
    }
}
