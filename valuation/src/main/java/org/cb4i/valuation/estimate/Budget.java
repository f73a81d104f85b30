package org.cb4i.valuation.estimate;

import java.time.Duration;

/**
 * When a sampling estimator stops: when every player's standard error is at most {@code tolerance} times the largest
 * absolute value (after at least {@code minSamples} samples), or at the budget, whichever comes first. A count budget
 * gives the same numbers on any machine; a time budget may stop a slower machine earlier.
 *
 * @param tolerance the largest standard error allowed, as a fraction of the largest absolute value (e.g. 0.05)
 * @param minSamples samples drawn before the rule is first checked
 * @param maxSamples samples drawn at most
 * @param maxTime wall-clock time at most (checked between batches of samples)
 * @param threads threads evaluating samples (the numbers do not depend on it)
 */
public record Budget(double tolerance, int minSamples, long maxSamples, Duration maxTime, int threads, Progress progress) {
    /** Told after each batch of samples how far the run is (for a long run's user); must be quick. */
    public interface Progress {
        /**
         * @param samples drawn so far
         * @param largestStderr the largest standard error now
         * @param largestMagnitude the largest absolute value now
         */
        void after(long samples, double largestStderr, double largestMagnitude);

        Progress NONE = (n, e, v) -> { };
    }

    /** Samples drawn between two checks of the rule (fixed, so that where a run stops does not depend on the threads). */
    public static final int BATCH = 8;

    /** 5% of the largest value, at least 16 samples, at most 100,000 samples or one hour, on every core. */
    public static Budget defaults() {
        return new Budget(0.05, 16, 100_000, Duration.ofHours(1), Runtime.getRuntime().availableProcessors(), Progress.NONE);
    }

    public Budget {
        if (!(tolerance > 0) || tolerance >= 1) {
            throw new IllegalArgumentException("tolerance: expected a fraction between 0 and 1, got " + tolerance);
        }
        if (minSamples < 2 || maxSamples < minSamples) {
            throw new IllegalArgumentException("samples: at least 2, and the most at least the least (" + minSamples + ", " + maxSamples + ")");
        }
        if (maxTime.isNegative() || maxTime.isZero()) {
            throw new IllegalArgumentException("time: expected a positive duration");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: at least 1");
        }
    }

    public Budget withTolerance(double t) {
        return new Budget(t, minSamples, maxSamples, maxTime, threads, progress);
    }

    public Budget withSamples(int min, long max) {
        return new Budget(tolerance, min, max, maxTime, threads, progress);
    }

    public Budget withMaxTime(Duration d) {
        return new Budget(tolerance, minSamples, maxSamples, d, threads, progress);
    }

    public Budget withThreads(int n) {
        return new Budget(tolerance, minSamples, maxSamples, maxTime, n, progress);
    }

    public Budget withProgress(Progress p) {
        return new Budget(tolerance, minSamples, maxSamples, maxTime, threads, p);
    }

    /** Whether the values are precise enough: every standard error within the tolerance of the largest value. */
    boolean met(double largestStderr, double largestMagnitude) {
        return largestStderr <= tolerance * largestMagnitude;
    }
}
