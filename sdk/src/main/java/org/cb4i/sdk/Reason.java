package org.cb4i.sdk;

/**
 * The registry of stable reason codes (protocol-spec SPEC.md, "Reason registry").
 *
 * <p>Every rejection in cb4i carries exactly one of these. The same code appears in the test vectors'
 * {@code expectedReason}, in the proxy's {@code application/problem+json} bodies and in the CLI's messages,
 * so a crawler operator reading a 403 and an auditor reading a report see the same word. Codes are never
 * renamed; new ones are appended.
 *
 * <p>{@link #httpStatus()} and {@link #authError()} give the enforcement mapping of SPEC.md [ENF-4]:
 * the status a proxy answers with and the RSL CAP {@code WWW-Authenticate: License error="…"} value.
 */
public enum Reason {
    // --- input that cannot be read at all
    MALFORMED_TOKEN(401, "invalid_token"),
    TOKEN_TOO_LARGE(401, "invalid_token"),
    DUPLICATE_MEMBER(401, "invalid_token"),
    MALFORMED_JSON(400, "invalid_request"),
    MALFORMED_KEY(400, "invalid_request"),
    MALFORMED_SIGNATURE_HEADER(400, "invalid_request"),
    MALFORMED_STATUS_LIST(503, "server_error"),
    MALFORMED_TERMS(400, "invalid_request"),

    // --- license token rules [TOK-*]
    ALG_NOT_ALLOWED(401, "invalid_token"),
    WRONG_TYPE(401, "invalid_token"),
    UNSUPPORTED_CRITICAL_HEADER(401, "invalid_token"),
    UNKNOWN_ISSUER(401, "invalid_token"),
    UNKNOWN_KEY(401, "invalid_token"),
    BAD_SIGNATURE(401, "invalid_token"),
    MISSING_CLAIM(401, "invalid_token"),
    INVALID_CLAIM(401, "invalid_token"),
    TOKEN_EXPIRED(401, "invalid_token"),
    TOKEN_NOT_YET_VALID(401, "invalid_token"),
    TOKEN_ISSUED_IN_FUTURE(401, "invalid_token"),
    CONFIRMATION_MISMATCH(401, "invalid_token"),
    WRONG_AUDIENCE(403, "insufficient_scope"),
    PATH_NOT_LICENSED(403, "insufficient_scope"),
    USAGE_NOT_LICENSED(403, "insufficient_scope"),

    // --- revocation and suspension [STS-*]
    LICENSE_REVOKED(401, "invalid_token"),
    LICENSE_SUSPENDED(401, "invalid_token"),
    PAYMENT_OVERDUE(401, "invalid_token"),
    STATUS_UNAVAILABLE(503, "server_error"),

    // --- proof of possession [POP-*]
    SIGNATURE_MISSING(403, "insufficient_scope"),
    SIGNATURE_TAG_MISSING(403, "insufficient_scope"),
    SIGNATURE_PARAMS_MISSING(403, "insufficient_scope"),
    SIGNATURE_EXPIRED(403, "insufficient_scope"),
    SIGNATURE_CREATED_IN_FUTURE(403, "insufficient_scope"),
    SIGNATURE_VALIDITY_TOO_LONG(403, "insufficient_scope"),
    SIGNATURE_COVERAGE_INSUFFICIENT(403, "insufficient_scope"),
    SIGNATURE_KEY_MISMATCH(403, "insufficient_scope"),
    SIGNATURE_ALG_NOT_ALLOWED(403, "insufficient_scope"),
    SIGNATURE_INVALID(403, "insufficient_scope"),
    SIGNATURE_UNKNOWN_KEY(403, "insufficient_scope"),

    // --- fetching keys and lists
    FETCH_REFUSED(503, "server_error"),
    FETCH_FAILED(503, "server_error"),

    // --- enforcement at the proxy [ENF-*]
    MALFORMED_REQUEST(400, null),
    AMBIGUOUS_PATH(400, null),
    LICENSE_REQUIRED(402, "invalid_request"),
    PATH_DENIED(403, null),
    QUOTA_EXCEEDED(429, null),
    QUOTA_UNAVAILABLE(503, "server_error"),
    BODY_TOO_LARGE(413, null),
    LOG_UNAVAILABLE(503, "server_error"),
    ORIGIN_UNREACHABLE(502, null),
    ORIGIN_TIMEOUT(504, null),

    // --- content [CRD-*]
    MALFORMED_CONTENT(400, "invalid_request"),
    CREDENTIAL_MISSING(400, "invalid_request"),
    CREDENTIAL_AMBIGUOUS(400, "invalid_request"),
    CREDENTIAL_MISPLACED(400, "invalid_request"),
    DIGEST_MISMATCH(400, "invalid_request"),

    // --- member consent [CNS-*] (appended: codes keep their order)
    MEMBER_OPTED_OUT(403, null),
    CONSENT_UNAVAILABLE(503, "server_error");

    private final int httpStatus;
    private final String authError;

    Reason(int httpStatus, String authError) {
        this.httpStatus = httpStatus;
        this.authError = authError;
    }

    /** The HTTP status an enforcing proxy answers with for this reason (SPEC.md [ENF-4]). */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The RSL CAP {@code error} parameter for {@code WWW-Authenticate: License}, or null when the reason is not
     * about the credentials (a denied path, a quota, the origin) and no such parameter is sent.
     */
    public String authError() {
        return authError;
    }
}
