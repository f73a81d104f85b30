package org.cb4i.sdk;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A program a test runs for real (redis-server, PostgreSQL's tools): found on the PATH, or the test does not run. Under
 * CI ({@code CI} set) a missing program fails the test, since CI installs it; run by hand, the test is skipped with how
 * to install it. Shared with the other modules' tests through the SDK's test-jar.
 */
public final class RequiredTool {
    private RequiredTool() {}

    /** The program's path. */
    public static Path find(String command, String howToInstall) {
        Optional<Path> found = onPath(command);
        if (found.isPresent()) {
            return found.get();
        }
        String why = command + " is not installed (" + howToInstall + ")";
        if (System.getenv("CI") != null) {
            Assertions.fail(why + "; CI installs it in .ci/run");
        }
        Assumptions.abort(why + "; this test runs when it is");
        throw new AssertionError("unreachable");
    }

    /** The program's path, when it is on the PATH (or in one of {@code extraDirs}). */
    public static Optional<Path> onPath(String command, String... extraDirs) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : (path + File.pathSeparator + String.join(File.pathSeparator, extraDirs)).split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                Path p = Path.of(d, command);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
