package org.cb4i.valuation.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * Checks that an estimator's reported 95% intervals hold what they claim: over 20 seeds, the exact value lies inside
 * the reported interval for at least 85% of (seed, player) pairs (a calibrated interval covers 95%; 85% leaves room
 * for chance, and an interval too narrow by half covers about 68%), and never more than four standard errors away.
 * One seed alone cannot say: with eight players, one of them is outside its 95% interval one run in three.
 */
public final class CoverageCheck {
    public interface Run {
        Valuation at(long seed) throws InterruptedException;
    }

    private CoverageCheck() {}

    public static void check(List<Double> exact, Run run) throws InterruptedException {
        int inside = 0;
        int total = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Valuation v = run.at(seed);
            for (int p = 0; p < exact.size(); p++) {
                Estimate e = v.values().get(p);
                double x = exact.get(p);
                total++;
                if (x >= e.ciLow() && x <= e.ciHigh()) {
                    inside++;
                }
                assertThat(Math.abs(e.value() - x)).as("seed " + seed + " player " + p + ": " + e + " vs exact " + x)
                        .isLessThanOrEqualTo(4 * e.stderr() + 1e-12);
            }
        }
        assertThat((double) inside / total).as(inside + " of " + total + " intervals hold the exact value").isGreaterThanOrEqualTo(0.85);
    }
}
