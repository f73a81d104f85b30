package org.cb4i.verifier;

import java.util.List;
import java.util.Optional;

/**
 * The verdict on one record, with everything found.
 *
 * @param publisher the origin the record came from
 * @param collective the collective whose license it was fetched under, if any
 * @param fetchedAt when it was fetched, if the record says
 * @param bytesSha256 the digest of its content as the record states it ("" when absent)
 * @param license the {@code jti} of its license, if any
 */
public record RecordResult(long id, String url, Status status, List<Finding> findings, String publisher, Optional<String> collective,
        Optional<java.time.Instant> fetchedAt, String bytesSha256, Optional<String> license) {
    public RecordResult {
        findings = List.copyOf(findings);
    }

    /** A verdict on a record that could not be read far enough to know more. */
    public RecordResult(long id, String url, Status status, List<Finding> findings, String publisher, Optional<String> collective) {
        this(id, url, status, findings, publisher, collective, Optional.empty(), "", Optional.empty());
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
