package org.cb4i.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.dataset.ManifestHeader;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.log.Checkpoint;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.verifier.trust.TrustStore;

/**
 * The evidence of a manifest's header (DESIGN.md layer 9), each signed object checked once against the trust store:
 * the licenses by {@code jti}, the status lists by URI, the repertoires, and the checkpoints (cached as they are
 * met). Records are then judged against it, in parallel: everything here is immutable or concurrent.
 */
public final class ManifestContext {
    /** A license of the header: its claims if its signature is good and its issuer trusted, else why not. */
    public record License(String jti, Optional<LicenseClaims> claims, Optional<Finding> problem) {}

    /**
     * Where past status lists are asked for ({@code <uri>?time=<t>}, [STS-7]) when the manifest holds none in force at
     * a record's fetch time: the compact token, or empty when it cannot be had. Offline verification has none.
     */
    public interface StatusHistory {
        Optional<String> fetch(URI uri, Instant t);
    }

    private final TrustStore trust;
    private final Optional<StatusHistory> history;
    /** Past lists fetched, by URI: one fetch serves every record fetched while that list was in force. */
    private final Map<URI, List<StatusListToken>> fetchedLists = new ConcurrentHashMap<>();
    private final Map<String, License> licenses = new HashMap<>();
    private final Map<URI, List<StatusListToken>> statusLists = new HashMap<>();
    private final List<Repertoire> repertoires = new ArrayList<>();
    private final Map<String, Cached> checkpoints = new ConcurrentHashMap<>();
    /**
     * Verified credentials by (compact, key set instance): a re-verification, or a page kept twice, costs no signature
     * check. Bounded, so that memory does not grow with a dataset of distinct credentials.
     */
    private final com.github.benmanes.caffeine.cache.Cache<Map.Entry<String, KeySet>, Cached> credentials =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(20_000).build();
    private final List<Finding> headerFindings = new ArrayList<>();

    /** The context of a header given as a JSON tree (a test's, a library caller's). */
    public ManifestContext(ObjectNode header, TrustStore trust) {
        this(header, trust, Optional.empty());
    }

    /** The context of a header given as a JSON tree, with where to ask for past status lists. */
    public ManifestContext(ObjectNode header, TrustStore trust, Optional<StatusHistory> history) {
        this(ManifestHeader.of(header, "the manifest header"), trust, history);
    }

    /**
     * Checks the header's evidence against the trust store.
     *
     * @param history where to ask for past status lists (online verification), or empty to judge offline
     */
    public ManifestContext(ManifestHeader header, TrustStore trust, Optional<StatusHistory> history) {
        this.trust = trust;
        this.history = history;
        for (String t : header.licenses()) {
            License l = license(t);
            licenses.put(l.jti(), l);
        }
        header.statusLists().forEach(this::statusList);
        header.repertoires().forEach(this::repertoire);
    }

    public TrustStore trust() {
        return trust;
    }

    /** What was wrong with the header's evidence (untrusted repertoires, unverifiable status lists). */
    public List<Finding> headerFindings() {
        return headerFindings;
    }

    /** The header's license with this {@code jti}, if any. */
    public Optional<License> licenseById(String jti) {
        return Optional.ofNullable(licenses.get(jti));
    }

    private License license(String compact) {
        CompactJws.Parsed jws;
        LicenseClaims claims;
        try {
            jws = CompactJws.parse(compact, LicenseTokens.TYP, LicenseTokenVerifier.DEFAULT_MAX_TOKEN_CHARS, "license token");
            claims = LicenseClaims.fromJws(jws);
        } catch (Cb4iException e) {
            String jti = "(unreadable license)";
            return new License(jti, Optional.empty(), Optional.of(Finding.refused(Status.MALFORMED, e.reason(), "TOK-4", e.getMessage())));
        }
        Optional<KeySet> keys = trust.collective(claims.issuer(), claims.issuedAt());
        if (keys.isEmpty()) {
            return new License(claims.id(), Optional.of(claims), Optional.of(Finding.of(FindingCode.UNKNOWN_ISSUER, "license " + claims.id() + " is issued by " + claims.issuer() + ", which the trust store does not trust (at " + claims.issuedAt() + ")")));
        }
        try {
            CompactJws.verify(jws, keys.get(), "license token");
        } catch (Cb4iException e) {
            Status s = e.reason().name().equals("UNKNOWN_KEY") ? Status.UNTRUSTED_KEY : Status.BAD_SIGNATURE;
            return new License(claims.id(), Optional.of(claims), Optional.of(Finding.refused(s, e.reason(), "TOK-3", e.getMessage())));
        }
        return new License(claims.id(), Optional.of(claims), Optional.empty());
    }

    private void statusList(String compact) {
        try {
            CompactJws.Parsed jws = CompactJws.parse(compact, StatusListToken.TYP, StatusListToken.MAX_CHARS, "status list token");
            URI uri = URI.create(jws.payload().path("sub").asText());
            // signed by the collective whose licenses name it
            for (License l : licenses.values()) {
                if (l.claims().isEmpty() || l.claims().get().status().isEmpty() || !l.claims().get().status().get().uri().equals(uri)) {
                    continue;
                }
                Optional<KeySet> keys = trust.collective(l.claims().get().issuer(), l.claims().get().issuedAt());
                if (keys.isPresent()) {
                    statusLists.computeIfAbsent(uri, k -> new ArrayList<>()).add(StatusListToken.verify(compact, uri, keys.get()));
                    return;
                }
            }
            headerFindings.add(Finding.of(FindingCode.STATUS_LIST_UNUSED, "status list " + uri + " is named by no trusted license of the manifest"));
        } catch (Cb4iException | IllegalArgumentException e) {
            headerFindings.add(Finding.of(FindingCode.STATUS_LIST_INVALID, "a status list of the manifest does not verify: " + e.getMessage()));
        }
    }

    private void repertoire(String compact) {
        try {
            CompactJws.Parsed jws = CompactJws.parse(compact, Repertoire.TYP, Repertoire.MAX_CHARS, "repertoire");
            String iss = jws.payload().path("iss").asText();
            Optional<KeySet> keys = trust.collective(iss, Instant.ofEpochSecond(jws.payload().path("iat").asLong()));
            if (keys.isEmpty()) {
                headerFindings.add(Finding.of(FindingCode.REPERTOIRE_UNTRUSTED, "the repertoire of " + iss + " is not from a trusted collective"));
                return;
            }
            repertoires.add(Repertoire.verify(compact, keys.get()));
        } catch (Cb4iException e) {
            headerFindings.add(Finding.of(FindingCode.REPERTOIRE_INVALID, "a repertoire of the manifest does not verify: " + e.getMessage()));
        }
    }

    /** The claims of a credential that verifies with {@code keys}, or the exception saying why it does not. */
    private static Object verifyCredential(String compact, KeySet keys) {
        try {
            return org.cb4i.sdk.credential.ContentCredentials.verify(compact, keys).claims();
        } catch (Cb4iException e) {
            return e;
        }
    }

    /**
     * What a cache holds for a signed object: the object as given, and what verifying it gave. The caches are keyed by
     * the object's signature segment (86 characters, cheap to hash, where the whole object is hundreds per record) and
     * a hit counts only when the whole object is equal (a comparison, much cheaper than hashing it).
     */
    private record Cached(String compact, Object result) {}

    /** The signature segment of a compact JWS (all of it when it has no dot: it will not verify anyway). */
    static String signature(String compact) {
        return compact.substring(compact.lastIndexOf('.') + 1);
    }

    /**
     * Verifies a content credential once per (credential, keys); the outcome, good or bad, is cached.
     *
     * @throws Cb4iException as {@link org.cb4i.sdk.credential.ContentCredentials#verify} does
     */
    public org.cb4i.sdk.credential.CredentialClaims credential(String compact, KeySet keys) {
        Cached c = credentials.get(Map.entry(signature(compact), keys), k -> new Cached(compact, verifyCredential(compact, keys)));
        Object v = c.compact().equals(compact) ? c.result() : verifyCredential(compact, keys);
        if (v instanceof Cb4iException e) {
            throw e;
        }
        return (org.cb4i.sdk.credential.CredentialClaims) v;
    }

    /**
     * The status list of {@code uri} in force at {@code t} from the issuer's history, verified with the keys of
     * {@code issuer} and checked to bracket {@code t}; empty offline or when it cannot be had (noted in {@code findings}).
     */
    public Optional<StatusListToken> statusAt(URI uri, String issuer, Instant t, List<Finding> findings) {
        if (history.isEmpty()) {
            return Optional.empty();
        }
        List<StatusListToken> known = fetchedLists.computeIfAbsent(uri, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
        for (StatusListToken s : known) {
            if (!s.issuedAt().isAfter(t) && s.expiresAt().map(e -> e.isAfter(t)).orElse(false)) {
                return Optional.of(s);
            }
        }
        Optional<KeySet> keys = trust.collective(issuer, t);
        Optional<String> compact = history.get().fetch(uri, t);
        if (compact.isEmpty() || keys.isEmpty()) {
            findings.add(Finding.of(FindingCode.STATUS_HISTORY_UNAVAILABLE, "the issuer's status list history for " + uri + " at " + t
                    + " could not be had"));
            return Optional.empty();
        }
        try {
            StatusListToken s = StatusListToken.verify(compact.get(), uri, keys.get());
            if (s.issuedAt().isAfter(t) || s.expiresAt().map(e -> !e.isAfter(t)).orElse(true)) {
                findings.add(Finding.of(FindingCode.STATUS_HISTORY_INVALID, "the issuer answered for " + t + " with a list from " + s.issuedAt()
                        + " to " + s.expiresAt().map(Instant::toString).orElse("?") + ", which does not cover it"));
                return Optional.empty();
            }
            known.add(s);
            return Optional.of(s);
        } catch (Cb4iException e) {
            findings.add(Finding.of(FindingCode.STATUS_HISTORY_INVALID, "the issuer's past status list does not verify: " + e.getMessage()));
            return Optional.empty();
        }
    }

    /** The verified status lists for {@code uri}. */
    public List<StatusListToken> statusLists(URI uri) {
        return statusLists.getOrDefault(uri, List.of());
    }

    /** Verified repertoires, to find a member's content keys at a time. */
    public List<Repertoire> repertoires() {
        return repertoires;
    }

    /** A checkpoint verified with the trusted keys of its log (cached), or empty when its log is not trusted or it does not verify. */
    public Optional<Checkpoint> checkpoint(String logId, String compact) {
        Cached c = checkpoints.computeIfAbsent(signature(compact), k -> new Cached(compact, verifyCheckpoint(logId, compact)));
        @SuppressWarnings("unchecked")
        Optional<Checkpoint> v = (Optional<Checkpoint>) (c.compact().equals(compact) ? c.result() : verifyCheckpoint(logId, compact));
        // The cache is keyed by the checkpoint alone: a hit for another log's id must not vouch for this one.
        return v.filter(cp -> cp.logId().equals(logId));
    }

    private Optional<Checkpoint> verifyCheckpoint(String logId, String c) {
        try {
            CompactJws.Parsed jws = CompactJws.parse(c, Checkpoint.TYP, Checkpoint.MAX_CHARS, "checkpoint");
            Instant at = Instant.ofEpochSecond(jws.payload().path("iat").asLong());
            Optional<KeySet> keys = trust.log(logId, at);
            return keys.map(k -> Checkpoint.verify(c, k));
        } catch (Cb4iException e) {
            return Optional.empty();
        }
    }
}
