package org.cb4i.verifier;

import java.util.Optional;

/**
 * One thing a check found: the verdict it leads to (empty for a note that does not fail the record), a stable code,
 * the requirement it enforces (e.g. {@code VER-3}) and what exactly was wrong.
 */
public record Finding(Optional<Status> status, String code, String requirement, String message) {
    static Finding fail(Status s, String code, String requirement, String message) {
        return new Finding(Optional.of(s), code, requirement, message);
    }

    static Finding note(String code, String requirement, String message) {
        return new Finding(Optional.empty(), code, requirement, message);
    }
}
