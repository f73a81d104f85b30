package org.cb4i.sdk.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.json.Json;

/**
 * One record line of a manifest ([DST-1]) as the record checks read it: the members they use, taken in one pass
 * of the shared strict parser (duplicate members, depth, string length and UTF-8 are refused as anywhere else in
 * cb4i). Members it does not know are skipped, as [DST-1] says. No JSON tree is built and the receipt's proof is
 * decoded from the parser's buffer: on a re-verification, where credentials repeat, building the tree and the
 * strings of the proof was half of the work.
 *
 * <p>Nothing here judges the record: a member of the wrong type reads as absent (or, for text members, as the text
 * of the value), and the checks say what is missing. The one judgement made while reading is the proof's: a hash
 * that is not 64 hex digits is kept as {@link Receipt#proofProblem()}, so that one bad hash is that record's
 * finding.
 *
 * @param id the record's id, when it has one a number can be read from
 * @param url its URL ("" when absent)
 * @param fetchedAt its {@code fetched_at}, when that is a number within a long's range (truncated toward zero)
 * @param outcome its {@code outcome}, when present: lines whose outcome is not {@code fetched} are not dataset records
 * @param contentType its {@code content_type} ("" when absent)
 * @param bytesSha256 its {@code bytes_sha256}, when that is a string
 * @param text its {@code text} member, when present
 * @param credential its {@code credential}, when present
 * @param license its {@code license} (the token's {@code jti}), when present
 * @param receipt its {@code receipt}, when present
 * @param warc where its content is stored, when it names a WARC file
 */
public record ManifestRecord(OptionalLong id, String url, OptionalLong fetchedAt, Optional<String> outcome, String contentType,
        Optional<String> bytesSha256, Optional<Text> text, Optional<String> credential, Optional<String> license,
        Optional<Receipt> receipt, Optional<Warc> warc) {

    /**
     * @param sha256 the canonical text's digest as stated ("" when absent)
     * @param kept the text a pipeline kept of the page, when it cut the page down
     * @param paragraphDigests the page's paragraph digests as stated (empty when absent)
     */
    public record Text(String sha256, Optional<String> kept, List<String> paragraphDigests) {
        public Text {
            paragraphDigests = List.copyOf(paragraphDigests);
        }
    }

    /**
     * @param log the log id ("" when absent)
     * @param rid the receipt id ("" when absent)
     * @param entry the log entry as logged (its exact text is what the Merkle leaf hashes), when a string
     * @param index the entry's index in the log (0 when absent)
     * @param inclusionProof the proof's hashes, decoded (empty when absent or when {@code proofProblem} is present)
     * @param proofProblem what is wrong with the proof as written, when something is
     * @param checkpoint the compact checkpoint the proof is for, when a string
     * @param error why the crawler got no receipt, when it says
     */
    public record Receipt(String log, String rid, Optional<String> entry, long index, List<byte[]> inclusionProof,
            Optional<String> proofProblem, Optional<String> checkpoint, Optional<String> error) {
        public Receipt {
            inclusionProof = List.copyOf(inclusionProof);
        }
    }

    /**
     * @param file the WARC file's name, as the record gives it
     * @param offset where its WARC record starts in that file
     * @param length how many bytes of the file the record takes (0 when absent)
     * @param recordId the record's {@code WARC-Record-ID}, when the manifest gives it: the record is found by it when the
     *     file was re-packed ([VER-8])
     */
    public record Warc(String file, long offset, long length, Optional<String> recordId) {
        /** A place without a length or record id. */
        public Warc(String file, long offset) {
            this(file, offset, 0, Optional.empty());
        }
    }

    /**
     * A record line's {@code warc} member, found without parsing the rest of the line: the last {@code "warc"} key of
     * the line (the crawler writes it last) and the object after it. For a first look at what a dataset's WARC files
     * should hold; it is a hint, not the record's reading ({@link #read} is): a line can hold a {@code "warc"} key
     * inside another member, and whoever uses this must check what it finds. Empty when there is none.
     */
    public static Optional<Warc> warcOf(byte[] line) {
        for (int i = line.length - 6; i >= 0; i--) {
            if (line[i] == '"' && line[i + 1] == 'w' && line[i + 2] == 'a' && line[i + 3] == 'r' && line[i + 4] == 'c' && line[i + 5] == '"') {
                int j = skipSpace(line, i + 6);
                if (j < line.length && line[j] == ':') {
                    j = skipSpace(line, j + 1);
                    if (j < line.length && line[j] == '{') {
                        try (JsonParser p = Json.mapper().getFactory().createParser(line, j, line.length - j)) {
                            return readWarc(p, p.nextToken());
                        } catch (IOException | RuntimeException e) {
                            return Optional.empty();
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    /**
     * Reads a record line.
     *
     * @throws MalformedInputException ({@link Reason#MALFORMED_JSON}) when the line is not JSON ("not JSON") or not an
     *     object ("not a JSON object")
     */
    public static ManifestRecord read(byte[] line) {
        try (JsonParser p = Json.mapper().getFactory().createParser(line)) {
            return read(p, line);
        } catch (NotAnObject e) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, e.getMessage());
        } catch (IOException | RuntimeException e) { // Jackson's number parsers throw NumberFormatException for some input
            throw new MalformedInputException(Reason.MALFORMED_JSON, "not JSON", e);
        }
    }

    /** The same reading of a record already parsed into a tree (a library caller's, a test's). */
    public static ManifestRecord of(ObjectNode record) {
        try (JsonParser p = Json.mapper().treeAsTokens(record)) {
            return read(p, null);
        } catch (NotAnObject e) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new MalformedInputException(Reason.MALFORMED_JSON, "not JSON", e);
        }
    }

    /** @param line the bytes {@code p} reads, when it reads bytes (their proof hashes are decoded in place) */
    private static ManifestRecord read(JsonParser p, byte[] line) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new NotAnObject();
        }
        OptionalLong id = OptionalLong.empty();
        String url = "";
        OptionalLong fetchedAt = OptionalLong.empty();
        Optional<String> outcome = Optional.empty();
        String contentType = "";
        Optional<String> bytesSha256 = Optional.empty();
        Optional<Text> text = Optional.empty();
        Optional<String> credential = Optional.empty();
        Optional<String> license = Optional.empty();
        Optional<Receipt> receipt = Optional.empty();
        Optional<Warc> warc = Optional.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = t.isScalarValue() && t != JsonToken.VALUE_NULL ? OptionalLong.of(asLong(p, t)) : skip(p, OptionalLong.empty());
                case "url" -> url = text(p, t, "");
                case "fetched_at" -> fetchedAt = integral(p, t);
                case "outcome" -> outcome = Optional.of(text(p, t, "null"));
                case "content_type" -> contentType = text(p, t, "");
                case "bytes_sha256" -> bytesSha256 = string(p, t);
                case "text" -> text = Optional.of(readText(p, t));
                case "credential" -> credential = Optional.ofNullable(text(p, t, null));
                case "license" -> license = Optional.ofNullable(text(p, t, null));
                case "receipt" -> receipt = Optional.of(readReceipt(p, t, line));
                case "warc" -> warc = readWarc(p, t);
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new IOException("trailing content after the record");
        }
        return new ManifestRecord(id, url, fetchedAt, outcome, contentType, bytesSha256, text, credential, license, receipt, warc);
    }

    private static Text readText(JsonParser p, JsonToken t) throws IOException {
        String sha256 = "";
        Optional<String> kept = Optional.empty();
        List<String> digests = new ArrayList<>();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new Text(sha256, kept, digests);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "sha256" -> sha256 = text(p, v, "null");
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
        return new Text(sha256, kept, digests);
    }

    private static Receipt readReceipt(JsonParser p, JsonToken t, byte[] line) throws IOException {
        String log = "";
        String rid = "";
        Optional<String> entry = Optional.empty();
        long index = 0;
        List<byte[]> proof = new ArrayList<>(32);
        String problem = null;
        Optional<String> checkpoint = Optional.empty();
        Optional<String> error = Optional.empty();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new Receipt(log, rid, entry, index, List.of(), Optional.empty(), checkpoint, error);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "log" -> log = text(p, v, "null");
                case "rid" -> rid = text(p, v, "null");
                case "entry" -> entry = string(p, v);
                case "index" -> index = asLong(p, v);
                case "checkpoint" -> checkpoint = string(p, v);
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
        return new Receipt(log, rid, entry, index, problem == null ? proof : List.of(), Optional.ofNullable(problem), checkpoint, error);
    }

    private static Optional<Warc> readWarc(JsonParser p, JsonToken t) throws IOException {
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
        return file == null ? Optional.empty() : Optional.of(new Warc(file, offset, length, recordId));
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

    /** Thrown inside {@link #read(JsonParser)} for a line that is JSON but not an object. */
    private static final class NotAnObject extends IOException {
        NotAnObject() {
            super("not a JSON object");
        }
    }
}
