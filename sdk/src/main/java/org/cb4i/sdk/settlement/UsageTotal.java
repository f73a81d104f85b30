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
 * @param optedOutRequests entries among them served while the member's consent in force opted them out: in the window
 *     before its proxies took the change ([CNS-8]); billed as any other
 */
public record UsageTotal(String member, Usage usage, PriceSchedule schedule, long requests, long bytes, long attestedRequests,
        long attestedBytes, long optedOutRequests) {
    /** A total without entries served against the member's consent. */
    public UsageTotal(String member, Usage usage, PriceSchedule schedule, long requests, long bytes, long attestedRequests, long attestedBytes) {
        this(member, usage, schedule, requests, bytes, attestedRequests, attestedBytes, 0);
    }

    public UsageTotal {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(schedule, "schedule");
        if (requests < 0 || bytes < 0 || attestedRequests < 0 || attestedBytes < 0 || attestedRequests > requests || attestedBytes > bytes
                || optedOutRequests < 0 || optedOutRequests > requests) {
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
