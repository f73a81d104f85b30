package org.cb4i.sdk.httpsig;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.key.VerificationKey;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.IntegerItem;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parameters;
import org.greenbytes.http.sfv.StringItem;

/**
 * Verifies Web Bot Auth request signatures ([POP-1] to [POP-7]). Thread-safe; share one.
 *
 * <p>Only signatures with {@code tag="web-bot-auth"} count; at most {@value #MAX_CANDIDATES} of them are tried,
 * so a request carrying many signatures costs a bounded number of verifications. {@code created},
 * {@code expires} and {@code keyid} are required; {@code expires - created} may not exceed
 * {@link #DEFAULT_MAX_VALIDITY}; time is judged with {@link #DEFAULT_CLOCK_SKEW}. When the request has a
 * {@code Signature-Agent}, the signature must cover it. Verified (signature base, signature, key) triples are
 * cached until the signature expires: a reused signature costs one verification in all.
 */
public final class WebBotAuthVerifier {
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_VALIDITY = Duration.ofMinutes(5);
    public static final int MAX_CANDIDATES = 3;
    public static final int MAX_LABELS = 8;
    public static final int MAX_HEADER_CHARS = 8192;
    /** The signature caches' default bound: 16 MiB of heap in all, as estimated by their weighers. */
    public static final long DEFAULT_CACHE_BYTES = 16L << 20;

    /** Finds the key a {@code keyid} names; empty when unknown. */
    @FunctionalInterface
    public interface KeyResolver {
        Optional<VerificationKey> find(String keyId, Map<String, URI> agents);
    }

    private final Clock clock;
    private final Duration skew;
    private final Duration maxValidity;
    private final Cache<String, Instant> verified;
    /** Parsed signature headers by their raw text: a reused signature is parsed once; null when caching is off. */
    private final Cache<String, Parsed> parsed;

    /** Verifications skipped because the candidate itself remembered its signature base (counted as cache hits). */
    private final java.util.concurrent.atomic.LongAdder memoHits = new java.util.concurrent.atomic.LongAdder();
    /**
     * The signature headers each thread saw last, parsed: a crawler reusing one signature sends the same two headers on
     * every request, and comparing them costs less than hashing them into a cache key (a measured share of the
     * licensed request's CPU).
     */
    private final ThreadLocal<LastHeaders> lastHeaders = new ThreadLocal<>();

    /** One tagged signature of a request, parsed. */
    private static final class Candidate {
        final String label;
        final InnerList components;
        final String params;
        final ListElement<? extends Object> signature;
        /** The last (key, signature base) this signature verified over; a request that rebuilds the same base is not checked again. */
        volatile VerifiedBase lastVerified;

        Candidate(String label, InnerList components, String params, ListElement<? extends Object> signature) {
            this.label = label;
            this.components = components;
            this.params = params;
            this.signature = signature;
        }
    }

    private record VerifiedBase(String keyThumbprint, String base) {}

    private record LastHeaders(String input, String sig, Parsed parsed) {}

    /** The web-bot-auth candidates of a {@code Signature-Input}/{@code Signature} pair, in order, at most {@value #MAX_CANDIDATES}. */
    private record Parsed(List<Candidate> candidates) {}

    private WebBotAuthVerifier(Builder b) {
        // Both caches are bounded in estimated bytes of heap, not entries: a verified signature held about 3 KB in all,
        // so 100,000 of them (the bound before) outgrew a 256 MiB heap and the proxy spent its time in full collections.
        this.parsed = b.cacheBytes == 0 ? null : Caffeine.newBuilder().maximumWeight(b.cacheBytes / 2)
                .weigher((String k, Parsed v) -> 4 * k.length() + 1024).expireAfterWrite(Duration.ofMinutes(10)).build();
        this.clock = b.clock;
        this.skew = b.skew;
        this.maxValidity = b.maxValidity;
        this.verified = b.cacheBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(b.cacheBytes / 2)
                .weigher((String k, Instant v) -> k.length() + 256)
                .recordStats()
                .expireAfter(new Expiry<String, Instant>() {
                    @Override
                    public long expireAfterCreate(String k, Instant expires, long t) {
                        return Math.max(0, Duration.between(clock.instant(), expires.plus(skew)).toNanos());
                    }

                    @Override
                    public long expireAfterUpdate(String k, Instant expires, long t, long d) {
                        return expireAfterCreate(k, expires, t);
                    }

                    @Override
                    public long expireAfterRead(String k, Instant expires, long t, long d) {
                        return d;
                    }
                })
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Hits, misses and size of the verified-signature cache, for metrics (a hit skips the signature check). */
    public org.cb4i.sdk.CacheCounters cacheCounters() {
        if (verified == null) {
            return org.cb4i.sdk.CacheCounters.NONE;
        }
        var st = verified.stats();
        return new org.cb4i.sdk.CacheCounters(st.hitCount() + memoHits.sum(), st.missCount(), verified.estimatedSize());
    }

    /**
     * Verifies the request's signature against the key bound to a license ({@code cnf}): the signature's
     * {@code keyid} must be that key's thumbprint ([POP-2]).
     *
     * @throws RejectedException {@link Reason#SIGNATURE_KEY_MISMATCH} when signed by another key, or any other
     *     signature reason
     * @throws MalformedInputException when the signature headers cannot be parsed
     */
    public VerifiedSignature verifyBound(SignedRequest req, SignaturePolicy policy, VerificationKey bound) {
        return verify(req, policy, (keyId, agents) -> {
            if (!keyId.equals(bound.thumbprint())) {
                throw new RejectedException(Reason.SIGNATURE_KEY_MISMATCH, "the request is signed with key " + keyId
                        + ", but the license is bound to key " + bound.thumbprint() + " (cnf.jkt)");
            }
            return Optional.of(bound);
        });
    }

    /**
     * Verifies the request's Web Bot Auth signature.
     *
     * @throws RejectedException {@link Reason#SIGNATURE_MISSING} when there is no signature at all, or another
     *     {@code SIGNATURE_*} reason saying which rule failed (the first candidate's, when several fail)
     * @throws MalformedInputException ({@link Reason#MALFORMED_SIGNATURE_HEADER}) for unparsable headers
     */
    public VerifiedSignature verify(SignedRequest req, SignaturePolicy policy, KeyResolver keys) {
        List<String> inputLines = req.field("signature-input");
        List<String> sigLines = req.field("signature");
        if (inputLines.isEmpty() && sigLines.isEmpty()) {
            throw new RejectedException(Reason.SIGNATURE_MISSING, "the request carries no Signature-Input and Signature (Web Bot Auth)");
        }
        if (inputLines.isEmpty() || sigLines.isEmpty()) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "the request has only one of Signature-Input and Signature");
        }
        String inputText = inputLines.size() == 1 ? inputLines.get(0) : String.join(", ", inputLines);
        String sigText = sigLines.size() == 1 ? sigLines.get(0) : String.join(", ", sigLines);
        if (inputText.length() > MAX_HEADER_CHARS || sigText.length() > MAX_HEADER_CHARS) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Input or Signature is longer than " + MAX_HEADER_CHARS + " characters");
        }
        Parsed p = null;
        LastHeaders last = parsed == null ? null : lastHeaders.get();
        if (last != null && last.input().equals(inputText) && last.sig().equals(sigText)) {
            p = last.parsed();
        }
        String cacheKey = p != null || parsed == null ? null : inputText + '\u0001' + sigText;
        if (cacheKey != null) {
            p = parsed.getIfPresent(cacheKey);
            if (p == null) {
                p = parse(inputText, sigText);
                if (p.candidates().stream().noneMatch(c -> boundToOneTarget(c.components))) {
                    parsed.put(cacheKey, p);
                    lastHeaders.set(new LastHeaders(inputText, sigText, p));
                }
            } else {
                lastHeaders.set(new LastHeaders(inputText, sigText, p));
            }
        } else if (p == null) {
            p = parse(inputText, sigText);
        }
        List<String> agentLines = req.field("signature-agent");
        Map<String, URI> agents = agentLines.isEmpty() ? Map.of() : SignatureAgent.parse(agentLines);
        boolean hasAgent = !agentLines.isEmpty();

        RejectedException first = null;
        for (Candidate c : p.candidates()) {
            try {
                return verifyOne(req, policy, keys, agents, hasAgent, c);
            } catch (RejectedException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        throw new RejectedException(Reason.SIGNATURE_TAG_MISSING, "no signature on the request has tag=\"" + WebBotAuthSigner.TAG + "\"");
    }

    /**
     * Whether a signature covers the request target: it can only come again with the same request, so caching it
     * (parsed or verified) would hold memory for nothing — a crawler signing every request fills the caches otherwise.
     */
    static boolean boundToOneTarget(InnerList components) {
        for (Item<? extends Object> item : components.get()) {
            if (item instanceof StringItem s && (s.get().equals("@target-uri") || s.get().equals("@path") || s.get().equals("@query")
                    || s.get().equals("@request-target"))) {
                return true;
            }
        }
        return false;
    }

    private static Parsed parse(String inputText, String sigText) {
        Dictionary inputs = SignatureBase.parseDictionary(inputText, "Signature-Input");
        Dictionary sigs = SignatureBase.parseDictionary(sigText, "Signature");
        if (inputs.get().size() > MAX_LABELS || sigs.get().size() > MAX_LABELS) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "more than " + MAX_LABELS + " signatures on one request");
        }
        List<Candidate> out = new ArrayList<>();
        for (Map.Entry<String, ListElement<? extends Object>> e : inputs.get().entrySet()) {
            if (!(e.getValue() instanceof InnerList components)) {
                throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature-Input member " + e.getKey() + " is not an inner list");
            }
            Item<? extends Object> tag = components.getParams().get("tag");
            if (!(tag instanceof StringItem t) || !t.get().equals(WebBotAuthSigner.TAG)) {
                continue;
            }
            if (out.size() == MAX_CANDIDATES) {
                break;
            }
            out.add(new Candidate(e.getKey(), components, components.serialize(), sigs.get().get(e.getKey())));
        }
        return new Parsed(List.copyOf(out));
    }

    private VerifiedSignature verifyOne(SignedRequest req, SignaturePolicy policy, KeyResolver keys, Map<String, URI> agents,
            boolean hasAgent, Candidate candidate) {
        String label = candidate.label;
        InnerList components = candidate.components;
        if (!(candidate.signature instanceof ByteSequenceItem sigItem)) {
            throw new MalformedInputException(Reason.MALFORMED_SIGNATURE_HEADER, "Signature has no byte sequence for label " + label);
        }
        Parameters p = components.getParams();
        long created = integer(p, "created", label);
        long expires = integer(p, "expires", label);
        Item<? extends Object> keyIdItem = p.get("keyid");
        if (!(keyIdItem instanceof StringItem keyIdString)) {
            throw new RejectedException(Reason.SIGNATURE_PARAMS_MISSING, "signature " + label + " has no keyid string");
        }
        Instant now = clock.instant();
        Instant c = Instant.ofEpochSecond(created);
        Instant x = Instant.ofEpochSecond(expires);
        if (!x.isAfter(c)) {
            throw new RejectedException(Reason.SIGNATURE_PARAMS_MISSING, "signature " + label + " expires before it is created");
        }
        if (Duration.between(c, x).compareTo(maxValidity) > 0) {
            throw new RejectedException(Reason.SIGNATURE_VALIDITY_TOO_LONG, "signature " + label + " is valid for " + Duration.between(c, x).toSeconds()
                    + " s; at most " + maxValidity.toSeconds() + " s is accepted");
        }
        if (c.isAfter(now.plus(skew))) {
            throw new RejectedException(Reason.SIGNATURE_CREATED_IN_FUTURE, "signature " + label + " is created in the future (" + c + ")");
        }
        if (!now.isBefore(x.plus(skew))) {
            throw new RejectedException(Reason.SIGNATURE_EXPIRED, "signature " + label + " expired at " + x);
        }
        List<String> covered = new ArrayList<>();
        boolean coversAgent = false;
        for (Item<? extends Object> item : components.get()) {
            if (item instanceof StringItem s) {
                covered.add(s.get());
                coversAgent |= s.get().equals("signature-agent");
            }
        }
        for (String needed : policy.requiredComponents()) {
            if (!covered.contains(needed)) {
                throw new RejectedException(Reason.SIGNATURE_COVERAGE_INSUFFICIENT, "signature " + label + " does not cover " + needed
                        + ", which the " + policy.token() + " policy requires (it covers " + covered + ")");
            }
        }
        if (hasAgent && !coversAgent) {
            throw new RejectedException(Reason.SIGNATURE_COVERAGE_INSUFFICIENT, "signature " + label + " does not cover the request's Signature-Agent");
        }
        String keyId = keyIdString.get();
        VerificationKey key = keys.find(keyId, agents).orElseThrow(() -> new RejectedException(Reason.SIGNATURE_UNKNOWN_KEY,
                "signature " + label + " names key " + keyId + ", which is not known here"));
        Item<? extends Object> alg = p.get("alg");
        if (alg != null && !(alg instanceof StringItem a && a.get().equals(key.algorithm().httpSignatureAlg()))) {
            throw new RejectedException(Reason.SIGNATURE_ALG_NOT_ALLOWED, "signature " + label + " alg " + alg.serialize()
                    + " does not fit the key (" + key.algorithm().httpSignatureAlg() + ")");
        }
        String base = SignatureBase.build(req, components, candidate.params);
        VerifiedBase remembered = candidate.lastVerified;
        if (verified != null && remembered != null && remembered.base().equals(base) && remembered.keyThumbprint().equals(key.thumbprint())) {
            memoHits.increment(); // this signature, this key, this base: verified before (and still in its time window, checked above)
        } else {
            ByteBuffer bb = sigItem.get();
            byte[] sig = new byte[bb.remaining()];
            bb.duplicate().get(sig);
            boolean reusable = verified != null && !boundToOneTarget(components);
            String cacheKey = reusable ? key.thumbprint() + '\n' + Base64.getEncoder().encodeToString(sig) + '\n' + base : null;
            if (cacheKey == null || verified.getIfPresent(cacheKey) == null) {
                if (!key.verify(base.getBytes(StandardCharsets.UTF_8), sig)) {
                    throw new RejectedException(Reason.SIGNATURE_INVALID, "signature " + label + " does not verify with key " + keyId);
                }
                if (cacheKey != null) {
                    verified.put(cacheKey, x);
                }
            }
            if (reusable) {
                candidate.lastVerified = new VerifiedBase(key.thumbprint(), base);
            }
        }
        Item<? extends Object> nonce = p.get("nonce");
        return new VerifiedSignature(label, keyId, c, x, covered,
                nonce instanceof StringItem n ? Optional.of(n.get()) : Optional.empty(),
                candidate.params, sigItem.serialize());
    }

    private static long integer(Parameters p, String name, String label) {
        Item<? extends Object> v = p.get(name);
        if (!(v instanceof IntegerItem i)) {
            throw new RejectedException(Reason.SIGNATURE_PARAMS_MISSING, "signature " + label + " has no integer " + name + " parameter");
        }
        if (i.get() < 0) {
            throw new RejectedException(Reason.SIGNATURE_PARAMS_MISSING, "signature " + label + " " + name + " is negative");
        }
        return i.get();
    }

    /** Options for {@link WebBotAuthVerifier}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration skew = DEFAULT_CLOCK_SKEW;
        private Duration maxValidity = DEFAULT_MAX_VALIDITY;
        private long cacheBytes = DEFAULT_CACHE_BYTES;

        private Builder() {}

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder clockSkew(Duration skew) {
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clock skew must be from 0 to 5 minutes");
            }
            this.skew = skew;
            return this;
        }

        /**
         * The longest {@code expires - created} accepted. The default is 5 minutes; Web Bot Auth allows up to
         * 24 hours, which lets a stolen signature be replayed for that long.
         */
        public Builder maxValidity(Duration maxValidity) {
            if (maxValidity.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("max validity must be at least 1 second");
            }
            this.maxValidity = maxValidity;
            return this;
        }

        /** Bounds the parsed- and verified-signature caches together, in estimated bytes of heap; 0 disables them. */
        public Builder cacheBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("cache bytes must not be negative");
            }
            this.cacheBytes = bytes;
            return this;
        }

        public WebBotAuthVerifier build() {
            return new WebBotAuthVerifier(this);
        }
    }
}
