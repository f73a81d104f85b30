package org.cb4i.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.token.PathScope;

/**
 * Parses one {@code --paths} value: {@code [ORIGIN] allow PATTERN... [disallow PATTERN...]}, e.g.
 * {@code 'https://site.example allow /articles/* disallow /articles/private/*'}.
 */
final class PathsArgument {
    private PathsArgument() {}

    static PathScope parse(String value) {
        String[] words = value.strip().split("\\s+");
        int i = 0;
        Optional<String> origin = Optional.empty();
        if (words.length > 0 && (words[0].startsWith("http://") || words[0].startsWith("https://"))) {
            origin = Optional.of(PathScope.normaliseOrigin(words[0]));
            i = 1;
        }
        List<PathPattern> allow = new ArrayList<>();
        List<PathPattern> disallow = new ArrayList<>();
        List<PathPattern> current = null;
        for (; i < words.length; i++) {
            String w = words[i];
            if (w.equals("allow")) {
                current = allow;
            } else if (w.equals("disallow")) {
                current = disallow;
            } else if (current == null) {
                throw new IllegalArgumentException("--paths \"" + value + "\": expected \"allow\" or \"disallow\" before \"" + w + "\"");
            } else {
                current.add(PathPattern.of(w));
            }
        }
        if (allow.isEmpty()) {
            throw new IllegalArgumentException("--paths \"" + value + "\": allow at least one pattern, e.g. 'allow /articles/*'");
        }
        return new PathScope(origin, allow, disallow);
    }
}
