package org.cb4i.valuation.ngram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.cb4i.valuation.game.Utility;
import org.junit.jupiter.api.Test;

/**
 * The n-gram utility against a model written the slow, obvious way: count tables of the coalition's texts in plain
 * maps, and Witten–Bell's recursion followed literally for every evaluation byte.
 */
class NgramUtilityTest {
    private static final int ORDER = 4;

    @Test
    void value_randomCoalitions_equalsTheModelComputedFromScratch() {
        List<byte[]> groups = List.of(Texts.of(Texts.COOKING, 1, 3000), Texts.of(Texts.LAW, 2, 2000), Texts.of(Texts.COOKING, 3, 1000),
                Texts.random(4, 800), Texts.of(Texts.SKY, 5, 2500));
        List<byte[]> eval = List.of(Texts.of(Texts.COOKING, 10, 1500), Texts.of(Texts.SKY, 11, 700), "x".getBytes(StandardCharsets.UTF_8));
        NgramUtility u = build(groups, eval);
        Utility.Coalition c = u.empty();
        assertThat(c.value()).isZero(); // the empty model gives every byte 1/256: 8 bits, nothing saved
        Random r = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int g = r.nextInt(groups.size());
            if (c.contains(g)) {
                c.remove(g);
            } else {
                c.add(g);
            }
            List<byte[]> members = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                if (c.contains(i)) {
                    members.add(groups.get(i));
                }
            }
            assertThat(c.value()).as("coalition after trial " + trial).isCloseTo(8 - Reference.bitsPerByte(members, eval, ORDER), within(1e-9));
        }
    }

    @Test
    void referenceModel_everyDistribution_sumsToOne() {
        Reference m = new Reference(List.of(Texts.of(Texts.LAW, 2, 2000), Texts.random(3, 300)), ORDER);
        for (String h : List.of("", "t", "th", "the", "zq#", "he ")) {
            double sum = 0;
            for (int x = 0; x < 256; x++) {
                sum += m.p(h.getBytes(StandardCharsets.UTF_8), x);
            }
            assertThat(sum).as("context '" + h + "'").isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void clear_afterGroupsWereAdded_isTheEmptyCoalitionAgain() {
        NgramUtility u = build(List.of(Texts.of(Texts.LAW, 1, 2000), Texts.of(Texts.SKY, 2, 2000)), List.of(Texts.of(Texts.LAW, 3, 500)));
        Utility.Coalition c = u.empty();
        c.add(0);
        c.add(1);
        double both = c.value();
        c.clear();
        assertThat(c.value()).isZero();
        c.add(1);
        c.add(0);
        assertThat(c.value()).isEqualTo(both);
    }

    @Test
    void build_withoutEvaluationTextOrWithAGroupWithoutText_isRefused() {
        assertThatThrownBy(() -> NgramUtility.builder(ORDER).training(0, new byte[] {1, 2}).build(1)).hasMessageContaining("evaluation texts are empty");
        assertThatThrownBy(() -> NgramUtility.builder(ORDER).evaluation(new byte[] {1}).training(1, new byte[] {1, 2}).build(2))
                .hasMessageContaining("group 0 has no training text");
        assertThatThrownBy(() -> NgramUtility.builder(8)).hasMessageContaining("1 to 7");
    }

    static NgramUtility build(List<byte[]> groups, List<byte[]> eval) {
        NgramUtility.Builder b = NgramUtility.builder(ORDER);
        eval.forEach(b::evaluation);
        for (int g = 0; g < groups.size(); g++) {
            b.training(g, groups.get(g));
        }
        return b.build(groups.size());
    }

    /** Witten–Bell interpolation, literally: counts of every n-gram of the training texts, looked up by string. */
    static final class Reference {
        private final Map<String, Map<Integer, Long>> followers = new HashMap<>();
        private final int order;

        Reference(List<byte[]> texts, int order) {
            this.order = order;
            for (byte[] t : texts) {
                for (int i = 0; i < t.length; i++) {
                    for (int k = 0; k <= Math.min(i, order - 1); k++) {
                        String h = new String(t, i - k, k, StandardCharsets.ISO_8859_1);
                        followers.computeIfAbsent(h, x -> new HashMap<>()).merge(t[i] & 0xff, 1L, Long::sum);
                    }
                }
            }
        }

        /** P(x | h), recursing from the longest context down to 1/256. */
        double p(byte[] h, int x) {
            double lower = h.length == 0 ? 1.0 / 256 : p(java.util.Arrays.copyOfRange(h, 1, h.length), x);
            Map<Integer, Long> f = followers.getOrDefault(new String(h, StandardCharsets.ISO_8859_1), Map.of());
            long c = f.values().stream().mapToLong(Long::longValue).sum();
            if (c == 0) {
                return lower;
            }
            Set<Integer> types = new HashSet<>(f.keySet());
            return (f.getOrDefault(x, 0L) + types.size() * lower) / (c + types.size());
        }

        static double bitsPerByte(List<byte[]> train, List<byte[]> eval, int order) {
            Reference m = new Reference(train, order);
            double bits = 0;
            long n = 0;
            for (byte[] t : eval) {
                for (int i = 0; i < t.length; i++) {
                    int k = Math.min(i, order - 1);
                    bits -= Math.log(m.p(java.util.Arrays.copyOfRange(t, i - k, i), t[i] & 0xff)) / Math.log(2);
                    n++;
                }
            }
            return bits / n;
        }
    }
}
