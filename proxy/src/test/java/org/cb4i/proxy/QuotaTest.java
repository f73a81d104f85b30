package org.cb4i.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.cb4i.sdk.Eventually;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [TOK-10] on the wire, on one instance: a quota is the licensee's on the site, not the license's. */
class QuotaTest {
    @TempDir
    Path dir;
    ProxyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ProxyHarness(dir).start("");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static Quota perDay(long n) {
        return new Quota(OptionalDouble.empty(), OptionalLong.of(n), OptionalLong.empty());
    }

    String license(String jti, Quota q, Optional<StatusReference> status) {
        return h.license(h.claims(jti, EnumSet.of(Usage.AI_TRAIN), List.of(), q, status, Instant.now().plusSeconds(600)));
    }

    @Test
    void aLicenseeThatAsksForItsLicenseAgain_getsNoSecondQuota() throws Exception {
        String first = license("again-1", perDay(2), Optional.empty());
        String second = license("again-2", perDay(2), Optional.empty());
        String third = license("again-3", perDay(2), Optional.empty());
        assertThat(h.licensedGet("/articles/a.html", first).statusCode()).isEqualTo(200);
        assertThat(h.licensedGet("/articles/b.html", second).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> r = h.licensedGet("/articles/c.html", third);
        EnforcementTest.assertDenied(r, 429, "QUOTA_EXCEEDED");
        assertThat(EnforcementTest.problem(r).get("detail").textValue()).contains("crawler-co of https://collective.example");
        EnforcementTest.assertDenied(h.licensedGet("/articles/d.html", first), 429, "QUOTA_EXCEEDED");
    }

    @Test
    void theSmallerQuotaOfTwoLiveLicensesApplies_untilTheSmallerIsRevoked() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + h.origin.port() + "/status/q");
        StatusList list = StatusList.create(2, 64);
        publish(uri, list);
        String big = license("big", perDay(5), Optional.of(new StatusReference(1, uri)));
        String small = license("small", perDay(2), Optional.of(new StatusReference(2, uri)));
        assertThat(h.licensedGet("/articles/1.html", big).statusCode()).isEqualTo(200);
        assertThat(h.licensedGet("/articles/2.html", big).statusCode()).isEqualTo(200);
        EnforcementTest.assertDenied(h.licensedGet("/articles/3.html", small), 429, "QUOTA_EXCEEDED");
        HttpResponse<byte[]> r = h.licensedGet("/articles/4.html", big);
        EnforcementTest.assertDenied(r, 429, "QUOTA_EXCEEDED");
        assertThat(EnforcementTest.problem(r).get("detail").textValue()).contains("the smallest of its live licenses");
        // The renewal revokes the smaller license: once the proxy holds that list, the bigger quota applies again.
        list.set(2, StatusValue.INVALID);
        publish(uri, list);
        Eventually.until(Duration.ofSeconds(10), "the bigger quota after the revocation",
                () -> h.licensedGet("/articles/5.html", big).statusCode() == 200);
    }

    void publish(URI uri, StatusList list) {
        h.origin.stubFor(get(uri.getPath()).willReturn(aResponse().withBody(
                StatusListToken.sign(h.issuer, uri, Instant.now(), Instant.now().plusSeconds(600), Duration.ofSeconds(1), list).compact())));
    }
}
