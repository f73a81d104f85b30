package org.cb4i.verifier;

import java.util.Optional;
import org.cb4i.sdk.Reason;

/**
 * One thing a check found: the verdict it leads to (empty for a note that does not fail the record), a stable code,
 * the requirement it enforces (e.g. {@code VER-3}) and what exactly was wrong. The code is a {@link FindingCode}, or a
 * {@link Reason} of SPEC.md §0.4 when a signed object was refused for that reason.
 */
public record Finding(Optional<Status> status, String code, String requirement, String message) {
    /** A finding of the verifier's own registry: its status and requirement are the code's. */
    static Finding of(FindingCode code, String message) {
        return new Finding(code.implies(), code.name(), code.requirement(), message);
    }

    /** A signed object refused for {@code reason} while checking {@code requirement}, giving the record {@code status}. */
    static Finding refused(Status status, Reason reason, String requirement, String message) {
        return new Finding(Optional.of(status), reason.name(), requirement, message);
    }
}
