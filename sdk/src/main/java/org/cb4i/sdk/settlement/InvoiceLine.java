package org.cb4i.sdk.settlement;

import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.terms.Usage;

/**
 * One line of an invoice ([SET-4], [SET-5]): an amount in the currency's minor units, rounded once, for the line as a
 * whole.
 *
 * @param kind what the line bills
 * @param member the member whose content the line counts; empty for the agreement's flat and minimum lines
 * @param usage the usage; empty for the schedule's base flat and minimum
 * @param requests entries counted (usage lines)
 * @param bytes their bytes
 * @param attested entries among them with the licensee's per-request signature
 * @param logged entries among them without one (the member's word)
 * @param amountMinor the amount, in minor units
 * @param optedOut entries among them served while the member's consent opted them out ([CNS-8])
 */
public record InvoiceLine(Kind kind, Optional<String> member, Optional<Usage> usage, long requests, long bytes, long attested, long logged,
        long amountMinor, long optedOut) {

    /** A line without entries served against the member's consent. */
    public InvoiceLine(Kind kind, Optional<String> member, Optional<Usage> usage, long requests, long bytes, long attested, long logged,
            long amountMinor) {
        this(kind, member, usage, requests, bytes, attested, logged, amountMinor, 0);
    }

    /** What a line bills. */
    public enum Kind {
        USAGE("usage"), FLAT("flat"), MINIMUM("minimum"), ADJUSTMENT("adjustment");

        private final String token;

        Kind(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    public InvoiceLine {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(usage, "usage");
        if (amountMinor < 0 || requests < 0 || bytes < 0 || attested < 0 || logged < 0 || attested + logged != requests || optedOut < 0
                || optedOut > requests) {
            throw new IllegalArgumentException("a line's counts and amount are non-negative and attested + logged = requests");
        }
    }
}
