package org.cb4i.verifier;

import java.util.Optional;

/**
 * The verifier's finding codes (SPEC.md §14, "Finding codes"): each with the requirement it enforces and the status it
 * implies for the record, or none for a note. A finding can also carry a reason code of SPEC.md §0.4 when a signed
 * object of the record or the manifest is refused for that reason ({@link Finding#refused}). The enum and the spec's
 * table are checked against each other by a test.
 */
public enum FindingCode {
    MALFORMED_JSON(Status.MALFORMED, "DST-1", "a manifest line is not a JSON object, or is longer than the verifier reads"),
    MALFORMED_RECORD(Status.MALFORMED, "DST-1", "a record lacks what every record needs (URL, fetched_at, bytes_sha256) or cannot be judged"),
    DUPLICATE_RECORD_ID(Status.MALFORMED, "DST-1", "another record of the manifest has the same id"),
    UNKNOWN_ISSUER(Status.UNTRUSTED_KEY, "TOK-2", "the license's issuer is not trusted at its iat"),
    STATUS_LIST_UNUSED(null, "STS-4", "a status list of the manifest is named by no trusted license"),
    STATUS_LIST_INVALID(null, "STS-4", "a status list of the manifest does not verify"),
    REPERTOIRE_UNTRUSTED(null, "REP-1", "a repertoire of the manifest is not from a trusted collective"),
    REPERTOIRE_INVALID(null, "REP-1", "a repertoire of the manifest does not verify"),
    CONTENT_NOT_CHECKED(null, "VER-1", "the dataset holds no content for the record: its digests are not checked"),
    BYTES_DIGEST_MISMATCH(Status.TAMPERED, "VER-1", "the stored content's SHA-256 is not the record's bytes_sha256"),
    TEXT_DIGEST_MISMATCH(Status.TAMPERED, "VER-2", "the canonical text of the stored page is not the record's text.sha256"),
    NO_LICENSE(Status.UNLICENSED, "VER-3", "the record names no license"),
    LICENSE_NOT_IN_MANIFEST(Status.UNLICENSED, "VER-3", "the record's license is not among the manifest's"),
    TOKEN_EXPIRED(Status.EXPIRED_AT_FETCH, "VER-3", "fetched outside the license's validity (with the clock skew)"),
    USAGE_NOT_LICENSED(Status.USAGE_NOT_PERMITTED, "VER-3", "the license does not grant the dataset's declared usage"),
    PATH_NOT_LICENSED(Status.UNLICENSED, "VER-3", "the license's paths do not cover the record's URL"),
    STATUS_NOT_CHECKED(null, "VER-4", "the manifest holds no verified status list the license names"),
    STATUS_AFTER_FETCH(null, "VER-4", "the only status list held is from after the fetch and says otherwise: not judged offline"),
    STATUS_AT_FETCH_CONFIRMED(null, "VER-4", "the issuer's history says the license was VALID at fetch time"),
    STATUS_HISTORY_UNAVAILABLE(null, "VER-4", "the issuer's status list history could not be had"),
    STATUS_HISTORY_INVALID(null, "VER-4", "the issuer's answer from its history does not verify or does not cover the fetch time"),
    NO_RECEIPT(Status.UNLICENSED, "VER-5", "no receipt: the site did not record serving the record under the license"),
    RECEIPT_UNPROVEN(Status.RECEIPT_INVALID, "VER-5", "the receipt has no entry or checkpoint"),
    MALFORMED_ENTRY(Status.MALFORMED, "VER-5", "the receipt's log entry is not JSON"),
    RECEIPT_MISMATCH(Status.TAMPERED, "VER-5", "the receipt's entry does not name the record's URL, license, key or digest"),
    UNTRUSTED_LOG(Status.UNTRUSTED_KEY, "VER-5", "the receipt's checkpoint is not signed by a key trusted for its log"),
    INCLUSION_PROOF_FAILED(Status.RECEIPT_INVALID, "VER-5", "the entry's inclusion proof does not lead to the checkpoint's root"),
    NO_CREDENTIAL(null, "VER-6", "the page carries no content credential"),
    UNTRUSTED_PUBLISHER(Status.UNTRUSTED_KEY, "VER-6", "no key is trusted for the record's origin at fetch time"),
    CREDENTIAL_TRUSTED(null, "VER-6", "the credential is signed by a key the trust store or a trusted repertoire vouches for"),
    CREDENTIAL_TEXT_MISMATCH(Status.TAMPERED, "VER-6", "the page's canonical text is not the text the publisher signed"),
    CREDENTIAL_BYTES_MISMATCH(Status.TAMPERED, "VER-6", "the file is not the file the publisher signed"),
    DIGEST_MISMATCH(Status.TAMPERED, "VER-7", "a cut-down record's paragraph digests are not the signed page's"),
    TEXT_COVERAGE(null, "VER-7", "how much of a cut-down text is signed by the publisher"),
    TEXT_NOT_SIGNED(Status.TAMPERED, "VER-7", "none of a cut-down text is among the page's signed paragraphs"),
    CONTENT_UNREADABLE(Status.MALFORMED, "VER-8", "the record's content should be in the dataset's WARC files and cannot be read"),
    DUPLICATE_WARC_RECORD(Status.MALFORMED, "VER-8", "the record's WARC-Record-ID occurs more than once in the dataset's WARC files"),
    WARC_READ_THROUGH(null, "VER-8", "the manifest's places do not account for the WARC files: they were read through"),
    WARC_READ_THROUGH_COPY(null, "VER-8", "a gzip WARC file is not one member per record: it was read through a decompressed copy"),
    WARC_CUT_SHORT(null, "VER-8", "a WARC file is unreadable from some point on: what follows is not indexed"),
    NOT_A_WARC(null, "VER-8", "a *.warc or *.warc.gz file of the dataset is not a WARC file"),
    UNNAMED_WARC_RECORDS(null, "VER-8", "response records of the WARC files that no manifest line names");

    private final Optional<Status> implies;
    private final String requirement;
    private final String meaning;

    FindingCode(Status implies, String requirement, String meaning) {
        this.implies = Optional.ofNullable(implies);
        this.requirement = requirement;
        this.meaning = meaning;
    }

    /** The status a finding with this code gives its record, or empty for a note. */
    public Optional<Status> implies() {
        return implies;
    }

    /** The requirement of SPEC.md it enforces, e.g. {@code VER-5}. */
    public String requirement() {
        return requirement;
    }

    /** What it means, as SPEC.md §14's table says. */
    public String meaning() {
        return meaning;
    }
}
