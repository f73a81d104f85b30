package org.cb4i.sdk.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.token.PathScope;

/**
 * A member's consent as its collective signed it ({@code typ: consent+jwt}; SPEC.md [CNS-1]): what the member opted
 * out of, which version of its choice this is, and how long a proxy may rely on it.
 *
 * @param compact the signed document
 * @param issuer {@code iss}: the collective
 * @param member {@code sub}: the member's origin, normalised as [TOK-9] compares origins
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}: after it, a proxy holding only this document refuses licensed requests ([CNS-5])
 * @param version increases with every change of the member's consent
 * @param ttl how soon a proxy fetches it again
 * @param optOut what is refused
 */
public record ConsentDocument(String compact, String issuer, String member, Instant issuedAt, Instant expiresAt, long version, Duration ttl,
        OptOut optOut) {
    public static final String TYP = "consent+jwt";
    public static final String MEDIA_TYPE = "application/consent+jwt";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(300);
    /** Largest document read (1024 entries of each kind fit). */
    public static final int MAX_CHARS = 1 << 20;

    public ConsentDocument {
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(optOut, "optOut");
    }

    /** Signs a consent document with a key of the collective. */
    public static ConsentDocument sign(SigningKey collectiveKey, String issuer, String member, Instant issuedAt, Instant expiresAt, long version,
            Duration ttl, OptOut optOut) {
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp must be after iat");
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("sub", PathScope.normaliseOrigin(member));
        c.put("iat", issuedAt.getEpochSecond());
        c.put("exp", expiresAt.getEpochSecond());
        c.put("version", version);
        c.put("ttl", ttl.toSeconds());
        c.put("opt_out", optOut.toJson());
        return new ConsentDocument(CompactJws.sign(collectiveKey, TYP, c), issuer, PathScope.normaliseOrigin(member),
                Instant.ofEpochSecond(issuedAt.getEpochSecond()), Instant.ofEpochSecond(expiresAt.getEpochSecond()), version,
                Duration.ofSeconds(ttl.toSeconds()), optOut);
    }

    /**
     * Verifies a document with the collective's keys and reads it ([CNS-1]). Expiry, {@code iss} and {@code sub} are
     * the caller's to judge against what it expects ([CNS-4]).
     *
     * @throws RejectedException or {@link org.cb4i.sdk.MalformedInputException} naming the rule that failed
     */
    public static ConsentDocument verify(String compact, KeySet collectiveKeys) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, MAX_CHARS, "consent document");
        CompactJws.verify(jws, collectiveKeys, "consent document");
        ObjectNode c = jws.payload();
        String iss = text(c, "iss", "consent document");
        String sub = text(c, "sub", "consent document");
        String member;
        try {
            member = PathScope.normaliseOrigin(sub);
        } catch (IllegalArgumentException e) {
            throw new RejectedException(Reason.INVALID_CLAIM, "consent document \"sub\" must be the member's origin: " + e.getMessage());
        }
        Instant iat = Instant.ofEpochSecond(integer(c, "iat", 0, (1L << 53) - 1, "consent document"));
        Instant exp = Instant.ofEpochSecond(integer(c, "exp", 0, (1L << 53) - 1, "consent document"));
        if (!exp.isAfter(iat)) {
            throw new RejectedException(Reason.INVALID_CLAIM, "consent document \"exp\" must be after \"iat\"");
        }
        long version = integer(c, "version", 0, (1L << 53) - 1, "consent document");
        long ttl = c.has("ttl") ? integer(c, "ttl", 1, (1L << 53) - 1, "consent document") : DEFAULT_TTL.toSeconds();
        if (!c.has("opt_out")) {
            throw new RejectedException(Reason.MISSING_CLAIM, "consent document has no \"opt_out\"");
        }
        OptOut optOut = OptOut.read(c.get("opt_out"), "consent document opt_out");
        return new ConsentDocument(compact, iss, member, iat, exp, version, Duration.ofSeconds(ttl), optOut);
    }

    private static String text(ObjectNode c, String name, String what) {
        JsonNode n = c.get(name);
        if (n == null) {
            throw new RejectedException(Reason.MISSING_CLAIM, what + " has no \"" + name + "\"");
        }
        if (!n.isTextual() || n.textValue().isEmpty()) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " \"" + name + "\" must be a non-empty string");
        }
        return n.textValue();
    }

    private static long integer(ObjectNode c, String name, long min, long max, String what) {
        JsonNode n = c.get(name);
        if (n == null) {
            throw new RejectedException(Reason.MISSING_CLAIM, what + " has no \"" + name + "\"");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " \"" + name + "\" must be an integer from " + min);
        }
        return n.longValue();
    }

    /** Whether the document may still be used at {@code now} ([CNS-5]). */
    public boolean usableAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** Why a request is refused, as {@link OptOut#refuses}. */
    public Optional<String> refuses(java.util.Collection<org.cb4i.sdk.terms.Usage> required, Optional<org.cb4i.sdk.token.Agreement> agreement,
            String pathAndQuery) {
        return optOut.refuses(required, agreement, pathAndQuery);
    }
}
