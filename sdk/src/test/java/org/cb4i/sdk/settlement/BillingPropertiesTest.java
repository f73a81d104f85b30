package org.cb4i.sdk.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.Usage;
import org.junit.jupiter.api.Test;

/**
 * [SET-4] [SET-6] [SET-7]: for random usage, prices, fees and allocations — up to 10,000 members — the lines add up to
 * the total, the payouts plus the fee equal it to the minor unit, and no member gets more than one unit beyond its
 * exact share.
 */
class BillingPropertiesTest {
    private static final String[] PRICES = {"0", "0.0001", "0.0004", "0.001", "0.005", "0.37", "1", "12.345678"};
    private static final String[] FEES = {"0", "2.5", "10", "12.5", "33.333", "100"};

    @Property(tries = 60)
    void payoutsPlusFee_equalTheInvoice(@ForAll @IntRange(min = 1, max = 10_000) int members, @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 2) int rule, @ForAll @IntRange(min = 0, max = 2) int currency) {
        Random r = new Random(seed);
        String code = new String[] {"EUR", "JPY", "KWD"}[currency];
        String allocation = switch (rule) {
            case 0 -> "\"pro_rata\"";
            case 1 -> "\"equal\"";
            default -> "{\"weights\": {\"m0\": \"3\", \"m1\": \"0.5\", \"m7\": \"1.25\"}}";
        };
        PriceSchedule s = PriceSchedule.read("{\"currency\": \"" + code + "\", \"per_request\": \"" + PRICES[r.nextInt(PRICES.length)]
                + "\", \"per_mib\": \"" + PRICES[r.nextInt(PRICES.length)] + "\", \"fee\": \"" + FEES[r.nextInt(FEES.length)]
                + "\", \"minimum\": \"" + r.nextInt(1000) + "\", \"allocation\": " + allocation + "}", "schedule");
        List<String> ids = new ArrayList<>();
        List<UsageTotal> usage = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ids.add("m" + i);
            if (r.nextInt(3) > 0) {
                long req = r.nextInt(100_000);
                long bytes = req * r.nextInt(50_000);
                usage.add(new UsageTotal("m" + i, Usage.AI_TRAIN, s, req, bytes, req / 2, bytes / 2));
            }
        }
        Billing.Bill b = Billing.bill(s, usage, ids);
        assertThat(b.lines().stream().mapToLong(InvoiceLine::amountMinor).sum()).isEqualTo(b.totalMinor());
        assertThat(b.payouts().stream().mapToLong(Payout::amountMinor).sum() + b.feeMinor()).isEqualTo(b.totalMinor());
        long rest = b.totalMinor() - b.feeMinor();
        if (rule == 1 && rest > 0) {
            long floor = rest / members;
            assertThat(b.payouts()).hasSize(members).allSatisfy(p -> assertThat(p.amountMinor()).isBetween(floor, floor + 1));
        }
    }

    @Property(tries = 200)
    void eachLine_isTheExactAmountRoundedOnce(@ForAll @LongRange(min = 0, max = 10_000_000) long requests,
            @ForAll @LongRange(min = 0, max = 1L << 40) long bytes, @ForAll @IntRange(min = 0, max = 7) int p, @ForAll @IntRange(min = 0, max = 7) int q) {
        PriceSchedule s = PriceSchedule.read("{\"currency\": \"EUR\", \"per_request\": \"" + PRICES[p] + "\", \"per_mib\": \"" + PRICES[q] + "\"}", "s");
        Billing.Bill b = Billing.bill(s, List.of(new UsageTotal("m", Usage.SEARCH, s, requests, bytes, 0, 0)), List.of("m"));
        BigDecimal exact = new BigDecimal(PRICES[p]).multiply(BigDecimal.valueOf(requests))
                .add(new BigDecimal(PRICES[q]).multiply(BigDecimal.valueOf(bytes)).divide(BigDecimal.valueOf(1048576)));
        long cents = exact.setScale(2, RoundingMode.HALF_EVEN).movePointRight(2).longValueExact();
        assertThat(b.lines().get(0).amountMinor()).isEqualTo(cents);
    }

    @Test
    void largestRemainder_givesLeftOverUnitsToTheLargestRemaindersThenTheFirstId() {
        assertThat(LargestRemainder.split(10, Map.of("b", BigDecimal.ONE, "a", BigDecimal.ONE, "c", BigDecimal.ONE)))
                .containsExactly(Map.entry("a", 4L), Map.entry("b", 3L), Map.entry("c", 3L));
        assertThat(LargestRemainder.split(100, Map.of("x", new BigDecimal("0.7"), "y", new BigDecimal("0.2"), "z", new BigDecimal("0.1"))))
                .containsExactly(Map.entry("x", 70L), Map.entry("y", 20L), Map.entry("z", 10L));
        assertThat(LargestRemainder.split(1, Map.of("x", new BigDecimal("1"), "y", new BigDecimal("2")))).containsEntry("y", 1L).containsEntry("x", 0L);
    }

    @Test
    void schedule_roundTripsThroughItsJson() {
        PriceSchedule s = PriceSchedule.read("{\"currency\": \"EUR\", \"per_request\": \"0.0010\", \"flat\": \"5\", \"usages\": {\"search\": "
                + "{\"minimum\": \"2.50\"}, \"ai-train\": {\"per_mib\": \"0.2\"}}, \"fee\": \"7.5\", \"allocation\": {\"weights\": {\"b\": \"1\", \"a\": \"2\"}}, "
                + "\"attested_only\": true}", "s");
        assertThat(PriceSchedule.read(Json.write(s.toJson()), "again")).isEqualTo(s);
        assertThat(s.ratesFor(Usage.AI_TRAIN).perRequest()).contains(new BigDecimal("0.0010"));
        assertThat(s.ratesFor(Usage.AI_TRAIN).perMib()).contains(new BigDecimal("0.2"));
        assertThat(s.ratesFor(Usage.AI_INPUT).perMib()).isEmpty();
    }

    @Test
    void schedule_refusesAFloatNamingTheMember() {
        assertThatThrownBy(() -> PriceSchedule.read("{\"currency\": \"EUR\", \"usages\": {\"ai-train\": {\"per_mib\": 0.1}}}", "price.json"))
                .isInstanceOf(MalformedInputException.class)
                .hasMessage("price.json: usages.ai-train.per_mib: amounts are exact decimal strings, e.g. \"0.1\", never JSON numbers");
    }
}
