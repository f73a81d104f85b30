package org.cb4i.valuation.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import java.util.List;
import org.cb4i.valuation.game.Utility;
import org.junit.jupiter.api.Test;

/** The estimators on small games whose values are known in closed form. */
class EstimatorsTest {
    private static final Budget FAST = Budget.defaults().withTolerance(0.01).withSamples(16, 4000).withThreads(2);

    /** The glove game: players 0 and 1 hold left gloves, 2 a right one; a pair is worth 1. Shapley: 1/6, 1/6, 2/3. */
    private static final Utility GLOVES = Utility.of(3, s -> Math.min((s.get(0) ? 1 : 0) + (s.get(1) ? 1 : 0), s.get(2) ? 1 : 0));

    /** u(S) = sqrt(Σ w) over the members, with player 3 a null player (weight 0): increasing returns shared unequally. */
    private static final double[] W = {4, 1, 9, 0, 2, 2};
    private static final Utility CONCAVE = Utility.of(W.length, s -> {
        double sum = 0;
        for (int i = s.nextSetBit(0); i >= 0; i = s.nextSetBit(i + 1)) {
            sum += W[i];
        }
        return Math.sqrt(sum);
    });

    @Test
    void exactShapley_glovesGame_givesTheKnownValues() {
        Valuation v = ExactShapley.shapley(GLOVES);
        assertThat(v.values().get(0).value()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(v.values().get(1).value()).isCloseTo(1.0 / 6, within(1e-12));
        assertThat(v.values().get(2).value()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(v.evaluations()).isEqualTo(8);
    }

    @Test
    void exactBanzhaf_glovesGame_givesTheKnownValues() {
        // Player 0 is pivotal only in {0, 2} vs {2}: 1 of its 4 coalitions; player 2 in 3 of 4.
        assertThat(ExactShapley.banzhaf(GLOVES)).containsExactly(0.25, 0.25, 0.75);
    }

    @Test
    void tmcShapley_twoPlayers_isExactFromItsStrataAlone() throws InterruptedException {
        Utility two = Utility.of(2, c -> c.cardinality() == 2 ? 5 : c.get(0) ? 1 : 0);
        Valuation v = TmcShapley.estimate(two, 1, FAST, 0);
        assertThat(v.values()).extracting(Estimate::value).containsExactly(3.0, 2.0);
        assertThat(v.values()).extracting(Estimate::stderr).containsExactly(0.0, 0.0);
    }

    @Test
    void everyMethod_additiveGame_givesEachPlayerItsOwnWeight() throws InterruptedException {
        double[] w = {3, -1, 0.5, 7};
        Utility additive = Utility.of(4, s -> {
            double sum = 0;
            for (int i = s.nextSetBit(0); i >= 0; i = s.nextSetBit(i + 1)) {
                sum += w[i];
            }
            return sum;
        });
        // Every permutation gives each player its weight, so TMC is exact too (with no spread at all).
        for (Valuation v : List.of(LeaveOneOut.estimate(additive), ExactShapley.shapley(additive), TmcShapley.estimate(additive, 7, FAST, 0))) {
            for (int p = 0; p < 4; p++) {
                assertThat(v.values().get(p).value()).as(v.method() + " player " + p).isCloseTo(w[p], within(1e-9));
            }
        }
        // Maximum-sample-reuse compares two sample means, which the other players' weights make noisy: within the interval.
        Valuation b = DataBanzhaf.estimate(additive, 7, FAST);
        for (int p = 0; p < 4; p++) {
            assertThat(w[p]).as("banzhaf player " + p).isBetween(b.values().get(p).ciLow(), b.values().get(p).ciHigh());
        }
    }

    @Test
    void exactShapley_concaveGame_isEfficientSymmetricAndGivesTheNullPlayerNothing() {
        Valuation v = ExactShapley.shapley(CONCAVE);
        double sum = v.values().stream().mapToDouble(Estimate::value).sum();
        assertThat(sum).isCloseTo(v.grandUtility() - v.emptyUtility(), within(1e-12));
        assertThat(v.values().get(4).value()).isCloseTo(v.values().get(5).value(), within(1e-12));
        assertThat(v.values().get(3).value()).isZero();
        assertThat(v.values().get(2).value()).isGreaterThan(v.values().get(0).value()).isGreaterThan(v.values().get(4).value());
    }

    @Test
    void tmcShapley_concaveGame_isEfficientWithinItsErrorsAndConverges() throws InterruptedException {
        Valuation exact = ExactShapley.shapley(CONCAVE);
        Valuation tmc = TmcShapley.estimate(CONCAVE, 42, FAST, 0);
        // The first two positions are exact and each permutation's later marginals sum to u(N) − u(first two): the values
        // sum to u(N) − u(∅) in expectation, and here within the sum of their standard errors, three times over.
        double errors = tmc.values().stream().mapToDouble(Estimate::stderr).sum();
        assertThat(tmc.values().stream().mapToDouble(Estimate::value).sum()).isCloseTo(exact.grandUtility() - exact.emptyUtility(), within(3 * errors));
        assertThat(tmc.values().get(3).value()).isZero();
        assertThat(tmc.values().get(3).stderr()).isZero();
        assertThat(tmc.converged()).isTrue();
        assertThat(tmc.largestStderr()).isLessThanOrEqualTo(0.01 * tmc.largestMagnitude());
    }

    @Test
    void tmcShapley_concaveGame_reportedIntervalsCoverTheExactValues() throws InterruptedException {
        List<Double> exact = ExactShapley.shapley(CONCAVE).values().stream().map(Estimate::value).toList();
        CoverageCheck.check(exact, seed -> TmcShapley.estimate(CONCAVE, seed, FAST.withTolerance(0.03), 0));
    }

    @Test
    void dataBanzhaf_concaveGame_reportedIntervalsCoverTheExactBanzhafValues() throws InterruptedException {
        CoverageCheck.check(ExactShapley.banzhaf(CONCAVE), seed -> DataBanzhaf.estimate(CONCAVE, seed, FAST.withTolerance(0.03)));
    }

    @Test
    void samplingEstimators_sameSeed_sameNumbersOnOneThreadAndOnTwo() throws InterruptedException {
        Budget oneThread = FAST.withThreads(1).withSamples(16, 40);
        Budget twoThreads = FAST.withThreads(2).withSamples(16, 40);
        assertThat(TmcShapley.estimate(CONCAVE, 9, oneThread, 0.01).values()).isEqualTo(TmcShapley.estimate(CONCAVE, 9, twoThreads, 0.01).values());
        assertThat(DataBanzhaf.estimate(CONCAVE, 9, oneThread).values()).isEqualTo(DataBanzhaf.estimate(CONCAVE, 9, twoThreads).values());
        assertThat(TmcShapley.estimate(CONCAVE, 9, oneThread, 0).values()).isNotEqualTo(TmcShapley.estimate(CONCAVE, 10, oneThread, 0).values());
    }

    @Test
    void tmcShapley_budgetTooSmallForTheTolerance_saysItDidNotConverge() throws InterruptedException {
        Valuation v = TmcShapley.estimate(CONCAVE, 1, FAST.withTolerance(1e-6).withSamples(8, 16), 0);
        assertThat(v.converged()).isFalse();
        assertThat(v.samples()).isEqualTo(16);
    }

    @Test
    void exactShapley_moreThanTwelvePlayers_isRefusedNamingTheAlternatives() {
        assertThatThrownBy(() -> ExactShapley.shapley(Utility.of(13, BitSet::cardinality)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 12").hasMessageContaining("tmc-shapley");
    }

    @Test
    void coalition_addingTwiceOrRemovingAnAbsentPlayer_isRefused() {
        Utility.Coalition c = GLOVES.empty();
        c.add(1);
        assertThatThrownBy(() -> c.add(1)).hasMessageContaining("already");
        assertThatThrownBy(() -> c.remove(0)).hasMessageContaining("not in the coalition");
        assertThatThrownBy(() -> c.add(3)).hasMessageContaining("not one of the 3");
    }
}
