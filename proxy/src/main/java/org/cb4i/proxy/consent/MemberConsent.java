package org.cb4i.proxy.consent;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.cb4i.proxy.config.ProxyConfig;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.consent.ConsentDocument;
import org.cb4i.sdk.fetch.BoundedFetcher;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Agreement;

/**
 * The member's consent, one document per collective that names a consent endpoint ([CNS-4], [CNS-5]). Thread-safe.
 *
 * <ul>
 *   <li>Fetched at start and again every {@code ttl} of the document held (clamped to [1 s, 1 day]), on the blocking
 *       executor, by a request signed per request with the member's key; the request path only reads what is held,
 *       so it never waits for the issuer.</li>
 *   <li>A document is taken only when it verifies with that collective's keys, names that collective and this site's
 *       publisher origin, is not expired and is not older ({@code version}) than the one held.</li>
 *   <li>When the issuer cannot be reached the last good document is used until its {@code exp}; after that, or before
 *       any was fetched, licensed requests under that collective get {@link Reason#CONSENT_UNAVAILABLE} (fail closed).
 *       A failed fetch is tried again after {@link #RETRY_AFTER_FAILURE}, or {@link #RETRY_WHEN_NONE} while nothing usable
 *       is held.</li>
 * </ul>
 */
public final class MemberConsent {
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);
    /** The retry interval when no usable document is held (licensed requests are being refused). */
    public static final Duration RETRY_WHEN_NONE = Duration.ofSeconds(1);
    static final Duration MIN_TTL = Duration.ofSeconds(1);
    static final Duration MAX_TTL = Duration.ofDays(1);

    private final Supplier<ProxyConfig> config;
    private final java.util.function.Function<String, Optional<KeySet>> issuerKeys;
    private final Clock clock;
    private final Executor blocking;
    private final Consumer<String> events;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** What is held for one collective. */
    private static final class Held {
        final URI url;
        final Path keyFile;
        volatile SigningKey key;
        volatile ConsentDocument doc;
        volatile Instant nextFetch = Instant.MIN;
        volatile String lastError = "";
        volatile boolean fetching;

        Held(URI url, Path keyFile) {
            this.url = url;
            this.keyFile = keyFile;
        }
    }

    /**
     * @param config the current configuration (it changes on reload)
     * @param issuerKeys the current keys of a trusted collective, by its id
     */
    public MemberConsent(Supplier<ProxyConfig> config, java.util.function.Function<String, Optional<KeySet>> issuerKeys, Clock clock,
            Executor blocking, Consumer<String> events) {
        this.config = config;
        this.issuerKeys = issuerKeys;
        this.clock = clock;
        this.blocking = blocking;
        this.events = events;
    }

    /** A refusal of a licensed request: its reason and why. */
    public record Refusal(Reason reason, String detail) {}

    /**
     * Whether the member refuses a licensed request under {@code issuer}'s license ([CNS-4]): empty when it does not,
     * or when this site does not fetch that collective's consent. Never blocks.
     */
    public Optional<Refusal> check(String issuer, Collection<Usage> required, Optional<Agreement> agreement, String pathAndQuery) {
        Held h = held.get(issuer);
        if (h == null) {
            // Not followed yet: configured (a reload just named it) means not fetched yet, so refused; else not enforced here.
            for (ProxyConfig.Issuer i : config.get().issuers()) {
                if (i.id().equals(issuer) && i.consent().isPresent()) {
                    return Optional.of(new Refusal(Reason.CONSENT_UNAVAILABLE, "the member's consent under " + issuer
                            + " has not been fetched yet; licensed requests are refused until it is"));
                }
            }
            return Optional.empty();
        }
        ConsentDocument d = h.doc;
        if (d == null || !d.usableAt(clock.instant())) {
            return Optional.of(new Refusal(Reason.CONSENT_UNAVAILABLE, "the member's consent under " + issuer + " cannot be had ("
                    + (d == null ? "never fetched" : "the last copy expired at " + d.expiresAt()) + (h.lastError.isEmpty() ? "" : ": " + h.lastError)
                    + "); licensed requests are refused until it is fetched"));
        }
        return d.refuses(required, agreement, pathAndQuery).map(why -> new Refusal(Reason.MEMBER_OPTED_OUT, why + " (consent version "
                + d.version() + " of " + d.issuer() + ")"));
    }

    /** The collectives whose consent cannot be used now, each with why (a readiness check reports them). */
    public Map<String, String> unavailable() {
        Map<String, String> out = new TreeMap<>();
        Instant now = clock.instant();
        held.forEach((issuer, h) -> {
            ConsentDocument d = h.doc;
            if (d == null || !d.usableAt(now)) {
                out.put(issuer, d == null ? "never fetched" + (h.lastError.isEmpty() ? "" : ": " + h.lastError)
                        : "the last copy expired at " + d.expiresAt() + (h.lastError.isEmpty() ? "" : ": " + h.lastError));
            }
        });
        return out;
    }

    /** The document held for a collective, if any. */
    public Optional<ConsentDocument> held(String issuer) {
        Held h = held.get(issuer);
        return h == null ? Optional.empty() : Optional.ofNullable(h.doc);
    }

    /**
     * Follows the current configuration (collectives added, removed, or with another endpoint or key) and starts the
     * fetches that are due. Called at start, on a timer and after a reload; never blocks.
     */
    public void tick() {
        ProxyConfig c = config.get();
        Map<String, ProxyConfig.Consent> wanted = new java.util.HashMap<>();
        for (ProxyConfig.Issuer i : c.issuers()) {
            i.consent().ifPresent(cs -> wanted.put(i.id(), cs));
        }
        held.keySet().removeIf(id -> !wanted.containsKey(id));
        wanted.forEach((id, cs) -> {
            Held h = held.get(id);
            if (h == null || !h.url.equals(cs.url()) || !h.keyFile.equals(cs.key())) {
                Held n = new Held(cs.url(), cs.key());
                if (h != null && h.url.equals(cs.url())) {
                    n.doc = h.doc; // another key of the same member: the document held is still the member's
                }
                held.put(id, n);
                h = n;
            }
            Held f = h;
            synchronized (f) {
                if (f.fetching || clock.instant().isBefore(f.nextFetch)) {
                    return;
                }
                f.fetching = true;
            }
            blocking.execute(() -> fetch(id, f));
        });
    }

    /**
     * Fetches every configured collective's document now, waiting for the answers at most {@code max} (at start: a
     * proxy whose issuer is down still starts, serving open paths, and its licensed requests are refused until the
     * fetch that goes on in the background succeeds).
     */
    public void fetchAllNow(Duration max) {
        tick();
        long deadline = System.nanoTime() + max.toNanos();
        ProxyConfig c = config.get();
        for (ProxyConfig.Issuer i : c.issuers()) {
            Held h = held.get(i.id());
            if (h != null) {
                synchronized (h) {
                    while (h.fetching && System.nanoTime() < deadline) {
                        try {
                            h.wait(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
    }

    private void fetch(String issuer, Held h) {
        ProxyConfig c = config.get();
        String p = c.publisher().toString();
        String origin = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        URI url = URI.create(h.url + (h.url.getRawQuery() == null ? "?" : "&") + "origin=" + URLEncoder.encode(origin, StandardCharsets.UTF_8));
        try {
            if (h.key == null) {
                h.key = KeyFiles.readSigningKey(h.keyFile);
            }
            KeySet keys = issuerKeys.apply(issuer).orElseThrow(() -> new IllegalStateException("issuer " + issuer + " is not configured"));
            SignatureHeaders sig = new WebBotAuthSigner(h.key, clock).sign(SignedRequest.of("GET", url), SignaturePolicy.PER_REQUEST);
            BoundedFetcher.Fetched f = new BoundedFetcher(c.fetching().policy()).get(url, ConsentDocument.MEDIA_TYPE,
                    Map.of("Signature-Input", sig.signatureInput(), "Signature", sig.signature()));
            ConsentDocument d = ConsentDocument.verify(new String(f.body(), StandardCharsets.US_ASCII).trim(), keys);
            Instant now = clock.instant();
            if (!d.issuer().equals(issuer)) {
                throw new IllegalStateException("the document served is " + d.issuer() + "'s, not " + issuer + "'s");
            }
            if (!d.member().equals(org.cb4i.sdk.token.PathScope.normaliseOrigin(origin))) {
                throw new IllegalStateException("the document served is for " + d.member() + ", not for this site (" + origin + ")");
            }
            if (!d.usableAt(now)) {
                throw new IllegalStateException("the document served expired at " + d.expiresAt());
            }
            ConsentDocument old = h.doc;
            if (old != null && d.version() < old.version()) {
                throw new IllegalStateException("the document served (version " + d.version() + ") is older than the one held (version "
                        + old.version() + ")");
            }
            h.doc = d;
            Duration ttl = d.ttl().compareTo(MIN_TTL) < 0 ? MIN_TTL : d.ttl().compareTo(MAX_TTL) > 0 ? MAX_TTL : d.ttl();
            h.nextFetch = now.plus(ttl);
            if (old == null || old.version() != d.version() || !h.lastError.isEmpty()) {
                events.accept("consent: " + issuer + " version " + d.version() + (d.optOut().isEmpty() ? ", nothing opted out"
                        : ", opted out: " + org.cb4i.sdk.json.Json.write(d.optOut().toJson())));
            }
            h.lastError = "";
        } catch (RuntimeException | java.io.IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (!why.equals(h.lastError)) {
                events.accept("consent: cannot fetch the member's consent from " + url + ": " + why
                        + (h.doc != null && h.doc.usableAt(clock.instant()) ? " (the copy held is used until " + h.doc.expiresAt() + ")"
                                : " (licensed requests under " + issuer + " are refused with 503 until it is fetched)"));
            }
            h.lastError = why;
            // Nothing usable held means licensed requests are refused: try again soon. Else the copy held serves meanwhile.
            boolean usable = h.doc != null && h.doc.usableAt(clock.instant());
            h.nextFetch = clock.instant().plus(usable ? RETRY_AFTER_FAILURE : RETRY_WHEN_NONE);
        } finally {
            synchronized (h) {
                h.fetching = false;
                h.notifyAll();
            }
        }
    }
}
