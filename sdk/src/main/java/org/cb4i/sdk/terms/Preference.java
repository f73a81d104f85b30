package org.cb4i.sdk.terms;

/** A publisher's signal about one usage by someone without a license ([VOC-3]). */
public enum Preference {
    /** Explicitly allowed. */
    ALLOWED,
    /** Explicitly not allowed. */
    DISALLOWED,
    /** No signal: neither allowed nor disallowed (AIPREF leaves the default open on purpose). */
    UNKNOWN;

    /** The more restrictive of two signals ([VOC-4]): disallowed beats allowed beats unknown. */
    public Preference and(Preference other) {
        if (this == DISALLOWED || other == DISALLOWED) {
            return DISALLOWED;
        }
        return this == ALLOWED || other == ALLOWED ? ALLOWED : UNKNOWN;
    }
}
