package org.cb4i.conformance.blackbox;

/** What a check expected and what the proxy did instead. */
public final class Unmet extends RuntimeException {
    public Unmet(String message) {
        super(message, null, false, false);
    }
}
