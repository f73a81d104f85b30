package org.cb4i.verifier;

/**
 * A record's verdict (SPEC.md §14), most severe first: when several checks fail, the record gets the first of them in
 * this order, and every failure is listed among its findings.
 */
public enum Status {
    MALFORMED,
    TAMPERED,
    BAD_SIGNATURE,
    UNTRUSTED_KEY,
    UNLICENSED,
    USAGE_NOT_PERMITTED,
    REVOKED_AT_FETCH,
    EXPIRED_AT_FETCH,
    RECEIPT_INVALID,
    VERIFIED
}
