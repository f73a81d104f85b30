package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.VerifiedLicense;

/** Runs {@code LicenseTokenVerify} groups: [TOK-*], [JOS-*]. */
final class LicenseTokenRunner {
    private LicenseTokenRunner() {}

    static void run(VectorFile.Case c) {
        LicenseTokenVerifier verifier = verifier(c.group());
        String token = c.test().get("token").textValue();
        if (!c.expectValid()) {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> verifier.verify(token));
            assertThat(e).as("rejection").isNotNull();
            assertThat(e.reason().name()).as(e.getMessage()).isEqualTo(c.expectedReason());
            return;
        }
        VerifiedLicense v = verifier.verify(token);
        JsonNode exp = c.test().get("expected");
        assertThat(v.claims().subject()).isEqualTo(exp.get("sub").textValue());
        assertThat(v.claims().id()).isEqualTo(exp.get("jti").textValue());
        assertThat(v.claims().confirmation().jkt()).isEqualTo(exp.get("jkt").textValue());
        List<String> usages = new ArrayList<>();
        exp.get("usages").forEach(u -> usages.add(u.textValue()));
        assertThat(v.claims().usages()).extracting(Usage::token).containsExactlyInAnyOrderElementsOf(usages);
        if (exp.has("usage_status")) { // [STS-9]
            java.util.Map<String, String> got = new java.util.LinkedHashMap<>();
            v.claims().usageStatus().forEach((u, r) -> got.put(u.token(), r.idx() + " " + r.uri()));
            java.util.Map<String, String> want = new java.util.LinkedHashMap<>();
            exp.get("usage_status").fields().forEachRemaining(e -> want.put(e.getKey(), e.getValue().at("/status_list/idx").asLong() + " "
                    + e.getValue().at("/status_list/uri").asText()));
            assertThat(got).containsExactlyEntriesOf(want);
        }
        if (exp.has("coverage")) {
            for (JsonNode cov : exp.get("coverage")) {
                URI url = URI.create(cov.get("url").textValue());
                Usage usage = Usage.parse(cov.get("usage").textValue()).orElseThrow();
                boolean covered = v.claims().covers(url) && v.claims().permits(usage);
                assertThat(covered).as(url + " for " + usage).isEqualTo(cov.get("covered").booleanValue());
            }
        }
    }

    /** A verifier with a group's trust settings at its "now" (clock skew and lifetime from the group, or the defaults). */
    static LicenseTokenVerifier verifier(JsonNode g) {
        LicenseTokenVerifier.Builder b = LicenseTokenVerifier.builder()
                .clock(Clock.fixed(Instant.ofEpochSecond(g.get("now").longValue()), ZoneOffset.UTC));
        if (g.has("clockSkewSeconds")) {
            b.clockSkew(Duration.ofSeconds(g.get("clockSkewSeconds").longValue()));
        }
        if (g.has("maxLifetimeDays")) {
            b.maxLifetime(Duration.ofDays(g.get("maxLifetimeDays").longValue()));
        }
        for (JsonNode issuer : g.get("trustedIssuers")) {
            b.trustIssuer(issuer.get("id").textValue(), KeyFiles.parseKeySet(issuer.get("jwks").toString(), "vector jwks"));
        }
        g.get("acceptedAudiences").forEach(a -> b.acceptAudience(a.textValue()));
        return b.build();
    }
}
