package org.cb4i.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The FindingCode enum is exactly SPEC.md §14's table of finding codes: names, statuses and requirements alike. */
class FindingCodeRegistryTest {
    static final Pattern ROW = Pattern.compile("^\\| `([A-Z_]+)` \\| (?:`([A-Z_]+)`|note) \\| \\[([A-Z]+-\\d+)\\] \\| (.+) \\|$");

    @Test
    void findingCodes_matchTheSpecsTable() throws Exception {
        String spec;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("org/cb4i/spec/SPEC.md")) {
            assertThat(in).as("SPEC.md on the classpath").isNotNull();
            spec = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String section = spec.substring(spec.indexOf("## 14. Dataset verification"));
        List<String> published = new ArrayList<>();
        for (String line : section.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            FindingCode c = FindingCode.valueOf(m.group(1));
            published.add(c.name());
            assertThat(c.implies().map(Enum::name).orElse(null)).as(c.name()).isEqualTo(m.group(2));
            assertThat(c.requirement()).as(c.name()).isEqualTo(m.group(3));
            assertThat(c.meaning()).as(c.name()).isEqualTo(m.group(4));
            assertThat(spec).as("SPEC.md defines " + c.requirement()).contains("**[" + c.requirement() + "]**");
        }
        assertThat(published).hasSizeGreaterThan(30);
        assertThat(Arrays.stream(FindingCode.values()).map(Enum::name).toList()).containsExactlyElementsOf(published);
    }
}
