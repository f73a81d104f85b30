package org.cb4i.valuation.game;

import java.util.BitSet;
import java.util.function.ToDoubleFunction;

/**
 * A cooperative game: {@link #players()} players and the utility of every coalition of them. The estimators walk
 * coalitions by adding and removing one player at a time ({@link Coalition}), so a utility whose model is additive in
 * its data (cb4i's n-gram model) updates its state instead of training again; a plain set function is adapted by
 * {@link #of}.
 *
 * <p>Implementations must be deterministic (the same coalition always has the same utility) and safe to use from
 * several threads as long as each thread has its own {@link Coalition}.
 */
public interface Utility {
    /** The number of players, numbered from 0. */
    int players();

    /** A new coalition with no player in it, for one thread. */
    Coalition empty();

    /**
     * A coalition being built one player at a time. Not thread-safe: one per thread.
     */
    interface Coalition {
        /**
         * Adds a player.
         *
         * @throws IllegalArgumentException when the player is out of range or already in the coalition
         */
        void add(int player);

        /**
         * Removes a player.
         *
         * @throws IllegalArgumentException when the player is not in the coalition
         */
        void remove(int player);

        /** Whether a player is in the coalition. */
        boolean contains(int player);

        /** Removes every player: the coalition is empty again. */
        void clear();

        /** The utility of the coalition as it is now. */
        double value();
    }

    /**
     * A utility given as a function of the coalition's members (a copy of the set is never kept by the function).
     *
     * @param players the number of players
     * @param f the utility of a coalition (bit {@code i} set: player {@code i} is in it); deterministic and thread-safe
     */
    static Utility of(int players, ToDoubleFunction<BitSet> f) {
        if (players < 1) {
            throw new IllegalArgumentException("a game needs at least one player");
        }
        return new Utility() {
            @Override
            public int players() {
                return players;
            }

            @Override
            public Coalition empty() {
                BitSet in = new BitSet(players);
                return new Coalition() {
                    @Override
                    public void add(int p) {
                        check(p, false, in, players);
                        in.set(p);
                    }

                    @Override
                    public void remove(int p) {
                        check(p, true, in, players);
                        in.clear(p);
                    }

                    @Override
                    public boolean contains(int p) {
                        return in.get(p);
                    }

                    @Override
                    public void clear() {
                        in.clear();
                    }

                    @Override
                    public double value() {
                        return f.applyAsDouble(in);
                    }
                };
            }
        };
    }

    /** Refuses a player out of range, or one whose membership is not {@code expectedIn}. */
    static void check(int p, boolean expectedIn, BitSet in, int players) {
        if (p < 0 || p >= players) {
            throw new IllegalArgumentException("player " + p + " is not one of the " + players + " players");
        }
        if (in.get(p) != expectedIn) {
            throw new IllegalArgumentException("player " + p + (expectedIn ? " is not in the coalition" : " is already in the coalition"));
        }
    }
}
