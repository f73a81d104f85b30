package org.cb4i.valuation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.cb4i.valuation.estimate.Budget;
import org.cb4i.valuation.estimate.DataBanzhaf;
import org.cb4i.valuation.estimate.Estimate;
import org.cb4i.valuation.estimate.ExactShapley;
import org.cb4i.valuation.estimate.LeaveOneOut;
import org.cb4i.valuation.estimate.TmcShapley;
import org.cb4i.valuation.estimate.Valuation;
import org.cb4i.valuation.game.Utility;
import org.cb4i.valuation.ngram.NgramUtility;
import org.cb4i.valuation.ngram.Texts;
import org.junit.jupiter.api.Test;

/** The n-gram utility and the estimators together, on data whose answer is known. */
class KnownAnswersTest {
    private static final Budget BUDGET = Budget.defaults().withTolerance(0.02).withSamples(16, 2000).withThreads(2);

    static NgramUtility utility(List<byte[]> groups, List<byte[]> eval) {
        NgramUtility.Builder b = NgramUtility.builder(NgramUtility.DEFAULT_ORDER);
        eval.forEach(b::evaluation);
        for (int g = 0; g < groups.size(); g++) {
            b.training(g, groups.get(g));
        }
        return b.build(groups.size());
    }

    static List<byte[]> mixedEvaluation() {
        return List.of(Texts.of(Texts.COOKING, 100, 4000), Texts.of(Texts.LAW, 101, 3000), Texts.of(Texts.SKY, 102, 3000));
    }

    @Test
    void twoMembersWithIdenticalTexts_getEqualValues_eachAboutHalfOfWhatOneGetsAlone() throws InterruptedException {
        byte[] same = Texts.of(Texts.COOKING, 1, 20_000);
        NgramUtility u = utility(List.of(same, same.clone(), Texts.of(Texts.LAW, 2, 20_000), Texts.of(Texts.SKY, 3, 20_000)), mixedEvaluation());
        Utility.Coalition c = u.empty();
        c.add(0);
        double alone = c.value();
        for (Valuation v : List.of(ExactShapley.shapley(u), TmcShapley.estimate(u, 5, BUDGET, TmcShapley.DEFAULT_TRUNCATION))) {
            Estimate a = v.values().get(0);
            Estimate b = v.values().get(1);
            assertThat(Math.abs(a.value() - b.value())).as(v.method() + ": equal values").isLessThanOrEqualTo(2 * Math.max(a.stderr(), b.stderr()) + 1e-12);
            for (Estimate e : List.of(a, b)) {
                assertThat(e.value()).as(v.method() + ": within 20% of half of " + alone).isBetween(0.8 * alone / 2, 1.2 * alone / 2);
            }
        }
        // Leave-one-out is blind to redundancy: each copy makes up for the other, so each is worth almost nothing.
        Valuation loo = LeaveOneOut.estimate(u);
        assertThat(loo.values().get(0).value()).isLessThan(0.1 * alone);
    }

    @Test
    void aMemberOfRandomBytes_isWorthNothingOrLess() throws InterruptedException {
        NgramUtility u = utility(List.of(Texts.of(Texts.COOKING, 1, 15_000), Texts.of(Texts.LAW, 2, 15_000), Texts.random(3, 15_000),
                Texts.of(Texts.SKY, 4, 15_000)), mixedEvaluation());
        Valuation tmc = TmcShapley.estimate(u, 11, BUDGET, TmcShapley.DEFAULT_TRUNCATION);
        Estimate noise = tmc.values().get(2);
        assertThat(noise.value()).as("TMC " + noise).isLessThanOrEqualTo(2 * noise.stderr());
        assertThat(ExactShapley.shapley(u).values().get(2).value()).as("exact").isLessThanOrEqualTo(0);
        // Banzhaf weighs small coalitions as much as large ones, and to a model trained on little text, noise is a little
        // extra smoothing: its Banzhaf value may be slightly positive (here about 0.15 exactly), but it ranks far last.
        Valuation banzhaf = DataBanzhaf.estimate(u, 11, BUDGET);
        for (int p : new int[] {0, 1, 3}) {
            assertThat(tmc.values().get(p).value()).isGreaterThan(noise.value());
            assertThat(banzhaf.values().get(p).ciLow()).isGreaterThan(banzhaf.values().get(2).ciHigh());
        }
    }

    @Test
    void theMemberWhoseTextsMatchTheEvaluationDomain_ranksFirst() throws InterruptedException {
        List<byte[]> eval = List.of(Texts.of(Texts.COOKING, 50, 6000), Texts.of(Texts.COOKING, 51, 3000));
        NgramUtility u = utility(List.of(Texts.of(Texts.LAW, 1, 20_000), Texts.of(Texts.SKY, 2, 20_000), Texts.of(Texts.COOKING, 3, 20_000),
                Texts.of(Texts.LAW, 4, 20_000)), eval);
        for (Valuation v : List.of(LeaveOneOut.estimate(u), ExactShapley.shapley(u), TmcShapley.estimate(u, 2, BUDGET, TmcShapley.DEFAULT_TRUNCATION),
                DataBanzhaf.estimate(u, 2, BUDGET))) {
            Estimate best = v.values().stream().max((a, b) -> Double.compare(a.value(), b.value())).orElseThrow();
            assertThat(best.player()).as(v.method() + " " + v.values()).isEqualTo(2);
        }
    }

    @Test
    void eightGroupsOfRealText_samplingEstimatesAreWithinTheirIntervalsOfBruteForce() throws InterruptedException {
        List<byte[]> groups = new ArrayList<>();
        String[][] domains = {Texts.COOKING, Texts.LAW, Texts.SKY};
        for (int g = 0; g < 8; g++) {
            groups.add(g == 7 ? Texts.random(70, 3000) : Texts.of(domains[g % 3], 60 + g, 3000 + 1500 * g));
        }
        NgramUtility u = utility(groups, List.of(Texts.of(Texts.COOKING, 80, 2000), Texts.of(Texts.SKY, 81, 1500)));
        List<Double> shapley = ExactShapley.shapley(u).values().stream().map(Estimate::value).toList();
        List<Double> banzhaf = ExactShapley.banzhaf(u);
        // Without truncation TMC is unbiased; its intervals must hold the exact values as often as they claim.
        org.cb4i.valuation.estimate.CoverageCheck.check(shapley, seed -> TmcShapley.estimate(u, seed, BUDGET.withTolerance(0.05), 0));
        org.cb4i.valuation.estimate.CoverageCheck.check(banzhaf, seed -> DataBanzhaf.estimate(u, seed, BUDGET.withTolerance(0.05)));
    }
}
