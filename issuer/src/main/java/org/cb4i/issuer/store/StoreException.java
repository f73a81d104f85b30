package org.cb4i.issuer.store;

/**
 * A store operation that could not be done, and why: {@link Kind#CONFLICT} (it exists already),
 * {@link Kind#NOT_FOUND}, {@link Kind#INVALID} (the request contradicts the stored state), or {@link Kind#FAILURE}
 * (the store itself: in use, unreadable, full). Nothing of a failed operation is stored.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        CONFLICT, NOT_FOUND, INVALID, FAILURE
    }

    private final Kind kind;

    public StoreException(String message) {
        this(Kind.FAILURE, message);
    }

    private StoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
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
