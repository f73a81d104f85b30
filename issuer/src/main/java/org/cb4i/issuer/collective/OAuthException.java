package org.cb4i.issuer.collective;

/**
 * A token or introspection request refused with an OAuth 2.0 error (RFC 6749 §5.2): the {@code error} code, the
 * HTTP status, and a description that says exactly what was wrong. Nothing of a refused request is stored.
 */
public final class OAuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String error;
    private final int status;
    private final long retryAfterSeconds;

    public OAuthException(String error, int status, String description) {
        this(error, status, description, 0);
    }

    /** @param retryAfterSeconds sent as {@code Retry-After} when above 0 (a rate limit, [ISS-9]) */
    public OAuthException(String error, int status, String description, long retryAfterSeconds) {
        super(description);
        this.error = error;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * {@code invalid_client}: the client is unknown or did not prove it holds its key. 400, as RFC 6749 §5.2 allows
     * when the client did not authenticate through the {@code Authorization} header.
     */
    public static OAuthException invalidClient(String description) {
        return new OAuthException("invalid_client", 400, description);
    }

    public static OAuthException invalidRequest(String description) {
        return new OAuthException("invalid_request", 400, description);
    }

    public String error() {
        return error;
    }

    public int status() {
        return status;
    }
}
