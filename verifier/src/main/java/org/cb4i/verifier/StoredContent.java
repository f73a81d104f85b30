package org.cb4i.verifier;

import java.util.Optional;

/**
 * What the dataset holds of a record's content: nothing (a manifest shipped without its WARC files), the payload, or
 * a payload that is there but cannot be read ([VER-8]): the last is the record's {@code MALFORMED} finding, never the
 * digest of what could be read presented as tampering.
 */
public sealed interface StoredContent {
    /** The dataset holds no content for the record: its digests are not checked. */
    record Absent() implements StoredContent {}

    /** The payload as stored. */
    record Payload(byte[] body) implements StoredContent {}

    /**
     * The content should be there and is not readable.
     *
     * @param code {@link FindingCode#CONTENT_UNREADABLE} or {@link FindingCode#DUPLICATE_WARC_RECORD}
     * @param message which file, which offset, what was wrong
     */
    record Unreadable(FindingCode code, String message) implements StoredContent {}

    /** The content a library caller gives: the payload, or empty when it has none. */
    static StoredContent of(Optional<byte[]> body) {
        return body.<StoredContent>map(Payload::new).orElseGet(Absent::new);
    }
}
