package org.cb4i.sdk.status;

import org.cb4i.sdk.Reason;

/**
 * Status values of a license in a Token Status List ([STS-2]). The first three are the IETF draft's;
 * {@code 0x03} is the draft's application-specific value, which cb4i defines as payment overdue.
 */
public enum StatusValue {
    VALID(0x00, null),
    INVALID(0x01, Reason.LICENSE_REVOKED),
    SUSPENDED(0x02, Reason.LICENSE_SUSPENDED),
    PAYMENT_OVERDUE(0x03, Reason.PAYMENT_OVERDUE);

    private final int code;
    private final Reason reason;

    StatusValue(int code, Reason reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    /** The rejection reason for a license in this state; null for {@link #VALID}. */
    public Reason reason() {
        return reason;
    }

    /**
     * The value for a status code read from a list. Codes the draft reserves and cb4i does not define
     * ({@code 0x04} and up) are treated as {@link #INVALID}: a license is never valid by an unknown code ([STS-2]).
     */
    public static StatusValue of(int code) {
        return switch (code) {
            case 0x00 -> VALID;
            case 0x02 -> SUSPENDED;
            case 0x03 -> PAYMENT_OVERDUE;
            default -> INVALID;
        };
    }
}
