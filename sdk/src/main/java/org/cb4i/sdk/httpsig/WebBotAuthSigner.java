package org.cb4i.sdk.httpsig;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cb4i.sdk.key.SigningKey;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.Parameters;
import org.greenbytes.http.sfv.StringItem;

/**
 * Signs requests per the Web Bot Auth profile of RFC 9421 ([POP-1] to [POP-4]): label {@code sig1},
 * {@code tag="web-bot-auth"}, {@code keyid} = the key's thumbprint, {@code created}, {@code expires}, a random
 * {@code nonce}, and, when the signer has a key directory, {@code Signature-Agent} covered by its member.
 * Thread-safe.
 */
public final class WebBotAuthSigner {
    public static final String TAG = "web-bot-auth";
    public static final String LABEL = "sig1";
    /** Default validity: one minute, well inside the 5-minute maximum proxies accept by default. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofMinutes(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SigningKey key;
    private final Optional<URI> agent;
    private final Clock clock;
    private final Duration validity;
    private final Map<String, SignatureHeaders> reusable = new ConcurrentHashMap<>();

    /**
     * @param agent the crawler's key directory origin, sent as {@code Signature-Agent}, if it has one
     * @param validity {@code expires - created}, from 1 second to 24 hours
     */
    public WebBotAuthSigner(SigningKey key, Optional<URI> agent, Clock clock, Duration validity) {
        this.key = Objects.requireNonNull(key, "key");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (validity.compareTo(Duration.ofSeconds(1)) < 0 || validity.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("signature validity must be from 1 second to 24 hours");
        }
        this.validity = validity;
    }

    public WebBotAuthSigner(SigningKey key, Clock clock) {
        this(key, Optional.empty(), clock, DEFAULT_VALIDITY);
    }

    /** Signs {@code req} afresh, covering what {@code policy} requires. */
    public SignatureHeaders sign(SignedRequest req, SignaturePolicy policy) {
        Instant created = clock.instant();
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        return sign(req, policy, created, created.plus(validity), Optional.of(Base64.getEncoder().encodeToString(nonce)));
    }

    /**
     * Signs with explicit parameters (for vectors and tests: a fixed clock and nonce give fixed output,
     * Ed25519 being deterministic).
     */
    public SignatureHeaders sign(SignedRequest req, SignaturePolicy policy, Instant created, Instant expires, Optional<String> nonce) {
        List<StringItem> items = new ArrayList<>();
        for (String c : policy.requiredComponents()) {
            items.add(StringItem.valueOf(c));
        }
        Optional<String> agentHeader = agent.map(a -> Dictionary.valueOf(Map.of(LABEL, StringItem.valueOf(a.toString()))).serialize());
        SignedRequest signed = req;
        if (agentHeader.isPresent()) {
            items.add(StringItem.valueOf("signature-agent").withParams(Parameters.valueOf(Map.of("key", LABEL))));
            signed = req.withField("signature-agent", agentHeader.get());
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("created", created.getEpochSecond());
        params.put("keyid", key.thumbprint());
        params.put("alg", key.algorithm().httpSignatureAlg());
        params.put("expires", expires.getEpochSecond());
        nonce.ifPresent(n -> params.put("nonce", n));
        params.put("tag", TAG);
        InnerList components = SignatureBase.components(items, params);
        String base = SignatureBase.build(signed, components);
        byte[] sig = key.sign(base.getBytes(StandardCharsets.UTF_8));
        String input = Dictionary.valueOf(Map.of(LABEL, components)).serialize();
        String signature = Dictionary.valueOf(Map.of(LABEL, ByteSequenceItem.valueOf(sig))).serialize();
        return new SignatureHeaders(input, signature, agentHeader, expires);
    }

    /**
     * A {@link SignaturePolicy#REUSABLE} signature for the request's authority, reused as real crawlers do
     * until 80% of its validity has passed, then replaced.
     */
    public SignatureHeaders reusableFor(SignedRequest req) {
        Instant now = clock.instant();
        return reusable.compute(req.authority(), (a, cur) -> {
            if (cur != null && now.isBefore(cur.expires().minus(validity.dividedBy(5)))) {
                return cur;
            }
            return sign(req, SignaturePolicy.REUSABLE);
        });
    }
}
