package org.cb4i.sdk.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Objects;
import org.cb4i.sdk.InfrastructureException;
import org.cb4i.sdk.Reason;

/**
 * Fetches small documents (key sets, key directories, status lists) under a {@link FetchPolicy}. Blocking:
 * never call it from an event loop. Thread-safe.
 *
 * <p>The host is resolved and every address checked before connecting; the HTTP client then resolves again,
 * so a DNS answer that changes between the two (rebinding) is a residual risk, stated in SPEC.md [FET-1].
 */
public final class BoundedFetcher {
    private final FetchPolicy policy;
    private final HttpClient client;

    public BoundedFetcher(FetchPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(policy.timeout())
                .build();
    }

    /** A fetched document. */
    public record Fetched(URI uri, String contentType, byte[] body) {}

    /**
     * GETs {@code uri} with {@code accept}.
     *
     * @throws InfrastructureException {@link Reason#FETCH_REFUSED} when the policy forbids the URI (scheme, address),
     *     {@link Reason#FETCH_FAILED} for a network error, a timeout, a status other than 200 (redirects included)
     *     or a body over the size cap
     */
    public Fetched get(URI uri, String accept) {
        return get(uri, accept, java.util.Map.of());
    }

    /** As {@link #get(URI, String)}, with more request header fields (a signature, say). */
    public Fetched get(URI uri, String accept, java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(policy.timeout()).header("Accept", accept).GET();
        headers.forEach(b::header);
        return send(uri, b.build(), java.util.Set.of(200));
    }

    /**
     * POSTs {@code body} to {@code uri} under the same limits; a 200, 201, 202 or 204 answer is success.
     *
     * @throws InfrastructureException as {@link #get(URI, String)} does
     */
    public Fetched post(URI uri, String contentType, byte[] body, java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(policy.timeout()).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(uri, b.build(), java.util.Set.of(200, 201, 202, 204));
    }

    private Fetched send(URI uri, HttpRequest req, java.util.Set<Integer> ok) {
        check(uri);
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new InfrastructureException(Reason.FETCH_FAILED, "fetching " + uri + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException(Reason.FETCH_FAILED, "fetching " + uri + " was interrupted");
        }
        try (InputStream in = resp.body()) {
            if (!ok.contains(resp.statusCode())) {
                // The problem body's detail, when there is one, says why (a refused signature, a range out of bounds).
                String detail = new String(in.readNBytes(2048), java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
                throw new InfrastructureException(Reason.FETCH_FAILED, "fetching " + uri + " answered HTTP " + resp.statusCode()
                        + (resp.statusCode() / 100 == 3 ? " (redirects are not followed)" : "") + (detail.isEmpty() ? "" : ": " + detail));
            }
            byte[] body = in.readNBytes(policy.maxBytes() + 1);
            if (body.length > policy.maxBytes()) {
                throw new InfrastructureException(Reason.FETCH_FAILED, "fetching " + uri + ": the body is larger than " + policy.maxBytes() + " bytes");
            }
            return new Fetched(uri, resp.headers().firstValue("Content-Type").orElse(""), body);
        } catch (IOException e) {
            throw new InfrastructureException(Reason.FETCH_FAILED, "reading " + uri + " failed: " + e.getClass().getSimpleName());
        }
    }

    /** Checks scheme and resolved addresses against the policy without fetching. */
    public void check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && policy.plainHttpAllowed())) {
            throw new InfrastructureException(Reason.FETCH_REFUSED, "refusing to fetch " + uri + ": only https URLs are fetched"
                    + (scheme.equals("http") ? policy.plainHttpHint() : ""));
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new InfrastructureException(Reason.FETCH_REFUSED, "refusing to fetch " + uri + ": no host, or user info in the URL");
        }
        if (policy.privateAddressesAllowed()) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new InfrastructureException(Reason.FETCH_FAILED, "cannot resolve " + uri.getHost());
        }
        for (InetAddress a : addresses) {
            if (isNonPublic(a)) {
                throw new InfrastructureException(Reason.FETCH_REFUSED, "refusing to fetch " + uri + ": " + uri.getHost()
                        + " resolves to the non-public address " + a.getHostAddress() + policy.privateAddressesHint());
            }
        }
    }

    static boolean isNonPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second < 128) // 100.64/10 carrier-grade NAT
                || (first == 198 && (second == 18 || second == 19)) || first >= 240;
    }
}
