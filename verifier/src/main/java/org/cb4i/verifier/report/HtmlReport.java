package org.cb4i.verifier.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.Finding;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;

/**
 * A self-contained HTML report (no external assets, no script): the summary, charts of the dataset's composition by
 * status and by publisher (inline SVG), and each failure explained with the requirement it breaks. For auditors who
 * read rather than parse; the JSON report carries every record.
 */
public final class HtmlReport {
    /** Failures shown in full; the rest are counted. */
    public static final int MAX_FAILURES = 500;

    private static final Map<Status, String> COLOURS = Map.of(Status.VERIFIED, "#2e7d32", Status.UNLICENSED, "#ef6c00",
            Status.USAGE_NOT_PERMITTED, "#f9a825", Status.TAMPERED, "#c62828", Status.BAD_SIGNATURE, "#ad1457", Status.UNTRUSTED_KEY, "#6a1b9a",
            Status.EXPIRED_AT_FETCH, "#4e342e", Status.REVOKED_AT_FETCH, "#283593", Status.RECEIPT_INVALID, "#00838f", Status.MALFORMED, "#424242");

    private HtmlReport() {}

    /**
     * @param failures the first records that did not verify (at most {@link #MAX_FAILURES} are shown)
     */
    public static String render(String dataset, String usage, DatasetVerifier.Summary s, List<RecordResult> failures, Instant generated) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>cb4i verification: ").append(esc(dataset)).append("</title><style>")
                .append("body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a}")
                .append("h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}")
                .append("th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}td.n{text-align:right}")
                .append(".big{font-size:2rem;font-weight:600}.ok{color:#2e7d32}.bad{color:#c62828}code{font-size:.9em}")
                .append(".swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.4rem;border-radius:2px}")
                .append("li{margin:.2rem 0}.rec{margin:1rem 0;padding:.5rem .8rem;border-left:4px solid #c62828;background:#fafafa}")
                .append("</style></head><body>\n");
        boolean all = s.records() > 0 && s.verified() == s.records();
        h.append("<h1>Dataset verification</h1>\n<p>Dataset <code>").append(esc(dataset)).append("</code>, checked for <code>")
                .append(esc(usage)).append("</code> on ").append(esc(generated.toString())).append(".</p>\n");
        h.append("<p class=\"big ").append(all ? "ok" : "bad").append("\" id=\"verdict\">").append(s.verified()).append(" of ").append(s.records())
                .append(" records verified</p>\n");
        if (s.notInDataset() > 0) {
            h.append("<p>").append(s.notInDataset()).append(" manifest lines are the crawl's refusals and skips, not records.</p>\n");
        }
        h.append("<h2>By status</h2>\n").append(bar(s.byStatus(), s.records())).append(statusTable(s.byStatus()));
        h.append("<h2>By publisher</h2>\n").append(groupTable(s.byPublisher(), "publisher"));
        h.append("<h2>By collective</h2>\n").append(groupTable(s.byCollective(), "collective"));
        if (!s.header().isEmpty()) {
            h.append("<h2>About the manifest's evidence</h2>\n<ul>");
            for (Finding f : s.header()) {
                h.append("<li>").append(esc(f.message())).append(" <code>").append(esc(f.code())).append(", ").append(esc(f.requirement()))
                        .append("</code></li>");
            }
            h.append("</ul>\n");
        }
        h.append("<h2>Records that do not verify</h2>\n");
        if (failures.isEmpty()) {
            h.append("<p id=\"failures\">None.</p>\n");
        } else {
            long notShown = s.records() - s.verified() - Math.min(failures.size(), MAX_FAILURES);
            h.append("<div id=\"failures\">");
            for (RecordResult r : failures.subList(0, Math.min(failures.size(), MAX_FAILURES))) {
                h.append("<div class=\"rec\"><strong>#").append(r.id()).append(" ").append(esc(r.status().name())).append("</strong> <code>")
                        .append(esc(r.url())).append("</code><ul>");
                for (Finding f : r.findings()) {
                    if (f.status().isPresent()) {
                        h.append("<li>").append(esc(f.message())).append(" <code>").append(esc(f.code())).append(", ").append(esc(f.requirement()))
                                .append("</code></li>");
                    }
                }
                h.append("</ul></div>\n");
            }
            h.append("</div>");
            if (notShown > 0) {
                h.append("<p>").append(notShown).append(" more records do not verify; the JSON report lists every record.</p>\n");
            }
        }
        h.append("<p><small>Statuses and requirement ids are defined in the cb4i protocol specification, §14.</small></p>\n</body></html>\n");
        return h.toString();
    }

    /** A horizontal bar of the composition, proportional to the counts. */
    private static String bar(Map<Status, Long> counts, long total) {
        StringBuilder b = new StringBuilder("<svg role=\"img\" aria-label=\"records by status\" width=\"100%\" height=\"36\" viewBox=\"0 0 1000 36\" "
                + "preserveAspectRatio=\"none\" id=\"status-chart\">");
        double x = 0;
        for (Status st : Status.values()) {
            long n = counts.getOrDefault(st, 0L);
            if (n == 0 || total == 0) {
                continue;
            }
            double w = 1000.0 * n / total;
            b.append(String.format(java.util.Locale.ROOT, "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"36\" fill=\"%s\"><title>%s: %d</title></rect>", x, w,
                    COLOURS.get(st), st, n));
            x += w;
        }
        return b.append("</svg>\n").toString();
    }

    private static String statusTable(Map<Status, Long> counts) {
        StringBuilder t = new StringBuilder("<table><tr><th>status</th><th>records</th></tr>");
        for (Status st : Status.values()) {
            long n = counts.getOrDefault(st, 0L);
            if (n > 0) {
                t.append("<tr><td><span class=\"swatch\" style=\"background:").append(COLOURS.get(st)).append("\"></span>").append(st)
                        .append("</td><td class=\"n\">").append(n).append("</td></tr>");
            }
        }
        return t.append("</table>\n").toString();
    }

    private static String groupTable(Map<String, Map<Status, Long>> groups, String what) {
        StringBuilder t = new StringBuilder("<table><tr><th>").append(what).append("</th><th>records</th><th>verified</th><th>composition</th></tr>");
        List<Map.Entry<String, Map<Status, Long>>> rows = new ArrayList<>(groups.entrySet());
        for (Map.Entry<String, Map<Status, Long>> e : rows) {
            long all = e.getValue().values().stream().mapToLong(Long::longValue).sum();
            t.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td class=\"n\">").append(all).append("</td><td class=\"n\">")
                    .append(e.getValue().getOrDefault(Status.VERIFIED, 0L)).append("</td><td style=\"width:40%\">").append(bar(e.getValue(), all))
                    .append("</td></tr>");
        }
        return t.append("</table>\n").toString();
    }

    /** Escapes text for HTML element content and quoted attribute values (control characters become {@code ?}). */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c);
            }
        }
        return b.toString();
    }
}
