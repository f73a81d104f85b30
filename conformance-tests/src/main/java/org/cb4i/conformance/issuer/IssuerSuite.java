package org.cb4i.conformance.issuer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.cb4i.conformance.blackbox.Runner;

/** Runs the issuer checks one after another, never stopping at a failure, and reports them requirement by requirement. */
public final class IssuerSuite {
    private IssuerSuite() {}

    /** What one check found; {@code failure} is empty when it passed. */
    public record Result(IssuerChecks.Check check, String failure, long millis) {
        public boolean passed() {
            return failure.isEmpty();
        }
    }

    public static List<Result> run(IssuerBed bed, List<IssuerChecks.Check> checks, Consumer<Result> progress) {
        List<Result> out = new ArrayList<>();
        for (IssuerChecks.Check c : checks) {
            long t0 = System.nanoTime();
            String failure = Runner.failureOf(() -> c.body().run(bed));
            Result r = new Result(c, failure, (System.nanoTime() - t0) / 1_000_000);
            progress.accept(r);
            out.add(r);
        }
        return out;
    }

    /** The report: each requirement PASS or FAIL (with the failed checks and why), then the totals. */
    public static String report(String target, String profile, List<Result> results, Set<String> known) {
        Map<String, List<Result>> byRequirement = new TreeMap<>();
        results.forEach(r -> r.check().requirements().forEach(q -> byRequirement.computeIfAbsent(q, k -> new ArrayList<>()).add(r)));
        StringBuilder b = new StringBuilder("cb4i issuer conformance: " + target + "\n" + profile + "\n\n");
        byRequirement.forEach((q, rs) -> {
            List<Result> failed = rs.stream().filter(r -> !r.passed()).toList();
            b.append(String.format("%-8s %s (%d checks)%n", q, failed.isEmpty() ? "PASS" : "FAIL", rs.size()));
            failed.forEach(r -> b.append("           ").append(known.contains(r.check().name()) ? "(known) " : "").append(r.check().name()).append(": ")
                    .append(r.failure()).append('\n'));
        });
        long passed = results.stream().filter(Result::passed).count();
        b.append("\nChecks: ").append(passed).append(" passed, ").append(results.size() - passed).append(" failed\n");
        return b.toString();
    }
}
