package org.cb4i.valuation.estimate;

/**
 * One player's estimated value.
 *
 * @param player the player's number
 * @param value the estimate, in the utility's unit
 * @param stderr its standard error (0 for an exact method)
 * @param ciLow the lower end of its 95% confidence interval ({@code value − 1.96 stderr})
 * @param ciHigh the upper end
 */
public record Estimate(int player, double value, double stderr, double ciLow, double ciHigh) {
    /** The normal quantile of a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    /** An estimate with its 95% interval. */
    public static Estimate of(int player, double value, double stderr) {
        return new Estimate(player, value, stderr, value - Z95 * stderr, value + Z95 * stderr);
    }
}
