package org.cb4i.verifier.report;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.cb4i.verifier.DatasetVerifier;
import org.cb4i.verifier.Finding;
import org.cb4i.verifier.RecordResult;
import org.cb4i.verifier.Status;
import org.cb4i.verifier.warc.WarcIndex;

/** The text report: totals by status, publisher and collective, what the manifest's evidence and WARC files showed, the first failures. */
public final class TextReport {
    private TextReport() {}

    /**
     * @param dataset the manifest as the user named it
     * @param failures the first records that do not verify, as many as are to be shown
     */
    public static String render(String dataset, String usage, DatasetVerifier.Summary s, List<RecordResult> failures) {
        StringWriter sw = new StringWriter();
        PrintWriter w = new PrintWriter(sw);
        w.printf("%s: %d records, %d verified for %s%s%n", dataset, s.records(), s.verified(), usage,
                s.notInDataset() > 0 ? " (" + s.notInDataset() + " lines are refusals or skips, not records)" : "");
        w.println();
        w.println("by status");
        s.byStatus().forEach((k, n) -> w.printf("  %-22s %8d%n", k, n));
        table(w, "by publisher", s.byPublisher());
        table(w, "by collective", s.byCollective());
        for (Finding f : s.header()) {
            w.println((f.requirement().equals("VER-8") ? "WARC files: " : "manifest: ") + f.message() + " [" + f.code() + ", " + f.requirement() + "]");
        }
        for (WarcIndex.Unnamed x : s.unnamedWarcListed().subList(0, Math.min(10, s.unnamedWarcListed().size()))) {
            w.println("  not in the manifest: " + x.recordId() + " " + x.targetUri() + " in " + x.at());
        }
        if (!failures.isEmpty()) {
            w.println();
            w.println("first records that do not verify");
            for (RecordResult r : failures) {
                w.println("  #" + r.id() + " " + r.url() + "  " + r.status());
                for (Finding f : r.findings()) {
                    if (f.status().isPresent()) {
                        w.println("      " + f.message() + " [" + f.code() + ", " + f.requirement() + "]");
                    }
                }
            }
        }
        w.flush();
        return sw.toString();
    }

    private static void table(PrintWriter w, String title, Map<String, Map<Status, Long>> rows) {
        w.println(title);
        rows.forEach((k, m) -> {
            long all = m.values().stream().mapToLong(Long::longValue).sum();
            w.printf("  %-40s %8d records, %8d verified%n", k, all, m.getOrDefault(Status.VERIFIED, 0L));
        });
    }
}
