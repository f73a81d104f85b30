package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Preference;
import org.cb4i.sdk.terms.RobotsTxt;
import org.cb4i.sdk.terms.RslDocument;
import org.cb4i.sdk.terms.RslReader;
import org.cb4i.sdk.terms.TdmRep;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.terms.UsageSignals;

/** Runs the terms groups: {@code PathPattern} ([VOC-5]), {@code UsageSignals} ([VOC-3], [VOC-4]), {@code RobotsTxt}, {@code RslDocument}, {@code TdmRep} ([DSC-*]). */
final class TermsRunners {
    private TermsRunners() {}

    static void pathPattern(VectorFile.Case c) {
        PathPattern p = PathPattern.of(c.test().get("pattern").textValue());
        c.test().get("matches").forEach(s -> assertThat(p.matches(s.textValue())).as(p + " matches " + s.textValue()).isTrue());
        c.test().get("doesNotMatch").forEach(s -> assertThat(p.matches(s.textValue())).as(p + " does not match " + s.textValue()).isFalse());
    }

    static void usageSignals(VectorFile.Case c) {
        UsageSignals all = UsageSignals.NONE;
        for (JsonNode in : c.test().get("inputs")) {
            String v = in.get("value").textValue();
            all = all.and(switch (in.get("source").textValue()) {
                case "content-usage" -> UsageSignals.fromContentUsage(v);
                case "content-signal" -> UsageSignals.fromContentSignal(v);
                case "tdm-reservation" -> UsageSignals.fromTdmReservation(Integer.parseInt(v));
                default -> throw new AssertionError("unknown source " + in.get("source"));
            });
        }
        assertSignals(all, c.test().get("expected"));
    }

    static void robotsTxt(VectorFile.Case c) {
        JsonNode t = c.test();
        RobotsTxt.Selection s = RobotsTxt.parse(t.get("robots").textValue().getBytes(StandardCharsets.UTF_8)).forAgent(t.get("agent").textValue());
        t.get("allowed").forEach(p -> assertThat(s.isAllowed(p.textValue())).as("allowed " + p.textValue()).isTrue());
        t.get("disallowed").forEach(p -> assertThat(s.isAllowed(p.textValue())).as("disallowed " + p.textValue()).isFalse());
        List<String> licenses = new ArrayList<>();
        t.get("licenses").forEach(l -> licenses.add(l.textValue()));
        assertThat(s.licenses()).extracting(URI::toString).containsExactlyElementsOf(licenses);
        for (JsonNode sig : t.get("signals")) {
            assertSignals(s.signalsFor(sig.get("path").textValue()), sig.get("expected"));
        }
    }

    static void rslDocument(VectorFile.Case c) {
        byte[] xml = c.test().get("xml").textValue().getBytes(StandardCharsets.UTF_8);
        if (!c.expectValid()) {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> RslReader.read(xml, "vector"));
            assertThat(e).as("rejection").isNotNull();
            assertThat(e.reason().name()).isEqualTo(c.expectedReason());
            return;
        }
        RslDocument doc = RslReader.read(xml, "vector");
        checkPermitted(doc, c.test().get("permitted"));
        // What cb4i writes, cb4i (and so any RSL reader) reads back to the same terms.
        checkPermitted(RslReader.read(doc.toXml().getBytes(StandardCharsets.UTF_8), "round trip"), c.test().get("permitted"));
    }

    private static void checkPermitted(RslDocument doc, JsonNode permitted) {
        for (JsonNode p : permitted) {
            Optional<Set<Usage>> got = doc.permittedUsages(URI.create(p.get("url").textValue()));
            if (p.get("usages").isNull()) {
                assertThat(got).as(p.get("url").textValue()).isEmpty();
            } else {
                List<String> want = new ArrayList<>();
                p.get("usages").forEach(u -> want.add(u.textValue()));
                assertThat(got).as(p.get("url").textValue()).isPresent();
                assertThat(got.get()).extracting(Usage::token).containsExactlyInAnyOrderElementsOf(want);
            }
        }
    }

    static void tdmRep(VectorFile.Case c) {
        String json = c.test().get("json").textValue();
        if (!c.expectValid()) {
            Cb4iException e = catchThrowableOfType(Cb4iException.class, () -> TdmRep.parse(json, "vector"));
            assertThat(e).as("rejection").isNotNull();
            assertThat(e.reason().name()).isEqualTo(c.expectedReason());
            return;
        }
        TdmRep rep = TdmRep.parse(json, "vector");
        for (JsonNode check : c.test().get("checks")) {
            Optional<TdmRep.Rule> rule = rep.ruleFor(check.get("path").textValue());
            if (check.get("reservation").isNull()) {
                assertThat(rule).isEmpty();
            } else {
                assertThat(rule.map(TdmRep.Rule::reservation)).contains(check.get("reservation").intValue());
            }
        }
        assertThat(TdmRep.parse(rep.toJson(), "round trip")).isEqualTo(rep);
    }

    private static void assertSignals(UsageSignals got, JsonNode expected) {
        Map<Usage, Preference> want = new EnumMap<>(Usage.class);
        expected.properties().forEach(e -> want.put(Usage.parse(e.getKey()).orElseThrow(), Preference.valueOf(e.getValue().textValue())));
        for (Usage u : Usage.values()) {
            assertThat(got.get(u)).as(u.token()).isEqualTo(want.getOrDefault(u, Preference.UNKNOWN));
        }
    }
}
