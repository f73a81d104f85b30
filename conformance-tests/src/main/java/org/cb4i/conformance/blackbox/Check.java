package org.cb4i.conformance.blackbox;

import java.util.List;

/**
 * One black-box check: a name that says what is expected, the spec requirements it tests, and its body, which
 * returns when the proxy behaved as the spec requires and throws {@link Unmet} (or any exception) when it did not.
 */
public record Check(String name, List<String> requirements, Body body) {
    public Check {
        requirements = List.copyOf(requirements);
        if (requirements.isEmpty()) {
            throw new IllegalArgumentException("a check must name the requirements it tests: " + name);
        }
    }

    @FunctionalInterface
    public interface Body {
        void run(Testbed bed) throws Exception;
    }

    /** {@code [ENF-5] [ENF-4] name}, as the report and the JUnit display name show it. */
    public String title() {
        return String.join(" ", requirements.stream().map(r -> "[" + r + "]").toList()) + " " + name;
    }
}
