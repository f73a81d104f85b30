package org.cb4i.sdk.repertoire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.token.PathScope;

/**
 * A collective's signed list of member sites ({@code typ: repertoire+jwt}; SPEC.md §3, [REP-1] to [REP-3]): how a
 * verifier learns that an origin belonged to the collective at a given time, and which keys may sign its content.
 *
 * @param compact the signed token, kept so a crawler can store it as evidence
 * @param issuer {@code iss}: the collective
 * @param id {@code sub}: the repertoire id (what license tokens name in {@code aud})
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 * @param members every member entry, past ones included
 */
public record Repertoire(String compact, String issuer, String id, Instant issuedAt, Instant expiresAt, List<Member> members) {
    public static final String TYP = "repertoire+jwt";
    public static final String MEDIA_TYPE = "application/repertoire+jwt";
    /** Largest signed repertoire accepted before parsing. */
    public static final int MAX_CHARS = 16 * 1024 * 1024;

    public Repertoire {
        Objects.requireNonNull(compact, "compact");
        members = List.copyOf(members);
    }

    /**
     * One membership ([REP-1]).
     *
     * @param origin the member site's origin, normalised as {@link PathScope#normaliseOrigin}
     * @param joined when it joined
     * @param left when it left, if it has
     * @param contentKeys the member's content-signing keys
     */
    public record Member(String origin, Instant joined, Optional<Instant> left, KeySet contentKeys) {
        public Member {
            origin = PathScope.normaliseOrigin(origin);
            Objects.requireNonNull(joined, "joined");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(contentKeys, "contentKeys");
            if (left.isPresent() && !left.get().isAfter(joined)) {
                throw new IllegalArgumentException("a member cannot leave (" + left.get() + ") before it joined (" + joined + ")");
            }
        }

        /** Whether this entry makes its origin a member at {@code t} ([REP-2]): {@code joined <= t < left}. */
        public boolean activeAt(Instant t) {
            return !joined.isAfter(t) && (left.isEmpty() || left.get().isAfter(t));
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("origin", origin);
            m.put("joined", joined.getEpochSecond());
            left.ifPresent(l -> m.put("left", l.getEpochSecond()));
            m.put("content_keys", contentKeys.toJsonObject());
            return m;
        }
    }

    /** Signs a repertoire with a key of the collective. */
    public static Repertoire sign(SigningKey collectiveKey, String issuer, String id, Instant issuedAt, Instant expiresAt, List<Member> members) {
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp must be after iat");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", id);
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        claims.put("members", members.stream().map(Member::toJson).toList());
        return new Repertoire(CompactJws.sign(collectiveKey, TYP, claims), issuer, id, Instant.ofEpochSecond(issuedAt.getEpochSecond()),
                Instant.ofEpochSecond(expiresAt.getEpochSecond()), members);
    }

    /**
     * Verifies a repertoire's signature with the collective's keys and reads it ([REP-1]). Expiry is the caller's
     * to judge (a verifier asks about the past).
     *
     * @throws RejectedException or {@link MalformedInputException} naming the rule that failed
     */
    public static Repertoire verify(String compact, KeySet collectiveKeys) {
        CompactJws.Parsed jws = CompactJws.parse(compact, TYP, MAX_CHARS, "repertoire");
        CompactJws.verify(jws, collectiveKeys, "repertoire");
        ObjectNode c = jws.payload();
        String iss = text(c, "iss");
        String sub = text(c, "sub");
        Instant iat = date(c, "iat", "repertoire", true);
        Instant exp = date(c, "exp", "repertoire", true);
        JsonNode ms = c.get("members");
        if (ms == null || !ms.isArray()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "repertoire has no \"members\" array");
        }
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String at = "repertoire members[" + i + "]";
            if (!m.isObject() || !m.path("origin").isTextual() || !m.path("content_keys").isObject()) {
                throw new RejectedException(Reason.INVALID_CLAIM, at + " must be an object with \"origin\", \"joined\" and \"content_keys\"");
            }
            KeySet keys;
            try {
                keys = KeyFiles.parseKeySet(Json.write(m.get("content_keys")), at + " content_keys");
            } catch (MalformedInputException e) {
                throw new RejectedException(Reason.INVALID_CLAIM, e.getMessage());
            }
            try {
                members.add(new Member(m.get("origin").textValue(), date((ObjectNode) m, "joined", at, true),
                        Optional.ofNullable(date((ObjectNode) m, "left", at, false)), keys));
            } catch (IllegalArgumentException e) {
                throw new RejectedException(Reason.INVALID_CLAIM, at + ": " + e.getMessage());
            }
        }
        return new Repertoire(compact, iss, sub, iat, exp, members);
    }

    /** The {@code iss} of a repertoire, read before verifying it (to choose the keys to verify it with). */
    public static String issuerOf(String compact) {
        return text(CompactJws.parse(compact, TYP, MAX_CHARS, "repertoire").payload(), "iss");
    }

    /** The member entry that makes {@code origin} a member at {@code t}, if any ([REP-2]). */
    public Optional<Member> memberAt(String origin, Instant t) {
        String o;
        try {
            o = PathScope.normaliseOrigin(origin);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return members.stream().filter(m -> m.origin().equals(o) && m.activeAt(t)).findFirst();
    }

    private static String text(ObjectNode c, String name) {
        JsonNode n = c.get(name);
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "repertoire has no \"" + name + "\" string");
        }
        return n.textValue();
    }

    private static Instant date(ObjectNode c, String name, String what, boolean required) {
        JsonNode n = c.get(name);
        if (n == null) {
            if (required) {
                throw new RejectedException(Reason.MISSING_CLAIM, what + " has no \"" + name + "\"");
            }
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0 || n.longValue() >= (1L << 53)) {
            throw new RejectedException(Reason.INVALID_CLAIM, what + " \"" + name + "\" must be an integer number of seconds since the epoch");
        }
        return Instant.ofEpochSecond(n.longValue());
    }
}
