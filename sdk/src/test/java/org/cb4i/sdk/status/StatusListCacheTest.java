package org.cb4i.sdk.status;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.InfrastructureException;
import org.cb4i.sdk.MutableClock;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.fetch.FetchPolicy;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Status list caching and verification: [STS-4], [STS-5], [STS-6]. */
class StatusListCacheTest {
    static final String ISSUER = "https://collective.example";
    final SigningKey issuerKey = KeyFiles.generate(KeyAlgorithm.ED25519);
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    WireMockServer server;
    StatusListCache cache;
    URI listUri;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        listUri = URI.create("http://127.0.0.1:" + server.port() + "/status/1");
        BoundedFetcher fetcher = new BoundedFetcher(FetchPolicy.strict().allowPrivateAddresses().allowPlainHttp());
        // Refresh-ahead runs inline so that the test sees its effect without waiting.
        cache = new StatusListCache(fetcher, iss -> iss.equals(ISSUER) ? Optional.of(KeySet.of(issuerKey.publicKey())) : Optional.empty(), clock, Runnable::run);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    void publish(int idx, StatusValue value, Duration ttl, Duration validity) {
        StatusList list = StatusList.create(2, 64);
        list.set(idx, value);
        StatusListToken t = StatusListToken.sign(issuerKey, listUri, clock.instant(), clock.instant().plus(validity), ttl, list);
        server.stubFor(get("/status/1").willReturn(aResponse().withHeader("Content-Type", StatusListToken.MEDIA_TYPE).withBody(t.compact())));
    }

    LicenseClaims license(long idx) {
        Instant now = clock.instant();
        return new LicenseClaims(ISSUER, "crawler", List.of(ISSUER), "j" + idx, now, now, now.plus(Duration.ofDays(30)),
                new Confirmation(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey()), EnumSet.of(Usage.AI_TRAIN), List.of(), Quota.NONE,
                Optional.empty(), Optional.of(new StatusReference(idx, listUri)));
    }

    /** [STS-5]: refreshed every ttl. */
    @Test
    void suspension_isSeenAfterTheTtl_notBefore() {
        publish(0, StatusValue.VALID, Duration.ofSeconds(60), Duration.ofHours(1));
        LicenseClaims lic = license(5);
        assertThat(cache.statusOf(lic)).isEqualTo(StatusValue.VALID);
        publish(5, StatusValue.SUSPENDED, Duration.ofSeconds(60), Duration.ofHours(1));
        clock.advance(Duration.ofSeconds(30));
        assertThat(cache.statusOf(lic)).as("inside the ttl the cached list answers").isEqualTo(StatusValue.VALID);
        clock.advance(Duration.ofSeconds(31));
        assertThat(cache.statusOf(lic)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(StatusValue.SUSPENDED.reason()).isEqualTo(Reason.LICENSE_SUSPENDED);
    }

    /** [STS-6]: the last good list until its exp, then fail closed. */
    @Test
    void issuerDown_lastGoodListIsUsedUntilItsExp_thenFailsClosed() {
        publish(0, StatusValue.VALID, Duration.ofSeconds(60), Duration.ofMinutes(10));
        LicenseClaims lic = license(1);
        assertThat(cache.statusOf(lic)).isEqualTo(StatusValue.VALID);
        server.stubFor(get("/status/1").willReturn(aResponse().withStatus(503)));
        clock.advance(Duration.ofMinutes(5));
        assertThat(cache.statusOf(lic)).as("stale but unexpired: still used").isEqualTo(StatusValue.VALID);
        clock.advance(Duration.ofMinutes(6));
        assertThatThrownBy(() -> cache.statusOf(lic)).isInstanceOf(InfrastructureException.class)
                .extracting(e -> ((InfrastructureException) e).reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
    }

    /** [STS-5]: a dead issuer is not hammered. */
    @Test
    void failedFetch_isNotRetriedOnEveryRequest() {
        server.stubFor(get("/status/1").willReturn(aResponse().withStatus(500)));
        LicenseClaims lic = license(1);
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> cache.statusOf(lic)).isInstanceOf(InfrastructureException.class);
        }
        server.verify(1, getRequestedFor(urlEqualTo("/status/1")));
        clock.advance(StatusListCache.RETRY_AFTER_FAILURE);
        assertThatThrownBy(() -> cache.statusOf(lic)).isInstanceOf(InfrastructureException.class);
        server.verify(2, getRequestedFor(urlEqualTo("/status/1")));
    }

    /** [STS-4]: signed by the issuer of the licenses. */
    @Test
    void listSignedByAnotherKey_isNotUsed() {
        SigningKey other = KeyFiles.generate(KeyAlgorithm.ED25519);
        StatusListToken t = StatusListToken.sign(other, listUri, clock.instant(), clock.instant().plus(Duration.ofHours(1)), Duration.ofMinutes(1), StatusList.create(2, 8));
        server.stubFor(get("/status/1").willReturn(aResponse().withBody(t.compact())));
        assertThatThrownBy(() -> cache.statusOf(license(1))).extracting(e -> ((InfrastructureException) e).reason()).isEqualTo(Reason.STATUS_UNAVAILABLE);
    }

    /** [STS-4]: sub must be the URI the list was fetched for (a list for another URI is not accepted). */
    @Test
    void listForAnotherUri_isRefused() {
        StatusListToken t = StatusListToken.sign(issuerKey, URI.create("https://collective.example/status/other"), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), Duration.ofMinutes(1), StatusList.create(2, 8));
        assertThatThrownBy(() -> StatusListToken.verify(t.compact(), listUri, KeySet.of(issuerKey.publicKey())))
                .isInstanceOf(org.cb4i.sdk.RejectedException.class).hasMessageContaining("not the URI it was fetched for");
        assertThatThrownBy(() -> StatusListToken.verify(t.compact().replace(".", "x."), listUri, KeySet.of(issuerKey.publicKey())))
                .isInstanceOf(org.cb4i.sdk.Cb4iException.class);
    }

    /** [STS-2]: outside the list means INVALID. */
    @Test
    void indexOutsideTheList_isNeverValid_andALicenseWithoutStatusIsValid() {
        publish(0, StatusValue.VALID, Duration.ofSeconds(60), Duration.ofHours(1));
        assertThat(cache.statusOf(license(1000))).isEqualTo(StatusValue.INVALID);
        LicenseClaims noStatus = new LicenseClaims(ISSUER, "c", List.of(ISSUER), "j", clock.instant(), clock.instant(), clock.instant().plusSeconds(60),
                new Confirmation(issuerKey.publicKey()), EnumSet.of(Usage.SEARCH), List.of(), Quota.NONE, Optional.empty(), Optional.empty());
        assertThat(cache.statusOf(noStatus)).isEqualTo(StatusValue.VALID);
    }

    @Test
    void statusList_setAndGet_packLeastSignificantBitFirst() {
        StatusList l = StatusList.create(2, 12);
        l.set(1, StatusValue.SUSPENDED);
        l.set(3, StatusValue.PAYMENT_OVERDUE);
        assertThat(l.toBytes()[0] & 0xff).isEqualTo(0b1100_1000);
        assertThat(StatusList.decode(2, l.encode())).isEqualTo(l);
        assertThat(StatusValue.of(0x0C)).as("reserved codes are never valid").isEqualTo(StatusValue.INVALID);
    }

    @Test
    void zlibBomb_isRefused() {
        byte[] zeros = new byte[StatusList.MAX_BYTES + 1];
        java.util.zip.Deflater d = new java.util.zip.Deflater(9);
        d.setInput(zeros);
        d.finish();
        byte[] buf = new byte[64 * 1024];
        int n = d.deflate(buf);
        String lst = org.cb4i.sdk.jose.Base64Url.encode(java.util.Arrays.copyOf(buf, n));
        assertThatThrownBy(() -> StatusList.decode(1, lst)).hasMessageContaining("more than " + StatusList.MAX_BYTES);
    }
}
