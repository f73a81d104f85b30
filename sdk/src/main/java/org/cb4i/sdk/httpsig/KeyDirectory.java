package org.cb4i.sdk.httpsig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWK;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.VerificationKey;

/**
 * Resolves Web Bot Auth {@code keyid}s through crawlers' key directories ([POP-6]):
 * {@code <agent origin>/.well-known/http-message-signatures-directory}, named by the request's
 * {@code Signature-Agent}. Keys are looked up by the pair (agent URL, keyid), never by keyid alone. Thread-safe.
 *
 * <ul>
 *   <li>Only keys cb4i accepts are kept, at most {@value #MAX_KEYS} per directory; a key whose {@code kid} is not
 *       its thumbprint is ignored.</li>
 *   <li>A directory is refetched after {@code ttl}; a failed refetch keeps the keys already held (an outage is not
 *       a mass revocation), while a successful one replaces them (a removed key stops verifying).</li>
 *   <li>Fetching goes through a {@link BoundedFetcher}: no redirects, size and time caps, private addresses refused.</li>
 *   <li>After a failure a directory is not fetched again for {@link #RETRY_AFTER_FAILURE}, so a flood of requests
 *       naming a dead directory costs one fetch.</li>
 * </ul>
 * Blocking: call it off the event loop.
 */
public final class KeyDirectory implements WebBotAuthVerifier.KeyResolver {
    public static final String WELL_KNOWN = "/.well-known/http-message-signatures-directory";
    public static final String MEDIA_TYPE = "application/http-message-signatures-directory+json";
    public static final int MAX_KEYS = 64;
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private record Held(Map<String, VerificationKey> keys, Instant freshUntil, Instant retryAt) {}

    private final BoundedFetcher fetcher;
    private final Clock clock;
    private final Duration ttl;
    private final Map<URI, Held> cache = new ConcurrentHashMap<>();

    public KeyDirectory(BoundedFetcher fetcher, Clock clock, Duration ttl) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public Optional<VerificationKey> find(String keyId, Map<String, URI> agents) {
        for (URI agent : agents.values()) {
            VerificationKey k = keysOf(agent).get(keyId);
            if (k != null) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The keys currently held for a directory (fetching it when needed). */
    public Map<String, VerificationKey> keysOf(URI agent) {
        URI dir = directoryUri(agent);
        Instant now = clock.instant();
        Held held = cache.get(dir);
        if (held != null && (now.isBefore(held.freshUntil()) || now.isBefore(held.retryAt()))) {
            return held.keys();
        }
        synchronized (this) {
            held = cache.get(dir);
            if (held != null && (now.isBefore(held.freshUntil()) || now.isBefore(held.retryAt()))) {
                return held.keys();
            }
            Map<String, VerificationKey> previous = held == null ? Map.of() : held.keys();
            try {
                Map<String, VerificationKey> keys = fetch(dir);
                cache.put(dir, new Held(keys, now.plus(ttl), Instant.MIN));
                return keys;
            } catch (Cb4iException e) {
                cache.put(dir, new Held(previous, Instant.MIN, now.plus(RETRY_AFTER_FAILURE)));
                return previous;
            }
        }
    }

    /** The directory URL for an agent: its origin plus the well-known path. */
    public static URI directoryUri(URI agent) {
        String scheme = agent.getScheme().toLowerCase(Locale.ROOT);
        return URI.create(scheme + "://" + SignedRequest.normaliseAuthority(scheme, agent.getRawAuthority()) + WELL_KNOWN);
    }

    private Map<String, VerificationKey> fetch(URI dir) {
        BoundedFetcher.Fetched f = fetcher.get(dir, MEDIA_TYPE + ", application/json;q=0.5");
        String ct = f.contentType().toLowerCase(Locale.ROOT);
        if (!ct.startsWith(MEDIA_TYPE) && !ct.startsWith("application/json")) {
            throw new org.cb4i.sdk.InfrastructureException(Reason.FETCH_FAILED, dir + " answered with media type \"" + f.contentType() + "\"");
        }
        ObjectNode root = Json.readObject(f.body(), "key directory " + dir, Reason.MALFORMED_KEY);
        JsonNode keys = root.get("keys");
        Map<String, VerificationKey> out = new HashMap<>();
        if (keys == null || !keys.isArray()) {
            return out;
        }
        for (JsonNode k : keys) {
            if (out.size() >= MAX_KEYS) {
                break;
            }
            try {
                VerificationKey vk = VerificationKey.of(JWK.parse(k.toString()));
                String kid = vk.jwk().getKeyID();
                if (kid == null || kid.equals(vk.thumbprint())) {
                    out.put(vk.thumbprint(), vk);
                }
            } catch (java.text.ParseException | Cb4iException ignored) {
                // a key cb4i cannot use is skipped; the others still count
            }
        }
        return Map.copyOf(out);
    }
}
