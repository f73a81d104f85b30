package org.cb4i.sdk;

/** cb4i could not decide: a key set, key directory or status list could not be fetched or is stale. */
public final class InfrastructureException extends Cb4iException {
    private static final long serialVersionUID = 1L;

    public InfrastructureException(Reason reason, String message) {
        super(reason, message, null);
    }

    public InfrastructureException(Reason reason, String message, Throwable cause) {
        super(reason, message, cause);
    }
}
