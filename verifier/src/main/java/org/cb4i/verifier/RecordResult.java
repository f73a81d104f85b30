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

    /**
     * The verifier's one way of making a result: the status is the verdict of the findings (the most severe status
     * any of them implies, {@code VERIFIED} when none does).
     */
    static RecordResult judged(long id, String url, List<Finding> findings, String publisher, Optional<String> collective,
            Optional<java.time.Instant> fetchedAt, String bytesSha256, Optional<String> license) {
        return new RecordResult(id, url, verdict(findings), findings, publisher, collective, fetchedAt, bytesSha256, license);
    }

    /** A record that could not be read far enough to know more than what is wrong with it. */
    static RecordResult unreadable(long id, String url, Finding why) {
        return judged(id, url, List.of(why), "", Optional.empty(), Optional.empty(), "", Optional.empty());
    }

    /** This result with one more finding, and the verdict judged again. */
    RecordResult with(Finding more) {
        List<Finding> all = new java.util.ArrayList<>(findings);
        all.add(more);
        return judged(id, url, all, publisher, collective, fetchedAt, bytesSha256, license);
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
