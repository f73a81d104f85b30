package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Set;
import org.cb4i.sdk.status.StatusListCache;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseClaims;

/**
 * Runs {@code UsageStatusDecide} groups ([STS-9]): the token verified, then judged for the needed usages against the
 * lists' values by {@link StatusListCache#judge}, the rule the proxy applies on every licensed request.
 */
final class UsageStatusRunner {
    private UsageStatusRunner() {}

    static void run(VectorFile.Case c) {
        LicenseClaims claims = LicenseTokenRunner.verifier(c.group()).verify(c.test().get("token").textValue()).claims();
        JsonNode lists = c.test().get("lists");
        Set<Usage> needed = EnumSet.noneOf(Usage.class);
        c.test().get("needed").forEach(u -> needed.add(Usage.parse(u.textValue()).orElseThrow()));
        StatusValue got = StatusListCache.judge(claims, needed, ref -> {
            JsonNode values = lists.get(ref.uri().toString());
            assertThat(values).as("the vector holds list " + ref.uri()).isNotNull();
            return ref.idx() < values.size() ? StatusValue.of(values.get((int) ref.idx()).intValue()) : StatusValue.INVALID;
        });
        assertThat(got.name()).isEqualTo(c.test().get("expected").textValue());
    }
}
