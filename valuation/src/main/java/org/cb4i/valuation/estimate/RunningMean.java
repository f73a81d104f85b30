package org.cb4i.valuation.estimate;

/** A mean and variance kept as samples arrive (Welford's method: no catastrophic cancellation). Not thread-safe. */
final class RunningMean {
    private long n;
    private double mean;
    private double m2;

    void add(double x) {
        n++;
        double d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
    }

    long count() {
        return n;
    }

    double mean() {
        return mean;
    }

    /** The sample variance (n − 1 in the denominator); 0 with fewer than two samples. */
    double variance() {
        return n < 2 ? 0 : m2 / (n - 1);
    }

    /** The standard error of the mean; infinite with fewer than two samples (nothing is known of the spread yet). */
    double stderr() {
        return n < 2 ? Double.POSITIVE_INFINITY : Math.sqrt(variance() / n);
    }
}
