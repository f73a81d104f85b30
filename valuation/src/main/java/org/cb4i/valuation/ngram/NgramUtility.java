package org.cb4i.valuation.ngram;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cb4i.valuation.game.Utility;

/**
 * The utility of a coalition of groups of texts: how many bits per byte a byte-level n-gram language model trained on
 * the coalition's texts saves, on the evaluation texts, against the empty model (which gives every byte 1/256, 8 bits).
 *
 * <p><b>The model.</b> For a byte x after the context h (the up to {@code order − 1} bytes before it in the same
 * text), interpolated Witten–Bell smoothing:
 * <pre>
 *   P(x | h) = (c(hx) + T(h) · P(x | h')) / (c(h) + T(h))   when c(h) &gt; 0, else P(x | h')
 *   P(x | ε) likewise over the empty context, with P(x | below ε) = 1/256
 * </pre>
 * where h' is h without its oldest byte, c(hx) counts the n-gram hx in the coalition's texts, c(h) = Σ<sub>s</sub> c(hs)
 * and T(h) is the number of distinct bytes s with c(hs) &gt; 0. Every P(· | h) sums to 1 over the 256 bytes. An
 * evaluation byte is predicted from the longest context its own text gives (the first bytes of a text have shorter
 * ones); contexts never cross texts. Bits per byte = −Σ log<sub>2</sub> P(x<sub>i</sub> | h<sub>i</sub>) / N over the N
 * evaluation bytes; the utility is 8 − that.
 *
 * <p><b>Why it is fast.</b> Only contexts that occur in the evaluation texts matter. They are numbered once; each
 * group's texts become a sorted table of (n-gram slot, count) restricted to those contexts; a coalition keeps the
 * summed counts, c(h) and T(h), so adding or removing a group walks its table once, and evaluating walks the
 * evaluation's distinct (context, byte) pairs once, lower orders first (each pair's probability is computed from its
 * parent's, the same pair one context byte shorter).
 *
 * <p>Immutable once built and thread-safe; each {@link Coalition} is for one thread. Build with {@link #builder}.
 */
public final class NgramUtility implements Utility {
    /** The n-gram order used when none is given: contexts of up to five bytes. */
    public static final int DEFAULT_ORDER = 6;
    /** The longest n-gram: its bytes and length are packed in one {@code long}. */
    public static final int MAX_ORDER = 7;
    /** The bits per byte of the empty model. */
    public static final double EMPTY_BITS_PER_BYTE = 8.0;
    private static final double LN2 = Math.log(2);

    private final int order;
    private final long evalBytes;
    // The evaluation's distinct (context, byte) pairs, lower orders before the pairs that extend them. Pair i is slot i.
    private final int pairs;
    private final int[] pairParent; // the same pair one context byte shorter; −1 for the empty context
    private final int[] weighted; // the pairs some evaluation byte is predicted from ...
    private final int[] weight; // ... and how many
    // Every (context, byte) slot counted: the evaluation's pairs, then the n-grams only the training texts have.
    private final int[] slotCtx;
    private final int contexts;
    private final int[][] groupSlots;
    private final int[][] groupCounts;
    private final long[] groupBytes;

    private NgramUtility(int order, long evalBytes, int pairs, int[] pairParent, int[] weighted, int[] weight, int[] slotCtx, int contexts,
            int[][] groupSlots, int[][] groupCounts, long[] groupBytes) {
        this.order = order;
        this.evalBytes = evalBytes;
        this.pairs = pairs;
        this.pairParent = pairParent;
        this.weighted = weighted;
        this.weight = weight;
        this.slotCtx = slotCtx;
        this.contexts = contexts;
        this.groupSlots = groupSlots;
        this.groupCounts = groupCounts;
        this.groupBytes = groupBytes;
    }

    /**
     * A builder for {@code order}-grams: first every evaluation text ({@link Builder#evaluation}), then the groups'
     * texts ({@link Builder#training}, in any order).
     *
     * @throws IllegalArgumentException for an order outside 1..{@link #MAX_ORDER}
     */
    public static Builder builder(int order) {
        return new Builder(order);
    }

    @Override
    public int players() {
        return groupSlots.length;
    }

    public int order() {
        return order;
    }

    /** The evaluation texts' length in bytes. */
    public long evaluationBytes() {
        return evalBytes;
    }

    /** A group's training bytes. */
    public long trainingBytes(int group) {
        return groupBytes[group];
    }

    /** What the model holds, for a reader sizing a run: contexts, slots and the groups' table entries. */
    public String size() {
        long entries = 0;
        for (int[] s : groupSlots) {
            entries += s.length;
        }
        return contexts + " evaluation contexts, " + pairs + " evaluation (context, byte) pairs, " + slotCtx.length + " counted slots, " + entries
                + " group table entries";
    }

    /** Bits per byte on the evaluation texts of a utility value. */
    public static double bitsPerByte(double utility) {
        return EMPTY_BITS_PER_BYTE - utility;
    }

    @Override
    public Coalition empty() {
        return new State();
    }

    /** One thread's coalition: the summed counts of its groups. */
    private final class State implements Coalition {
        private final boolean[] in = new boolean[groupSlots.length];
        private final int[] slotCount = new int[slotCtx.length];
        private final long[] ctxCount = new long[contexts];
        private final int[] ctxTypes = new int[contexts];
        private final double[] prob = new double[pairs];

        @Override
        public void add(int g) {
            check(g, false);
            in[g] = true;
            apply(g, 1);
        }

        @Override
        public void remove(int g) {
            check(g, true);
            in[g] = false;
            apply(g, -1);
        }

        /** Adds ({@code sign} 1) or takes away (−1) a group's counts; a context's types are the slots above 0. */
        private void apply(int g, int sign) {
            int[] s = groupSlots[g];
            int[] c = groupCounts[g];
            for (int i = 0; i < s.length; i++) {
                int slot = s[i];
                int ctx = slotCtx[slot];
                int before = slotCount[slot];
                int after = before + sign * c[i];
                slotCount[slot] = after;
                ctxCount[ctx] += sign * c[i];
                if (before == 0) {
                    ctxTypes[ctx]++;
                } else if (after == 0) {
                    ctxTypes[ctx]--;
                }
            }
        }

        @Override
        public boolean contains(int g) {
            return g >= 0 && g < in.length && in[g];
        }

        @Override
        public void clear() {
            Arrays.fill(in, false);
            Arrays.fill(slotCount, 0);
            Arrays.fill(ctxCount, 0);
            Arrays.fill(ctxTypes, 0);
        }

        @Override
        public double value() {
            int[] parent = pairParent;
            int[] sc = slotCtx;
            for (int p = 0; p < pairs; p++) {
                int up = parent[p];
                double lower = up < 0 ? 1.0 / 256 : prob[up];
                int ctx = sc[p];
                long cc = ctxCount[ctx];
                if (cc == 0) {
                    prob[p] = lower;
                } else {
                    int t = ctxTypes[ctx];
                    prob[p] = (slotCount[p] + t * lower) / (cc + t);
                }
            }
            // The bits saved on each byte against the empty model's 8: log2(256 · P), exactly 0 where P is still 1/256.
            // Pairs seen once are multiplied together and their product's logarithm taken every 32 factors (with its
            // binary exponent kept apart, so it never overflows nor underflows): a logarithm costs twenty multiplications.
            double saved = 0;
            double product = 1;
            long exponent = 0;
            for (int i = 0; i < weighted.length; i++) {
                double f = 256 * prob[weighted[i]];
                int w = weight[i];
                if (w == 1) {
                    product *= f;
                } else {
                    saved += w * Math.log(f);
                }
                if ((i & 31) == 31) {
                    int e = Math.getExponent(product);
                    exponent += e;
                    product = Math.scalb(product, -e);
                }
            }
            return (saved + Math.log(product) + exponent * LN2) / LN2 / evalBytes;
        }

        private void check(int g, boolean expectedIn) {
            if (g < 0 || g >= in.length) {
                throw new IllegalArgumentException("group " + g + " is not one of the " + in.length + " groups");
            }
            if (in[g] != expectedIn) {
                throw new IllegalArgumentException("group " + g + (expectedIn ? " is not in the coalition" : " is already in the coalition"));
            }
        }
    }

    /**
     * Builds the model's tables. Not thread-safe. The evaluation texts come first: they decide which contexts are
     * counted at all.
     */
    public static final class Builder {
        private final int order;
        private final Long2IntOpenHashMap ctxIds = new Long2IntOpenHashMap();
        private final Long2IntOpenHashMap slotIds = new Long2IntOpenHashMap();
        private final IntArrayList slotCtx = new IntArrayList();
        private final IntArrayList pairParent = new IntArrayList();
        private final IntArrayList pairWeight = new IntArrayList();
        private long evalBytes;
        private int pairs = -1; // set when the first training text arrives
        private final List<Int2IntOpenHashMap> counts = new ArrayList<>();
        private final List<long[]> bytes = new ArrayList<>();

        private Builder(int order) {
            if (order < 1 || order > MAX_ORDER) {
                throw new IllegalArgumentException("order: expected 1 to " + MAX_ORDER + ", got " + order);
            }
            this.order = order;
            ctxIds.defaultReturnValue(-1);
            slotIds.defaultReturnValue(-1);
        }

        /**
         * Adds an evaluation text.
         *
         * @throws IllegalStateException after the first training text
         */
        public Builder evaluation(byte[] text) {
            if (pairs >= 0) {
                throw new IllegalStateException("the evaluation texts come before the training texts");
            }
            for (int i = 0; i < text.length; i++) {
                int x = text[i] & 0xff;
                long ctxBytes = 0;
                int parent = -1;
                int top = Math.min(i, order - 1);
                for (int k = 0; k <= top; k++) {
                    if (k > 0) {
                        ctxBytes |= (long) (text[i - k] & 0xff) << (8 * (k - 1));
                    }
                    int ctx = ctxIds.get(key(ctxBytes, k));
                    if (ctx < 0) {
                        ctx = ctxIds.size();
                        ctxIds.put(key(ctxBytes, k), ctx);
                    }
                    long pk = key((ctxBytes << 8) | x, k + 1);
                    int pair = slotIds.get(pk);
                    if (pair < 0) {
                        pair = slotCtx.size();
                        slotIds.put(pk, pair);
                        slotCtx.add(ctx);
                        pairParent.add(parent);
                        pairWeight.add(0);
                    }
                    if (k == top) {
                        pairWeight.set(pair, pairWeight.getInt(pair) + 1);
                    }
                    parent = pair;
                }
            }
            evalBytes += text.length;
            return this;
        }

        /**
         * Adds a training text of {@code group} (numbered from 0; a group with no text is refused at {@link #build}).
         * Contexts never cross texts: give a group's texts one by one.
         */
        public Builder training(int group, byte[] text) {
            if (pairs < 0) {
                pairs = slotCtx.size();
            }
            if (group < 0) {
                throw new IllegalArgumentException("group: expected 0 or more, got " + group);
            }
            while (counts.size() <= group) {
                counts.add(new Int2IntOpenHashMap());
                bytes.add(new long[1]);
            }
            Int2IntOpenHashMap table = counts.get(group);
            bytes.get(group)[0] += text.length;
            for (int i = 0; i < text.length; i++) {
                int x = text[i] & 0xff;
                long ctxBytes = 0;
                int top = Math.min(i, order - 1);
                for (int k = 0; k <= top; k++) {
                    if (k > 0) {
                        ctxBytes |= (long) (text[i - k] & 0xff) << (8 * (k - 1));
                    }
                    int ctx = ctxIds.get(key(ctxBytes, k));
                    if (ctx < 0) {
                        break; // no evaluation byte follows this context, nor any longer one ending with it
                    }
                    long sk = key((ctxBytes << 8) | x, k + 1);
                    int slot = slotIds.get(sk);
                    if (slot < 0) {
                        slot = slotCtx.size();
                        slotIds.put(sk, slot);
                        slotCtx.add(ctx);
                    }
                    table.addTo(slot, 1);
                }
            }
            return this;
        }

        /**
         * The utility of coalitions of the {@code groups} groups.
         *
         * @throws IllegalArgumentException when there is no evaluation text, or a group has no training text
         */
        public NgramUtility build(int groups) {
            if (evalBytes == 0) {
                throw new IllegalArgumentException("the evaluation texts are empty: there is nothing to score a model on");
            }
            if (pairs < 0) {
                pairs = slotCtx.size();
            }
            int[][] gs = new int[groups][];
            int[][] gc = new int[groups][];
            long[] gb = new long[groups];
            for (int g = 0; g < groups; g++) {
                if (g >= bytes.size() || bytes.get(g)[0] == 0) {
                    throw new IllegalArgumentException("group " + g + " has no training text");
                }
                Int2IntOpenHashMap t = counts.get(g);
                int[] slots = t.keySet().toIntArray();
                Arrays.sort(slots); // walked in slot order, the counts are touched in memory order
                int[] c = new int[slots.length];
                for (int i = 0; i < slots.length; i++) {
                    c[i] = t.get(slots[i]);
                }
                gs[g] = slots;
                gc[g] = c;
                gb[g] = bytes.get(g)[0];
                counts.set(g, null); // freed as we go: the hash tables are several times the arrays
            }
            int[] weighted = new int[countWeighted()];
            int[] weight = new int[weighted.length];
            for (int p = 0, w = 0; p < pairs; p++) {
                if (pairWeight.getInt(p) > 0) {
                    weighted[w] = p;
                    weight[w++] = pairWeight.getInt(p);
                }
            }
            return new NgramUtility(order, evalBytes, pairs, pairParent.toIntArray(), weighted, weight, slotCtx.toIntArray(), ctxIds.size(), gs, gc,
                    gb);
        }

        private int countWeighted() {
            int n = 0;
            for (int p = 0; p < pairs; p++) {
                if (pairWeight.getInt(p) > 0) {
                    n++;
                }
            }
            return n;
        }

        /** The bytes of an n-gram (oldest byte highest) and its length, in one key. */
        private static long key(long packed, int length) {
            return ((long) length << 56) | packed;
        }
    }
}
