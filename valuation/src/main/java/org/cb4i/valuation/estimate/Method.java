package org.cb4i.valuation.estimate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The estimators, by the names the command line and the JSON report use. */
public enum Method {
    /** Leave-one-out: what the grand coalition loses without the player. */
    LOO("loo"),
    /** Truncated Monte Carlo Shapley over antithetic pairs of permutations. */
    TMC_SHAPLEY("tmc-shapley"),
    /** Data Banzhaf with maximum-sample-reuse. */
    BANZHAF("banzhaf"),
    /** Shapley values by enumerating every coalition (up to {@link ExactShapley#MAX_PLAYERS} players). */
    EXACT("exact");

    private final String token;

    Method(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /**
     * The method named {@code token}.
     *
     * @throws IllegalArgumentException naming the methods there are
     */
    public static Method of(String token) {
        for (Method m : values()) {
            if (m.token.equals(token.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("no method " + token + "; expected one of "
                + Arrays.stream(values()).map(Method::token).collect(Collectors.joining(", ")));
    }
}
