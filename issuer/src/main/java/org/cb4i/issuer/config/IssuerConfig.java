package org.cb4i.issuer.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.issuer.store.StoreLocation;

/**
 * What an issuer runs with (README, "The issuer").
 *
 * @param file the configuration file, or empty for the embedded default
 * @param host address to listen on
 * @param port port to listen on (0: any free port)
 * @param id the collective's id: {@code iss} of everything it signs
 * @param repertoireId the repertoire id licenses name in {@code aud}; by default the collective id ([TOK-6])
 * @param publicUrl the base URL crawlers and proxies reach the issuer at (status list URIs and the token endpoint
 *     are built from it)
 * @param key the collective's private signing key (a JWK file)
 * @param store where its state is: the embedded store's folder, or a PostgreSQL database several instances share
 * @param adminToken the file holding the admin bearer token (created, owner-only, when absent)
 * @param tokenLifetime longest life of a license token, unless an agreement says shorter
 * @param statusTtl the {@code ttl} of status lists: how soon a revocation or strike reaches every proxy
 * @param statusValidity how long a served status list stays usable ({@code exp - iat}): how long proxies keep
 *     serving when the issuer is unreachable
 * @param statusCapacity the number of licenses one status list can track
 * @param repertoireValidity {@code exp - iat} of a served repertoire
 * @param maxBodyBytes largest request body accepted
 * @param collection how usage is collected from members' proxies
 * @param limits how many status lists and licenses the issuer gives ([ISS-9])
 * @param operations what the issuer tells its operator: metrics and health, the access log
 * @param decisions the rules of the members' votes ([DEC-1])
 */
public record IssuerConfig(Optional<Path> file, String host, int port, String id, String repertoireId, URI publicUrl, Path key,
        StoreLocation store, Path adminToken, Duration tokenLifetime, Duration statusTtl, Duration statusValidity, int statusCapacity,
        Duration repertoireValidity, int maxBodyBytes, Collection collection, Limits limits, Operations operations, Decisions decisions) {
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofDays(1);
    public static final Duration DEFAULT_STATUS_TTL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STATUS_VALIDITY = Duration.ofHours(24);
    public static final int DEFAULT_STATUS_CAPACITY = 1 << 17;
    public static final Duration DEFAULT_REPERTOIRE_VALIDITY = Duration.ofDays(1);
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    /**
     * Usage collection ([SET-9]).
     *
     * @param interval how often a running issuer collects from every approved log (zero: only when asked)
     * @param allowPlainHttp fetch members' logs over plain http (a loosening, for loopback tests and demos)
     * @param allowPrivateAddresses fetch from loopback and private addresses (likewise)
     */
    public record Collection(Duration interval, boolean allowPlainHttp, boolean allowPrivateAddresses) {
        public static final Collection DEFAULT = new Collection(Duration.ofHours(1), false, false);

        /** The fetch policy for members' logs ([FET-1]), with room for a page of 10,000 entries. */
        public org.cb4i.sdk.fetch.FetchPolicy policy() {
            org.cb4i.sdk.fetch.FetchPolicy p = org.cb4i.sdk.fetch.FetchPolicy.strict().withMaxBytes(64 << 20)
                    .withTimeout(Duration.ofSeconds(60)).namingSettings("collection.allow_plain_http: true", "collection.allow_private_addresses: true");
            if (allowPlainHttp) {
                p = p.allowPlainHttp();
            }
            return allowPrivateAddresses ? p.allowPrivateAddresses() : p;
        }
    }

    /** With the embedded store in a folder. */
    public IssuerConfig(Optional<Path> file, String host, int port, String id, String repertoireId, URI publicUrl, Path key, Path store,
            Path adminToken, Duration tokenLifetime, Duration statusTtl, Duration statusValidity, int statusCapacity, Duration repertoireValidity,
            int maxBodyBytes, Collection collection) {
        this(file, host, port, id, repertoireId, publicUrl, key, new StoreLocation.Folder(store), adminToken, tokenLifetime, statusTtl,
                statusValidity, statusCapacity, repertoireValidity, maxBodyBytes, collection);
    }

    /**
     * How many licenses the issuer gives ([ISS-9]).
     *
     * @param statusMaxLists status lists at most: a new list opens when the last is full
     * @param tokensPerHour licenses one licensee may be given per hour (every instance counts in the store)
     * @param livePerAgreement live licenses one licensee may hold under one agreement; a new one beyond it supersedes
     *     (revokes at once) the oldest
     */
    public record Limits(int statusMaxLists, int tokensPerHour, int livePerAgreement) {
        public static final Limits DEFAULT = new Limits(256, 60, 4);
    }

    /**
     * What the issuer tells its operator.
     *
     * @param listenHost where {@code /metrics} (Prometheus), {@code /healthz} and {@code /readyz} are served, off the public
     *     listener ({@code admin_listen: host:port}); empty: not served
     * @param listenPort its port (0: any free port)
     * @param accessLog {@code off}, {@code stdout} or a file: one JSON line per request answered
     */
    public record Operations(Optional<String> listenHost, int listenPort, String accessLog) {
        public static final Operations NONE = new Operations(Optional.empty(), 0, "off");
    }

    /**
     * The rules of the members' votes ([DEC-1], [DEC-3]).
     *
     * @param quorum whole percent of the electorate that must vote
     * @param majority whole percent of yes and no votes that yes must exceed
     * @param votingPeriod from opening to deadline
     * @param weights a member organisation's votes, when not one ([DEC-2]): by its name, or for a site that is its own
     *     organisation by its origin (normalised)
     */
    public record Decisions(int quorum, int majority, Duration votingPeriod, java.util.Map<String, Integer> weights) {
        public static final Decisions DEFAULT = new Decisions(50, 50, Duration.ofDays(7));

        public Decisions(int quorum, int majority, Duration votingPeriod) {
            this(quorum, majority, votingPeriod, java.util.Map.of());
        }

        public Decisions {
            if (quorum < 0 || quorum > 100 || majority < 0 || majority > 100) {
                throw new IllegalArgumentException("decisions.quorum and decisions.majority are whole percentages from 0 to 100");
            }
            if (votingPeriod.isNegative() || votingPeriod.isZero()) {
                throw new IllegalArgumentException("decisions.voting_period must be positive");
            }
            weights = java.util.Map.copyOf(weights);
            weights.values().forEach(w -> {
                if (w < 1 || w > 1_000_000) {
                    throw new IllegalArgumentException("decisions.weights: a member's weight is a whole number from 1 to 1000000");
                }
            });
        }

        /** A member organisation's weight: as configured, else 1. */
        public int weightOf(String origin) {
            return weights.getOrDefault(origin, 1);
        }
    }

    /** With the default rules of the members' votes. */
    public IssuerConfig(Optional<Path> file, String host, int port, String id, String repertoireId, URI publicUrl, Path key, StoreLocation store,
            Path adminToken, Duration tokenLifetime, Duration statusTtl, Duration statusValidity, int statusCapacity, Duration repertoireValidity,
            int maxBodyBytes, Collection collection, Limits limits, Operations operations) {
        this(file, host, port, id, repertoireId, publicUrl, key, store, adminToken, tokenLifetime, statusTtl, statusValidity, statusCapacity,
                repertoireValidity, maxBodyBytes, collection, limits, operations, Decisions.DEFAULT);
    }

    /** Without an operations listener or access log. */
    public IssuerConfig(Optional<Path> file, String host, int port, String id, String repertoireId, URI publicUrl, Path key, StoreLocation store,
            Path adminToken, Duration tokenLifetime, Duration statusTtl, Duration statusValidity, int statusCapacity, Duration repertoireValidity,
            int maxBodyBytes, Collection collection, Limits limits) {
        this(file, host, port, id, repertoireId, publicUrl, key, store, adminToken, tokenLifetime, statusTtl, statusValidity, statusCapacity,
                repertoireValidity, maxBodyBytes, collection, limits, Operations.NONE);
    }

    /** With the default limits. */
    public IssuerConfig(Optional<Path> file, String host, int port, String id, String repertoireId, URI publicUrl, Path key, StoreLocation store,
            Path adminToken, Duration tokenLifetime, Duration statusTtl, Duration statusValidity, int statusCapacity, Duration repertoireValidity,
            int maxBodyBytes, Collection collection) {
        this(file, host, port, id, repertoireId, publicUrl, key, store, adminToken, tokenLifetime, statusTtl, statusValidity, statusCapacity,
                repertoireValidity, maxBodyBytes, collection, Limits.DEFAULT);
    }

    /** Without a collection section: collection every hour, https and public addresses only. */
    public IssuerConfig(Optional<Path> file, String host, int port, String id, String repertoireId, URI publicUrl, Path key, Path store,
            Path adminToken, Duration tokenLifetime, Duration statusTtl, Duration statusValidity, int statusCapacity, Duration repertoireValidity,
            int maxBodyBytes) {
        this(file, host, port, id, repertoireId, publicUrl, key, new StoreLocation.Folder(store), adminToken, tokenLifetime, statusTtl,
                statusValidity, statusCapacity, repertoireValidity, maxBodyBytes, Collection.DEFAULT);
    }

    /** The same configuration collecting as {@code c} says. */
    public IssuerConfig withCollection(Collection c) {
        return new IssuerConfig(file, host, port, id, repertoireId, publicUrl, key, store, adminToken, tokenLifetime, statusTtl, statusValidity,
                statusCapacity, repertoireValidity, maxBodyBytes, c, limits, operations, decisions);
    }

    /** The same configuration with other limits. */
    public IssuerConfig withLimits(Limits l) {
        return new IssuerConfig(file, host, port, id, repertoireId, publicUrl, key, store, adminToken, tokenLifetime, statusTtl, statusValidity,
                statusCapacity, repertoireValidity, maxBodyBytes, collection, l, operations, decisions);
    }

    /** The same configuration with other rules for the members' votes. */
    public IssuerConfig withDecisions(Decisions d) {
        return new IssuerConfig(file, host, port, id, repertoireId, publicUrl, key, store, adminToken, tokenLifetime, statusTtl, statusValidity,
                statusCapacity, repertoireValidity, maxBodyBytes, collection, limits, operations, d);
    }

    /**
     * Where this instance keeps files beside its store: the embedded store's folder, or, with PostgreSQL, the
     * configuration file's folder (every instance of a collective needs the same admin token and collector key there).
     */
    public Path localState() {
        return store instanceof StoreLocation.Folder f ? f.dir() : file.map(f -> f.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
    }

    /** The collective's collector key folder ([SET-8]): beside the store ({@link #localState}), generated on first use. */
    public Path collectorKeyDir() {
        return localState().resolve("collector");
    }

    public IssuerConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repertoireId, "repertoireId");
        Objects.requireNonNull(publicUrl, "publicUrl");
        if (statusValidity.compareTo(statusTtl) <= 0) {
            throw new IllegalArgumentException("status.validity (" + statusValidity + ") must be longer than status.ttl (" + statusTtl + ")");
        }
    }

    /** The first status list (licenses name the list of their index, {@link #statusListUri(int)}). */
    public URI statusListUri() {
        return statusListUri(1);
    }

    /** Status list {@code n} (from 1). */
    public URI statusListUri(int n) {
        return URI.create(base() + "/status/" + n);
    }

    public URI tokenEndpoint() {
        return URI.create(base() + "/token");
    }

    public URI introspectionEndpoint() {
        return URI.create(base() + "/introspect");
    }

    public URI jwksUri() {
        return URI.create(base() + "/jwks");
    }

    public URI repertoireUri() {
        return URI.create(base() + "/repertoire");
    }

    private String base() {
        String s = publicUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
