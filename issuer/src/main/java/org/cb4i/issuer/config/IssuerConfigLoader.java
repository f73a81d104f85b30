package org.cb4i.issuer.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.cb4i.issuer.store.StoreLocation;
import org.cb4i.sdk.config.ConfigException;
import org.cb4i.sdk.config.YamlConfig;

/**
 * Reads an issuer configuration from YAML and validates all of it before anything starts: every problem is reported
 * as {@code file:line: field: message}.
 *
 * <pre>
 * id: https://collective.example        # the collective (iss)
 * public_url: https://licenses.collective.example
 * listen: 0.0.0.0:8090
 * key: collective/private.jwk
 * store: issuer-store
 * admin_token: admin.token              # created when absent (owner-only)
 * token_lifetime: 1d
 * status: {ttl: 60s, validity: 24h, capacity: 131072}
 * </pre>
 */
public final class IssuerConfigLoader {
    private IssuerConfigLoader() {}

    public static IssuerConfig load(Path file) throws ConfigException {
        YamlConfig y = YamlConfig.load(file, "issuer configuration", "id:, public_url:, listen:, key:, store:, …");
        y.known("", Set.of("id", "repertoire_id", "public_url", "listen", "key", "store", "admin_token", "token_lifetime", "token_limits", "admin_listen", "access_log", "status",
                "repertoire_validity", "max_body_bytes", "collection", "decisions"));
        String id = y.text("/id", true);
        String repertoire = y.text("/repertoire_id", false);
        URI publicUrl = y.uri("/public_url", true, Set.of("http", "https"));
        if (publicUrl != null && (publicUrl.getRawQuery() != null || publicUrl.getRawFragment() != null)) {
            y.error("/public_url", "must be a base URL without query or fragment");
        }
        String listen = y.text("/listen", false);
        String host = "127.0.0.1";
        int port = 8090;
        if (listen != null) {
            int colon = listen.lastIndexOf(':');
            try {
                port = Integer.parseInt(listen.substring(colon + 1));
                host = colon > 0 ? listen.substring(0, colon).replace("[", "").replace("]", "") : host;
                if (colon <= 0 || port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                y.error("/listen", "expected host:port, e.g. 127.0.0.1:8090; found \"" + listen + "\"");
            }
        }
        Path key = y.path("/key", true);
        String storeText = y.text("/store", true);
        StoreLocation store = null;
        if (storeText != null) {
            try {
                store = StoreLocation.parse(storeText, y.base());
            } catch (IllegalArgumentException e) {
                y.error("/store", e.getMessage());
            }
        }
        Path adminToken = y.path("/admin_token", false);
        IssuerConfig.Operations operations = IssuerConfig.Operations.NONE;
        String opsListen = y.text("/admin_listen", false);
        String accessLog = y.text("/access_log", false);
        Optional<String> opsHost = Optional.empty();
        int opsPort = 0;
        if (opsListen != null) {
            int colon = opsListen.lastIndexOf(':');
            try {
                opsPort = Integer.parseInt(opsListen.substring(colon + 1));
                opsHost = Optional.of(colon > 0 ? opsListen.substring(0, colon).replace("[", "").replace("]", "") : "");
                if (colon <= 0 || opsPort < 0 || opsPort > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                y.error("/admin_listen", "expected host:port for /metrics, /healthz and /readyz, e.g. 127.0.0.1:9091; found \"" + opsListen + "\"");
            }
        }
        String al = accessLog == null || accessLog.equals("off") || accessLog.equals("stdout") ? (accessLog == null ? "off" : accessLog)
                : y.base().resolve(accessLog).toString();
        operations = new IssuerConfig.Operations(opsHost, opsPort, al);
        Duration lifetime = positive(y, "/token_lifetime", IssuerConfig.DEFAULT_TOKEN_LIFETIME);
        y.known("/status", Set.of("ttl", "validity", "capacity", "max_lists"));
        Duration ttl = positive(y, "/status/ttl", IssuerConfig.DEFAULT_STATUS_TTL);
        Duration validity = positive(y, "/status/validity", IssuerConfig.DEFAULT_STATUS_VALIDITY);
        if (validity.compareTo(ttl) <= 0) {
            y.error("/status/validity", "must be longer than status.ttl, or proxies would fail closed between two refreshes");
        }
        int capacity = y.integer("/status/capacity", IssuerConfig.DEFAULT_STATUS_CAPACITY, 16, 1 << 24);
        IssuerConfig.Limits dl = IssuerConfig.Limits.DEFAULT;
        y.known("/token_limits", Set.of("per_hour", "live_per_agreement"));
        IssuerConfig.Limits limits = new IssuerConfig.Limits(y.integer("/status/max_lists", dl.statusMaxLists(), 1, 65_536),
                y.integer("/token_limits/per_hour", dl.tokensPerHour(), 1, 1_000_000), y.integer("/token_limits/live_per_agreement", dl.livePerAgreement(), 1, 10_000));
        Duration repValidity = positive(y, "/repertoire_validity", IssuerConfig.DEFAULT_REPERTOIRE_VALIDITY);
        int maxBody = y.integer("/max_body_bytes", IssuerConfig.DEFAULT_MAX_BODY_BYTES, 1024, 16 * 1024 * 1024);
        y.known("/collection", Set.of("interval", "allow_plain_http", "allow_private_addresses"));
        Duration interval = y.duration("/collection/interval", IssuerConfig.Collection.DEFAULT.interval());
        IssuerConfig.Collection collection = new IssuerConfig.Collection(interval, y.bool("/collection/allow_plain_http", false),
                y.bool("/collection/allow_private_addresses", false));
        y.known("/decisions", Set.of("quorum", "majority", "voting_period", "weights"));
        IssuerConfig.Decisions dd = IssuerConfig.Decisions.DEFAULT;
        java.util.Map<String, Integer> weights = new java.util.LinkedHashMap<>();
        com.fasterxml.jackson.databind.JsonNode w = y.at("/decisions/weights");
        if (!w.isMissingNode()) {
            if (!w.isObject()) {
                y.error("/decisions/weights", "expected a map of member origins to whole numbers: {https://news.example: 3}");
            } else {
                w.fields().forEachRemaining(e -> {
                    String at = "/decisions/weights/" + e.getKey().replace("~", "~0").replace("/", "~1");
                    try {
                        // A site that is its own organisation is named by its origin; an organisation of several sites by its name.
                        String voter = e.getKey().contains("://") ? org.cb4i.sdk.token.PathScope.normaliseOrigin(e.getKey()) : e.getKey().strip();
                        if (voter.isEmpty()) {
                            y.error(at, "expected a member organisation's name, or a site's origin (https://news.example)");
                        } else if (!e.getValue().isIntegralNumber() || e.getValue().asLong() < 1 || e.getValue().asLong() > 1_000_000) {
                            y.error(at, "expected a whole number from 1 to 1000000 (the member's votes)");
                        } else {
                            weights.put(voter, e.getValue().intValue());
                        }
                    } catch (IllegalArgumentException ex) {
                        y.error(at, "expected a member's origin (https://news.example): " + ex.getMessage());
                    }
                });
            }
        }
        IssuerConfig.Decisions decisions = new IssuerConfig.Decisions(y.integer("/decisions/quorum", dd.quorum(), 0, 100),
                y.integer("/decisions/majority", dd.majority(), 0, 100), positive(y, "/decisions/voting_period", dd.votingPeriod()), weights);
        y.throwIfErrors();
        return new IssuerConfig(Optional.of(file.toAbsolutePath()), host, port, id, repertoire == null ? id : repertoire, publicUrl, key, store,
                adminToken == null ? localState(store, file).resolve("admin.token") : adminToken, lifetime, ttl, validity, capacity, repValidity, maxBody, collection, limits, operations,
                decisions);
    }

    private static Duration positive(YamlConfig y, String at, Duration dflt) {
        Duration d = y.duration(at, dflt);
        if (d.isNegative() || d.isZero()) {
            y.error(at, "must be longer than zero");
            return dflt;
        }
        return d;
    }

    /** The folder beside the store for the admin token: the store's folder, or with a database the configuration's. */
    private static Path localState(StoreLocation store, Path file) {
        return store instanceof StoreLocation.Folder f ? f.dir() : file.toAbsolutePath().getParent();
    }
}
