package org.cb4i.sdk.jose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.key.JwsKeys;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.key.VerificationKey;

/**
 * The compact JWS rules shared by every signed cb4i object ([JOS-1] to [JOS-7]): license tokens, status
 * lists, and later credentials, repertoires and checkpoints.
 *
 * <p>Reading is done in a fixed order so that the cheapest refusals come first and nothing from an
 * unverified header ever selects a key or an algorithm from outside the allow-list: size cap, three
 * segments, strict base64url, strict JSON (no duplicate members, nesting cap), {@code alg} in the allow-list,
 * exact {@code typ}, no {@code crit}; then the key is chosen by the caller from the payload's issuer and the
 * header's {@code kid}; embedded {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are never used.
 */
public final class CompactJws {
    private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519, JWSAlgorithm.ES256);

    private CompactJws() {}

    /** A read, but not yet verified, compact JWS. */
    public record Parsed(ObjectNode header, ObjectNode payload, byte[] signingInput, byte[] signature, String alg, String kid) {}

    /**
     * Reads a compact JWS without verifying it.
     *
     * @param typ the required {@code typ}, without {@code application/} (compared case-insensitively, with or
     *     without that prefix, per RFC 7515 §4.1.9)
     * @param what names the object in messages, e.g. "license token"
     */
    public static Parsed parse(String compact, String typ, int maxBytes, String what) {
        Segments seg = segments(compact, maxBytes, what);
        ObjectNode header = Json.readObject(seg.header(), what + " header", Reason.MALFORMED_TOKEN);
        JsonNode algNode = header.get("alg");
        if (algNode == null || !algNode.isTextual()) {
            throw new MalformedInputException(Reason.MALFORMED_TOKEN, what + " header has no \"alg\" string");
        }
        String alg = algNode.textValue();
        if (ALLOWED.stream().noneMatch(a -> a.getName().equals(alg))) { // exact, case-sensitive names only
            throw new RejectedException(Reason.ALG_NOT_ALLOWED, what + " uses alg \"" + printable(alg) + "\"; only EdDSA, Ed25519 and ES256 are accepted");
        }
        JsonNode typNode = header.get("typ");
        String gotTyp = typNode != null && typNode.isTextual() ? typNode.textValue().toLowerCase(Locale.ROOT) : null;
        if (gotTyp == null || !(gotTyp.equals(typ) || gotTyp.equals("application/" + typ))) {
            throw new RejectedException(Reason.WRONG_TYPE, what + " must have typ \"" + typ + "\"; found " + (typNode == null ? "none" : typNode.toString()));
        }
        if (header.has("crit") || header.has("b64")) {
            throw new RejectedException(Reason.UNSUPPORTED_CRITICAL_HEADER, what + " header has \"crit\" or \"b64\"; cb4i defines no critical header parameters");
        }
        JsonNode kidNode = header.get("kid");
        String kid = kidNode != null && kidNode.isTextual() ? kidNode.textValue() : null;
        if (kidNode != null && kid == null) {
            throw new MalformedInputException(Reason.MALFORMED_TOKEN, what + " header \"kid\" must be a string");
        }
        ObjectNode payload = Json.readObject(seg.payload(), what + " payload", Reason.MALFORMED_TOKEN);
        byte[] signingInput = compact.substring(0, seg.signedLength()).getBytes(StandardCharsets.US_ASCII);
        return new Parsed(header, payload, signingInput, seg.signature(), alg, kid);
    }

    /** The three decoded segments of a compact JWS and the length of its signing input. */
    private record Segments(byte[] header, byte[] payload, byte[] signature, int signedLength) {}

    /** Size cap, three segments, strict base64url, none empty: the structure every reading checks first. */
    private static Segments segments(String compact, int maxBytes, String what) {
        if (compact == null || compact.isEmpty()) {
            throw new MalformedInputException(Reason.MALFORMED_TOKEN, what + " is empty");
        }
        if (compact.length() > maxBytes) {
            throw new MalformedInputException(Reason.TOKEN_TOO_LARGE, what + " is " + compact.length() + " characters; at most " + maxBytes + " are accepted");
        }
        int d1 = compact.indexOf('.');
        int d2 = d1 < 0 ? -1 : compact.indexOf('.', d1 + 1);
        if (d1 < 0 || d2 < 0 || compact.indexOf('.', d2 + 1) >= 0) {
            long dots = compact.chars().filter(c -> c == '.').count();
            String hint = dots == 4 ? " (a JWE: encrypted tokens are not accepted)" : "";
            throw new MalformedInputException(Reason.MALFORMED_TOKEN, what + " must be a compact JWS of three base64url segments; found " + (dots + 1) + hint);
        }
        String h = compact.substring(0, d1);
        String p = compact.substring(d1 + 1, d2);
        String s = compact.substring(d2 + 1);
        byte[] hb = decode(h, what + " header");
        byte[] pb = decode(p, what + " payload");
        byte[] sb = decode(s, what + " signature");
        if (hb.length == 0 || pb.length == 0 || sb.length == 0) {
            throw new MalformedInputException(Reason.MALFORMED_TOKEN, what + " has an empty segment");
        }
        return new Segments(hb, pb, sb, d2);
    }

    /**
     * Reads a compact JWS's structure only (size cap, three segments, strict base64url, strict JSON header and payload:
     * no duplicate members, nesting cap) and judges nothing of the header ({@code alg}, {@code typ}, {@code crit}):
     * for showing what a refused token says. {@link #parse} is the reading that accepts. {@code alg} and {@code kid}
     * are the header's strings, or null.
     *
     * @throws MalformedInputException when the token cannot be read at all
     */
    public static Parsed readUnchecked(String compact, int maxBytes, String what) {
        Segments seg = segments(compact, maxBytes, what);
        ObjectNode header = Json.readObject(seg.header(), what + " header", Reason.MALFORMED_TOKEN);
        ObjectNode payload = Json.readObject(seg.payload(), what + " payload", Reason.MALFORMED_TOKEN);
        JsonNode alg = header.get("alg");
        JsonNode kid = header.get("kid");
        return new Parsed(header, payload, compact.substring(0, seg.signedLength()).getBytes(StandardCharsets.US_ASCII), seg.signature(),
                alg != null && alg.isTextual() ? alg.textValue() : null, kid != null && kid.isTextual() ? kid.textValue() : null);
    }

    /**
     * Verifies the signature of a parsed JWS with the key named by its {@code kid} in {@code keys}.
     *
     * @throws RejectedException {@link Reason#UNKNOWN_KEY} when {@code kid} is absent or not in the set,
     *     {@link Reason#ALG_NOT_ALLOWED} when {@code alg} does not fit the key, {@link Reason#BAD_SIGNATURE}
     * @return the key that verified
     */
    public static VerificationKey verify(Parsed jws, KeySet keys, String what) {
        if (jws.kid() == null) {
            throw new RejectedException(Reason.UNKNOWN_KEY, what + " header has no \"kid\"; cb4i requires the signing key's thumbprint there");
        }
        VerificationKey key = keys.find(jws.kid()).orElseThrow(() -> new RejectedException(Reason.UNKNOWN_KEY,
                what + " is signed with key \"" + printable(jws.kid()) + "\", which is not among the trusted keys of its issuer"));
        if (!key.algorithm().jwsAlgorithms().contains(JWSAlgorithm.parse(jws.alg()))) {
            throw new RejectedException(Reason.ALG_NOT_ALLOWED, what + " uses alg " + jws.alg() + " with a " + key.algorithm() + " key");
        }
        if (!key.verify(jws.signingInput(), jws.signature())) {
            throw new RejectedException(Reason.BAD_SIGNATURE, what + " signature does not verify with key " + key.thumbprint());
        }
        return key;
    }

    /** Parses, selects the key set by {@code keysFor.apply(payload)} and verifies. */
    public static Parsed parseAndVerify(String compact, String typ, int maxBytes, String what, Function<ObjectNode, KeySet> keysFor) {
        Parsed p = parse(compact, typ, maxBytes, what);
        verify(p, keysFor.apply(p.payload()), what);
        return p;
    }

    /** Signs {@code payload} as a compact JWS with {@code typ}, {@code kid} = the key's thumbprint. */
    public static String sign(SigningKey key, String typ, Map<String, Object> payload) {
        KeyAlgorithm alg = key.algorithm();
        JWSHeader header = new JWSHeader.Builder(alg.defaultJwsAlgorithm())
                .type(new JOSEObjectType(typ))
                .keyID(key.thumbprint())
                .build();
        JWSObject jws = new JWSObject(header, new Payload(Json.write(payload)));
        try {
            jws.sign(JwsKeys.signer(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jws.serialize();
    }

    private static byte[] decode(String segment, String what) {
        byte[] b = Base64Url.decodeOrNull(segment);
        if (b == null) {
            throw new MalformedInputException(Reason.MALFORMED_TOKEN, what + " is not canonical unpadded base64url");
        }
        return b;
    }

    /** Makes an attacker-chosen string safe to put in a message or log line. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.length() > 80 ? b + "…" : b.toString();
    }
}
