package org.cb4i.valuation.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.cb4i.sdk.json.Json;
import org.cb4i.valuation.data.TrainingGroups;
import org.cb4i.valuation.estimate.Estimate;
import org.cb4i.valuation.estimate.Valuation;
import org.cb4i.valuation.ngram.NgramUtility;

/**
 * A valuation as its reader gets it. Groups are listed by value, largest first. A group's <b>share</b> is its part of
 * the sum of the positive values (what the settlement rule {@code value} would pay it, before the fee); a group
 * valued at 0 or less has a share of 0 and is named in the warnings.
 *
 * @param dataset the dataset as named on the command line
 * @param usage the usage the records were verified for
 * @param by what a group is
 * @param order the n-gram order
 * @param settings the estimator's settings in words (tolerance, truncation, budget)
 * @param valuation the estimates, by group number
 * @param read the groups and what was left out
 * @param evaluationFiles how many evaluation texts
 * @param evaluationBytes their normalised length
 * @param generated when
 */
public record ValueReport(String dataset, String usage, TrainingGroups.By by, int order, String settings, Valuation valuation,
        TrainingGroups.Result read, int evaluationFiles, long evaluationBytes, Instant generated) {

    /** One group's line. */
    public record Row(String id, long records, long bytes, Estimate estimate, double share) {}

    /** The groups by value, largest first (ties by id). */
    public List<Row> rows() {
        double positive = 0;
        for (Estimate e : valuation.values()) {
            positive += Math.max(0, e.value());
        }
        List<Row> rows = new ArrayList<>();
        for (Estimate e : valuation.values()) {
            TrainingGroups.Group g = read.groups().get(e.player());
            rows.add(new Row(g.id(), g.records(), g.bytes(), e, positive > 0 && e.value() > 0 ? e.value() / positive : 0));
        }
        rows.sort(Comparator.comparingDouble((Row r) -> -r.estimate().value()).thenComparing(Row::id));
        return rows;
    }

    /** What the reader must know: leaks, groups valued at 0 or less, a budget that ran out. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (!valuation.converged()) {
            w.add("the budget ran out before every standard error was within the tolerance (" + settings + "): the intervals are wider than asked");
        }
        for (Row r : rows()) {
            if (r.estimate().value() <= 0) {
                w.add(by.token() + " " + r.id() + " is valued at " + fmt(r.estimate().value()) + " (interval " + fmt(r.estimate().ciLow()) + " to "
                        + fmt(r.estimate().ciHigh()) + "): its texts do not help the model on this evaluation set; the value rule pays it nothing");
            }
        }
        for (TrainingGroups.Leak l : read.leaks()) {
            w.add("leak: record " + l.recordId() + " (" + l.url() + ", " + by.token() + " " + l.group() + ") holds a paragraph of the evaluation text "
                    + l.evaluationFile() + ": \"" + abbreviate(l.paragraph()) + "\"; its value is inflated (the model has seen the answer)");
        }
        if (read.leakCount() > read.leaks().size()) {
            w.add((read.leakCount() - read.leaks().size()) + " more leaked paragraphs");
        }
        return w;
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("Valuation of ").append(dataset).append(" by ").append(by.token()).append(", ").append(valuation.method().token())
                .append(valuation.seed() != 0 ? ", seed " + valuation.seed() : "").append('\n');
        b.append(String.format(Locale.ROOT, "  model: byte-level %d-gram, Witten-Bell; evaluation: %d text%s, %d bytes%n", order, evaluationFiles,
                evaluationFiles == 1 ? "" : "s", evaluationBytes));
        b.append(String.format(Locale.ROOT, "  bits per byte: %.4f with every group, %.1f with none; utility (bits per byte saved) %.6f%n",
                NgramUtility.bitsPerByte(valuation.grandUtility()), NgramUtility.EMPTY_BITS_PER_BYTE, valuation.grandUtility()));
        b.append("  records valued: ").append(read.groups().stream().mapToLong(TrainingGroups.Group::records).sum()).append(" of ")
                .append(read.verification().records()).append("; left out: ")
                .append(TrainingGroups.describe(read.notVerified(), read.notText(), read.noMember(), by)).append('\n');
        b.append(String.format(Locale.ROOT, "  %s; %d samples, %d utility evaluations, %.1f s%s%n", settings, valuation.samples(), valuation.evaluations(),
                valuation.elapsed().toMillis() / 1000.0, valuation.converged() ? "" : " (not converged)"));
        int w = Math.max(5, rows().stream().mapToInt(r -> r.id().length()).max().orElse(5));
        b.append('\n').append(String.format(Locale.ROOT, "%-" + w + "s %8s %10s %12s %10s %25s %7s%n", by.token(), "records", "bytes", "value", "stderr",
                "95% interval", "share"));
        for (Row r : rows()) {
            Estimate e = r.estimate();
            b.append(String.format(Locale.ROOT, "%-" + w + "s %8d %10d %12.6f %10.6f %12.6f..%-11.6f %6.2f%%%n", r.id(), r.records(), r.bytes(), e.value(),
                    e.stderr(), e.ciLow(), e.ciHigh(), 100 * r.share()));
        }
        List<String> warnings = warnings();
        if (!warnings.isEmpty()) {
            b.append('\n');
            warnings.forEach(x -> b.append("warning: ").append(x).append('\n'));
        }
        b.append("\nValues are evidence about the data under a small proxy model (README, \"What your data is worth\"), not its value to a large model.\n");
        return b.toString();
    }

    public ObjectNode json() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("method", valuation.method().token());
        o.put("seed", valuation.seed());
        o.put("grand_utility", valuation.grandUtility());
        o.put("unit", "bits per byte saved on the evaluation texts against the empty model");
        o.put("by", by.token());
        o.put("dataset", dataset);
        o.put("usage", usage);
        ObjectNode model = o.putObject("model");
        model.put("kind", "byte n-gram, interpolated Witten-Bell");
        model.put("order", order);
        model.put("empty_bits_per_byte", NgramUtility.EMPTY_BITS_PER_BYTE);
        model.put("grand_bits_per_byte", NgramUtility.bitsPerByte(valuation.grandUtility()));
        ObjectNode ev = o.putObject("evaluation");
        ev.put("texts", evaluationFiles);
        ev.put("bytes", evaluationBytes);
        o.put("settings", settings);
        o.put("samples", valuation.samples());
        o.put("evaluations", valuation.evaluations());
        o.put("converged", valuation.converged());
        o.put("seconds", valuation.elapsed().toMillis() / 1000.0);
        ArrayNode groups = o.putArray("groups");
        for (Row r : rows()) {
            ObjectNode g = groups.addObject();
            g.put("id", r.id());
            g.put("value", r.estimate().value());
            g.put("stderr", r.estimate().stderr());
            g.put("ci_low", r.estimate().ciLow());
            g.put("ci_high", r.estimate().ciHigh());
            g.put("share", r.share());
            g.put("records", r.records());
            g.put("bytes", r.bytes());
        }
        ObjectNode left = o.putObject("left_out");
        ObjectNode nv = left.putObject("not_verified");
        read.notVerified().forEach((s, n) -> nv.put(s.name(), n));
        ObjectNode nt = left.putObject("not_text");
        read.notText().forEach(nt::put);
        left.put("no_member", read.noMember());
        ArrayNode leaks = o.putArray("leaks");
        for (TrainingGroups.Leak l : read.leaks()) {
            ObjectNode x = leaks.addObject();
            x.put("record", l.recordId());
            x.put("url", l.url());
            x.put("group", l.group());
            x.put("evaluation_file", l.evaluationFile().toString());
            x.put("paragraph", l.paragraph());
        }
        o.put("leak_count", read.leakCount());
        ArrayNode warnings = o.putArray("warnings");
        warnings().forEach(warnings::add);
        o.put("generated", generated.toString());
        return o;
    }

    /**
     * The {@code allocation} member of a price schedule that pays members by these values ([SET-1], rule {@code value}):
     * {@code {"value": {"<id>": "<value>"}}}, each value a decimal string with 12 decimals at most (negative ones kept,
     * so that settlement lists those members with nothing).
     */
    public ObjectNode allocation() {
        ObjectNode o = Json.mapper().createObjectNode();
        ObjectNode v = o.putObject("value");
        rows().stream().sorted(Comparator.comparing(Row::id)).forEach(r -> v.put(r.id(), decimal(r.estimate().value())));
        return o;
    }

    static String decimal(double x) {
        BigDecimal d = BigDecimal.valueOf(x).setScale(12, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    static String fmt(double x) {
        return String.format(Locale.ROOT, "%.6f", x);
    }

    private static String abbreviate(String p) {
        return p.length() <= 80 ? p : p.substring(0, 77) + "...";
    }
}
