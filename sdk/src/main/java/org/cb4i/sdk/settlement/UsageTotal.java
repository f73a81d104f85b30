package org.cb4i.sdk.settlement;

import java.util.Objects;
import org.cb4i.sdk.terms.Usage;

/**
 * What one member's content gave one agreement's licensee for one usage in a period, under one version of the price
 * schedule: counts of billable entries ([SET-2]) and of those among them that are attested ([SET-3]).
 *
 * @param member the member's id (its origin)
 * @param usage the usage the entries are priced at
 * @param schedule the schedule in force when the entries were made
 * @param requests billable entries
 * @param bytes the sum of their {@code bytes}
 * @param attestedRequests those entries that carry the licensee's per-request signature
 * @param attestedBytes the sum of their {@code bytes}
 */
public record UsageTotal(String member, Usage usage, PriceSchedule schedule, long requests, long bytes, long attestedRequests,
        long attestedBytes) {
    public UsageTotal {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(schedule, "schedule");
        if (requests < 0 || bytes < 0 || attestedRequests < 0 || attestedBytes < 0 || attestedRequests > requests || attestedBytes > bytes) {
            throw new IllegalArgumentException("counts must be non-negative and attested ones within the totals");
        }
    }

    /** Entries billed: all of them, or only the attested ones when the schedule bills {@code attested_only}. */
    long billedRequests() {
        return schedule.attestedOnly() ? attestedRequests : requests;
    }

    long billedBytes() {
        return schedule.attestedOnly() ? attestedBytes : bytes;
    }
}
