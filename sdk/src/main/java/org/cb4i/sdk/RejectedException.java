package org.cb4i.sdk;

/** Input that was read and is refused by a protocol rule (signature, time, audience, scope, status). */
public final class RejectedException extends Cb4iException {
    private static final long serialVersionUID = 1L;

    public RejectedException(Reason reason, String message) {
        super(reason, message, null);
    }

    public RejectedException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
