package org.cb4i.verifier;

import java.util.Optional;

/**
 * A record that verified, with what it holds: for a reader that uses the texts (valuation) and must use only records
 * whose provenance verified. The payload is the stored content whose digest the record states (do not modify it), or
 * empty for a record of a manifest shipped without its WARC files ({@code CONTENT_NOT_CHECKED}, a note: such a record
 * can verify, but there is no text to read).
 *
 * @param result the verdict ({@link Status#VERIFIED})
 * @param contentType the record's content type as the manifest says ("" when absent)
 * @param member the origin of the member entry, in the repertoire of the collective whose license it was fetched under,
 *     that held the record's publisher at fetch time ([REP-2]); empty when that repertoire is not in the manifest or
 *     does not hold the publisher then
 * @param payload the stored content, or empty when the dataset holds none for the record
 */
public record VerifiedContent(RecordResult result, String contentType, Optional<String> member, Optional<byte[]> payload) {}
