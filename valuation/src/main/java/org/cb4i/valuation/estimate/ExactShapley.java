package org.cb4i.valuation.estimate;

import java.util.ArrayList;
import java.util.List;
import org.cb4i.valuation.game.Utility;

/**
 * Shapley and Banzhaf values by evaluating every coalition: 2<sup>n</sup> utilities, visited in Gray-code order so that
 * each differs from the one before by one player (one add or remove, never a coalition built from nothing). The
 * reference the sampling estimators are checked against.
 */
public final class ExactShapley {
    /** The most players enumerated: 4,096 coalitions. */
    public static final int MAX_PLAYERS = 12;

    private ExactShapley() {}

    /**
     * The Shapley values: player i gets Σ over coalitions S without i of |S|!(n−|S|−1)!/n! · (u(S ∪ {i}) − u(S)).
     *
     * @throws IllegalArgumentException with more than {@link #MAX_PLAYERS} players
     */
    public static Valuation shapley(Utility utility) {
        long start = System.nanoTime();
        int n = players(utility);
        double[] u = enumerate(utility);
        double[] weight = new double[n]; // |S|!(n−|S|−1)!/n!, by |S|
        for (int s = 0; s < n; s++) {
            weight[s] = 1.0 / (n * binomial(n - 1, s));
        }
        List<Estimate> values = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            double v = 0;
            int bit = 1 << p;
            for (int mask = 0; mask < u.length; mask++) {
                if ((mask & bit) == 0) {
                    v += weight[Integer.bitCount(mask)] * (u[mask | bit] - u[mask]);
                }
            }
            values.add(Estimate.of(p, v, 0));
        }
        return new Valuation(Method.EXACT, 0, u[0], u[u.length - 1], values, 0, u.length, true, Sampler.since(start));
    }

    /**
     * The Banzhaf values: player i gets the mean of u(S ∪ {i}) − u(S) over the 2<sup>n−1</sup> coalitions S without i.
     *
     * @throws IllegalArgumentException with more than {@link #MAX_PLAYERS} players
     */
    public static List<Double> banzhaf(Utility utility) {
        int n = players(utility);
        double[] u = enumerate(utility);
        List<Double> out = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            double v = 0;
            int bit = 1 << p;
            for (int mask = 0; mask < u.length; mask++) {
                if ((mask & bit) == 0) {
                    v += u[mask | bit] - u[mask];
                }
            }
            out.add(v / (u.length / 2));
        }
        return out;
    }

    private static int players(Utility utility) {
        int n = utility.players();
        if (n > MAX_PLAYERS) {
            throw new IllegalArgumentException("exact Shapley enumerates 2^n coalitions: at most " + MAX_PLAYERS + " groups, there are " + n
                    + " (use tmc-shapley or banzhaf)");
        }
        return n;
    }

    /** The utility of every coalition, by its bit mask. */
    private static double[] enumerate(Utility utility) {
        int n = utility.players();
        double[] u = new double[1 << n];
        Utility.Coalition c = utility.empty();
        u[0] = c.value();
        int mask = 0;
        for (int k = 1; k < u.length; k++) {
            int p = Integer.numberOfTrailingZeros(k); // the Gray code g(k) = k ^ (k >> 1) differs from g(k−1) in this bit
            if ((mask & (1 << p)) == 0) {
                c.add(p);
            } else {
                c.remove(p);
            }
            mask ^= 1 << p;
            u[mask] = c.value();
        }
        return u;
    }

    private static double binomial(int n, int k) {
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }
}
