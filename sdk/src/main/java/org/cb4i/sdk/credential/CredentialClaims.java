package org.cb4i.sdk.credential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.terms.Usage;

/**
 * The claims of a content credential ({@code typ: content-credential+jwt}; SPEC.md [CRD-1]).
 *
 * @param issuer {@code iss}: the publisher's origin
 * @param subject {@code sub}: the content's canonical URL
 * @param issuedAt {@code iat}
 * @param creators {@code creators}: names, possibly none
 * @param published {@code published}: the publication date as the publisher states it, if any
 * @param terms {@code terms}: the RSL document's URL (and SHA-256 when known)
 * @param collective {@code collective}: the collective the publisher belongs to, if any
 * @param usagesWithoutLicense {@code usages_without_license}: what the publisher's signals allow anyone
 * @param digests {@code digests}: of the canonical text and paragraphs (HTML) or of the bytes (other files)
 */
public record CredentialClaims(String issuer, String subject, Instant issuedAt, List<String> creators, Optional<String> published,
        Optional<Terms> terms, Optional<String> collective, Set<Usage> usagesWithoutLicense, Digests digests) {

    /** Where the terms are; {@code sha256} of the RSL document's bytes when the signer knew them. */
    public record Terms(URI uri, Optional<String> sha256) {}

    /**
     * The digests a credential binds ([CRD-1], [CRD-2]): {@code text} and {@code paragraphs} for HTML, {@code bytes}
     * for other files; all lowercase hex SHA-256 (the paragraphs' as an RFC 9162 root with their count).
     */
    public record Digests(Optional<String> text, Optional<Integer> paragraphCount, Optional<String> paragraphsRoot, Optional<String> bytes) {
        public Digests {
            if (text.isEmpty() && bytes.isEmpty()) {
                throw new IllegalArgumentException("a credential binds a text digest or a bytes digest");
            }
        }
    }

    public CredentialClaims {
        Objects.requireNonNull(issuer, "iss");
        Objects.requireNonNull(subject, "sub");
        Objects.requireNonNull(issuedAt, "iat");
        creators = List.copyOf(creators);
        usagesWithoutLicense = usagesWithoutLicense.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(usagesWithoutLicense));
        Objects.requireNonNull(digests, "digests");
    }

    /** The claims as JSON members, as signed (for display). */
    public Map<String, Object> toJsonForDisplay() {
        return toJson();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iss", issuer);
        m.put("sub", subject);
        m.put("iat", issuedAt.getEpochSecond());
        m.put("creators", creators);
        published.ifPresent(p -> m.put("published", p));
        terms.ifPresent(t -> {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("uri", t.uri().toString());
            t.sha256().ifPresent(h -> tm.put("sha256", h));
            m.put("terms", tm);
        });
        collective.ifPresent(c -> m.put("collective", c));
        m.put("usages_without_license", usagesWithoutLicense.stream().map(Usage::token).toList());
        Map<String, Object> d = new LinkedHashMap<>();
        digests.text().ifPresent(t -> d.put("text", t));
        if (digests.paragraphsRoot().isPresent()) {
            Map<String, Object> p = new LinkedHashMap<>(); // in a fixed order: a page signed twice gets the same bytes
            p.put("count", digests.paragraphCount().orElse(0));
            p.put("root", digests.paragraphsRoot().get());
            d.put("paragraphs", p);
        }
        digests.bytes().ifPresent(b -> d.put("bytes", b));
        m.put("digests", d);
        return m;
    }

    static CredentialClaims fromJson(ObjectNode c) {
        try {
            String iss = text(c, "iss");
            String sub = text(c, "sub");
            JsonNode iat = c.get("iat");
            if (iat == null || !iat.isIntegralNumber() || iat.longValue() < 0) {
                throw invalid("iat", "must be an integer NumericDate");
            }
            List<String> creators = new ArrayList<>();
            c.path("creators").forEach(x -> creators.add(x.asText()));
            Optional<String> published = c.hasNonNull("published") ? Optional.of(c.get("published").asText()) : Optional.empty();
            Optional<Terms> terms = Optional.empty();
            if (c.path("terms").isObject() && c.path("terms").path("uri").isTextual()) {
                terms = Optional.of(new Terms(URI.create(c.get("terms").get("uri").textValue()),
                        c.get("terms").path("sha256").isTextual() ? Optional.of(c.get("terms").get("sha256").textValue()) : Optional.empty()));
            }
            Optional<String> collective = c.path("collective").isTextual() ? Optional.of(c.get("collective").textValue()) : Optional.empty();
            EnumSet<Usage> usages = EnumSet.noneOf(Usage.class);
            c.path("usages_without_license").forEach(u -> Usage.parse(u.asText()).ifPresent(usages::add));
            JsonNode d = c.path("digests");
            if (!d.isObject()) {
                throw invalid("digests", "must be an object");
            }
            Optional<String> text = hex(d, "text");
            Optional<String> bytes = hex(d, "bytes");
            JsonNode ps = d.path("paragraphs");
            Optional<Integer> count = ps.path("count").isIntegralNumber() ? Optional.of(ps.get("count").intValue()) : Optional.empty();
            Optional<String> root = ps.isObject() ? hex(ps, "root") : Optional.empty();
            return new CredentialClaims(iss, sub, Instant.ofEpochSecond(iat.longValue()), creators, published, terms, collective, usages,
                    new Digests(text, count, root, bytes));
        } catch (IllegalArgumentException e) {
            throw new RejectedException(Reason.INVALID_CLAIM, "content credential: " + e.getMessage());
        }
    }

    private static Optional<String> hex(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual() || !v.textValue().matches("[0-9a-f]{64}")) {
            throw invalid("digests." + name, "must be 64 lowercase hex digits");
        }
        return Optional.of(v.textValue());
    }

    private static String text(ObjectNode c, String name) {
        JsonNode n = c.get(name);
        if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
            throw new RejectedException(Reason.MISSING_CLAIM, "content credential has no \"" + name + "\" string");
        }
        return n.textValue();
    }

    private static RejectedException invalid(String claim, String what) {
        return new RejectedException(Reason.INVALID_CLAIM, "content credential claim \"" + claim + "\" " + what);
    }
}
