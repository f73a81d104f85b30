package org.cb4i.cli;

/** The CLI's coarse exit codes (STYLE.md): the reason codes carry the detail. */
final class ExitCodes {
    static final int OK = 0;
    /** Refused or failed verification (a license that does not verify, a denied request). */
    static final int REFUSED = 1;
    /** Bad usage or unreadable input. */
    static final int BAD_INPUT = 2;

    private ExitCodes() {}
}
