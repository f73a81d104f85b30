package org.cb4i.proxy.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tells known AI crawlers from other clients by their User-Agent ([ENF-2]), using the maintained list in
 * {@code ai-user-agents.txt} plus the site's own additions. A crawler that claims to be a browser passes as a
 * human: a stated limit of user-agent classification, which is why licenses are bound to keys. Immutable.
 */
public final class Classifier {
    private final String[] tokens;

    public Classifier(List<String> extra) {
        List<String> all = new ArrayList<>(builtIn());
        extra.forEach(t -> all.add(t.strip()));
        this.tokens = all.stream().filter(t -> !t.isEmpty()).map(t -> t.toLowerCase(Locale.ROOT)).distinct().toArray(String[]::new);
    }

    /** Whether {@code userAgent} names a known AI crawler (null is not). */
    public boolean isAiCrawler(String userAgent) {
        if (userAgent == null || userAgent.isEmpty()) {
            return false;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        for (String t : tokens) {
            if (ua.contains(t)) {
                return true;
            }
        }
        return false;
    }

    static List<String> builtIn() {
        List<String> out = new ArrayList<>();
        try (InputStream in = Classifier.class.getResourceAsStream("/org/cb4i/proxy/ai-user-agents.txt");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
