package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.settlement.Billing;
import org.cb4i.sdk.settlement.InvoiceLine;
import org.cb4i.sdk.settlement.PriceSchedule;
import org.cb4i.sdk.settlement.UsageTotal;
import org.cb4i.sdk.terms.Usage;

/** Runs {@code SettlementBill} and {@code PriceScheduleRead} groups ([SET-1]..[SET-7]). */
final class SettlementRunners {
    private SettlementRunners() {}

    static void bill(VectorFile.Case c) {
        JsonNode t = c.test();
        List<PriceSchedule> schedules = new ArrayList<>();
        t.get("schedules").forEach(s -> schedules.add(PriceSchedule.read(Json.write(s), "schedule")));
        List<UsageTotal> usage = totals(t.get("usage"), schedules);
        List<UsageTotal> adjustments = t.has("adjustments") ? totals(t.get("adjustments"), schedules) : List.of();
        List<String> members = new ArrayList<>();
        t.get("members").forEach(m -> members.add(m.textValue()));
        PriceSchedule period = schedules.get(t.get("period_schedule").intValue());
        if (!c.expectValid()) {
            assertThatThrownBy(() -> Billing.bill(period, usage, adjustments, members)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(t.get("field").textValue());
            return;
        }
        Billing.Bill b = Billing.bill(period, usage, adjustments, members);
        Map<String, Object> got = new LinkedHashMap<>();
        got.put("currency", b.currency());
        List<Object> lines = new ArrayList<>();
        for (InvoiceLine l : b.lines()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", l.kind().token());
            l.member().ifPresent(v -> m.put("member", v));
            l.usage().ifPresent(v -> m.put("usage", v.token()));
            m.put("requests", l.requests());
            m.put("bytes", l.bytes());
            m.put("attested", l.attested());
            m.put("logged", l.logged());
            m.put("amount_minor", l.amountMinor());
            lines.add(m);
        }
        got.put("lines", lines);
        got.put("total_minor", b.totalMinor());
        got.put("fee_minor", b.feeMinor());
        got.put("payouts", b.payouts().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>(); // in the vectors' member order
            m.put("member", p.member());
            m.put("amount_minor", p.amountMinor());
            return m;
        }).toList());
        JsonNode expected = t.get("bill");
        assertThat(Json.write(Json.mapper().valueToTree(got))).isEqualTo(Json.write(expected));
    }

    private static List<UsageTotal> totals(JsonNode rows, List<PriceSchedule> schedules) {
        List<UsageTotal> out = new ArrayList<>();
        for (JsonNode u : rows) {
            out.add(new UsageTotal(u.get("member").textValue(), Usage.parse(u.get("usage").textValue()).orElseThrow(),
                    schedules.get(u.get("schedule").intValue()), u.get("requests").longValue(), u.get("bytes").longValue(),
                    u.get("attested_requests").longValue(), u.get("attested_bytes").longValue()));
        }
        return out;
    }

    static void read(VectorFile.Case c) {
        String text = c.test().get("schedule").textValue();
        String field = c.test().get("field").textValue();
        assertThatThrownBy(() -> PriceSchedule.read(text, "schedule")).isInstanceOf(MalformedInputException.class)
                .satisfies(e -> assertThat(((MalformedInputException) e).reason()).isEqualTo(Reason.MALFORMED_TERMS))
                .hasMessageStartingWith(field.isEmpty() ? "schedule" : "schedule: " + field + ": ");
    }
}
