package org.cb4i.proxy.config;

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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.terms.UsageSignals;

/**
 * Reads a proxy configuration from YAML and validates it completely before anything starts: every error names
 * the file, the line and the field, and what was expected. Unknown keys are errors (a misspelt key must not be
 * ignored silently), with a suggestion when one is close. Relative paths resolve against the file's folder.
 */
public final class ConfigLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final int MAX_BYTES = 1024 * 1024;

    private final Path file;
    private final Path base;
    private final Map<String, Integer> lines;
    private final List<String> errors = new ArrayList<>();

    private ConfigLoader(Path file, Map<String, Integer> lines) {
        this.file = file;
        this.base = file.toAbsolutePath().getParent();
        this.lines = lines;
    }

    /**
     * Loads and validates {@code file}.
     *
     * @throws ConfigException listing every problem found, each as {@code file:line: field: message}
     */
    public static ProxyConfig load(Path file) throws ConfigException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file + ": larger than 1 MiB; not a proxy configuration");
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
            throw new ConfigException(file + ":1: the configuration must be a YAML mapping (listen:, origin:, …)");
        }
        ConfigLoader l = new ConfigLoader(file, lines);
        ProxyConfig c = l.read(root);
        if (!l.errors.isEmpty()) {
            throw new ConfigException(String.join("\n", l.errors));
        }
        return c;
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

    private ProxyConfig read(JsonNode root) {
        known(root, "", Set.of("listen", "origin", "publisher", "issuers", "repertoires", "paths", "log", "admin", "tls",
                "trusted_forwarders", "limits", "origin_timeouts", "content_usage", "forward_credentials", "licensee_header",
                "fetch_from_private_addresses", "access_log", "ai_user_agents"));
        HostPort listen = hostPort(root, "/listen", true);
        URI origin = uri(root, "/origin", true, Set.of("http", "https"));
        URI publisher = uri(root, "/publisher", true, Set.of("http", "https"));
        if (publisher != null && publisher.getRawPath() != null && !publisher.getRawPath().isEmpty() && !publisher.getRawPath().equals("/")) {
            error("/publisher", "must be an origin (scheme://host[:port]) without a path");
        }
        List<ProxyConfig.Issuer> issuers = new ArrayList<>();
        JsonNode is = root.at("/issuers");
        if (!is.isArray() || is.isEmpty()) {
            error("/issuers", "expected a list of at least one collective: - id: https://collective.example / jwks: file:issuer.jwks.json");
        } else {
            for (int i = 0; i < is.size(); i++) {
                String at = "/issuers/" + i;
                known(is.get(i), at, Set.of("id", "jwks", "token_endpoint"));
                String id = text(root, at + "/id", true);
                URI jwks = jwksUri(root, at + "/jwks");
                URI token = uri(root, at + "/token_endpoint", false, Set.of("http", "https"));
                if (id != null && jwks != null) {
                    issuers.add(new ProxyConfig.Issuer(id, jwks, Optional.ofNullable(token)));
                }
            }
        }
        List<String> repertoires = strings(root, "/repertoires");
        List<ProxyConfig.PathRule> paths = new ArrayList<>();
        JsonNode ps = root.at("/paths");
        if (!ps.isArray() || ps.isEmpty()) {
            error("/paths", "expected a list of rules: - match: /* / access: licensed / usages: [ai-train]");
        } else {
            for (int i = 0; i < ps.size(); i++) {
                paths.add(pathRule(root, "/paths/" + i));
            }
        }
        JsonNode lg = root.at("/log");
        known(lg, "/log", Set.of("dir", "key", "checkpoint_interval", "checkpoint_entries"));
        Path logDir = path(root, "/log/dir", true);
        Path logKey = path(root, "/log/key", false);
        Duration cpEvery = duration(root, "/log/checkpoint_interval", Duration.ofSeconds(1));
        int cpEntries = integer(root, "/log/checkpoint_entries", 1000, 1, 1_000_000);
        ProxyConfig.LogSettings log = logDir == null ? null
                : new ProxyConfig.LogSettings(logDir, logKey == null ? logDir.resolve("log-key.jwk") : logKey, cpEvery, cpEntries);
        Optional<HostPort> admin = Optional.ofNullable(hostPort(root, "/admin", false));
        Optional<ProxyConfig.Tls> tls = Optional.empty();
        if (!root.at("/tls").isMissingNode()) {
            known(root.at("/tls"), "/tls", Set.of("cert", "key"));
            Path cert = path(root, "/tls/cert", true);
            Path key = path(root, "/tls/key", true);
            if (cert != null && key != null) {
                tls = Optional.of(new ProxyConfig.Tls(cert, key));
            }
        }
        List<Cidr> forwarders = new ArrayList<>();
        List<String> fw = strings(root, "/trusted_forwarders");
        for (int i = 0; i < fw.size(); i++) {
            try {
                forwarders.add(Cidr.parse(fw.get(i)));
            } catch (IllegalArgumentException e) {
                error("/trusted_forwarders/" + i, e.getMessage());
            }
        }
        JsonNode lim = root.at("/limits");
        known(lim, "/limits", Set.of("max_request_line", "max_header_bytes", "max_body_bytes", "idle_timeout"));
        ProxyConfig.Limits d = ProxyConfig.Limits.DEFAULT;
        ProxyConfig.Limits limits = new ProxyConfig.Limits(
                integer(root, "/limits/max_request_line", d.maxRequestLine(), 256, 65536),
                integer(root, "/limits/max_header_bytes", d.maxHeaderBytes(), 1024, 262144),
                integer(root, "/limits/max_body_bytes", (int) d.maxBodyBytes(), 0, Integer.MAX_VALUE),
                duration(root, "/limits/idle_timeout", d.idleTimeout()));
        known(root.at("/origin_timeouts"), "/origin_timeouts", Set.of("connect", "response"));
        ProxyConfig.OriginTimeouts timeouts = new ProxyConfig.OriginTimeouts(
                duration(root, "/origin_timeouts/connect", ProxyConfig.OriginTimeouts.DEFAULT.connect()),
                duration(root, "/origin_timeouts/response", ProxyConfig.OriginTimeouts.DEFAULT.response()));
        String cu = text(root, "/content_usage", false);
        if (cu != null && UsageSignals.fromContentUsage(cu).toContentUsage().isEmpty()) {
            error("/content_usage", "expected an AIPREF dictionary such as \"train-ai=n, search=y\"; found \"" + cu + "\"");
        }
        boolean forwardCredentials = bool(root, "/forward_credentials", false);
        String licenseeHeader = text(root, "/licensee_header", false);
        if (licenseeHeader != null && !licenseeHeader.matches("[A-Za-z0-9-]+")) {
            error("/licensee_header", "must be a header name (letters, digits and -)");
        }
        boolean privateFetch = bool(root, "/fetch_from_private_addresses", false);
        String accessLog = text(root, "/access_log", false);
        ProxyConfig.AccessLog al = accessLog == null ? ProxyConfig.AccessLog.STDOUT
                : accessLog.equals("off") || accessLog.equals("stdout") ? new ProxyConfig.AccessLog(accessLog)
                : new ProxyConfig.AccessLog(base.resolve(accessLog).toString());
        List<String> agents = strings(root, "/ai_user_agents");
        if (errors.isEmpty() && (listen == null || origin == null || publisher == null || log == null)) {
            error("", "incomplete configuration");
        }
        return errors.isEmpty() ? new ProxyConfig(Optional.of(file.toAbsolutePath()), listen, origin, publisher, issuers, repertoires, paths,
                log, admin, tls, forwarders, limits, timeouts, Optional.ofNullable(cu), forwardCredentials,
                Optional.ofNullable(licenseeHeader), privateFetch, al, agents) : null;
    }

    private ProxyConfig.PathRule pathRule(JsonNode root, String at) {
        known(root.at(at), at, Set.of("match", "access", "usages", "signature"));
        String match = text(root, at + "/match", true);
        PathPattern pattern = null;
        if (match != null) {
            try {
                pattern = PathPattern.of(match);
            } catch (IllegalArgumentException e) {
                error(at + "/match", e.getMessage());
            }
        }
        String access = text(root, at + "/access", true);
        ProxyConfig.Access a = null;
        if (access != null) {
            switch (access) {
                case "open" -> a = ProxyConfig.Access.OPEN;
                case "licensed" -> a = ProxyConfig.Access.LICENSED;
                case "deny" -> a = ProxyConfig.Access.DENY;
                default -> error(at + "/access", "expected open, licensed or deny; found \"" + access + "\"");
            }
        }
        EnumSet<Usage> usages = EnumSet.noneOf(Usage.class);
        List<String> us = strings(root, at + "/usages");
        for (int i = 0; i < us.size(); i++) {
            Optional<Usage> u = Usage.parse(us.get(i));
            if (u.isEmpty()) {
                error(at + "/usages/" + i, "unknown usage \"" + us.get(i) + "\"; use all, ai-all, ai-train, ai-input, ai-index or search");
            }
            u.ifPresent(usages::add);
        }
        if (a == ProxyConfig.Access.LICENSED && usages.isEmpty() && errors.isEmpty()) {
            error(at + "/usages", "a licensed path must say which usages a license must grant, e.g. usages: [ai-train]");
        }
        String sig = text(root, at + "/signature", false);
        SignaturePolicy policy = SignaturePolicy.REUSABLE;
        if (sig != null) {
            policy = SignaturePolicy.parse(sig).orElse(null);
            if (policy == null) {
                error(at + "/signature", "expected reusable or per-request; found \"" + sig + "\"");
            }
        }
        return new ProxyConfig.PathRule(pattern, a, usages, policy);
    }

    private void known(JsonNode node, String at, Set<String> keys) {
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

    private String text(JsonNode root, String at, boolean required) {
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

    private List<String> strings(JsonNode root, String at) {
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

    private HostPort hostPort(JsonNode root, String at, boolean required) {
        String s = text(root, at, required);
        if (s == null) {
            return null;
        }
        try {
            return HostPort.parse(s);
        } catch (IllegalArgumentException e) {
            error(at, e.getMessage());
            return null;
        }
    }

    private URI uri(JsonNode root, String at, boolean required, Set<String> schemes) {
        String s = text(root, at, required);
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

    private URI jwksUri(JsonNode root, String at) {
        String s = text(root, at, true);
        if (s == null) {
            return null;
        }
        if (s.startsWith("file:")) {
            Path p = base.resolve(s.substring("file:".length()));
            if (!Files.isReadable(p)) {
                error(at, "no readable key set at " + p);
            }
            return p.toUri();
        }
        if (s.startsWith("https:") || s.startsWith("http:")) {
            return uri(root, at, true, Set.of("http", "https"));
        }
        error(at, "expected file:PATH or an https: URL; found \"" + s + "\"");
        return null;
    }

    private Path path(JsonNode root, String at, boolean required) {
        String s = text(root, at, required);
        return s == null ? null : base.resolve(s).normalize();
    }

    private Duration duration(JsonNode root, String at, Duration dflt) {
        String s = text(root, at, false);
        if (s == null) {
            return dflt;
        }
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(at, "expected a duration such as 500ms, 30s or 5m; found \"" + s + "\"");
        return dflt;
    }

    private int integer(JsonNode root, String at, int dflt, int min, int max) {
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

    private boolean bool(JsonNode root, String at, boolean dflt) {
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

    private void error(String pointer, String message) {
        Integer line = lines.get(pointer);
        String p = pointer;
        while (line == null && p.contains("/")) {
            p = p.substring(0, p.lastIndexOf('/'));
            line = lines.get(p.isEmpty() ? "" : p);
        }
        String field = pointer.isEmpty() ? "" : pointer.substring(1).replaceAll("/(\\d+)", "[$1]").replace('/', '.') + ": ";
        errors.add(file + ":" + (line == null ? 1 : line) + ": " + field + message);
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
