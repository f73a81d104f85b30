package org.cb4i.valuation.estimate;

import java.time.Duration;
import java.util.List;

/**
 * What an estimator found.
 *
 * @param method the estimator
 * @param seed the seed of its samples (0 for the methods that draw none)
 * @param emptyUtility the utility of the empty coalition
 * @param grandUtility the utility of the coalition of every player
 * @param values each player's estimate, by player number
 * @param samples the samples drawn: antithetic pairs of permutations (TMC), coalitions (Banzhaf), 0 otherwise
 * @param evaluations the utilities evaluated
 * @param converged whether the convergence rule was met (always true for an exact method); false: the budget ran out
 * @param elapsed the wall-clock time taken
 */
public record Valuation(Method method, long seed, double emptyUtility, double grandUtility, List<Estimate> values, long samples,
        long evaluations, boolean converged, Duration elapsed) {
    public Valuation {
        values = List.copyOf(values);
    }

    /** The largest absolute value of any player (0 when every value is 0). */
    public double largestMagnitude() {
        double m = 0;
        for (Estimate e : values) {
            m = Math.max(m, Math.abs(e.value()));
        }
        return m;
    }

    /** The largest standard error of any player. */
    public double largestStderr() {
        double m = 0;
        for (Estimate e : values) {
            m = Math.max(m, e.stderr());
        }
        return m;
    }
}
