package org.cb4i.valuation.report;

import java.util.List;
import java.util.Locale;
import org.cb4i.valuation.estimate.Estimate;
import org.cb4i.valuation.ngram.NgramUtility;
import org.cb4i.verifier.report.HtmlReport;

/**
 * A self-contained HTML page of a valuation (no script, no external asset): the figures, a bar chart of each group's
 * value with its 95% interval drawn as a whisker (inline SVG, with a text alternative), the table, and the warnings.
 */
public final class ValueHtml {
    private ValueHtml() {}

    public static String render(ValueReport r) {
        List<ValueReport.Row> rows = r.rows();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<title>cb4i valuation: ").append(esc(r.dataset())).append("</title><style>")
                .append("body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a}")
                .append("h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}")
                .append("th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".big{font-size:1.6rem;font-weight:600}code{font-size:.9em}li{margin:.3rem 0}.warn{color:#8a4b00}")
                .append("</style></head><body>\n");
        h.append("<h1>What each ").append(esc(r.by().token())).append("'s data is worth</h1>\n<p>Dataset <code>").append(esc(r.dataset()))
                .append("</code>, records verified for <code>").append(esc(r.usage())).append("</code>; ").append(esc(r.valuation().method().token()))
                .append(r.valuation().seed() != 0 ? " (seed " + r.valuation().seed() + ")" : "").append(", ").append(esc(r.generated().toString()))
                .append(".</p>\n");
        h.append("<p class=\"big\" id=\"grand\">").append(String.format(Locale.ROOT, "%.4f", NgramUtility.bitsPerByte(r.valuation().grandUtility())))
                .append(" bits per byte with every ").append(esc(r.by().token())).append("'s texts, against ")
                .append(String.format(Locale.ROOT, "%.1f", NgramUtility.EMPTY_BITS_PER_BYTE)).append(" with none</p>\n");
        h.append("<p>The value of a ").append(esc(r.by().token())).append(" is the bits per byte its texts save a byte-level ").append(r.order())
                .append("-gram model on the evaluation set (").append(r.evaluationFiles()).append(" text").append(r.evaluationFiles() == 1 ? "" : "s")
                .append(", ").append(r.evaluationBytes()).append(" bytes), shared out by ").append(esc(r.valuation().method().token())).append(" (")
                .append(esc(r.settings())).append("; ").append(r.valuation().samples()).append(" samples, ").append(r.valuation().evaluations())
                .append(" evaluations").append(r.valuation().converged() ? "" : "; the budget ran out first").append(").</p>\n");
        h.append("<h2>Values with their 95% intervals</h2>\n").append(chart(rows));
        h.append("<h2>Table</h2>\n<table id=\"values\"><tr><th>").append(esc(r.by().token()))
                .append("</th><th>records</th><th>bytes</th><th>value</th><th>standard error</th><th>95% interval</th><th>share</th></tr>");
        for (ValueReport.Row row : rows) {
            Estimate e = row.estimate();
            h.append("<tr><td><code>").append(esc(row.id())).append("</code></td><td class=\"n\">").append(row.records()).append("</td><td class=\"n\">")
                    .append(row.bytes()).append("</td><td class=\"n\">").append(ValueReport.fmt(e.value())).append("</td><td class=\"n\">")
                    .append(ValueReport.fmt(e.stderr())).append("</td><td class=\"n\">").append(ValueReport.fmt(e.ciLow())).append(" to ")
                    .append(ValueReport.fmt(e.ciHigh())).append("</td><td class=\"n\">").append(String.format(Locale.ROOT, "%.2f%%", 100 * row.share()))
                    .append("</td></tr>");
        }
        h.append("</table>\n");
        List<String> warnings = r.warnings();
        h.append("<h2>Warnings</h2>\n");
        if (warnings.isEmpty()) {
            h.append("<p id=\"warnings\">None.</p>\n");
        } else {
            h.append("<ul id=\"warnings\">");
            warnings.forEach(w -> h.append("<li class=\"warn\">").append(esc(w)).append("</li>"));
            h.append("</ul>\n");
        }
        h.append("<p><small>Values are evidence about the data under a small proxy model, not its value to a large model; the model and its limits are ")
                .append("described in cb4i's README (\"What your data is worth\").</small></p>\n</body></html>\n");
        return h.toString();
    }

    /** One bar per group from a zero line, with the interval as a whisker; negative values go left of zero. */
    private static String chart(List<ValueReport.Row> rows) {
        double lo = 0;
        double hi = 0;
        for (ValueReport.Row r : rows) {
            lo = Math.min(lo, r.estimate().ciLow());
            hi = Math.max(hi, r.estimate().ciHigh());
        }
        if (hi - lo <= 0) {
            hi = lo + 1;
        }
        int rowH = 22;
        int label = 260;
        int width = 1000;
        double plot = width - label - 20;
        double zero = label + plot * (-lo) / (hi - lo);
        int height = rows.size() * rowH + 24;
        StringBuilder b = new StringBuilder();
        b.append("<svg id=\"value-chart\" role=\"img\" aria-labelledby=\"value-chart-title\" width=\"100%\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\"><title id=\"value-chart-title\">Each group's value (bars) and 95% interval (whiskers); the table below "
                        + "holds the same numbers</title>");
        for (int i = 0; i < rows.size(); i++) {
            ValueReport.Row r = rows.get(i);
            Estimate e = r.estimate();
            double y = i * rowH + 4;
            double x = x(e.value(), lo, hi, label, plot);
            String fill = e.value() > 0 ? "#2e7d32" : "#c62828";
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s</text>", label - 6, y + 13,
                    esc(shorten(r.id()))));
            b.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"14\" fill=\"%s\"><title>%s: %s</title></rect>",
                    Math.min(x, zero), y + 2, Math.max(0.5, Math.abs(x - zero)), fill, esc(r.id()), ValueReport.fmt(e.value())));
            double a = x(e.ciLow(), lo, hi, label, plot);
            double c = x(e.ciHigh(), lo, hi, label, plot);
            b.append(String.format(Locale.ROOT, "<path d=\"M%.2f %.1fH%.2fM%.2f %.1fV%.1fM%.2f %.1fV%.1f\" stroke=\"#1a1a1a\" fill=\"none\"/>", a, y + 9, c,
                    a, y + 5, y + 13, c, y + 5, y + 13));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"0\" y2=\"%d\" stroke=\"#555\"/>", zero, zero, height - 20));
        b.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">0</text>", zero, height - 6));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s bits/byte</text>", width - 20, height - 6,
                ValueReport.fmt(hi)));
        return b.append("</svg>\n").toString();
    }

    private static double x(double v, double lo, double hi, int label, double plot) {
        return label + plot * (v - lo) / (hi - lo);
    }

    private static String shorten(String id) {
        String s = id.replaceFirst("^https?://", "");
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String esc(String s) {
        return HtmlReport.esc(s);
    }
}
