package org.cb4i.sdk;

/** Input that cannot be read: bad syntax, size or nesting over a cap, duplicate JSON members. */
public final class MalformedInputException extends Cb4iException {
    private static final long serialVersionUID = 1L;

    public MalformedInputException(Reason reason, String message) {
        super(reason, message, null);
    }

    public MalformedInputException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
