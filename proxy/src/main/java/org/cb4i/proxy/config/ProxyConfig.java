package org.cb4i.proxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;

/**
 * The proxy's configuration, validated (STYLE.md: typed options at the edge). Built by {@link ConfigLoader} from a
 * YAML file, or in code for the embedded default. Paths are absolute (resolved against the config file's folder).
 *
 * @param listen the public listener
 * @param origin the site the proxy fronts ({@code http(s)://host:port})
 * @param publisher the site's public origin (its id; license {@code paths} are matched against it)
 * @param issuers the collectives whose licenses are accepted
 * @param repertoires the repertoire ids accepted in {@code aud}; empty means the issuers' ids
 * @param paths the policy, in file order (the longest matching pattern wins)
 * @param admin where metrics and health are served, off the public listener
 * @param quota where quota counters live
 * @param fleetAdvertise where the site's other instances reach this one ({@code fleet.advertise}): it registers its
 *     log there (in the quota store's Redis), and requests for another instance's log are forwarded to it
 */
public record ProxyConfig(Optional<Path> file, HostPort listen, URI origin, URI publisher, List<Issuer> issuers,
        List<String> repertoires, List<PathRule> paths, LogSettings log, Optional<HostPort> admin, Optional<Tls> tls,
        List<Cidr> trustedForwarders, Limits limits, OriginTimeouts originTimeouts, Optional<String> contentUsage,
        boolean forwardCredentials, Optional<String> licenseeHeader, Fetching fetching,
        AccessLog accessLog, List<String> aiUserAgents, QuotaSettings quota, Optional<URI> fleetAdvertise, Http2 http2, Transport transport) {

    public ProxyConfig {
        issuers = List.copyOf(issuers);
        repertoires = List.copyOf(repertoires);
        paths = List.copyOf(paths);
        trustedForwarders = List.copyOf(trustedForwarders);
        aiUserAgents = List.copyOf(aiUserAgents);
    }

    /**
     * What the proxy may fetch keys and status lists from ([FET-1]): each loosening by its own setting,
     * {@code allow_plain_http} and {@code allow_private_addresses} (the older {@code fetch_from_private_addresses} set
     * both).
     */
    public record Fetching(boolean allowPlainHttp, boolean allowPrivateAddresses) {
        public static final Fetching STRICT = new Fetching(false, false);

        /** The fetch policy, whose refusals name the setting that would allow what they refuse. */
        public org.cb4i.sdk.fetch.FetchPolicy policy() {
            org.cb4i.sdk.fetch.FetchPolicy p = org.cb4i.sdk.fetch.FetchPolicy.strict()
                    .namingSettings("allow_plain_http: true in the proxy's configuration", "allow_private_addresses: true in the proxy's configuration");
            p = allowPlainHttp ? p.allowPlainHttp() : p;
            return allowPrivateAddresses ? p.allowPrivateAddresses() : p;
        }
    }

    /** A trusted collective: its id, where its keys are ({@code file:} or {@code https:}), and its token endpoint. */
    /**
     * A collective whose licenses the site accepts.
     *
     * @param collectorKey the collective's collector key set ([SET-8]): requests signed with it may read the log's
     *     entries made under this collective's licenses
     * @param statusChanges the collective's status change stream ([STS-8], its {@code /.well-known/cb4i}
     *     {@code status_changes}): the proxy listens, and fetches a list again as soon as it changes
     * @param consent where the member's consent is fetched from ([CNS-4]); absent: the member's consent is not enforced
     *     here
     * @param notices the collective's notice feed ([NTC-3]), linked from LICENSE_SUSPENDED and LICENSE_REVOKED answers
     * @param offers the collective's open offers ([OFR-4]), listed with their price in the 402 offer
     */
    public record Issuer(String id, URI jwks, Optional<URI> tokenEndpoint, Optional<URI> collectorKey, Optional<URI> statusChanges,
            Optional<Consent> consent, Optional<URI> notices, Optional<URI> offers) {
        public Issuer(String id, URI jwks, Optional<URI> tokenEndpoint, Optional<URI> collectorKey, Optional<URI> statusChanges,
                Optional<Consent> consent) {
            this(id, jwks, tokenEndpoint, collectorKey, statusChanges, consent, Optional.empty(), Optional.empty());
        }

        public Issuer(String id, URI jwks, Optional<URI> tokenEndpoint) {
            this(id, jwks, tokenEndpoint, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Issuer(String id, URI jwks, Optional<URI> tokenEndpoint, Optional<URI> collectorKey) {
            this(id, jwks, tokenEndpoint, collectorKey, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Issuer(String id, URI jwks, Optional<URI> tokenEndpoint, Optional<URI> collectorKey, Optional<URI> statusChanges) {
            this(id, jwks, tokenEndpoint, collectorKey, statusChanges, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * Where the member's consent is, and the member's key that asks for it ([CNS-3], [CNS-4]).
     *
     * @param url the collective's consent endpoint ({@code …/consent}); the proxy adds {@code ?origin=} its publisher
     * @param key the member's private content key (a JWK file): the one registered with the collective for this site
     */
    public record Consent(URI url, Path key) {}

    /** What a path needs. */
    public enum Access {
        OPEN, LICENSED, DENY
    }

    /**
     * One policy rule. {@code usageTokens} is derived: the usages' tokens, sorted, as receipts and denials print them
     * (computed once here rather than on every licensed request).
     */
    public record PathRule(PathPattern match, Access access, Set<Usage> usages, SignaturePolicy signature, List<String> usageTokens) {
        public PathRule(PathPattern match, Access access, Set<Usage> usages, SignaturePolicy signature) {
            this(match, access, usages, signature, usages.stream().map(Usage::token).sorted().toList());
        }
    }

    /** The receipts log: its folder, its key file, and how often a checkpoint is signed. */
    /**
     * The receipts log's settings.
     *
     * @param checkpointRefresh how often a checkpoint is signed again when no entry was added ([LOG-3]), so that a
     *     collector can tell it has seen everything up to a time
     */
    public record LogSettings(Path dir, Path keyFile, Duration checkpointInterval, int checkpointEntries, Duration checkpointRefresh,
            Segments segments) {
        public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);

        public LogSettings(Path dir, Path keyFile, Duration checkpointInterval, int checkpointEntries) {
            this(dir, keyFile, checkpointInterval, checkpointEntries, DEFAULT_REFRESH);
        }

        public LogSettings(Path dir, Path keyFile, Duration checkpointInterval, int checkpointEntries, Duration checkpointRefresh) {
            this(dir, keyFile, checkpointInterval, checkpointEntries, checkpointRefresh, Segments.DEFAULT);
        }

        /** The same settings with other segment rules. */
        public LogSettings withSegments(Segments s) {
            return new LogSettings(dir, keyFile, checkpointInterval, checkpointEntries, checkpointRefresh, s);
        }
    }

    /**
     * How the receipts log is cut into segments and when a sealed segment leaves the hot disk ({@code log.segments}).
     * A segment is sealed when it holds {@code maxBytes} or its first entry is {@code maxAge} old. A sealed segment is
     * <em>released</em> once every collective with a collector key has acknowledged it ([SET-9]), or once it has been
     * sealed for {@code retention}; a released segment is moved to {@code archiveDir} when there is one, and deleted
     * when there is none but a {@code retention} is set. With neither, sealed segments stay on the hot disk.
     *
     * @param retainEvery how often released segments are looked for
     */
    public record Segments(long maxBytes, Duration maxAge, Optional<Path> archiveDir, Optional<Duration> retention, Duration retainEvery) {
        public static final Segments DEFAULT = new Segments(256L << 20, Duration.ofDays(1), Optional.empty(), Optional.empty(),
                Duration.ofMinutes(1));

        /** Whether sealed segments ever leave the hot disk. */
        public boolean releases() {
            return archiveDir.isPresent() || retention.isPresent();
        }
    }

    /**
     * HTTP/2 towards clients ({@code http2}): over TLS by ALPN when {@code enabled} (the default), and in cleartext (h2c,
     * with prior knowledge or by Upgrade) only when {@code cleartext} is set. The origin is always spoken to in HTTP/1.1.
     *
     * @param maxConcurrentStreams announced in SETTINGS; streams beyond it are refused
     * @param maxResetsPerWindow streams a client may reset in {@code resetWindow} before its connection is closed
     *     (rapid reset, CVE-2023-44487)
     */
    public record Http2(boolean enabled, boolean cleartext, int maxConcurrentStreams, int maxResetsPerWindow, Duration resetWindow) {
        public static final Http2 DEFAULT = new Http2(true, false, 100, 200, Duration.ofSeconds(30));
    }

    /**
     * The network transport under the event loops ({@code transport}): {@code auto} takes the Linux native one Vert.x
     * prefers (io_uring or epoll) and falls back to the JDK's NIO where there is none, saying so; the others ask for one.
     */
    public enum Transport { AUTO, EPOLL, IO_URING, NIO }

    /** TLS termination: PEM certificate chain and key, reloaded with the configuration. */
    public record Tls(Path certificate, Path key) {}

    /**
     * Limits that protect the proxy and the origin. {@code headerTimeout}: how long a new connection may take to
     * deliver its first request's header section (a client dripping it byte by byte never trips the idle timeout).
     */
    public record Limits(int maxRequestLine, int maxHeaderBytes, long maxBodyBytes, Duration idleTimeout, Duration headerTimeout) {
        public static final Limits DEFAULT = new Limits(8192, 16384, 10L * 1024 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    /** How long the proxy waits for the origin. */
    public record OriginTimeouts(Duration connect, Duration response) {
        public static final OriginTimeouts DEFAULT = new OriginTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /** What a proxy does with licensed requests that have a quota when its shared quota store cannot be reached. */
    public enum OnStoreUnavailable {
        /** Count in this instance's memory: each instance may grant the whole quota. */
        LOCAL_LIMITS,
        /** Refuse them ({@code QUOTA_UNAVAILABLE}, 503) until the store answers again. */
        DENY
    }

    /**
     * Where quota counters live ({@code quota:}).
     *
     * @param redis the Redis the site's instances share ({@code store: redis://…}); empty: this process's memory
     * @param onUnavailable required with Redis: there is no safe default between over-granting and refusing
     * @param timeout how long a decision waits for Redis before the policy applies
     */
    public record QuotaSettings(Optional<URI> redis, Optional<OnStoreUnavailable> onUnavailable, Duration timeout) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
        public static final QuotaSettings LOCAL = new QuotaSettings(Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT);
    }

    /**
     * Where the JSON access log goes: {@code stdout}, {@code off}, or a file, and when a file is rotated (renamed with the
     * time it was rotated, a new one begun, the oldest beyond {@code keep} deleted).
     */
    public record AccessLog(String target, Rotation rotation) {
        public static final AccessLog OFF = new AccessLog("off");
        public static final AccessLog STDOUT = new AccessLog("stdout");

        public AccessLog(String target) {
            this(target, Rotation.NONE);
        }
    }

    /**
     * When a file access log is rotated: at {@code maxBytes} (0: never by size) or every {@code every}; {@code keep}
     * rotated files are kept (0: all).
     */
    public record Rotation(long maxBytes, Optional<Duration> every, int keep) {
        public static final Rotation NONE = new Rotation(0, Optional.empty(), 0);
    }
}
