package org.cb4i.sdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LicenseTokenVerifierTest {
    static final String COLLECTIVE = "https://collective.example";
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    final SigningKey issuer = KeyFiles.generate(KeyAlgorithm.ED25519);
    final SigningKey crawler = KeyFiles.generate(KeyAlgorithm.ED25519);
    final MutableClock clock = new MutableClock(T0);

    LicenseClaims claims(String jti, Duration life) {
        return new LicenseClaims(COLLECTIVE, "crawler-co", List.of(COLLECTIVE), jti, T0, T0, T0.plus(life),
                new Confirmation(crawler.publicKey()), EnumSet.of(Usage.AI_TRAIN),
                List.of(new PathScope(Optional.of("https://news.example"), List.of(PathPattern.of("/articles/*")), List.of())),
                new Quota(OptionalDouble.of(2.5), OptionalLong.empty(), OptionalLong.of(1_000_000)),
                Optional.empty(), Optional.of(new StatusReference(3, URI.create("https://collective.example/status/1"))));
    }

    LicenseTokenVerifier verifier(SigningKey... keys) {
        return LicenseTokenVerifier.builder().trustIssuer(COLLECTIVE, new KeySet(java.util.Arrays.stream(keys).map(SigningKey::publicKey).toList()))
                .clock(clock).build();
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void issue_thenVerify_givesBackEveryClaim(KeyAlgorithm alg) {
        SigningKey key = KeyFiles.generate(alg);
        LicenseClaims c = claims("lic-1", Duration.ofDays(30));
        VerifiedLicense v = verifier(key).verify(LicenseTokens.issue(c, key));
        assertThat(v.claims()).isEqualTo(c);
        assertThat(v.issuerKeyId()).isEqualTo(key.thumbprint());
        assertThat(v.claims().covers(URI.create("https://news.example/articles/x"))).isTrue();
        assertThat(v.claims().covers(URI.create("https://news.example/about"))).isFalse();
    }

    @Test
    void verify_cachedToken_isStillJudgedAgainstTheClock() {
        LicenseTokenVerifier v = verifier(issuer);
        String token = LicenseTokens.issue(claims("lic-2", Duration.ofHours(1)), issuer);
        assertThat(v.verify(token).claims().id()).isEqualTo("lic-2");
        assertThat(v.cachedEntries()).isEqualTo(1);
        clock.advance(Duration.ofHours(1).plus(LicenseTokenVerifier.DEFAULT_CLOCK_SKEW));
        assertThatThrownBy(() -> v.verify(token)).isInstanceOf(RejectedException.class)
                .extracting(e -> ((RejectedException) e).reason()).isEqualTo(Reason.TOKEN_EXPIRED);
    }

    @Test
    void verify_floodOfUniqueGarbage_keepsTheCacheBoundedInBytes() {
        long budget = 1 << 20;
        LicenseTokenVerifier v = LicenseTokenVerifier.builder().trustIssuer(COLLECTIVE, KeySet.of(issuer.publicKey()))
                .clock(clock).cacheBytes(budget).build();
        String pad = "A".repeat(8000); // near the longest token accepted: each entry holds 8 KB
        for (int i = 0; i < 2_000; i++) {
            String garbage = "eyJhbGciOiJFZERTQSJ9." + pad + Integer.toString(i, 36) + ".AAAA";
            assertThatThrownBy(() -> v.verify(garbage)).isInstanceOf(org.cb4i.sdk.Cb4iException.class);
        }
        assertThat(v.cachedEntries()).isPositive();
        assertThat(v.cachedEntries() * 8000).as("the tokens held fit the budget").isLessThanOrEqualTo(budget);
        for (int i = 0; i < 20_000; i++) {
            String small = "eyJhbGciOiJFZERTQSJ9." + Integer.toString(i, 36) + ".AAAA";
            assertThatThrownBy(() -> v.verify(small)).isInstanceOf(org.cb4i.sdk.Cb4iException.class);
        }
        assertThat(v.cachedEntries() * LicenseTokenVerifier.weight("x", null)).isLessThanOrEqualTo(budget);
    }

    @Test
    void verify_rotatedKeys_bothVerifyWhileBothArePublished() {
        SigningKey next = KeyFiles.generate(KeyAlgorithm.ED25519);
        LicenseTokenVerifier v = verifier(issuer, next);
        assertThat(v.verify(LicenseTokens.issue(claims("old", Duration.ofDays(1)), issuer)).issuerKeyId()).isEqualTo(issuer.thumbprint());
        assertThat(v.verify(LicenseTokens.issue(claims("new", Duration.ofDays(1)), next)).issuerKeyId()).isEqualTo(next.thumbprint());
        assertThatThrownBy(() -> verifier(next).verify(LicenseTokens.issue(claims("old2", Duration.ofDays(1)), issuer)))
                .extracting(e -> ((RejectedException) e).reason()).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void verify_audienceDefaultsToTheIssuerIds_andAcceptsConfiguredRepertoires() {
        LicenseClaims c = new LicenseClaims(COLLECTIVE, "x", List.of("urn:repertoire:news"), "j", T0, T0, T0.plus(Duration.ofDays(1)),
                new Confirmation(crawler.publicKey()), EnumSet.of(Usage.SEARCH), List.of(), Quota.NONE, Optional.empty(), Optional.empty());
        String token = LicenseTokens.issue(c, issuer);
        assertThatThrownBy(() -> verifier(issuer).verify(token)).extracting(e -> ((RejectedException) e).reason()).isEqualTo(Reason.WRONG_AUDIENCE);
        LicenseTokenVerifier v = LicenseTokenVerifier.builder().trustIssuer(COLLECTIVE, KeySet.of(issuer.publicKey()))
                .acceptAudience("urn:repertoire:news").clock(clock).build();
        assertThat(v.verify(token).claims().audience()).containsExactly("urn:repertoire:news");
    }

    @Test
    void verify_cachedRejection_isRethrownWithTheSameReason() {
        LicenseTokenVerifier v = verifier(issuer);
        String other = LicenseTokens.issue(claims("x", Duration.ofDays(1)), crawler);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> v.verify(other)).isInstanceOf(RejectedException.class)
                    .extracting(e -> ((RejectedException) e).reason()).isEqualTo(Reason.UNKNOWN_KEY);
        }
    }

    @Test
    void claims_withoutAnyUsage_cannotBeBuilt() {
        assertThatThrownBy(() -> new LicenseClaims(COLLECTIVE, "x", List.of(COLLECTIVE), "j", T0, T0, T0.plusSeconds(60),
                new Confirmation(crawler.publicKey()), EnumSet.noneOf(Usage.class), List.of(), Quota.NONE, Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usages");
    }
}
