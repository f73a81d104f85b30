package org.cb4i.conformance.blackbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requirement-by-requirement verdict: for each requirement in scope, PASS (every check citing it passed), FAIL
 * (one did not), NOT_APPLICABLE (cannot be observed from outside, or a draft), NOT_COVERED (testable, but no check
 * cites it); and the coverage of the testable requirements.
 */
public final class Report {
    public enum Verdict {
        PASS, FAIL, NOT_APPLICABLE, NOT_COVERED
    }

    public record Line(String id, Verdict verdict, List<String> checks, String note) {}

    private final List<Runner.Result> results;
    private final List<Line> lines = new ArrayList<>();
    private final String target;

    public Report(String target, List<Runner.Result> results) {
        this(target, results, false);
    }

    /** {@code filtered}: only some checks were run (--only), so an uncited requirement was not run rather than not covered. */
    public Report(String target, List<Runner.Result> results, boolean filtered) {
        this.target = target;
        this.results = List.copyOf(results);
        Map<String, List<Runner.Result>> byReq = new LinkedHashMap<>();
        for (Runner.Result r : results) {
            for (String id : r.check().requirements()) {
                byReq.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, String> e : Catalogue.scope().entrySet()) {
            String id = e.getKey();
            List<Runner.Result> rs = byReq.getOrDefault(id, List.of());
            List<String> names = rs.stream().map(r -> r.check().name()).toList();
            if (Catalogue.NOT_TESTABLE_FROM_OUTSIDE.containsKey(id)) {
                lines.add(new Line(id, Verdict.NOT_APPLICABLE, names, Catalogue.NOT_TESTABLE_FROM_OUTSIDE.get(id)));
            } else if (e.getValue().equals("draft")) {
                lines.add(new Line(id, Verdict.NOT_APPLICABLE, names, "a draft requirement (not yet binding)"));
            } else if (rs.isEmpty()) {
                lines.add(new Line(id, Verdict.NOT_COVERED, names, filtered ? "not run (--only)" : "no black-box check cites it"));
            } else {
                List<String> failed = rs.stream().filter(r -> !r.passed()).map(r -> r.check().name()).toList();
                lines.add(failed.isEmpty() ? new Line(id, Verdict.PASS, names, rs.size() + " checks")
                        : new Line(id, Verdict.FAIL, failed, failed.size() + " of " + rs.size() + " checks failed"));
            }
        }
    }

    public List<Runner.Result> results() {
        return results;
    }

    public long count(Verdict v) {
        return lines.stream().filter(l -> l.verdict() == v).count();
    }

    /** Testable requirements that some check cites, over all testable requirements. */
    public String coverage() {
        long testable = count(Verdict.PASS) + count(Verdict.FAIL) + count(Verdict.NOT_COVERED);
        long covered = count(Verdict.PASS) + count(Verdict.FAIL);
        return covered + "/" + testable + " (" + (testable == 0 ? 0 : Math.round(100.0 * covered / testable)) + "%)";
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("cb4i black-box conformance: ").append(target).append("\n\n");
        b.append("Requirements\n");
        for (Line l : lines) {
            b.append(String.format("  %-8s %-15s %s%n", l.id(), l.verdict(), l.note()));
            if (l.verdict() == Verdict.FAIL) {
                l.checks().forEach(n -> b.append("             - ").append(n).append('\n'));
            }
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        b.append("\nChecks: ").append(results.size() - failed).append(" passed, ").append(failed).append(" failed\n");
        b.append("Requirements: ").append(count(Verdict.PASS)).append(" pass, ").append(count(Verdict.FAIL)).append(" fail, ")
                .append(count(Verdict.NOT_APPLICABLE)).append(" not applicable, ").append(count(Verdict.NOT_COVERED)).append(" not covered\n");
        b.append("Coverage of the testable requirements: ").append(coverage()).append('\n');
        if (failed > 0) {
            b.append("\nFailures\n");
            results.stream().filter(r -> !r.passed()).forEach(r -> b.append("  ").append(r.check().title()).append("\n      ").append(r.failure()).append('\n'));
        }
        return b.toString();
    }

    public ObjectNode json() {
        ObjectNode root = Testbed.JSON.createObjectNode();
        root.put("target", target);
        root.put("coverage", coverage());
        ObjectNode summary = root.putObject("summary");
        summary.put("checks", results.size());
        summary.put("passed", results.stream().filter(Runner.Result::passed).count());
        for (Verdict v : Verdict.values()) {
            summary.put(v.name().toLowerCase(), count(v));
        }
        ArrayNode reqs = root.putArray("requirements");
        for (Line l : lines) {
            ObjectNode o = reqs.addObject().put("id", l.id()).put("verdict", l.verdict().name()).put("note", l.note());
            l.checks().forEach(o.putArray("checks")::add);
        }
        ArrayNode checks = root.putArray("checks");
        for (Runner.Result r : results) {
            ObjectNode o = checks.addObject().put("name", r.check().name()).put("passed", r.passed()).put("millis", r.millis());
            r.check().requirements().forEach(o.putArray("requirements")::add);
            if (!r.passed()) {
                o.put("failure", r.failure());
            }
        }
        return root;
    }
}
