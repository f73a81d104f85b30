package org.cb4i.sdk.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.terms.Usage;

/**
 * The claims of a license token (DESIGN.md layer 4; SPEC.md §4, [TOK-4] to [TOK-12]).
 *
 * @param issuer {@code iss}: the collective's id
 * @param subject {@code sub}: the licensee's id
 * @param audience {@code aud}: repertoire ids (one or more)
 * @param id {@code jti}
 * @param issuedAt {@code iat}
 * @param notBefore {@code nbf}, or the same as {@code iat} when absent
 * @param expiresAt {@code exp}
 * @param confirmation {@code cnf}: the crawler key
 * @param usages {@code usages}: at least one
 * @param paths {@code paths}: empty means everything the repertoire covers
 * @param quota {@code quota}, {@link Quota#NONE} when absent
 * @param agreement {@code agreement}, if any
 * @param status {@code status.status_list}, if any
 * @param usageStatus {@code usage_status}: a status of its own for each of these usages, so that one usage can be
 *     suspended while the others keep working ([STS-9]); empty when absent
 */
public record LicenseClaims(String issuer, String subject, List<String> audience, String id, Instant issuedAt,
        Instant notBefore, Instant expiresAt, Confirmation confirmation, Set<Usage> usages, List<PathScope> paths,
        Quota quota, Optional<Agreement> agreement, Optional<StatusReference> status, Map<Usage, StatusReference> usageStatus) {

    /** Longest {@code jti}, {@code iss}, {@code sub} or {@code aud} member accepted. */
    public static final int MAX_ID_LENGTH = 512;
    /** Most {@code paths} entries and patterns per entry accepted. */
    public static final int MAX_PATH_ENTRIES = 256;
    /** Most {@code usage_status} members accepted ([STS-9]). */
    public static final int MAX_USAGE_STATUS = 8;

    /** Claims without {@code usage_status}. */
    public LicenseClaims(String issuer, String subject, List<String> audience, String id, Instant issuedAt, Instant notBefore, Instant expiresAt,
            Confirmation confirmation, Set<Usage> usages, List<PathScope> paths, Quota quota, Optional<Agreement> agreement,
            Optional<StatusReference> status) {
        this(issuer, subject, audience, id, issuedAt, notBefore, expiresAt, confirmation, usages, paths, quota, agreement, status, Map.of());
    }

    public LicenseClaims {
        requireId(issuer, "iss");
        requireId(subject, "sub");
        requireId(id, "jti");
        audience = List.copyOf(audience);
        if (audience.isEmpty()) {
            throw new IllegalArgumentException("aud must name at least one repertoire");
        }
        audience.forEach(a -> requireId(a, "aud"));
        Objects.requireNonNull(issuedAt, "iat");
        Objects.requireNonNull(notBefore, "nbf");
        Objects.requireNonNull(expiresAt, "exp");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp must be after iat");
        }
        Objects.requireNonNull(confirmation, "cnf");
        if (usages.isEmpty()) {
            throw new IllegalArgumentException("usages must name at least one usage");
        }
        usages = Collections.unmodifiableSet(EnumSet.copyOf(usages));
        paths = List.copyOf(paths);
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(agreement, "agreement");
        Objects.requireNonNull(status, "status");
        java.util.EnumMap<Usage, StatusReference> byUsage = new java.util.EnumMap<>(Usage.class);
        byUsage.putAll(usageStatus);
        usageStatus = Collections.unmodifiableMap(byUsage); // in the order of [VOC-1]
    }

    private static void requireId(String v, String name) {
        if (v == null || v.isEmpty() || v.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(name + " must be a non-empty string of at most " + MAX_ID_LENGTH + " characters");
        }
    }

    /**
     * Whether the license's {@code paths} cover {@code url} ([TOK-9]): entries for the URL's origin and entries
     * without an origin are pooled; the longest matching pattern decides, a disallow winning a tie; no match
     * means not covered. A license without {@code paths} covers everything.
     *
     * @param url an absolute http(s) URL (path and query as sent)
     */
    public boolean covers(URI url) {
        if (paths.isEmpty()) {
            return true;
        }
        String origin;
        try {
            origin = PathScope.normaliseOrigin(url.getScheme() + "://" + url.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return covers(origin, PathPattern.pathAndQuery(url));
    }

    /**
     * As {@link #covers(URI)}, for a caller that already holds the origin normalised by
     * {@link PathScope#normaliseOrigin} and the path and query (a proxy, on every request).
     */
    public boolean covers(String normalisedOrigin, String pathAndQuery) {
        if (paths.isEmpty()) {
            return true;
        }
        int bestAllow = -1;
        int bestDisallow = -1;
        for (PathScope scope : paths) {
            if (!scope.appliesTo(normalisedOrigin)) {
                continue;
            }
            for (PathPattern p : scope.allow()) {
                if (p.specificity() > bestAllow && p.matches(pathAndQuery)) {
                    bestAllow = p.specificity();
                }
            }
            for (PathPattern p : scope.disallow()) {
                if (p.specificity() > bestDisallow && p.matches(pathAndQuery)) {
                    bestDisallow = p.specificity();
                }
            }
        }
        return bestAllow >= 0 && bestAllow > bestDisallow;
    }

    /** Whether the license grants {@code needed}, directly or through a broader usage ([VOC-2]). */
    public boolean permits(Usage needed) {
        return Usage.anyImplies(usages, needed);
    }

    /** The claims as JSON members, in the order SPEC.md lists them. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iss", issuer);
        m.put("sub", subject);
        m.put("aud", audience.size() == 1 ? audience.get(0) : audience);
        m.put("jti", id);
        m.put("iat", issuedAt.getEpochSecond());
        m.put("nbf", notBefore.getEpochSecond());
        m.put("exp", expiresAt.getEpochSecond());
        Map<String, Object> cnf = new LinkedHashMap<>();
        cnf.put("jkt", confirmation.jkt());
        cnf.put("jwk", confirmation.key().jwk().toJSONObject());
        m.put("cnf", cnf);
        m.put("usages", usages.stream().map(Usage::token).toList());
        if (!paths.isEmpty()) {
            m.put("paths", paths.stream().map(PathScope::toJson).toList());
        }
        if (!quota.isEmpty()) {
            m.put("quota", quota.toJson());
        }
        // Members in a fixed order (Map.of's is not), so that the same claims always serialise to the same bytes.
        agreement.ifPresent(a -> m.put("agreement", ordered("uri", a.uri().toString(), "sha256", a.sha256())));
        status.ifPresent(s -> m.put("status", Map.of("status_list", ordered("idx", s.idx(), "uri", s.uri().toString()))));
        if (!usageStatus.isEmpty()) {
            Map<String, Object> us = new LinkedHashMap<>();
            usageStatus.forEach((u, s) -> us.put(u.token(), Map.of("status_list", ordered("idx", s.idx(), "uri", s.uri().toString()))));
            m.put("usage_status", us);
        }
        return m;
    }

    /**
     * Reads the claims of a license token read by {@link CompactJws#parse} (its signature is the caller's to verify,
     * before it trusts them). Unknown claims are ignored ([TOK-12]).
     *
     * @throws RejectedException {@link Reason#MISSING_CLAIM} or {@link Reason#INVALID_CLAIM}, naming the claim,
     *     or {@link Reason#CONFIRMATION_MISMATCH} when {@code cnf.jkt} is not the thumbprint of {@code cnf.jwk}
     */
    public static LicenseClaims fromJws(CompactJws.Parsed jws) {
        return fromJson(jws.payload());
    }

    /**
     * Reads claims from a token's payload. Unknown claims are ignored ([TOK-12]).
     *
     * @throws RejectedException {@link Reason#MISSING_CLAIM} or {@link Reason#INVALID_CLAIM}, naming the claim,
     *     or {@link Reason#CONFIRMATION_MISMATCH} when {@code cnf.jkt} is not the thumbprint of {@code cnf.jwk}
     */
    static LicenseClaims fromJson(ObjectNode c) {
        String iss = text(c, "iss");
        String sub = text(c, "sub");
        String jti = text(c, "jti");
        List<String> aud = new ArrayList<>();
        JsonNode audNode = required(c, "aud");
        if (audNode.isTextual()) {
            aud.add(audNode.textValue());
        } else if (audNode.isArray() && audNode.size() > 0 && audNode.size() <= 64) {
            for (JsonNode a : audNode) {
                if (!a.isTextual()) {
                    throw invalid("aud", "must be a string or an array of strings");
                }
                aud.add(a.textValue());
            }
        } else {
            throw invalid("aud", "must be a string or a non-empty array of at most 64 strings");
        }
        Instant iat = numericDate(c, "iat", true);
        Instant exp = numericDate(c, "exp", true);
        Instant nbf = numericDate(c, "nbf", false);
        if (!exp.isAfter(iat)) {
            throw invalid("exp", "must be after iat");
        }
        Confirmation cnf = confirmation(required(c, "cnf"));
        Set<Usage> usages = usages(required(c, "usages"));
        List<PathScope> paths = c.has("paths") ? paths(c.get("paths")) : List.of();
        Quota quota = c.has("quota") ? quota(c.get("quota")) : Quota.NONE;
        Optional<Agreement> agreement = c.has("agreement") ? Optional.of(agreement(c.get("agreement"))) : Optional.empty();
        Optional<StatusReference> status = c.has("status") ? Optional.of(status(c.get("status"), "status")) : Optional.empty();
        Map<Usage, StatusReference> usageStatus = c.has("usage_status") ? usageStatus(c.get("usage_status")) : Map.of();
        try {
            return new LicenseClaims(iss, sub, aud, jti, iat, nbf == null ? iat : nbf, exp, cnf, usages, paths, quota, agreement, status, usageStatus);
        } catch (IllegalArgumentException e) {
            throw new RejectedException(Reason.INVALID_CLAIM, "license token: " + e.getMessage());
        }
    }

    private static JsonNode required(ObjectNode c, String name) {
        JsonNode n = c.get(name);
        if (n == null || n.isNull()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "license token has no \"" + name + "\" claim");
        }
        return n;
    }

    private static String text(ObjectNode c, String name) {
        JsonNode n = required(c, name);
        if (!n.isTextual() || n.textValue().isEmpty() || n.textValue().length() > MAX_ID_LENGTH) {
            throw invalid(name, "must be a non-empty string of at most " + MAX_ID_LENGTH + " characters");
        }
        return n.textValue();
    }

    /** NumericDate per RFC 7519, restricted to integers in [0, 2^53) ([TOK-5]). */
    static Instant numericDate(ObjectNode c, String name, boolean required) {
        JsonNode n = c.get(name);
        if (n == null) {
            if (required) {
                throw new RejectedException(Reason.MISSING_CLAIM, "license token has no \"" + name + "\" claim");
            }
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0 || n.longValue() >= (1L << 53)) {
            throw invalid(name, "must be an integer number of seconds since the epoch, from 0 to 2^53-1");
        }
        return Instant.ofEpochSecond(n.longValue());
    }

    private static Confirmation confirmation(JsonNode cnf) {
        if (!cnf.isObject()) {
            throw invalid("cnf", "must be an object with \"jkt\" and \"jwk\"");
        }
        JsonNode jkt = cnf.get("jkt");
        JsonNode jwk = cnf.get("jwk");
        if (jkt == null || !jkt.isTextual() || jwk == null || !jwk.isObject()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "license token \"cnf\" must have both \"jkt\" (string) and \"jwk\" (object)");
        }
        if (jwk.has("d")) {
            throw invalid("cnf.jwk", "must be a public key; it has a private member \"d\"");
        }
        VerificationKey key;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> members = Json.mapper().convertValue(jwk, Map.class);
            key = VerificationKey.fromJson(members);
        } catch (MalformedInputException e) {
            throw invalid("cnf.jwk", e.getMessage());
        }
        if (!key.thumbprint().equals(jkt.textValue())) {
            throw new RejectedException(Reason.CONFIRMATION_MISMATCH, "license token \"cnf.jkt\" is not the RFC 7638 thumbprint of \"cnf.jwk\" (" + key.thumbprint() + ")");
        }
        return new Confirmation(key);
    }

    /** Reads a {@code usages} array ([TOK-8]); also used for agreements that grant the same. */
    static Set<Usage> usages(JsonNode n) {
        if (!n.isArray() || n.size() == 0 || n.size() > 32) {
            throw invalid("usages", "must be a non-empty array of usage tokens");
        }
        EnumSet<Usage> s = EnumSet.noneOf(Usage.class);
        for (JsonNode u : n) {
            if (!u.isTextual()) {
                throw invalid("usages", "must contain only strings");
            }
            Usage.parse(u.textValue()).ifPresent(s::add); // unknown usages grant nothing ([TOK-8])
        }
        if (s.isEmpty()) {
            throw invalid("usages", "names no usage cb4i knows (all, ai-all, ai-train, ai-input, ai-index, search)");
        }
        return s;
    }

    /** Reads a {@code paths} array ([TOK-9]); also used for agreements that grant the same. */
    static List<PathScope> paths(JsonNode n) {
        if (!n.isArray() || n.size() == 0 || n.size() > MAX_PATH_ENTRIES) {
            throw invalid("paths", "must be a non-empty array of at most " + MAX_PATH_ENTRIES + " entries");
        }
        List<PathScope> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isObject()) {
                throw invalid("paths", "entries must be objects with \"allow\" and optional \"origin\", \"disallow\"");
            }
            for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("origin") && !f.equals("allow") && !f.equals("disallow")) {
                    throw invalid("paths", "entry has unknown member \"" + f + "\"; a grant must be understood in full");
                }
            }
            Optional<String> origin = Optional.empty();
            if (e.has("origin")) {
                if (!e.get("origin").isTextual()) {
                    throw invalid("paths.origin", "must be a string");
                }
                try {
                    origin = Optional.of(PathScope.normaliseOrigin(e.get("origin").textValue()));
                } catch (IllegalArgumentException ex) {
                    throw invalid("paths.origin", ex.getMessage());
                }
            }
            try {
                out.add(new PathScope(origin, patterns(e.get("allow"), "paths.allow"),
                        e.has("disallow") ? patterns(e.get("disallow"), "paths.disallow") : List.of()));
            } catch (IllegalArgumentException ex) {
                throw invalid("paths", ex.getMessage());
            }
        }
        return out;
    }

    private static List<PathPattern> patterns(JsonNode n, String name) {
        if (n == null || !n.isArray() || n.size() > MAX_PATH_ENTRIES) {
            throw invalid(name, "must be an array of at most " + MAX_PATH_ENTRIES + " path patterns");
        }
        List<PathPattern> out = new ArrayList<>();
        for (JsonNode p : n) {
            if (!p.isTextual() || p.textValue().length() > 2048) {
                throw invalid(name, "must contain path patterns (strings of at most 2048 characters)");
            }
            try {
                out.add(PathPattern.of(p.textValue()));
            } catch (IllegalArgumentException ex) {
                throw invalid(name, ex.getMessage());
            }
        }
        return out;
    }

    /** Reads a {@code quota} object ([TOK-10]); also used for agreements that grant the same. */
    static Quota quota(JsonNode n) {
        if (!n.isObject()) {
            throw invalid("quota", "must be an object");
        }
        try {
            OptionalDouble rps = n.has("rps") && n.get("rps").isNumber() ? OptionalDouble.of(n.get("rps").doubleValue()) : OptionalDouble.empty();
            if (n.has("rps") && rps.isEmpty()) {
                throw new IllegalArgumentException("quota.rps must be a positive number");
            }
            return new Quota(rps, positiveLong(n, "requests_per_day"), positiveLong(n, "bytes_per_day"));
        } catch (IllegalArgumentException e) {
            throw invalid("quota", e.getMessage());
        }
    }

    private static OptionalLong positiveLong(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("quota." + name + " must be a positive integer");
        }
        return OptionalLong.of(v.longValue());
    }

    private static Agreement agreement(JsonNode n) {
        if (!n.isObject() || !n.path("uri").isTextual() || !n.path("sha256").isTextual()) {
            throw invalid("agreement", "must be an object with \"uri\" and \"sha256\" strings");
        }
        try {
            return new Agreement(URI.create(n.get("uri").textValue()), n.get("sha256").textValue());
        } catch (IllegalArgumentException e) {
            throw invalid("agreement", e.getMessage());
        }
    }

    private static StatusReference status(JsonNode n, String claim) {
        JsonNode sl = n.path("status_list");
        if (!sl.isObject() || !sl.path("idx").isIntegralNumber() || !sl.path("uri").isTextual()) {
            throw invalid(claim, "must be {\"status_list\": {\"idx\": integer, \"uri\": string}}");
        }
        try {
            return new StatusReference(sl.get("idx").longValue(), URI.create(sl.get("uri").textValue()));
        } catch (IllegalArgumentException e) {
            throw invalid(claim, e.getMessage());
        }
    }

    /** [STS-9]: an object of at most 8 members, usage token to a status reference; unknown usage tokens are ignored ([TOK-8]). */
    private static Map<Usage, StatusReference> usageStatus(JsonNode n) {
        if (!n.isObject() || n.size() == 0 || n.size() > MAX_USAGE_STATUS) {
            throw invalid("usage_status", "must be an object of 1 to " + MAX_USAGE_STATUS + " members, each a usage with its {\"status_list\": {idx, uri}}");
        }
        Map<Usage, StatusReference> out = new java.util.EnumMap<>(Usage.class);
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            StatusReference ref = status(e.getValue(), "usage_status." + e.getKey());
            Usage.parse(e.getKey()).ifPresent(u -> out.put(u, ref));
        }
        return out;
    }

    private static RejectedException invalid(String claim, String what) {
        return new RejectedException(Reason.INVALID_CLAIM, "license token claim \"" + claim + "\" " + what);
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
