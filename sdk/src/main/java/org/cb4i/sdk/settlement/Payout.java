package org.cb4i.sdk.settlement;

import java.util.Objects;

/**
 * One member's share of an invoice ([SET-7]).
 *
 * @param member the member's id
 * @param amountMinor its share in minor units
 */
public record Payout(String member, long amountMinor) {
    public Payout {
        Objects.requireNonNull(member, "member");
        if (amountMinor < 0) {
            throw new IllegalArgumentException("a payout cannot be negative");
        }
    }
}
