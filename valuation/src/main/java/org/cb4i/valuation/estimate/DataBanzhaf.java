package org.cb4i.valuation.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cb4i.valuation.game.Utility;

/**
 * Data Banzhaf with maximum-sample-reuse (Wang and Jia, "Data Banzhaf", AISTATS 2023): a player's Banzhaf value is the
 * mean utility of the coalitions with it less the mean utility of those without it, over all coalitions. Each sample
 * is one coalition that holds each player with probability 1/2, evaluated once and used for every player (in the
 * "with" mean of its members and the "without" mean of the others), which makes the estimate robust to a noisy
 * utility. The standard error is that of a difference of two independent means. Banzhaf values do not sum to the
 * grand coalition's utility; their shares are what a reader compares.
 */
public final class DataBanzhaf {
    private DataBanzhaf() {}

    /** @throws InterruptedException when interrupted while sampling */
    public static Valuation estimate(Utility utility, long seed, Budget budget) throws InterruptedException {
        long start = System.nanoTime();
        int n = utility.players();
        double[] ends = Sampler.ends(utility);
        double empty = ends[0];
        double grand = ends[1];
        RunningMean[] with = new RunningMean[n];
        RunningMean[] without = new RunningMean[n];
        for (int p = 0; p < n; p++) {
            with[p] = new RunningMean();
            without[p] = new RunningMean();
        }
        Sampler<Sample> sampler = new Sampler<>(utility, budget);
        Sampler.Outcome o = sampler.run((co, k) -> {
            SplittableRandom r = Sampler.random(seed, k);
            boolean[] in = new boolean[n];
            for (int p = 0; p < n; p++) {
                in[p] = r.nextBoolean();
                // Moving from this thread's last coalition to the new one costs the players that differ, not all of them.
                if (in[p] && !co.contains(p)) {
                    co.add(p);
                } else if (!in[p] && co.contains(p)) {
                    co.remove(p);
                }
            }
            return new Sample(in, co.value());
        }, s -> {
            for (int p = 0; p < n; p++) {
                (s.in[p] ? with[p] : without[p]).add(s.value);
            }
        }, () -> {
            double largest = 0;
            double worst = 0;
            for (int p = 0; p < n; p++) {
                largest = Math.max(largest, Math.abs(value(with[p], without[p])));
                worst = Math.max(worst, stderr(with[p], without[p]));
            }
            budget.progress().after(with[0].count() + without[0].count(), worst, largest);
            return budget.met(worst, largest);
        });
        List<Estimate> values = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            values.add(Estimate.of(p, value(with[p], without[p]), stderr(with[p], without[p])));
        }
        return new Valuation(Method.BANZHAF, seed, empty, grand, values, o.samples(), o.samples() + 2, o.converged(), Sampler.since(start));
    }

    private record Sample(boolean[] in, double value) {}

    private static double value(RunningMean with, RunningMean without) {
        return with.count() == 0 || without.count() == 0 ? 0 : with.mean() - without.mean();
    }

    private static double stderr(RunningMean with, RunningMean without) {
        if (with.count() < 2 || without.count() < 2) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(with.variance() / with.count() + without.variance() / without.count());
    }
}
