package org.cb4i.issuer.console;

/** A console request refused: the HTTP status, a machine-readable reason, and what to do. */
final class ConsoleException extends RuntimeException {
    private final int status;
    private final String reason;

    ConsoleException(int status, String reason, String message) {
        super(message);
        this.status = status;
        this.reason = reason;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }
}
