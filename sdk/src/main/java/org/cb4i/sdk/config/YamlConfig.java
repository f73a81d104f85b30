package org.cb4i.sdk.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A YAML configuration file being read: typed accessors by JSON pointer that collect every problem, each as
 * {@code file:line: field: message}, so that one run reports all of them. Unknown keys are errors (a misspelt key
 * must not be ignored silently), with a suggestion when one is close. Relative paths resolve against the file's
 * folder. The proxy's and the issuer's loaders read through this.
 */
public final class YamlConfig {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final int MAX_BYTES = 1024 * 1024;

    private final Path file;
    private final Path base;
    private final JsonNode root;
    private final Map<String, Integer> lines;
    private final List<String> errors = new ArrayList<>();

    private YamlConfig(Path file, JsonNode root, Map<String, Integer> lines) {
        this.file = file;
        this.base = file.toAbsolutePath().getParent();
        this.root = root;
        this.lines = lines;
    }

    /**
     * Reads and parses {@code file}, which must hold a YAML mapping.
     *
     * @param what names the configuration in messages, e.g. "proxy configuration"
     * @throws ConfigException when the file is missing, unreadable, too large or not YAML
     */
    public static YamlConfig load(Path file, String what, String example) throws ConfigException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file + ": larger than 1 MiB; not a " + what);
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        JsonNode root;
        Map<String, Integer> lines = new HashMap<>();
        try {
            root = YAML.readTree(text);
            indexLines(text, lines);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigException(file + ":" + line + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ":1: the " + what + " must be a YAML mapping (" + example + ")");
        }
        return new YamlConfig(file, root, lines);
    }

    /** Records the line of every value, by JSON pointer (e.g. {@code /paths/1/access}). */
    private static void indexLines(String text, Map<String, Integer> lines) throws JsonProcessingException {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    continue;
                }
                String ptr = p.getParsingContext().pathAsPointer().toString();
                lines.putIfAbsent(ptr, p.currentTokenLocation().getLineNr());
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file() {
        return file;
    }

    /** The folder relative paths resolve against. */
    public Path base() {
        return base;
    }

    public JsonNode root() {
        return root;
    }

    /** The node at a JSON pointer; missing when absent. */
    public JsonNode at(String pointer) {
        return root.at(pointer);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Throws every problem recorded so far, one per line. */
    public void throwIfErrors() throws ConfigException {
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("\n", errors));
        }
    }

    /** Records a problem with the value at {@code pointer}, with the line it is on (or its parent's). */
    public void error(String pointer, String message) {
        Integer line = lines.get(pointer);
        String p = pointer;
        while (line == null && p.contains("/")) {
            p = p.substring(0, p.lastIndexOf('/'));
            line = lines.get(p.isEmpty() ? "" : p);
        }
        String field = pointer.isEmpty() ? "" : pointer.substring(1).replaceAll("/(\\d+)", "[$1]").replace('/', '.') + ": ";
        errors.add(file + ":" + (line == null ? 1 : line) + ": " + field + message);
    }

    /** Checks that the mapping at {@code at}, if present, has no key outside {@code keys}. */
    public void known(String at, Set<String> keys) {
        JsonNode node = root.at(at);
        if (node == null || node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            error(at, "expected a mapping");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                String hint = keys.stream().filter(x -> distance(x, k) <= 2).findFirst().map(x -> " (did you mean \"" + x + "\"?)").orElse("");
                error(at + "/" + k, "unknown key \"" + k + "\"" + hint + "; known keys: " + String.join(", ", keys.stream().sorted().toList()));
            }
        }
    }

    public String text(String at, boolean required) {
        JsonNode n = root.at(at);
        if (n.isMissingNode() || n.isNull()) {
            if (required) {
                error(at, "is required");
            }
            return null;
        }
        if (!n.isValueNode()) {
            error(at, "expected a text value");
            return null;
        }
        return n.asText();
    }

    public List<String> strings(String at) {
        JsonNode n = root.at(at);
        List<String> out = new ArrayList<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            error(at, "expected a list, e.g. [a, b]");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isValueNode()) {
                error(at + "/" + i, "expected a text value");
            } else {
                out.add(n.get(i).asText());
            }
        }
        return out;
    }

    /** An absolute URL with a host and one of {@code schemes}. */
    public URI uri(String at, boolean required, Set<String> schemes) {
        String s = text(at, required);
        if (s == null) {
            return null;
        }
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT)) || u.getHost() == null) {
                error(at, "expected an absolute " + String.join(" or ", schemes) + " URL with a host; found \"" + s + "\"");
                return null;
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            error(at, "not a URL: \"" + s + "\"");
            return null;
        }
    }

    /** A path, resolved against the file's folder. */
    public Path path(String at, boolean required) {
        String s = text(at, required);
        return s == null ? null : base.resolve(s).normalize();
    }

    /** A duration written with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    public Duration duration(String at, Duration dflt) {
        String s = text(at, false);
        if (s == null) {
            return dflt;
        }
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, Math.max(0, s.length() - 1)));
            switch (s.charAt(s.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                case 'd': return Duration.ofDays(n);
                default: break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        error(at, "expected a duration such as 500ms, 30s, 5m, 2h or 7d; found \"" + s + "\"");
        return dflt;
    }

    /**
     * A size in bytes: a whole number, or one with a binary unit, {@code 512KiB}, {@code 256MiB}, {@code 1GiB}
     * ({@code KB}, {@code MB}, {@code GB} are read as the same powers of two), at least {@code min}.
     */
    public long bytes(String at, long dflt, long min) {
        JsonNode n = root.at(at);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= min) {
            return n.asLong();
        }
        String s = n.isTextual() ? n.textValue().strip() : n.toString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})\\s*(?:([KMGT])I?B)?").matcher(s.toUpperCase(java.util.Locale.ROOT));
        if (m.matches()) {
            int shift = m.group(2) == null ? 0 : 10 * (1 + "KMGT".indexOf(m.group(2)));
            long v = Long.parseLong(m.group(1));
            if (v <= (Long.MAX_VALUE >> shift) && (v << shift) >= min) {
                return v << shift;
            }
        }
        error(at, "expected a size of at least " + min + " bytes, such as 64MiB or 1GiB; found " + n);
        return dflt;
    }

    public int integer(String at, int dflt, int min, int max) {
        JsonNode n = root.at(at);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            error(at, "expected a whole number from " + min + " to " + max + "; found " + n);
            return dflt;
        }
        return n.asInt();
    }

    public boolean bool(String at, boolean dflt) {
        JsonNode n = root.at(at);
        if (n.isMissingNode() || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            error(at, "expected true or false; found " + n);
            return dflt;
        }
        return n.booleanValue();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
