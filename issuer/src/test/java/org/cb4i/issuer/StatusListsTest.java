package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.token.StatusReference;
import org.cb4i.sdk.token.VerifiedLicense;
import org.junit.jupiter.api.Test;

/**
 * [ISS-9]: status lists beyond one (a new list opens when the last fills), and the limits that keep a licensee from
 * exhausting them: licenses per hour, and live licenses per agreement (a new one beyond it revokes the oldest).
 */
class StatusListsTest extends IssuerFixture {
    IssuerConfig.Limits limits = new IssuerConfig.Limits(3, 100, 100);

    @Override
    Issuer startIssuer() throws Exception {
        IssuerConfig cfg = new IssuerConfig(Optional.empty(), "127.0.0.1", 0, ID, ID, URI.create("https://licenses.collective.example"),
                dir.resolve("collective/private.jwk"), store(), dir.resolve("store/admin.token"), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofHours(2), 16, Duration.ofDays(1), 16 * 1024, IssuerConfig.Collection.DEFAULT, limits);
        Issuer i = Issuer.start(cfg, clock, line -> { });
        base = "http://127.0.0.1:" + i.port();
        return i;
    }

    StatusReference ref(String token) {
        return verifier().verify(token).claims().status().orElseThrow();
    }

    StatusValue statusIn(StatusReference r) throws Exception {
        HttpResponse<String> l = get(URI.create(r.uri().toString()).getPath());
        assertThat(l.statusCode()).isEqualTo(200);
        return StatusListToken.verify(l.body(), r.uri(), KeySet.of(collectiveKey.publicKey())).list().status((int) r.idx());
    }

    @Test
    void aNewListOpensWhenTheLastIsFull_andEachListChangesAlone() throws Exception {
        // Agreement a1 grants ai-train: each license takes two indices, its own and its ai-train one ([STS-9]), 8 a list of 16.
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(obtain());
        }
        assertThat(ref(tokens.get(0))).isEqualTo(new StatusReference(0, URI.create("https://licenses.collective.example/status/1")));
        assertThat(verifier().verify(tokens.get(0)).claims().usageStatus()).containsExactly(Map.entry(org.cb4i.sdk.terms.Usage.AI_TRAIN,
                new StatusReference(1, URI.create("https://licenses.collective.example/status/1"))));
        assertThat(ref(tokens.get(8))).isEqualTo(new StatusReference(0, URI.create("https://licenses.collective.example/status/2")));
        assertThat(ref(tokens.get(19))).isEqualTo(new StatusReference(6, URI.create("https://licenses.collective.example/status/3")));
        JsonNode discovery = json(get("/.well-known/cb4i"));
        assertThat(discovery.get("status_lists")).hasSize(3);
        assertThat(get("/status/4").statusCode()).isEqualTo(404);

        Map<Integer, Long> before = issuer.collective().statusSeqs();
        String last = verifier().verify(tokens.get(19)).claims().id();
        assertThat(admin(Map.of("op", "revoke", "jti", last)).statusCode()).isEqualTo(200);
        Map<Integer, Long> after = issuer.collective().statusSeqs();
        assertThat(after.get(1)).isEqualTo(before.get(1));
        assertThat(after.get(2)).isEqualTo(before.get(2));
        assertThat(after.get(3)).as("only the list holding the license changes").isGreaterThan(before.get(3));
        assertThat(statusIn(ref(tokens.get(19)))).isEqualTo(StatusValue.INVALID);
        assertThat(statusIn(ref(tokens.get(18)))).isEqualTo(StatusValue.VALID);
        HttpResponse<String> introspection = post("/introspect", Map.of("token", tokens.get(19)), Map.of());
        assertThat(introspection.body()).contains("\"active\":false").contains("LICENSE_REVOKED");

        admin(Map.of("op", "strike", "all", true));
        for (int i : List.of(0, 10, 18)) {
            assertThat(statusIn(ref(tokens.get(i)))).as("a strike reaches every list").isEqualTo(StatusValue.SUSPENDED);
        }
        admin(Map.of("op", "resume", "all", true));
        for (int i = 20; i < 24; i++) {
            tokens.add(obtain());
        }
        HttpResponse<String> full = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(full.statusCode()).as(full.body()).isEqualTo(503);
        assertThat(json(full).get("error_description").textValue()).contains("every status list is full (3 lists of 16 indices)")
                .contains("status.max_lists");
    }

    @Test
    void aLicenseeOverItsHourlyRate_isToldToSlowDown() throws Exception {
        issuer.close();
        limits = new IssuerConfig.Limits(256, 5, 100);
        issuer = startIssuer();
        for (int i = 0; i < 5; i++) {
            obtain();
        }
        HttpResponse<String> r = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(json(r).get("error").textValue()).isEqualTo("slow_down");
        assertThat(json(r).get("error_description").textValue()).contains("was given 5 licenses this hour");
        assertThat(r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isBetween(1L, 3600L);
        clock.advance(Duration.ofHours(1));
        assertThat(tokenRequest(crawler, Map.of("grant_type", "client_credentials")).statusCode()).as("the next hour").isEqualTo(200);
    }

    @Test
    void aLicenseBeyondTheLiveLimitOfItsAgreement_supersedesTheOldest_atOnce() throws Exception {
        issuer.close();
        limits = new IssuerConfig.Limits(256, 100, 2);
        issuer = startIssuer();
        String first = obtain();
        clock.advance(Duration.ofSeconds(1));
        String second = obtain();
        clock.advance(Duration.ofSeconds(1));
        String third = obtain();
        assertThat(statusIn(ref(first))).as("superseded: revoked at once").isEqualTo(StatusValue.INVALID);
        assertThat(statusIn(ref(second))).isEqualTo(StatusValue.VALID);
        assertThat(statusIn(ref(third))).isEqualTo(StatusValue.VALID);
        VerifiedLicense v = verifier().verify(first);
        assertThat(admin(Map.of("op", "audit")).body()).contains("license.supersede").contains(v.claims().id());
    }
}
