package org.cb4i.sdk.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;

/**
 * The one JSON configuration of cb4i (STYLE.md: one ObjectMapper, owned in one place).
 *
 * <p>Reading is strict because JSON that two parsers read differently is an attack (research/security.md
 * JWT-13, JWT-14, JWT-17): duplicate member names are rejected, nesting is capped at {@value #MAX_DEPTH},
 * strings at {@value #MAX_STRING} characters, and input must be valid UTF-8. Writing is deterministic:
 * members in insertion order, no pretty printing unless asked.
 */
public final class Json {
    /** Deepest nesting accepted anywhere in cb4i wire objects; real objects need fewer than 10. */
    public static final int MAX_DEPTH = 32;
    /** Longest string value accepted (a status list's {@code lst} is the longest legitimate one). */
    public static final int MAX_STRING = 4 * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING)
                .maxNumberLength(64)
                .build());
    }

    private Json() {}

    /** The shared mapper. Thread-safe; do not reconfigure. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses UTF-8 bytes that must hold a JSON object.
     *
     * @param what names the input in error messages, e.g. "token header"
     * @throws MalformedInputException with {@code reason} for syntax errors, invalid UTF-8, duplicate
     *     members, nesting or length over the caps, or a top-level value that is not an object
     */
    public static ObjectNode readObject(byte[] utf8, String what, Reason reason) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedInputException(reason, what + " is not valid UTF-8");
        }
        return readObject(text, what, reason);
    }

    /** As {@link #readObject(byte[], String, Reason)}, from text. */
    public static ObjectNode readObject(String text, String what, Reason reason) {
        JsonNode node;
        try {
            node = readTree(text);
        } catch (IOException e) {
            throw malformed(e, what, reason);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedInputException(reason, what + " must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /**
     * What a parse of {@code what} that failed with {@code e} is refused as, whether it read a tree or a stream: a repeated
     * member is {@link Reason#DUPLICATE_MEMBER}, anything else {@code reason}, with the parser's first line.
     */
    public static MalformedInputException malformed(IOException e, String what, Reason reason) {
        if (e instanceof JsonProcessingException j) {
            Reason r = j.getMessage() != null && j.getMessage().startsWith("Duplicate field") ? Reason.DUPLICATE_MEMBER : reason;
            return new MalformedInputException(r, what + " is not acceptable JSON: " + firstLine(j.getOriginalMessage()));
        }
        return new MalformedInputException(reason, what + " has " + e.getMessage());
    }

    /**
     * Parses any JSON value from input that is not ours. Every way it can fail is an {@link IOException}: Jackson's
     * exact decimal parser throws {@link NumberFormatException} for some numbers (e.g. {@code 1e3091777636800}, found by
     * ParserFuzzTest), which is turned into one here rather than at each caller.
     */
    public static JsonNode readTree(String text) throws IOException {
        try {
            return MAPPER.readTree(text);
        } catch (NumberFormatException e) {
            throw new IOException("a number that cannot be read: " + firstLine(e.getMessage()), e);
        }
    }

    /** As {@link #readTree(String)}, from UTF-8 bytes. */
    public static JsonNode readTree(byte[] utf8) throws IOException {
        try {
            return MAPPER.readTree(utf8);
        } catch (NumberFormatException e) {
            throw new IOException("a number that cannot be read: " + firstLine(e.getMessage()), e);
        }
    }

    /** Serialises compactly, members in insertion order. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Serialises with indentation, for files people read. */
    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
