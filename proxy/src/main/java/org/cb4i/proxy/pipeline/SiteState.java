package org.cb4i.proxy.pipeline;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.httpsig.WebBotAuthVerifier;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.status.StatusListCache;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseTokenVerifier;

/**
 * Everything the request pipeline derives from one configuration: built once (off the event loop), then
 * swapped in atomically on reload, so a request sees one consistent configuration from start to end.
 */
public final class SiteState {
    final ProxyConfig config;
    final PathPolicy policy;
    final Classifier classifier;
    final LicenseTokenVerifier tokens;
    final WebBotAuthVerifier signatures;
    final StatusListCache status;
    final Map<String, KeySet> issuerKeys;
    /** Each collective's collector keys, by issuer id ([SET-8]); only collectives that name one. */
    final Map<String, KeySet> collectorKeys;
    /** Collector requests are valid for at most 60 s ([SET-8]), unlike a crawler's reusable signature. */
    final WebBotAuthVerifier collectorSignatures;
    final String publisherOrigin;
    /** The publisher origin as license {@code paths} compare it ([TOK-9]). */
    final String normalisedOrigin;
    final String licenseLink;
    /** The site's TDM policy ([DSC-7]), which reserved paths name in {@code tdm-policy}. */
    public final String tdmPolicy;
    /** The usages the licensed paths offer, as sorted tokens (the 402 offer lists them). */
    final List<String> offeredUsages;

    private SiteState(ProxyConfig config, Map<String, KeySet> issuerKeys, Map<String, KeySet> collectorKeys, Clock clock, Executor blocking) {
        this.config = config;
        this.collectorKeys = Map.copyOf(collectorKeys);
        this.collectorSignatures = WebBotAuthVerifier.builder().clock(clock).maxValidity(java.time.Duration.ofSeconds(60)).build();
        this.policy = new PathPolicy(config.paths());
        this.classifier = new Classifier(config.aiUserAgents());
        this.issuerKeys = Map.copyOf(issuerKeys);
        LicenseTokenVerifier.Builder b = LicenseTokenVerifier.builder().clock(clock);
        issuerKeys.forEach(b::trustIssuer);
        config.repertoires().forEach(b::acceptAudience);
        this.tokens = b.build();
        this.signatures = WebBotAuthVerifier.builder().clock(clock).build();
        this.status = new StatusListCache(new BoundedFetcher(config.fetching().policy()), id -> Optional.ofNullable(this.issuerKeys.get(id)), clock, blocking);
        String p = config.publisher().toString();
        this.publisherOrigin = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.normalisedOrigin = org.cb4i.sdk.token.PathScope.normaliseOrigin(publisherOrigin);
        this.licenseLink = "<" + publisherOrigin + "/license.xml>; rel=\"license\"; type=\"application/rsl+xml\"";
        this.tdmPolicy = publisherOrigin + org.cb4i.sdk.terms.TdmPolicy.PATH;
        Set<Usage> offered = new LinkedHashSet<>();
        config.paths().stream().filter(r -> r.access() == ProxyConfig.Access.LICENSED).forEach(r -> offered.addAll(r.usages()));
        this.offeredUsages = offered.stream().map(Usage::token).sorted().toList();
    }

    /**
     * Builds the state, loading every issuer's keys (from files, or fetched under the fetch policy). Blocking.
     *
     * @throws IOException naming the issuer whose keys cannot be loaded
     */
    public static SiteState build(ProxyConfig config, Clock clock, Executor blocking) throws IOException {
        Map<String, KeySet> keys = new LinkedHashMap<>();
        Map<String, KeySet> collectors = new LinkedHashMap<>();
        for (ProxyConfig.Issuer i : config.issuers()) {
            keys.put(i.id(), loadKeys(i.jwks(), config.fetching()));
            if (i.collectorKey().isPresent()) {
                collectors.put(i.id(), loadKeys(i.collectorKey().get(), config.fetching()));
            }
        }
        return new SiteState(config, keys, collectors, clock, blocking);
    }

    static KeySet loadKeys(URI jwks, ProxyConfig.Fetching fetching) throws IOException {
        try {
            if ("file".equals(jwks.getScheme())) {
                return KeyFiles.readKeySet(Path.of(jwks));
            }
            BoundedFetcher.Fetched f = new BoundedFetcher(fetching.policy()).get(jwks, "application/jwk-set+json, application/json");
            return KeyFiles.parseKeySet(new String(f.body(), StandardCharsets.UTF_8), jwks.toString());
        } catch (org.cb4i.sdk.Cb4iException e) {
            throw new IOException("cannot load the keys of issuer " + jwks + ": " + e.getMessage());
        }
    }

    /** Status lists that cannot be used now, with why (a refused fetch names the setting that would allow it). */
    public Map<URI, String> statusListsUnavailable() {
        return status.unavailable();
    }

    /** Whether another state trusts exactly the same issuer keys (by thumbprint). */
    public boolean sameKeys(SiteState other) {
        if (!issuerKeys.keySet().equals(other.issuerKeys.keySet())) {
            return false;
        }
        for (var e : issuerKeys.entrySet()) {
            var a = e.getValue().keys().stream().map(org.cb4i.sdk.key.VerificationKey::thumbprint).collect(java.util.stream.Collectors.toSet());
            var b = other.issuerKeys.get(e.getKey()).keys().stream().map(org.cb4i.sdk.key.VerificationKey::thumbprint).collect(java.util.stream.Collectors.toSet());
            if (!a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    public ProxyConfig config() {
        return config;
    }

    public LicenseTokenVerifier tokens() {
        return tokens;
    }

    public WebBotAuthVerifier signatures() {
        return signatures;
    }

    /**
     * The collective whose collector key signed a request, checked as [SET-8] says: a per-request signature covering
     * {@code @authority}, {@code @method} and {@code @target-uri}, valid for at most 60 s.
     *
     * @return the collective's issuer id
     * @throws org.cb4i.sdk.Cb4iException when the request is not signed by a collector key this site knows, or the
     *     signature fails
     */
    public String verifyCollector(org.cb4i.sdk.httpsig.SignedRequest req) {
        String[] issuer = new String[1];
        collectorSignatures.verify(req, org.cb4i.sdk.httpsig.SignaturePolicy.PER_REQUEST, (keyId, agents) -> {
            for (var e : collectorKeys.entrySet()) {
                for (var k : e.getValue().keys()) {
                    if (k.thumbprint().equals(keyId)) {
                        issuer[0] = e.getKey();
                        return Optional.of(k);
                    }
                }
            }
            return Optional.empty();
        });
        return issuer[0];
    }

    /** The collector keys a collective named to this site, if it named any. */
    public Optional<KeySet> collectorKeys(String issuer) {
        return Optional.ofNullable(collectorKeys.get(issuer));
    }

    /** The keys of a collective this site trusts, if it trusts it. */
    public Optional<KeySet> issuerKeys(String issuer) {
        return Optional.ofNullable(issuerKeys.get(issuer));
    }

    /** Whether any collective has named a collector key to this site. */
    public boolean hasCollectors() {
        return !collectorKeys.isEmpty();
    }

    /** The publisher's origin, without a trailing slash. */
    public String publisherOrigin() {
        return publisherOrigin;
    }

    /** The issuer ids with their token endpoints, for the 402 offer and /.well-known/cb4i. */
    List<Map<String, Object>> issuersForOffer() {
        return config.issuers().stream().map(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", i.id());
            i.tokenEndpoint().ifPresent(t -> m.put("token_endpoint", t.toString()));
            return m;
        }).toList();
    }

    /** Fetches a status list this site uses again now (its issuer announced a change, [STS-8]); blocks. */
    public boolean refreshStatusList(java.net.URI uri) {
        return status.refreshNow(uri);
    }

    /** Adds TDMRep's headers of a reserved resource ([DSC-7]): rights reserved, and where the site's policy is. */
    void tdmHeaders(io.vertx.core.MultiMap headers) {
        headers.set("tdm-reservation", "1");
        headers.set("tdm-policy", tdmPolicy);
    }
}
