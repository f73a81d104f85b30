package org.cb4i.valuation.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cb4i.valuation.game.Utility;

/**
 * Truncated Monte Carlo Shapley (Ghorbani and Zou, "Data Shapley", ICML 2019): a player's Shapley value is its mean
 * marginal contribution over random orders of the players, here with two refinements that leave it unbiased and cut
 * its variance several times on a utility that grows with data:
 * <ul>
 *   <li><b>Exact first strata.</b> The Shapley value is the mean over positions k of the player's expected marginal at
 *   position k. The first position's is u({i}) − u(∅), and (up to {@link #PAIRWISE_LIMIT} players) the second's is the
 *   mean over j of u({j, i}) − u({j}): both are computed exactly (n and n(n−1)/2 utilities), and a sampled permutation
 *   only contributes the marginals of players in later positions. The early marginals are the largest and most variable
 *   ones, so most of the variance goes with them.</li>
 *   <li><b>Antithetic pairs.</b> Each sample is a random permutation and its reverse, their marginals averaged (a player
 *   early in one is late in the other).</li>
 * </ul>
 * Within a permutation, once the coalition's utility is within {@code truncation} of the grand coalition's (as a
 * fraction of the grand coalition's gain over the empty one), the players still to come are given a marginal of 0
 * without evaluating them. Each value's standard error is that of the sampled part's mean; the run stops by the
 * {@link Budget}'s rule.
 */
public final class TmcShapley {
    /** The default truncation: players are skipped only when what is left to gain is below 0.1% of the grand gain. */
    public static final double DEFAULT_TRUNCATION = 0.001;
    /** The most players whose second position is computed exactly (n(n−1)/2 utilities: 19,900 for 200). */
    public static final int PAIRWISE_LIMIT = 200;

    private TmcShapley() {}

    /**
     * @param truncation 0 to evaluate every permutation to the end; at most 0.5
     * @throws InterruptedException when interrupted while sampling
     */
    public static Valuation estimate(Utility utility, long seed, Budget budget, double truncation) throws InterruptedException {
        if (truncation < 0 || truncation > 0.5) {
            throw new IllegalArgumentException("truncation: expected a fraction from 0 to 0.5, got " + truncation);
        }
        long start = System.nanoTime();
        int n = utility.players();
        double[] ends = Sampler.ends(utility);
        double empty = ends[0];
        double grand = ends[1];
        double cutoff = truncation * Math.abs(grand - empty);
        Strata strata = Strata.of(utility, empty, budget.threads());
        RunningMean[] stats = new RunningMean[n];
        for (int p = 0; p < n; p++) {
            stats[p] = new RunningMean();
        }
        long[] evaluations = {2 + strata.evaluations()};
        Sampler<Sample> sampler = new Sampler<>(utility, budget);
        Sampler.Outcome o = sampler.run((co, k) -> {
            int[] order = permutation(n, Sampler.random(seed, k));
            double[] m = new double[n];
            int evals = walk(co, order, strata, grand, cutoff, m, false);
            evals += walk(co, order, strata, grand, cutoff, m, true);
            for (int p = 0; p < n; p++) {
                m[p] /= 2;
            }
            return new Sample(m, evals);
        }, s -> {
            for (int p = 0; p < n; p++) {
                stats[p].add(s.marginals[p]);
            }
            evaluations[0] += s.evaluations;
        }, () -> met(stats, strata, budget));
        List<Estimate> values = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            values.add(Estimate.of(p, strata.exact[p] + stats[p].mean(), strata.positions == n ? 0 : stats[p].stderr()));
        }
        return new Valuation(Method.TMC_SHAPLEY, seed, empty, grand, values, o.samples(), evaluations[0], o.converged(), Sampler.since(start));
    }

    private record Sample(double[] marginals, int evaluations) {}

    /**
     * Adds the players in {@code order} (reversed when asked), adding to {@code m} the marginal of each player after the
     * exact strata; the coalition of the first exact positions is known without evaluating it.
     */
    private static int walk(Utility.Coalition co, int[] order, Strata strata, double grand, double cutoff, double[] m, boolean reversed) {
        co.clear();
        int n = order.length;
        int first = reversed ? order[n - 1] : order[0];
        double prev = 0;
        int evals = 0;
        for (int j = 0; j < n; j++) {
            int p = order[reversed ? n - 1 - j : j];
            if (j >= strata.positions && cutoff > 0 && Math.abs(grand - prev) < cutoff) {
                break; // the rest of this permutation adds (almost) nothing: their marginals stay 0
            }
            co.add(p);
            double v;
            if (j == n - 1) {
                v = grand;
            } else if (j == 0 && strata.positions >= 1) {
                v = strata.single[p];
            } else if (j == 1 && strata.positions >= 2) {
                v = strata.pair(first, p);
            } else {
                v = co.value();
                evals++;
            }
            if (j >= strata.positions) {
                m[p] += v - prev;
            }
            prev = v;
        }
        return evals;
    }

    static boolean met(RunningMean[] stats, Strata strata, Budget budget) {
        double largest = 0;
        double worst = 0;
        long n = 0;
        for (int p = 0; p < stats.length; p++) {
            largest = Math.max(largest, Math.abs(strata.exact[p] + stats[p].mean()));
            worst = Math.max(worst, stats[p].stderr());
            n = stats[p].count();
        }
        budget.progress().after(n, worst, largest);
        return budget.met(worst, largest);
    }

    /** The positions computed exactly: u of every single player and (up to the limit) of every pair. */
    private static final class Strata {
        final int positions;
        final double[] single;
        final double[][] pairs;
        final double[] exact; // each player's exactly computed part of its value

        private Strata(int positions, double[] single, double[][] pairs, double[] exact) {
            this.positions = positions;
            this.single = single;
            this.pairs = pairs;
            this.exact = exact;
        }

        double pair(int a, int b) {
            return pairs[Math.min(a, b)][Math.max(a, b)];
        }

        long evaluations() {
            int n = single.length;
            return positions >= 2 ? n + (long) n * (n - 1) / 2 : n;
        }

        static Strata of(Utility u, double empty, int threads) throws InterruptedException {
            int n = u.players();
            int positions = n <= PAIRWISE_LIMIT ? Math.min(2, n) : 1;
            double[] single = new double[n];
            double[][] pairs = new double[n][];
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
                for (int w = 0; w < threads; w++) {
                    int worker = w;
                    tasks.add(pool.submit(() -> {
                        Utility.Coalition c = u.empty();
                        for (int a = worker; a < n; a += threads) {
                            c.clear();
                            c.add(a);
                            single[a] = c.value();
                            if (positions < 2) {
                                continue;
                            }
                            pairs[a] = new double[n];
                            for (int b = a + 1; b < n; b++) {
                                c.add(b);
                                pairs[a][b] = c.value();
                                c.remove(b);
                            }
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : tasks) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            double[] exact = new double[n];
            for (int i = 0; i < n; i++) {
                exact[i] = (single[i] - empty) / n;
                if (positions >= 2) {
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        if (j != i) {
                            sum += pairs[Math.min(i, j)][Math.max(i, j)] - single[j];
                        }
                    }
                    exact[i] += sum / (n - 1) / n;
                }
            }
            return new Strata(positions, single, pairs, exact);
        }
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
    static int[] permutation(int n, SplittableRandom r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
