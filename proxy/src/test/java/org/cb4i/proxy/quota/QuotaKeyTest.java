package org.cb4i.proxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Agreement;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.Quota;
import org.junit.jupiter.api.Test;

/** [TOK-10]: what a quota is counted against, and which limits apply when a licensee holds several licenses. */
class QuotaKeyTest {
    static final Confirmation CNF = new Confirmation(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey());

    static LicenseClaims claims(String iss, String sub, String jti, Optional<Agreement> agreement, Quota q, Instant exp) {
        Instant iat = Instant.parse("2026-01-01T00:00:00Z");
        return new LicenseClaims(iss, sub, List.of(iss), jti, iat, iat, exp, CNF, EnumSet.of(Usage.AI_TRAIN), List.of(), q, agreement, Optional.empty());
    }

    static Quota perDay(long n) {
        return new Quota(OptionalDouble.empty(), OptionalLong.of(n), OptionalLong.empty());
    }

    @Test
    void theKeyIsTheLicenseeUnderAnAgreementOnASite_notTheLicense() {
        Instant exp = Instant.parse("2027-01-01T00:00:00Z");
        Agreement a = new Agreement(URI.create("https://c.example/a1"), "aa".repeat(32));
        Agreement b = new Agreement(URI.create("https://c.example/a2"), "bb".repeat(32));
        QuotaKey k1 = QuotaKey.of(claims("https://c.example", "lab", "jti-1", Optional.of(a), perDay(2), exp), "https://s.example");
        QuotaKey k2 = QuotaKey.of(claims("https://c.example", "lab", "jti-2", Optional.of(a), perDay(9), exp), "https://s.example");
        assertThat(k2).as("a license asked for again").isEqualTo(k1);
        assertThat(QuotaKey.of(claims("https://c.example", "lab", "jti-3", Optional.of(b), perDay(2), exp), "https://s.example")).isNotEqualTo(k1);
        assertThat(QuotaKey.of(claims("https://c.example", "lab2", "jti-1", Optional.of(a), perDay(2), exp), "https://s.example")).isNotEqualTo(k1);
        assertThat(QuotaKey.of(claims("https://d.example", "lab", "jti-1", Optional.of(a), perDay(2), exp), "https://s.example")).isNotEqualTo(k1);
        assertThat(QuotaKey.of(claims("https://c.example", "lab", "jti-1", Optional.of(a), perDay(2), exp), "https://t.example")).isNotEqualTo(k1);
        // Length-prefixed parts: moving a character across a boundary makes another name.
        QuotaKey x = QuotaKey.of(claims("https://c.example", "ab", "j", Optional.empty(), perDay(1), exp), "https://s.example");
        QuotaKey y = QuotaKey.of(claims("https://c.exampl", "eab", "j", Optional.empty(), perDay(1), exp), "https://s.example");
        assertThat(x.storeId()).isNotEqualTo(y.storeId()).hasSize(20);
    }

    @Test
    void theSmallerLimitOfEachKindApplies_whileTheOtherLicenseIsLive() {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        Quota big = new Quota(OptionalDouble.of(5), OptionalLong.of(100), OptionalLong.empty());
        Quota small = new Quota(OptionalDouble.empty(), OptionalLong.of(10), OptionalLong.of(1000));
        LicenseClaims a = claims("https://c.example", "lab", "a", Optional.empty(), big, now.plusSeconds(3600));
        LicenseClaims b = claims("https://c.example", "lab", "b", Optional.empty(), small, now.plusSeconds(60));
        QuotaKey k = QuotaKey.of(a, "https://s.example");
        LiveLicenses live = new LiveLicenses();
        assertThat(live.effective(k, a, now, c -> true)).isEqualTo(big);
        Quota both = new Quota(OptionalDouble.of(5), OptionalLong.of(10), OptionalLong.of(1000));
        assertThat(live.effective(k, b, now, c -> true)).isEqualTo(both);
        assertThat(live.effective(k, a, now, c -> true)).as("b is still live").isEqualTo(both);
        assertThat(live.effective(k, a, now, c -> !c.id().equals("b"))).as("b revoked").isEqualTo(big);
        live.effective(k, b, now, c -> true);
        assertThat(live.effective(k, a, now.plusSeconds(61), c -> true)).as("b expired").isEqualTo(big);
    }
}
