package org.cb4i.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cb4i.sdk.files.AtomicFiles;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.valuation.data.EvaluationSet;
import org.cb4i.valuation.data.TrainingGroups;
import org.cb4i.valuation.estimate.Budget;
import org.cb4i.valuation.estimate.DataBanzhaf;
import org.cb4i.valuation.estimate.ExactShapley;
import org.cb4i.valuation.estimate.LeaveOneOut;
import org.cb4i.valuation.estimate.Method;
import org.cb4i.valuation.estimate.TmcShapley;
import org.cb4i.valuation.estimate.Valuation;
import org.cb4i.valuation.ngram.NgramUtility;
import org.cb4i.valuation.report.ValueHtml;
import org.cb4i.valuation.report.ValueReport;
import org.cb4i.verifier.trust.TrustStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cb4i value}: what each member's (or publisher's) verified texts are worth to a model, as bargaining evidence. */
@Command(name = "value", mixinStandardHelpOptions = true,
        description = "Estimate what each member's or publisher's verified texts are worth to a byte-level n-gram language model on an "
                + "evaluation set: the bits per byte they save, shared out by leave-one-out, Truncated Monte Carlo Shapley, Data Banzhaf or exact "
                + "Shapley, each value with its standard error and 95% interval. Only records that verify for the usage are valued. "
                + "Exit 0 when done, 2 for bad usage or unreadable input.")
final class ValueCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(s|m|h)");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DATASET", description = "A dataset folder (holding manifest.jsonl) or a manifest file.")
    Path dataset;

    @Option(names = "--trust", required = true, paramLabel = "FILE", description = "The trust store (cb4i trust add).")
    Path trust;

    @Option(names = "--eval", required = true, paramLabel = "FILE|DIR", description = "The evaluation set: a UTF-8 text file, or a folder of them.")
    Path eval;

    @Option(names = "--by", defaultValue = "member", paramLabel = "WHAT", description = "member (default: the licensing collective's repertoire "
            + "entry that held the publisher at fetch time) or publisher (the origin).")
    String by;

    @Option(names = "--method", defaultValue = "tmc-shapley", paramLabel = "METHOD", description = "loo, tmc-shapley (default), banzhaf or exact "
            + "(up to 12 groups).")
    String method;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "The sampling seed (default ${DEFAULT-VALUE}): the same inputs "
            + "and seed give the same numbers.")
    long seed;

    @Option(names = "--budget", paramLabel = "N|TIME", description = "Stop sampling after N samples, or after a time such as 90s, 10m, 1h (repeat "
            + "to give both; default 100000 samples, 1h). A count gives the same numbers on any machine; a time may stop a slower one earlier.")
    List<String> budget = new ArrayList<>();

    @Option(names = "--tolerance", defaultValue = "0.05", paramLabel = "FRACTION", description = "Sampling stops when every standard error is "
            + "at most this fraction of the largest value (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--truncation", defaultValue = "0.001", paramLabel = "FRACTION", description = "tmc-shapley: the rest of a permutation is "
            + "skipped once what is left to gain is below this fraction of the whole (default ${DEFAULT-VALUE}; 0: never).")
    double truncation;

    @Option(names = "--order", defaultValue = "" + NgramUtility.DEFAULT_ORDER, paramLabel = "N", description = "The n-gram order, 1 to 7 (default "
            + "${DEFAULT-VALUE}: contexts of up to five bytes).")
    int order;

    @Option(names = "--usage", paramLabel = "USAGE", description = "The use the records must verify for (default: the manifest's declared usage).")
    String usage;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: every core; the numbers do not depend on it).")
    Integer threads;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text (default), json, or html (a self-contained "
            + "page with a bar chart; use with --report).")
    String format;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the report to FILE (atomically) instead of standard output.")
    Path report;

    @Option(names = "--weights-out", paramLabel = "FILE", description = "Also write the values as the allocation a price schedule's rule "
            + "\"value\" reads ({\"value\": {\"<member>\": \"<value>\"}}, SPEC [SET-1]): members paid by what their data is worth.")
    Path weightsOut;

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json", "html").contains(format)) {
            throw new IllegalArgumentException("--format: expected text, json or html; found \"" + format + "\"");
        }
        Method m = Method.of(method);
        TrainingGroups.By grouping = TrainingGroups.By.of(by);
        Budget b = budget();
        if (truncation < 0 || truncation > 0.5) {
            throw new IllegalArgumentException("--truncation: expected a fraction from 0 to 0.5; found " + truncation);
        }
        if (order < 1 || order > NgramUtility.MAX_ORDER) {
            throw new IllegalArgumentException("--order: expected 1 to " + NgramUtility.MAX_ORDER + "; found " + order);
        }
        Path manifest = VerifyCommand.manifestOf(dataset);
        TrustStore store = TrustStore.read(trust);
        Usage u = VerifyCommand.usageOf(usage, manifest);
        PrintWriter err = spec.commandLine().getErr();
        EvaluationSet evaluation = EvaluationSet.read(eval);
        NgramUtility.Builder builder = NgramUtility.builder(order);
        evaluation.texts().forEach(t -> builder.evaluation(t.utf8()));
        TrainingGroups.Result read = TrainingGroups.read(manifest, store, u, grouping, evaluation, builder, b.threads());
        NgramUtility utility = builder.build(read.groups().size());
        err.printf(Locale.ROOT, "cb4i value: %d %ss, %d training bytes, %d evaluation bytes; %s%n", read.groups().size(), grouping.token(),
                read.groups().stream().mapToLong(TrainingGroups.Group::bytes).sum(), evaluation.bytes(), utility.size());
        if (m == Method.EXACT && read.groups().size() > ExactShapley.MAX_PLAYERS) {
            throw new IllegalArgumentException("--method exact enumerates every coalition: at most " + ExactShapley.MAX_PLAYERS + " groups, there are "
                    + read.groups().size() + " (use tmc-shapley or banzhaf)");
        }
        Valuation v = switch (m) {
            case LOO -> LeaveOneOut.estimate(utility);
            case EXACT -> ExactShapley.shapley(utility);
            case TMC_SHAPLEY -> TmcShapley.estimate(utility, seed, b, truncation);
            case BANZHAF -> DataBanzhaf.estimate(utility, seed, b);
        };
        String settings = switch (m) {
            case LOO, EXACT -> "exact";
            case TMC_SHAPLEY -> String.format(Locale.ROOT, "tolerance %s, truncation %s, budget %d samples or %s", tolerance, truncation, b.maxSamples(),
                    words(b.maxTime()));
            case BANZHAF -> String.format(Locale.ROOT, "tolerance %s, budget %d samples or %s", tolerance, b.maxSamples(), words(b.maxTime()));
        };
        ValueReport r = new ValueReport(dataset.toString(), u.token(), grouping, order, settings, v, read, evaluation.texts().size(), evaluation.bytes(),
                Instant.now());
        String out = switch (format) {
            case "json" -> Json.writePretty(r.json()) + "\n";
            case "html" -> ValueHtml.render(r);
            default -> r.text();
        };
        if (weightsOut != null) {
            AtomicFiles.write(weightsOut, (Json.writePretty(r.allocation()) + "\n").getBytes(StandardCharsets.UTF_8), false, true);
        }
        if (report != null) {
            AtomicFiles.write(report, out.getBytes(StandardCharsets.UTF_8), false, true);
            if (!format.equals("text")) {
                err.print(r.text());
            }
        } else {
            spec.commandLine().getOut().print(out);
            spec.commandLine().getOut().flush();
        }
        if (format.equals("json") || report != null) {
            // The warnings reach a reader who only watches the terminal, whatever the report's format.
            r.warnings().forEach(w -> err.println("warning: " + w));
            err.flush();
        }
        return ExitCodes.OK;
    }

    private Budget budget() {
        Budget b = Budget.defaults().withTolerance(check(tolerance));
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads: at least 1; found " + threads);
            }
            b = b.withThreads(threads);
        }
        for (String x : budget) {
            String s = x.trim().toLowerCase(Locale.ROOT);
            Matcher d = DURATION.matcher(s);
            if (s.matches("[0-9]{1,12}")) {
                long n = Long.parseLong(s);
                if (n < 2) {
                    throw new IllegalArgumentException("--budget " + x + ": at least 2 samples");
                }
                b = b.withSamples((int) Math.min(b.minSamples(), n), n);
            } else if (d.matches()) {
                long n = Long.parseLong(d.group(1));
                Duration t = switch (d.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
                if (t.isZero()) {
                    throw new IllegalArgumentException("--budget " + x + ": a time must be positive");
                }
                b = b.withMaxTime(t);
            } else {
                throw new IllegalArgumentException("--budget: expected a number of samples (e.g. 2000) or a time (e.g. 90s, 10m, 1h); found \"" + x + "\"");
            }
        }
        return b;
    }

    private static String words(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static double check(double t) {
        if (!(t > 0) || t >= 1) {
            throw new IllegalArgumentException("--tolerance: expected a fraction between 0 and 1; found " + t);
        }
        return t;
    }
}
