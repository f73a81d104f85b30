package org.cb4i.issuer.store;

/**
 * A store operation that could not be done, and why: {@link Kind#CONFLICT} (it exists already),
 * {@link Kind#NOT_FOUND}, {@link Kind#INVALID} (the request contradicts the stored state), {@link Kind#LIMITED} (a
 * limit of the collective's, for {@link #retryAfterSeconds}), or {@link Kind#FAILURE} (the store itself: in use,
 * unreadable, unreachable, full). Nothing of a failed operation is stored.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        CONFLICT, NOT_FOUND, INVALID, LIMITED, FAILURE
    }

    private final Kind kind;
    private final long retryAfterSeconds;

    public StoreException(String message) {
        this(Kind.FAILURE, message);
    }

    private StoreException(Kind kind, String message) {
        this(kind, message, 0);
    }

    private StoreException(Kind kind, String message, long retryAfterSeconds) {
        super(message);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Over a limit of the collective's until {@code retryAfterSeconds} have passed. */
    public static StoreException limited(String message, long retryAfterSeconds) {
        return new StoreException(Kind.LIMITED, message, Math.max(1, retryAfterSeconds));
    }

    /** For {@link Kind#LIMITED}: how long until the limit allows again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static StoreException conflict(String message) {
        return new StoreException(Kind.CONFLICT, message);
    }

    public static StoreException notFound(String message) {
        return new StoreException(Kind.NOT_FOUND, message);
    }

    public static StoreException invalid(String message) {
        return new StoreException(Kind.INVALID, message);
    }

    public Kind kind() {
        return kind;
    }
}
