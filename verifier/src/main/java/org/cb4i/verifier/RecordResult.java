package org.cb4i.verifier;

import java.util.List;
import java.util.Optional;

/**
 * The verdict on one record, with everything found.
 *
 * @param publisher the origin the record came from
 * @param collective the collective whose license it was fetched under, if any
 */
public record RecordResult(long id, String url, Status status, List<Finding> findings, String publisher, Optional<String> collective) {
    public RecordResult {
        findings = List.copyOf(findings);
    }

    static Status verdict(List<Finding> findings) {
        Status worst = Status.VERIFIED;
        for (Finding f : findings) {
            if (f.status().isPresent() && f.status().get().ordinal() < worst.ordinal()) {
                worst = f.status().get();
            }
        }
        return worst;
    }
}
