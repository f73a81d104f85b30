package org.cb4i.sdk.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.cb4i.sdk.dataset.ManifestRecord.Receipt;
import org.cb4i.sdk.dataset.ManifestRecord.Text;
import org.cb4i.sdk.dataset.ManifestRecord.Warc;

/**
 * How {@link ManifestRecord#read} reads a record line: one pass of the shared strict parser, no JSON tree, the
 * receipt's proof decoded from the parser's buffer. Kept apart from the record so that the type, its reader's entry
 * point and its writer stay readable in one file.
 */
final class ManifestRecordParser {
    private ManifestRecordParser() {
    }

    /** @param line the bytes {@code p} reads, when it reads bytes (their proof hashes are decoded in place) */
    static ManifestRecord read(JsonParser p, byte[] line) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new NotAnObject();
        }
        ManifestRecord.Builder b = new ManifestRecord.Builder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> b.id = t.isScalarValue() && t != JsonToken.VALUE_NULL ? OptionalLong.of(asLong(p, t)) : skip(p, OptionalLong.empty());
                case "url" -> b.url = text(p, t, "");
                case "fetched_at" -> b.fetchedAt = integral(p, t);
                case "status" -> b.status = small(integral(p, t));
                case "outcome" -> b.outcome = Optional.of(text(p, t, "null"));
                case "reason" -> b.reason = string(p, t);
                case "detail" -> b.detail = string(p, t);
                case "location" -> b.location = string(p, t);
                case "content_type" -> b.contentType = text(p, t, "");
                case "bytes" -> b.bytes = integral(p, t);
                case "bytes_sha256" -> b.bytesSha256 = string(p, t);
                case "text" -> b.text = Optional.of(readText(p, t));
                case "credential" -> b.credential = Optional.ofNullable(text(p, t, null));
                case "license" -> b.license = Optional.ofNullable(text(p, t, null));
                case "receipt" -> b.receipt = Optional.of(readReceipt(p, t, line));
                case "warc" -> b.warc = readWarc(p, t);
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new IOException("trailing content after the record");
        }
        return b.build();
    }

    private static OptionalInt small(OptionalLong v) {
        return v.isPresent() && v.getAsLong() == (int) v.getAsLong() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    private static Text readText(JsonParser p, JsonToken t) throws IOException {
        String sha256 = "";
        OptionalInt paragraphs = OptionalInt.empty();
        Optional<String> root = Optional.empty();
        Optional<String> kept = Optional.empty();
        List<String> digests = new ArrayList<>();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new Text(sha256, paragraphs, root, kept, digests);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "sha256" -> sha256 = text(p, v, "null");
                case "paragraphs" -> paragraphs = small(integral(p, v));
                case "paragraphs_root" -> root = string(p, v);
                case "kept" -> kept = string(p, v);
                case "paragraph_digests" -> {
                    if (v == JsonToken.START_ARRAY) {
                        for (JsonToken d; (d = p.nextToken()) != JsonToken.END_ARRAY; ) {
                            digests.add(text(p, d, "null"));
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Text(sha256, paragraphs, root, kept, digests);
    }

    private static Receipt readReceipt(JsonParser p, JsonToken t, byte[] line) throws IOException {
        String log = "";
        String rid = "";
        Optional<String> origin = Optional.empty();
        Optional<String> entry = Optional.empty();
        long index = 0;
        List<byte[]> proof = new ArrayList<>(32);
        String problem = null;
        OptionalLong treeSize = OptionalLong.empty();
        Optional<String> checkpoint = Optional.empty();
        Optional<Boolean> checked = Optional.empty();
        Optional<String> error = Optional.empty();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new Receipt(log, rid, origin, entry, index, List.of(), Optional.empty(), treeSize, checkpoint, checked, error);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "log" -> log = text(p, v, "null");
                case "rid" -> rid = text(p, v, "null");
                case "origin" -> origin = string(p, v);
                case "entry" -> entry = string(p, v);
                case "index" -> index = asLong(p, v);
                case "tree_size" -> treeSize = integral(p, v);
                case "checkpoint" -> checkpoint = string(p, v);
                case "proof_checked" -> checked = v.isBoolean() ? Optional.of(v == JsonToken.VALUE_TRUE) : skip(p, Optional.empty());
                case "error" -> error = Optional.of(text(p, v, "null"));
                case "inclusion_proof" -> {
                    proof.clear();
                    problem = null;
                    if (v != JsonToken.START_ARRAY) {
                        p.skipChildren();
                        problem = "the receipt's inclusion_proof is not an array of SHA-256 hashes";
                        continue;
                    }
                    int i = 0;
                    for (JsonToken h; (h = p.nextToken()) != JsonToken.END_ARRAY; i++) {
                        byte[] hash = null;
                        if (h == JsonToken.VALUE_STRING) {
                            hash = line != null ? hash(line, p.currentTokenLocation().getByteOffset()) : null;
                            if (hash == null) { // not plain digits in the line: the string as JSON reads it decides
                                hash = hash(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                            }
                        }
                        if (hash == null && problem == null) {
                            problem = "the receipt's inclusion_proof[" + i + "] is not a SHA-256 hash in hex (64 hex digits)";
                        } else if (hash != null) {
                            proof.add(hash);
                        }
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Receipt(log, rid, origin, entry, index, problem == null ? proof : List.of(), Optional.ofNullable(problem), treeSize,
                checkpoint, checked, error);
    }

    static Optional<ManifestRecord.Warc> readWarc(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Optional.empty();
        }
        String file = null;
        long offset = 0;
        long length = 0;
        Optional<String> recordId = Optional.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "file" -> file = string(p, v).orElse(null);
                case "offset" -> offset = asLong(p, v);
                case "length" -> length = asLong(p, v);
                case "record_id" -> recordId = string(p, v);
                default -> p.skipChildren();
            }
        }
        return file == null ? Optional.empty() : Optional.of(new ManifestRecord.Warc(file, offset, length, recordId));
    }

    /** The value when it is a string. */
    private static Optional<String> string(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return Optional.of(p.getText());
        }
        p.skipChildren();
        return Optional.empty();
    }

    /** The text of a value, as Jackson's {@code asText} gives it: a scalar's text, {@code ifNull} for null, "" for an object or array. */
    private static String text(JsonParser p, JsonToken t, String ifNull) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return ifNull;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return "";
    }

    /** A value as Jackson's {@code asLong} reads it (a number, a string of one, true as 1), 0 for anything else or out of range. */
    private static long asLong(JsonParser p, JsonToken t) throws IOException {
        if (t.isNumeric()) {
            return integral(p, t).orElse(0);
        }
        if (t.isScalarValue()) {
            return p.getValueAsLong(0);
        }
        p.skipChildren();
        return 0;
    }

    /** A number within a long's range, fractions truncated toward zero; empty for anything else. */
    private static OptionalLong integral(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return OptionalLong.of(p.getLongValue());
            }
            BigInteger b = p.getBigIntegerValue();
            return b.bitLength() < 64 ? OptionalLong.of(b.longValue()) : OptionalLong.empty();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal d = p.getDecimalValue();
            return d.compareTo(MIN) >= 0 && d.compareTo(MAX) <= 0 ? OptionalLong.of(d.longValue()) : OptionalLong.empty();
        }
        p.skipChildren();
        return OptionalLong.empty();
    }

    private static final BigDecimal MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private static <T> T skip(JsonParser p, T value) throws IOException {
        p.skipChildren();
        return value;
    }

    private static final byte[] NIBBLE = new byte[128];

    static {
        java.util.Arrays.fill(NIBBLE, (byte) -1);
        for (int i = 0; i < 10; i++) {
            NIBBLE['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            NIBBLE['a' + i] = (byte) (10 + i);
            NIBBLE['A' + i] = (byte) (10 + i);
        }
    }

    /**
     * A SHA-256 hash from 64 hex digits in the parser's buffer, or null for anything else. By table: HexFormat's
     * parser showed at 6% of a re-verification; a branch-free version (arithmetic, validity gathered on the side)
     * measured 12% slower than this.
     */
    static byte[] hash(char[] c, int off, int len) {
        if (len != 64) {
            return null;
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            char a = c[off + 2 * i];
            char b = c[off + 2 * i + 1];
            int hi = a < 128 ? NIBBLE[a] : -1;
            int lo = b < 128 ? NIBBLE[b] : -1;
            if ((hi | lo) < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /**
     * A SHA-256 hash from the string whose opening quote is at {@code quote} in the line, when the line holds exactly 64
     * hex digits between its quotes; null otherwise (then the string as JSON decodes it decides, escapes and all). Read
     * from the line's bytes, the parser skips the string instead of decoding it: the proof's 1,200-odd characters were
     * decoded twice, into characters and then into bytes.
     */
    static byte[] hash(byte[] line, long quote) {
        if (quote < 0 || quote + 65 >= line.length || line[(int) quote] != '"' || line[(int) quote + 65] != '"') {
            return null;
        }
        int off = (int) quote + 1;
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            int hi = NIBBLE[line[off + 2 * i] & 0x7F] | (line[off + 2 * i] >> 7);
            int lo = NIBBLE[line[off + 2 * i + 1] & 0x7F] | (line[off + 2 * i + 1] >> 7);
            if ((hi | lo) < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** Thrown inside {@link #read(JsonParser, byte[])} for a line that is JSON but not an object. */
    static final class NotAnObject extends IOException {
        NotAnObject() {
            super("not a JSON object");
        }
    }
}
