package org.cb4i.sdk;

import java.util.Objects;

/**
 * The one exception family of the SDK. Every failure a caller can see is one of three subclasses, each
 * carrying a stable {@link Reason}:
 * <ul>
 *   <li>{@link MalformedInputException}: the input cannot be read (bad syntax, too large, duplicate members);</li>
 *   <li>{@link RejectedException}: the input was read and is refused by a rule (expired, wrong audience, …);</li>
 *   <li>{@link InfrastructureException}: cb4i could not decide (a key set or status list could not be fetched).</li>
 * </ul>
 * Messages are written for the person debugging: they name the field and what was expected, and never
 * contain library stack traces or secret material. Exceptions of Nimbus, Jackson and the XML parser never
 * leave the SDK's public API; they are wrapped here.
 */
public abstract sealed class Cb4iException extends RuntimeException
        permits MalformedInputException, RejectedException, InfrastructureException {

    private static final long serialVersionUID = 1L;
    private final Reason reason;

    protected Cb4iException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The stable reason code; never null. */
    public Reason reason() {
        return reason;
    }
}
