package org.cb4i.conformance.blackbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs checks one after another against a testbed, never stopping at a failure. */
public final class Runner {
    private Runner() {}

    /** What one check found. {@code failure} is empty when it passed. */
    public record Result(Check check, String failure, long millis) {
        public boolean passed() {
            return failure.isEmpty();
        }
    }

    public static List<Result> run(Testbed bed, List<Check> checks, Consumer<Result> progress) {
        // A proxy started before the suite's collective could not fetch the member's consent yet ([CNS-5]: it refuses
        // licensed requests until it has): give it the time to, once.
        try {
            if (!bed.awaitConsentFetch(java.time.Instant.EPOCH, java.time.Duration.ofSeconds(15))) {
                System.err.println("cb4i-conformance: the proxy has not asked for the member's consent at " + bed.collectiveBase()
                        + "/consent within 15 s; licensed checks will fail (see --profile, member consent)");
            }
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Result> out = new ArrayList<>();
        for (Check c : checks) {
            Result r = run(bed, c);
            progress.accept(r);
            out.add(r);
        }
        return out;
    }

    /**
     * Reads a known-failures file: check names, one per line; blank lines and {@code #} comments ignored.
     *
     * @throws java.io.IOException naming the file when it cannot be read
     */
    public static java.util.Set<String> knownFailures(java.nio.file.Path file) throws java.io.IOException {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (String line : java.nio.file.Files.readAllLines(file)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                names.add(l);
            }
        }
        return names;
    }

    public static Result run(Testbed bed, Check c) {
        long t0 = System.nanoTime();
        String failure = failureOf(() -> c.body().run(bed));
        return new Result(c, failure, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A check's body, whatever it tests. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    /** Why {@code body} failed, for the report: empty when it passed; what it expected when a check was unmet. */
    public static String failureOf(Attempt body) {
        try {
            body.run();
            return "";
        } catch (Unmet e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception | AssertionError e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
