package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every requirement of a normative section of SPEC.md is cited by at least one vector ({@code requirements}) or
 * test ({@code [XXX-n]} in its source), and nothing cites an id the spec does not define.
 */
class RequirementCoverageTest {
    static final Pattern DEFINED = Pattern.compile("\\*\\*\\[([A-Z]{3}-\\d+)\\]\\*\\*( \\(draft\\))?");
    static final Pattern CITED_IN_CODE = Pattern.compile("\\[([A-Z]{3}-\\d+)\\]");
    static final Pattern CITED_IN_VECTORS = Pattern.compile("\"([A-Z]{3}-\\d+)\"");

    static String spec() {
        try (InputStream in = RequirementCoverageTest.class.getClassLoader().getResourceAsStream("org/cb4i/spec/SPEC.md")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyNormativeRequirement_isCitedByAVectorOrATest() throws IOException {
        Set<String> normative = new TreeSet<>();
        Set<String> all = new TreeSet<>();
        boolean inNormative = false;
        for (String line : spec().split("\n")) {
            if (line.startsWith("Status: ")) {
                inNormative = line.equals("Status: normative");
            }
            Matcher m = DEFINED.matcher(line);
            while (m.find()) {
                all.add(m.group(1));
                if (inNormative && m.group(2) == null) {
                    normative.add(m.group(1));
                }
            }
        }
        assertThat(normative).hasSizeGreaterThan(40);

        Set<String> cited = new TreeSet<>();
        for (String name : VectorFile.index()) {
            Matcher m = CITED_IN_VECTORS.matcher(VectorFile.load(name).root().toString());
            while (m.find()) {
                cited.add(m.group(1));
            }
        }
        Path root = Path.of("..").toAbsolutePath().normalize();
        for (String module : new String[] {"sdk", "issuer", "proxy", "verifier", "cli", "conformance-tests", "protocol-spec"}) {
            // The black-box suite's checks live in conformance-tests' main sources (they ship in its jar).
            Path tests = root.resolve(module).resolve(module.equals("conformance-tests") ? "src" : "src/test/java");
            if (!Files.isDirectory(tests)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(tests)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = CITED_IN_CODE.matcher(Files.readString(f));
                    while (m.find()) {
                        cited.add(m.group(1));
                    }
                }
            }
        }
        Set<String> uncovered = new TreeSet<>(normative);
        uncovered.removeAll(cited);
        assertThat(uncovered).as("normative requirements no vector or test cites").isEmpty();
        Set<String> unknown = new TreeSet<>(cited);
        unknown.removeAll(all);
        assertThat(unknown).as("ids cited but not defined in SPEC.md").isEmpty();
    }
}
