import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.cb4i.valuation.data.Paragraphs;
import org.cb4i.valuation.estimate.Budget;
import org.cb4i.valuation.estimate.Estimate;
import org.cb4i.valuation.estimate.TmcShapley;
import org.cb4i.valuation.estimate.Valuation;
import org.cb4i.valuation.game.Utility;
import org.cb4i.valuation.ngram.NgramUtility;

/**
 * Valuation at scale (README, "What your data is worth"): GROUPS groups of real text totalling TRAIN_MB, an evaluation
 * set of EVAL_MB, byte-level ORDER-grams, TMC-Shapley until every standard error is within 5% of the largest value.
 * The text is this machine's documentation (Debian's /usr/share/doc and licenses, gzip files read through), grouped by
 * package in path order, so groups differ as publishers do; the evaluation set is taken from packages no group holds.
 *
 * Floor: a utility evaluation must at least score every evaluation byte once: one table lookup and one logarithm per
 * byte. The floor is that loop over EVAL_MB bytes (probabilities already in an array), timed here; the ratio is one
 * evaluation of the model against it.
 *
 * MODE tmc runs TMC-Shapley to 5%; MODE cost stops after timing one evaluation and one group's add (for the scaling table).
 *
 *   java -Xmx4g -cp cli/target/cb4i.jar bench/valuation/ValueBench.java GROUPS TRAIN_MB EVAL_MB ORDER MODE CORPUS_DIR...
 */
public class ValueBench {
    public static void main(String[] a) throws Exception {
        int groups = Integer.parseInt(a[0]);
        long trainBytes = (long) (Double.parseDouble(a[1]) * 1024 * 1024);
        long evalBytes = (long) (Double.parseDouble(a[2]) * 1024 * 1024);
        int order = Integer.parseInt(a[3]);
        boolean tmc = a[4].equals("tmc");
        List<Path> files = new ArrayList<>();
        for (int i = 5; i < a.length; i++) {
            try (Stream<Path> s = Files.walk(Path.of(a[i]))) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        // Every 8th package's files go to the evaluation set, the others to the groups, in path order.
        List<byte[]> eval = new ArrayList<>();
        List<List<byte[]>> train = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            train.add(new ArrayList<>());
        }
        long perGroup = trainBytes / groups;
        long[] have = new long[groups];
        long evalHave = 0;
        long trainHave = 0;
        String lastPackage = "";
        int packages = 0;
        for (Path f : files) {
            if (evalHave >= evalBytes && trainHave >= perGroup * groups) {
                break;
            }
            String pkg = f.getNameCount() > 3 ? f.subpath(0, 4).toString() : f.toString();
            if (!pkg.equals(lastPackage)) {
                lastPackage = pkg;
                packages++;
            }
            // Every 8th package goes to the evaluation set; the others to group (package number mod groups), each up to its share.
            boolean toEval = packages % 8 == 0;
            int g = packages % groups;
            if (toEval ? evalHave >= evalBytes : have[g] >= perGroup) {
                continue;
            }
            byte[] text = text(f);
            if (text == null || text.length < 200) {
                continue;
            }
            if (toEval) {
                byte[] t = text.length > evalBytes - evalHave ? java.util.Arrays.copyOf(text, (int) (evalBytes - evalHave)) : text;
                eval.add(t);
                evalHave += t.length;
            } else {
                byte[] t = text.length > perGroup - have[g] ? java.util.Arrays.copyOf(text, (int) (perGroup - have[g])) : text;
                train.get(g).add(t);
                have[g] += t.length;
                trainHave += t.length;
            }
        }
        System.out.printf(Locale.ROOT, "corpus: %d files read; %d groups, %.1f MB training text, %.2f MB evaluation text%n", files.size(), groups,
                trainHave / 1048576.0, evalHave / 1048576.0);
        if (trainHave < trainBytes * 0.9 || evalHave < evalBytes * 0.9 || java.util.Arrays.stream(have).anyMatch(x -> x == 0)) {
            System.out.println("not enough text in the corpus folders for these sizes");
            System.exit(2);
        }

        long t0 = System.nanoTime();
        NgramUtility.Builder b = NgramUtility.builder(order);
        eval.forEach(b::evaluation);
        for (int i = 0; i < groups; i++) {
            for (byte[] t : train.get(i)) {
                b.training(i, t);
            }
        }
        NgramUtility u = b.build(groups);
        double buildS = (System.nanoTime() - t0) / 1e9;
        train = null;
        System.gc();
        long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        System.out.printf(Locale.ROOT, "model: order %d; %s; built in %.1f s; heap after build %.0f MB (%.0f MB a thread's coalition state)%n", order,
                u.size(), buildS, heap / 1048576.0, stateBytes(u) / 1048576.0);

        // One utility evaluation and one group added, timed on a full coalition.
        Utility.Coalition c = u.empty();
        for (int i = 0; i < groups; i++) {
            c.add(i);
        }
        double grand = c.value();
        int reps = 20;
        long e0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            c.value();
        }
        double evalMs = (System.nanoTime() - e0) / 1e6 / reps;
        long a0 = System.nanoTime();
        for (int i = 0; i < groups; i++) {
            c.remove(i);
            c.add(i);
        }
        double addMs = (System.nanoTime() - a0) / 1e6 / (2 * groups);
        double floorMs = floor(evalHave);
        System.out.printf(Locale.ROOT, "utility: %.3f bits per byte saved by all groups; one evaluation %.2f ms (%.0f evaluations/s), one group added or "
                + "removed %.3f ms%n", grand, evalMs, 1000 / evalMs, addMs);
        System.out.printf(Locale.ROOT, "floor: one lookup and one logarithm per evaluation byte, %.2f ms; one evaluation / floor = %.2fx%n", floorMs,
                evalMs / floorMs);

        if (!tmc) {
            System.out.printf(Locale.ROOT, "cost: %d groups, %.1f MB: one TMC sample (a permutation and its reverse) about %.2f s of CPU%n", groups,
                    trainHave / 1048576.0, 2 * ((groups - 2) * evalMs + groups * addMs) / 1000);
            return;
        }
        long s0 = System.nanoTime();
        long[] lastPrint = {System.nanoTime()};
        Budget.Progress progress = (n, se, largest) -> {
            if (System.nanoTime() - lastPrint[0] > 30e9) {
                lastPrint[0] = System.nanoTime();
                System.out.printf(Locale.ROOT, "  %.0f s: %d samples, largest stderr %.5f = %.1f%% of the largest value %.4f%n",
                        (System.nanoTime() - s0) / 1e9, n, se, 100 * se / largest, largest);
            }
        };
        Valuation v = TmcShapley.estimate(u, 1, Budget.defaults().withTolerance(0.05).withMaxTime(java.time.Duration.ofMinutes(20))
                .withProgress(progress), TmcShapley.DEFAULT_TRUNCATION);
        double s = (System.nanoTime() - s0) / 1e9;
        double largest = v.largestMagnitude();
        double worst = v.largestStderr();
        long negative = v.values().stream().filter(e -> e.value() <= 0).count();
        Estimate top = v.values().stream().max((x, y) -> Double.compare(x.value(), y.value())).orElseThrow();
        System.out.printf(Locale.ROOT, "tmc-shapley: %s in %.0f s (target 600 s): %d antithetic pairs, %d evaluations (%.0f/s on %d threads); largest "
                + "value %.4f (group %d), largest stderr %.5f = %.1f%% of it (target 5%%); sum of values %.4f vs grand %.4f; %d groups valued 0 or less%n",
                v.converged() ? "converged" : "NOT converged", s, v.samples(), v.evaluations(), v.evaluations() / s,
                Runtime.getRuntime().availableProcessors(), largest, top.player(), worst, 100 * worst / largest,
                v.values().stream().mapToDouble(Estimate::value).sum(), v.grandUtility(), negative);
    }

    /** A thread's coalition state: slot counts, context counts and types, and the pairs' probabilities. */
    static long stateBytes(NgramUtility u) {
        String[] parts = u.size().split("[ ,]+");
        long contexts = Long.parseLong(parts[0]);
        long pairs = Long.parseLong(parts[3]);
        long slots = Long.parseLong(parts[8]);
        return slots * 4 + contexts * 12 + pairs * 8;
    }

    /** The floor: one array lookup and one logarithm per evaluation byte. */
    static double floor(long n) {
        double[] p = new double[1 << 16];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextDouble() * 0.5 + 0.01;
        }
        int[] idx = new int[(int) n];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(p.length);
        }
        double best = Double.MAX_VALUE;
        double sink = 0;
        for (int rep = 0; rep < 15; rep++) {
            long t = System.nanoTime();
            double s = 0;
            for (int i : idx) {
                s += Math.log(p[i]);
            }
            sink += s;
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        if (sink == 42) {
            System.out.print("");
        }
        return best;
    }

    /** A file's text (gzip read through) as normalised paragraphs, or null when it is not UTF-8 text. */
    static byte[] text(Path f) {
        try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f)) {
            byte[] raw = in.readNBytes(4 * 1024 * 1024);
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
            if (s.indexOf('\0') >= 0) {
                return null;
            }
            return String.join("\n", Paragraphs.of(s)).getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
