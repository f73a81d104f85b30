package org.cb4i.valuation.estimate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.cb4i.valuation.game.Utility;

/**
 * Draws samples in batches of {@link Budget#BATCH} on the budget's threads, each thread with its own coalition, and
 * hands them on in the order of their index: sample {@code k} depends on the seed and {@code k} only, and the
 * estimators sum samples in that order, so the numbers do not depend on the threads.
 */
final class Sampler<T> {
    /** Computes sample {@code index} with a coalition this thread alone uses. */
    interface Draw<T> {
        T draw(Utility.Coalition coalition, long index);
    }

    private final Utility utility;
    private final Budget budget;

    Sampler(Utility utility, Budget budget) {
        this.utility = utility;
        this.budget = budget;
    }

    /**
     * Draws until {@code done} (asked after each batch, once at least the budget's minimum was drawn) or the budget.
     *
     * @return the samples drawn, and whether {@code done} said so before the budget ran out
     */
    Outcome run(Draw<T> draw, Consumer<T> take, BooleanSupplier done) throws InterruptedException {
        int threads = budget.threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cb4i-valuation");
            t.setDaemon(true);
            return t;
        });
        Utility.Coalition[] coalitions = new Utility.Coalition[threads];
        long deadline = System.nanoTime() + budget.maxTime().toNanos();
        long drawn = 0;
        try {
            while (true) {
                int size = (int) Math.min(Budget.BATCH, budget.maxSamples() - drawn);
                @SuppressWarnings("unchecked")
                T[] out = (T[]) new Object[size];
                long first = drawn;
                List<Future<?>> tasks = new ArrayList<>(threads);
                for (int w = 0; w < Math.min(threads, size); w++) {
                    int worker = w;
                    tasks.add(pool.submit(() -> {
                        if (coalitions[worker] == null) {
                            coalitions[worker] = utility.empty();
                        }
                        for (int i = worker; i < size; i += threads) {
                            out[i] = draw.draw(coalitions[worker], first + i);
                        }
                    }));
                }
                for (Future<?> f : tasks) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        Throwable c = e.getCause();
                        throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
                    }
                }
                for (T t : out) {
                    take.accept(t);
                }
                drawn += size;
                if (drawn >= budget.minSamples() && done.getAsBoolean()) {
                    return new Outcome(drawn, true);
                }
                if (drawn >= budget.maxSamples() || System.nanoTime() >= deadline) {
                    return new Outcome(drawn, false);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    record Outcome(long samples, boolean converged) {}

    /** The random numbers of sample {@code index}: a stream of its own, from the seed and the index alone. */
    static SplittableRandom random(long seed, long index) {
        return new SplittableRandom(mix(seed) ^ mix(index + 0x632BE59BD9B4E019L));
    }

    /** A 64-bit finaliser (MurmurHash3's): nearby seeds and indices give unrelated streams. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The utilities of the empty and of the grand coalition, with a coalition left empty again. */
    static double[] ends(Utility utility) {
        Utility.Coalition c = utility.empty();
        double empty = c.value();
        for (int p = 0; p < utility.players(); p++) {
            c.add(p);
        }
        return new double[] {empty, c.value()};
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
