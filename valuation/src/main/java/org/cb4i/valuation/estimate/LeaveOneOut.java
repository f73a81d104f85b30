package org.cb4i.valuation.estimate;

import java.util.ArrayList;
import java.util.List;
import org.cb4i.valuation.game.Utility;

/**
 * Leave-one-out: a player's value is what the coalition of all players loses without it, u(N) − u(N \ {i}). Exact
 * (n + 2 utilities), but blind to redundancy: two players with the same data each get almost nothing, since the other
 * makes up for it; the Shapley and Banzhaf values share what they bring.
 */
public final class LeaveOneOut {
    private LeaveOneOut() {}

    public static Valuation estimate(Utility utility) {
        long start = System.nanoTime();
        int n = utility.players();
        Utility.Coalition c = utility.empty();
        double empty = c.value();
        for (int p = 0; p < n; p++) {
            c.add(p);
        }
        double grand = c.value();
        List<Estimate> values = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            c.remove(p);
            values.add(Estimate.of(p, grand - c.value(), 0));
            c.add(p);
        }
        return new Valuation(Method.LOO, 0, empty, grand, values, 0, n + 2, true, Sampler.since(start));
    }
}
