package org.cb4i.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.config.ConfigException;
import org.cb4i.sdk.config.YamlConfig;
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
    private final YamlConfig y;

    private ConfigLoader(YamlConfig y) {
        this.y = y;
    }

    /**
     * Loads and validates {@code file}.
     *
     * @throws ConfigException listing every problem found, each as {@code file:line: field: message}
     */
    public static ProxyConfig load(Path file) throws ConfigException {
        YamlConfig y = YamlConfig.load(file, "configuration", "listen:, origin:, …");
        ProxyConfig c = new ConfigLoader(y).read(y.root());
        y.throwIfErrors();
        return c;
    }

    private ProxyConfig read(JsonNode root) {
        y.known("", Set.of("listen", "origin", "publisher", "issuers", "repertoires", "paths", "log", "admin", "tls",
                "trusted_forwarders", "limits", "origin_timeouts", "content_usage", "forward_credentials", "licensee_header",
                "fetch_from_private_addresses", "allow_plain_http", "allow_private_addresses", "access_log", "ai_user_agents", "quota", "fleet", "http2", "transport"));
        HostPort listen = hostPort(root, "/listen", true);
        URI origin = y.uri("/origin", true, Set.of("http", "https"));
        URI publisher = y.uri("/publisher", true, Set.of("http", "https"));
        if (publisher != null && publisher.getRawPath() != null && !publisher.getRawPath().isEmpty() && !publisher.getRawPath().equals("/")) {
            y.error("/publisher", "must be an origin (scheme://host[:port]) without a path");
        }
        List<ProxyConfig.Issuer> issuers = new ArrayList<>();
        JsonNode is = root.at("/issuers");
        if (!is.isArray() || is.isEmpty()) {
            y.error("/issuers", "expected a list of at least one collective: - id: https://collective.example / jwks: file:issuer.jwks.json");
        } else {
            for (int i = 0; i < is.size(); i++) {
                String at = "/issuers/" + i;
                y.known(at, Set.of("id", "jwks", "token_endpoint", "collector_key", "status_changes", "consent", "notices", "offers"));
                String id = y.text(at + "/id", true);
                URI jwks = jwksUri(root, at + "/jwks");
                URI token = y.uri(at + "/token_endpoint", false, Set.of("http", "https"));
                URI collector = root.at(at + "/collector_key").isMissingNode() ? null : jwksUri(root, at + "/collector_key");
                URI changes = y.uri(at + "/status_changes", false, Set.of("http", "https"));
                ProxyConfig.Consent consent = null;
                if (!root.at(at + "/consent").isMissingNode()) {
                    y.known(at + "/consent", Set.of("url", "key"));
                    URI curl = y.uri(at + "/consent/url", true, Set.of("http", "https"));
                    Path ckey = y.path(at + "/consent/key", true);
                    if (ckey != null) {
                        try {
                            org.cb4i.sdk.key.KeyFiles.readSigningKey(ckey);
                        } catch (java.io.IOException | RuntimeException e) {
                            y.error(at + "/consent/key", "expected the member's private content key (a JWK file, as cb4i keys writes): " + e.getMessage());
                        }
                    }
                    consent = curl == null || ckey == null ? null : new ProxyConfig.Consent(curl, ckey);
                }
                if (id != null && jwks != null) {
                    issuers.add(new ProxyConfig.Issuer(id, jwks, Optional.ofNullable(token), Optional.ofNullable(collector), Optional.ofNullable(changes),
                            Optional.ofNullable(consent), Optional.ofNullable(y.uri(at + "/notices", false, Set.of("http", "https"))),
                            Optional.ofNullable(y.uri(at + "/offers", false, Set.of("http", "https")))));
                }
            }
        }
        List<String> repertoires = y.strings("/repertoires");
        List<ProxyConfig.PathRule> paths = new ArrayList<>();
        JsonNode ps = root.at("/paths");
        if (!ps.isArray() || ps.isEmpty()) {
            y.error("/paths", "expected a list of rules: - match: /* / access: licensed / usages: [ai-train]");
        } else {
            for (int i = 0; i < ps.size(); i++) {
                paths.add(pathRule(root, "/paths/" + i));
            }
        }
        y.known("/log", Set.of("dir", "key", "checkpoint_interval", "checkpoint_entries", "checkpoint_refresh", "segments"));
        Path logDir = y.path("/log/dir", true);
        Path logKey = y.path("/log/key", false);
        Duration cpEvery = y.duration("/log/checkpoint_interval", Duration.ofSeconds(1));
        int cpEntries = y.integer("/log/checkpoint_entries", 1000, 1, 1_000_000);
        ProxyConfig.LogSettings log = logDir == null ? null
                : new ProxyConfig.LogSettings(logDir, logKey == null ? logDir.resolve("log-key.jwk") : logKey, cpEvery, cpEntries,
                        y.duration("/log/checkpoint_refresh", ProxyConfig.LogSettings.DEFAULT_REFRESH), segments(y, logDir));
        Optional<HostPort> admin = Optional.ofNullable(hostPort(root, "/admin", false));
        Optional<ProxyConfig.Tls> tls = Optional.empty();
        if (!root.at("/tls").isMissingNode()) {
            y.known("/tls", Set.of("cert", "key"));
            Path cert = y.path("/tls/cert", true);
            Path key = y.path("/tls/key", true);
            if (cert != null && key != null) {
                tls = Optional.of(new ProxyConfig.Tls(cert, key));
            }
        }
        List<Cidr> forwarders = new ArrayList<>();
        List<String> fw = y.strings("/trusted_forwarders");
        for (int i = 0; i < fw.size(); i++) {
            try {
                forwarders.add(Cidr.parse(fw.get(i)));
            } catch (IllegalArgumentException e) {
                y.error("/trusted_forwarders/" + i, e.getMessage());
            }
        }
        y.known("/limits", Set.of("max_request_line", "max_header_bytes", "max_body_bytes", "idle_timeout", "header_timeout"));
        ProxyConfig.Limits d = ProxyConfig.Limits.DEFAULT;
        ProxyConfig.Limits limits = new ProxyConfig.Limits(
                y.integer("/limits/max_request_line", d.maxRequestLine(), 256, 65536),
                y.integer("/limits/max_header_bytes", d.maxHeaderBytes(), 1024, 262144),
                y.integer("/limits/max_body_bytes", (int) d.maxBodyBytes(), 0, Integer.MAX_VALUE),
                y.duration("/limits/idle_timeout", d.idleTimeout()),
                y.duration("/limits/header_timeout", d.headerTimeout()));
        y.known("/origin_timeouts", Set.of("connect", "response"));
        ProxyConfig.OriginTimeouts timeouts = new ProxyConfig.OriginTimeouts(
                y.duration("/origin_timeouts/connect", ProxyConfig.OriginTimeouts.DEFAULT.connect()),
                y.duration("/origin_timeouts/response", ProxyConfig.OriginTimeouts.DEFAULT.response()));
        String cu = y.text("/content_usage", false);
        if (cu != null && UsageSignals.fromContentUsage(cu).toContentUsage().isEmpty()) {
            y.error("/content_usage", "expected an AIPREF dictionary such as \"train-ai=n, search=y\"; found \"" + cu + "\"");
        }
        boolean forwardCredentials = y.bool("/forward_credentials", false);
        String licenseeHeader = y.text("/licensee_header", false);
        if (licenseeHeader != null && !licenseeHeader.matches("[A-Za-z0-9-]+")) {
            y.error("/licensee_header", "must be a header name (letters, digits and -)");
        }
        // fetch_from_private_addresses is the older name for both loosenings; each new name, when given, decides its own.
        boolean both = y.bool("/fetch_from_private_addresses", false);
        ProxyConfig.Fetching fetching = new ProxyConfig.Fetching(y.bool("/allow_plain_http", both), y.bool("/allow_private_addresses", both));
        ProxyConfig.AccessLog al = accessLog(root);
        ProxyConfig.Http2 http2 = http2();
        ProxyConfig.Transport transport = ProxyConfig.Transport.AUTO;
        String t = y.text("/transport", false);
        if (t != null) {
            try {
                transport = ProxyConfig.Transport.valueOf(t.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                y.error("/transport", "expected auto, epoll, io_uring or nio; found \"" + t + "\"");
            }
        }
        List<String> agents = y.strings("/ai_user_agents");
        ProxyConfig.QuotaSettings quota = quota(root);
        y.known("/fleet", Set.of("advertise"));
        URI advertise = y.uri("/fleet/advertise", false, Set.of("http", "https"));
        if (advertise != null && quota.redis().isEmpty() && !y.hasErrors()) {
            y.error("/fleet/advertise", "instances find each other through the quota store's Redis: set quota.store: redis://… too");
        }
        if (!y.hasErrors() && (listen == null || origin == null || publisher == null || log == null)) {
            y.error("", "incomplete configuration");
        }
        return !y.hasErrors() ? new ProxyConfig(Optional.of(y.file().toAbsolutePath()), listen, origin, publisher, issuers, repertoires, paths,
                log, admin, tls, forwarders, limits, timeouts, Optional.ofNullable(cu), forwardCredentials,
                Optional.ofNullable(licenseeHeader), fetching, al, agents, quota, Optional.ofNullable(advertise), http2, transport) : null;
    }

    /** The {@code quota:} block: {@code store: local | redis://…}, and with Redis the policy for when it is unreachable. */
    /**
     * {@code access_log}: {@code stdout} (the default), {@code off}, a file, or a file with its rotation:
     * {@code {file: access.log, max_bytes: 100MiB, every: 1d, keep: 14}}.
     */
    private ProxyConfig.AccessLog accessLog(JsonNode root) {
        JsonNode n = root.at("/access_log");
        if (n.isObject()) {
            y.known("/access_log", Set.of("file", "max_bytes", "every", "keep"));
            String file = y.text("/access_log/file", true);
            Duration every = n.has("every") ? y.duration("/access_log/every", Duration.ofDays(1)) : null;
            if (every != null && every.compareTo(Duration.ofSeconds(1)) < 0) {
                y.error("/access_log/every", "expected at least 1s");
            }
            ProxyConfig.Rotation r = new ProxyConfig.Rotation(y.bytes("/access_log/max_bytes", 0, 4096), Optional.ofNullable(every),
                    y.integer("/access_log/keep", 0, 0, 100_000));
            return file == null ? ProxyConfig.AccessLog.STDOUT : new ProxyConfig.AccessLog(y.base().resolve(file).toString(), r);
        }
        String accessLog = y.text("/access_log", false);
        return accessLog == null ? ProxyConfig.AccessLog.STDOUT
                : accessLog.equals("off") || accessLog.equals("stdout") ? new ProxyConfig.AccessLog(accessLog)
                : new ProxyConfig.AccessLog(y.base().resolve(accessLog).toString());
    }

    /** {@code http2}: {@code {enabled: true, cleartext: false, max_concurrent_streams: 100, max_resets: 200, reset_window: 30s}}. */
    private ProxyConfig.Http2 http2() {
        ProxyConfig.Http2 d = ProxyConfig.Http2.DEFAULT;
        if (y.at("/http2").isMissingNode()) {
            return d;
        }
        y.known("/http2", Set.of("enabled", "cleartext", "max_concurrent_streams", "max_resets", "reset_window"));
        Duration window = y.duration("/http2/reset_window", d.resetWindow());
        if (window.compareTo(Duration.ofSeconds(1)) < 0) {
            y.error("/http2/reset_window", "expected at least 1s");
        }
        return new ProxyConfig.Http2(y.bool("/http2/enabled", d.enabled()), y.bool("/http2/cleartext", d.cleartext()),
                y.integer("/http2/max_concurrent_streams", d.maxConcurrentStreams(), 1, 10_000), y.integer("/http2/max_resets", d.maxResetsPerWindow(), 1,
                        1_000_000), window);
    }

    /** {@code log.segments}: when segments are sealed, and where and when sealed ones go. */
    private ProxyConfig.Segments segments(YamlConfig y, Path logDir) {
        ProxyConfig.Segments d = ProxyConfig.Segments.DEFAULT;
        if (y.at("/log/segments").isMissingNode()) {
            return d;
        }
        y.known("/log/segments", Set.of("max_bytes", "max_age", "archive_dir", "retention", "retain_every"));
        Path archive = y.path("/log/segments/archive_dir", false);
        if (archive != null && logDir != null && archive.toAbsolutePath().normalize().startsWith(logDir.toAbsolutePath().normalize())) {
            y.error("/log/segments/archive_dir", "must be outside log.dir (" + logDir + "): the archive is what leaves the hot disk");
        }
        Duration retention = y.at("/log/segments/retention").isMissingNode() ? null : y.duration("/log/segments/retention", Duration.ofDays(90));
        if (retention != null && retention.isNegative()) {
            y.error("/log/segments/retention", "expected a duration of 0s or more");
        }
        Duration maxAge = y.duration("/log/segments/max_age", d.maxAge());
        if (maxAge.compareTo(Duration.ofSeconds(1)) < 0) {
            y.error("/log/segments/max_age", "expected at least 1s");
        }
        return new ProxyConfig.Segments(y.bytes("/log/segments/max_bytes", d.maxBytes(), 4096), maxAge, Optional.ofNullable(archive),
                Optional.ofNullable(retention), y.duration("/log/segments/retain_every", d.retainEvery()));
    }

    private ProxyConfig.QuotaSettings quota(JsonNode root) {
        if (root.at("/quota").isMissingNode()) {
            return ProxyConfig.QuotaSettings.LOCAL;
        }
        y.known("/quota", Set.of("store", "on_store_unavailable", "timeout"));
        String store = y.text("/quota/store", false);
        Duration timeout = y.duration("/quota/timeout", ProxyConfig.QuotaSettings.DEFAULT_TIMEOUT);
        String policy = y.text("/quota/on_store_unavailable", false);
        if (store == null || store.equals("local")) {
            if (policy != null) {
                y.error("/quota/on_store_unavailable", "applies only to a shared store (store: redis://…); a local store is always reachable");
            }
            return ProxyConfig.QuotaSettings.LOCAL;
        }
        Optional<ProxyConfig.OnStoreUnavailable> on = Optional.empty();
        if (policy == null) {
            y.error("/quota/on_store_unavailable", "a shared quota store needs a policy for when it cannot be reached: local_limits (each instance "
                    + "counts alone and may grant the whole quota) or deny (licensed requests with a quota are refused, 503); there is no default");
        } else {
            switch (policy) {
                case "local_limits" -> on = Optional.of(ProxyConfig.OnStoreUnavailable.LOCAL_LIMITS);
                case "deny" -> on = Optional.of(ProxyConfig.OnStoreUnavailable.DENY);
                default -> y.error("/quota/on_store_unavailable", "expected local_limits or deny; found \"" + policy + "\"");
            }
        }
        URI redis = null;
        try {
            redis = new URI(store);
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        if (redis == null || !("redis".equals(redis.getScheme()) || "rediss".equals(redis.getScheme())) || redis.getHost() == null) {
            y.error("/quota/store", "expected local or a Redis URL such as redis://127.0.0.1:6379 (rediss:// for TLS); found \"" + store + "\"");
            return ProxyConfig.QuotaSettings.LOCAL;
        }
        if (timeout.isZero() || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
            y.error("/quota/timeout", "expected a duration above 0 and at most 10s (each licensed request may wait this long)");
        }
        return new ProxyConfig.QuotaSettings(Optional.of(redis), on, timeout);
    }

    private ProxyConfig.PathRule pathRule(JsonNode root, String at) {
        y.known(at, Set.of("match", "access", "usages", "signature"));
        String match = y.text(at + "/match", true);
        PathPattern pattern = null;
        if (match != null) {
            try {
                pattern = PathPattern.of(match);
            } catch (IllegalArgumentException e) {
                y.error(at + "/match", e.getMessage());
            }
        }
        String access = y.text(at + "/access", true);
        ProxyConfig.Access a = null;
        if (access != null) {
            switch (access) {
                case "open" -> a = ProxyConfig.Access.OPEN;
                case "licensed" -> a = ProxyConfig.Access.LICENSED;
                case "deny" -> a = ProxyConfig.Access.DENY;
                default -> y.error(at + "/access", "expected open, licensed or deny; found \"" + access + "\"");
            }
        }
        EnumSet<Usage> usages = EnumSet.noneOf(Usage.class);
        List<String> us = y.strings(at + "/usages");
        for (int i = 0; i < us.size(); i++) {
            Optional<Usage> u = Usage.parse(us.get(i));
            if (u.isEmpty()) {
                y.error(at + "/usages/" + i, "unknown usage \"" + us.get(i) + "\"; use all, ai-all, ai-train, ai-input, ai-index or search");
            }
            u.ifPresent(usages::add);
        }
        if (a == ProxyConfig.Access.LICENSED && usages.isEmpty() && !y.hasErrors()) {
            y.error(at + "/usages", "a licensed path must say which usages a license must grant, e.g. usages: [ai-train]");
        }
        String sig = y.text(at + "/signature", false);
        SignaturePolicy policy = SignaturePolicy.REUSABLE;
        if (sig != null) {
            policy = SignaturePolicy.parse(sig).orElse(null);
            if (policy == null) {
                y.error(at + "/signature", "expected reusable or per-request; found \"" + sig + "\"");
            }
        }
        return new ProxyConfig.PathRule(pattern, a, usages, policy);
    }

    private HostPort hostPort(JsonNode root, String at, boolean required) {
        String s = y.text(at, required);
        if (s == null) {
            return null;
        }
        try {
            return HostPort.parse(s);
        } catch (IllegalArgumentException e) {
            y.error(at, e.getMessage());
            return null;
        }
    }

    private URI jwksUri(JsonNode root, String at) {
        String s = y.text(at, true);
        if (s == null) {
            return null;
        }
        if (s.startsWith("file:")) {
            Path p = y.base().resolve(s.substring("file:".length()));
            if (!Files.isReadable(p)) {
                y.error(at, "no readable key set at " + p);
            }
            return p.toUri();
        }
        if (s.startsWith("https:") || s.startsWith("http:")) {
            return y.uri(at, true, Set.of("http", "https"));
        }
        y.error(at, "expected file:PATH or an https: URL; found \"" + s + "\"");
        return null;
    }
}
