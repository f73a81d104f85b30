package org.cb4i.issuer.collective;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.token.PathScope;

/**
 * The collective's administration, one operation per JSON object ({@code {"op": "member.add", ...}}), answered with a
 * JSON object. The CLI sends the same objects to a running issuer ({@code POST /admin}) or applies them to the store
 * directly when no issuer runs, so both paths check the same rules. Bad input is refused whole, naming the member.
 */
public final class AdminOps {
    /** Every operation, as {@code cb4i issuer} names them. */
    public static final Set<String> OPS = Set.of("member.add", "member.list", "member.remove", "licensee.add", "licensee.list", "agreement.add",
            "agreement.list", "license.list", "revoke", "suspend", "strike", "resume", "status", "audit", "consent.set", "consent.show", "proposal.open", "proposal.list", "proposal.show", "agreement.terminate", "licensee.remove", "offer.add", "offer.publish", "offer.withdraw", "offer.list", "console.invite", "agreement.amend");

    private final Collective collective;
    private final SettlementAdminOps settlement;

    public AdminOps(Collective collective) {
        this.collective = collective;
        this.settlement = new SettlementAdminOps(collective);
    }

    /**
     * Applies one operation.
     *
     * @throws StoreException naming what is wrong: {@code INVALID} input, {@code NOT_FOUND}, {@code CONFLICT}
     */
    public Map<String, Object> apply(JsonNode op) {
        if (op == null || !op.isObject() || !op.path("op").isTextual()) {
            throw StoreException.invalid("an admin request is a JSON object with \"op\" (one of " + String.join(", ", allOps()) + ")");
        }
        IssuerStore store = collective.store();
        Instant now = collective.now();
        String name = op.get("op").textValue();
        if (SettlementAdminOps.OPS.contains(name)) {
            return settlement.apply(name, op);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", name);
        switch (name) {
            case "member.add" -> {
                String origin = origin(op);
                KeySet keys = keys(op, "content_keys");
                Instant joined = time(op, "joined").orElse(now);
                Optional<String> organisation = Optional.ofNullable(text(op, "organisation", false));
                if (organisation.isPresent() && (organisation.get().isBlank() || organisation.get().length() > 512)) {
                    throw StoreException.invalid("organisation: a name of 1 to 512 characters");
                }
                store.addMember(origin, joined, Json.write(keys.toJsonObject()), organisation, now);
                out.put("origin", origin);
                organisation.ifPresent(o -> out.put("organisation", o));
                out.put("joined", joined.getEpochSecond());
            }
            case "member.remove" -> {
                String origin = origin(op);
                Instant left = time(op, "left").orElse(now);
                store.removeMember(origin, left, now);
                out.put("origin", origin);
                out.put("left", left.getEpochSecond());
            }
            case "member.list" -> {
                List<Object> ms = new ArrayList<>();
                for (IssuerStore.MemberRow m : store.members()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("origin", m.origin());
                    if (!m.organisation().equals(m.origin())) {
                        e.put("organisation", m.organisation());
                    }
                    e.put("joined", m.joined().getEpochSecond());
                    m.left().ifPresent(l -> e.put("left", l.getEpochSecond()));
                    e.put("content_keys", KeyFiles.parseKeySet(m.contentKeysJson(), "store").keys().stream().map(VerificationKey::thumbprint).toList());
                    ms.add(e);
                }
                out.put("members", ms);
            }
            case "offer.add" -> {
                String id = text(op, "id", true);
                JsonNode grant = op.get("grant");
                if (grant == null || !grant.isObject()) {
                    throw StoreException.invalid("grant: required, e.g. {\"usages\": [\"ai-train\"], \"price\": {…}}");
                }
                Instant until = time(op, "not_after").orElseThrow(() -> StoreException.invalid("not_after: required (when the agreement ends)"));
                collective.offers().draft(id, grant, time(op, "not_before"), until);
                out.put("id", id);
                out.put("state", "draft");
            }
            case "offer.publish" -> {
                String id = text(op, "id", true);
                Instant until = time(op, "accept_until").orElseThrow(() -> StoreException.invalid("accept_until: required (until when it may be accepted)"));
                org.cb4i.sdk.offer.Offer o = collective.offers().publish(id, until);
                out.put("id", id);
                out.put("state", "offered");
                out.put("accept_until", o.acceptUntil().getEpochSecond());
            }
            case "offer.withdraw" -> {
                String id = text(op, "id", true);
                collective.offers().withdraw(id);
                out.put("id", id);
                out.put("state", "withdrawn");
            }
            case "offer.list" -> {
                List<Object> os = new ArrayList<>();
                for (var o : store.offers().all()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", o.id());
                    e.put("state", o.state());
                    e.put("not_after", o.notAfter().getEpochSecond());
                    o.acceptUntil().ifPresent(x -> e.put("accept_until", x.getEpochSecond()));
                    var accepted = store.offers().acceptances(o.id());
                    e.put("accepted_by", accepted.stream().map(a -> a.licensee()).toList());
                    // The evidence of each acceptance: the licensee's signed acceptance+jwt, or its passkey's assertion in the console.
                    e.put("acceptances", accepted.stream().map(a -> Map.of("licensee", a.licensee(), "agreement", a.agreement(), "at",
                            a.at().getEpochSecond(), "evidence", a.evidence())).toList());
                    os.add(e);
                }
                out.put("offers", os);
            }
            case "agreement.terminate", "licensee.remove" -> {
                String id = text(op, "id", true);
                String reason = text(op, "reason", true);
                List<String> revoked = name.equals("agreement.terminate") ? collective.terminate(id, reason) : collective.removeLicensee(id, reason);
                out.put("id", id);
                out.put("revoked", revoked);
                out.put("effective_within_seconds", collective.config().statusTtl().toSeconds());
            }
            case "proposal.open" -> {
                // An operator may open a proposal ([DEC-1]); only members vote on it ([DEC-2]).
                org.cb4i.sdk.decision.DecisionRequest.Proposal p;
                try {
                    com.fasterxml.jackson.databind.node.ObjectNode body = ((com.fasterxml.jackson.databind.node.ObjectNode) op).deepCopy();
                    body.remove("op");
                    p = org.cb4i.sdk.decision.DecisionRequest.Proposal.read(body);
                } catch (Cb4iException e) {
                    throw StoreException.invalid(e.getMessage());
                }
                out.putAll(collective.decisions().view(collective.decisions().open(p, "operator", Optional.empty()), Optional.empty()));
                out.put("op", name);
            }
            case "proposal.list" -> {
                List<Object> ps = new ArrayList<>();
                for (var p : store.decisions().proposals()) {
                    ps.add(collective.decisions().view(p, Optional.empty()));
                }
                out.put("proposals", ps);
            }
            case "proposal.show" -> {
                String id = text(op, "id", true);
                var p = store.decisions().proposal(id).orElseThrow(() -> StoreException.notFound("no proposal " + id));
                out.putAll(collective.decisions().view(p, Optional.empty()));
                out.put("op", name);
                List<Object> vs = new ArrayList<>();
                for (var v : store.decisions().votes(id)) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("member", v.member());
                    e.put("vote", v.vote());
                    e.put("weight", v.weight());
                    e.put("at", v.at().getEpochSecond());
                    e.put("evidence", v.evidence());
                    vs.add(e);
                }
                out.put("votes", vs);
            }
            case "console.invite" -> {
                // A one-time link to the console for a member ("origin") or a licensee ("licensee"), valid for `hours`
                // (24 by default): it registers a passkey for that account and no other.
                long hours = op.has("hours") ? op.get("hours").asLong() : 24;
                if (hours < 1 || hours > 24 * 30) {
                    throw StoreException.invalid("hours: from 1 to 720; found " + op.get("hours"));
                }
                String account;
                if (op.has("licensee") == op.has("origin")) {
                    throw StoreException.invalid("console.invite names one account: \"origin\" (a member's site) or \"licensee\" (a licensee's id)");
                } else if (op.has("licensee")) {
                    String licensee = text(op, "licensee", true);
                    IssuerStore.LicenseeRow l = store.licensee(licensee).orElseThrow(() -> StoreException.notFound("no licensee " + licensee));
                    if (l.removed().isPresent()) {
                        throw StoreException.conflict("licensee " + licensee + " was removed from the collective");
                    }
                    account = "licensee:" + licensee;
                } else {
                    String member = origin(op);
                    if (collective.currentMember(member).isEmpty()) {
                        throw StoreException.notFound(member + " is not a member now");
                    }
                    account = "member:" + member;
                }
                String token = store.console().newInvite(account, now, now.plus(java.time.Duration.ofHours(hours)));
                out.put("account", account);
                out.put("link_path", "/console/invite#t=" + token);
                out.put("expires", now.plus(java.time.Duration.ofHours(hours)).getEpochSecond());
            }
            case "consent.set" -> {
                // An operator sets a member's consent on the member's written instruction ([CNS-6]); members set it
                // themselves with a signed request (POST /consent, cb4i consent).
                IssuerStore.MemberRow m = collective.currentMember(origin(op)).orElseThrow(() -> StoreException.notFound(op.get("origin").asText()
                        + " is not a member now"));
                org.cb4i.sdk.consent.OptOut optOut;
                try {
                    optOut = org.cb4i.sdk.consent.OptOut.read(op.get("opt_out"), "opt_out");
                } catch (Cb4iException e) {
                    throw StoreException.invalid(e.getMessage() + " (opt_out: {\"usages\": [\"ai-train\"], \"agreements\": [URI], \"paths\": [\"/drafts/\"]})");
                }
                IssuerStore.ConsentRow row = collective.setConsent(m, optOut, "operator", Optional.empty());
                out.put("origin", m.origin());
                out.put("version", row.version());
                out.put("opt_out", optOut.toJson());
            }
            case "consent.show" -> {
                IssuerStore.MemberRow m = collective.currentMember(origin(op)).orElseThrow(() -> StoreException.notFound(op.get("origin").asText()
                        + " is not a member now"));
                List<Object> versions = new ArrayList<>();
                for (IssuerStore.ConsentRow c : store.consentHistory(m.origin())) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("version", c.version());
                    e.put("at", c.at().getEpochSecond());
                    e.put("set_by", c.setBy());
                    e.put("opt_out", Json.readObject(c.optOutJson(), "stored consent", org.cb4i.sdk.Reason.MALFORMED_JSON));
                    c.evidence().ifPresent(ev -> e.put("evidence", ev));
                    versions.add(e);
                }
                out.put("origin", m.origin());
                out.put("version", versions.isEmpty() ? 0 : ((Map<?, ?>) versions.get(versions.size() - 1)).get("version"));
                out.put("history", versions);
            }
            case "licensee.add" -> {
                String id = text(op, "id", true);
                KeySet key = keys(op, "jwk");
                if (key.keys().size() != 1) {
                    throw StoreException.invalid("jwk: a licensee registers exactly one key (its crawler key); found " + key.keys().size());
                }
                VerificationKey k = key.keys().get(0);
                store.addLicensee(id, Json.write(k.toJsonObject()), k.thumbprint(), Optional.ofNullable(text(op, "contact", false)), now);
                out.put("id", id);
                out.put("jkt", k.thumbprint());
            }
            case "licensee.list" -> {
                List<Object> ls = new ArrayList<>();
                for (IssuerStore.LicenseeRow l : store.licensees()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", l.id());
                    e.put("jkt", l.jkt());
                    l.contact().ifPresent(c -> e.put("contact", c));
                    e.put("created", l.created().getEpochSecond());
                    e.put("state", l.removed().isPresent() ? "removed" : l.suspension().orElse("active"));
                    l.removed().ifPresent(r -> e.put("removed", r.getEpochSecond()));
                    ls.add(e);
                }
                out.put("licensees", ls);
            }
            case "agreement.add" -> {
                String id = text(op, "id", true);
                String licensee = text(op, "licensee", true);
                JsonNode grant = op.get("grant");
                if (grant == null) {
                    throw StoreException.invalid("grant: required, e.g. {\"usages\": [\"ai-train\"]}");
                }
                Collective.Grant.read(grant);
                Collective.Grant.price(grant);
                Instant from = time(op, "not_before").orElse(now);
                Instant until = time(op, "not_after").orElseThrow(() -> StoreException.invalid("not_after: required (when the agreement ends)"));
                if (!until.isAfter(from)) {
                    throw StoreException.invalid("not_after (" + until + ") must be after not_before (" + from + ")");
                }
                store.addAgreement(new IssuerStore.AgreementRow(id, licensee, Json.write(grant), from, until, now),
                        grant.has("price") ? Optional.of(Json.write(grant.get("price"))) : Optional.empty());
                out.put("id", id);
                out.put("licensee", licensee);
                out.put("not_before", from.getEpochSecond());
                out.put("not_after", until.getEpochSecond());
            }
            case "agreement.amend" -> {
                // New terms for an agreement in force ([ISS-12]): the licenses of the earlier terms are revoked at once.
                String id = text(op, "id", true);
                JsonNode grant = op.get("grant");
                if (grant == null || !grant.isObject()) {
                    throw StoreException.invalid("grant: required, the whole of the new terms, e.g. {\"usages\": [\"search\"]}");
                }
                List<String> revoked = collective.amend(id, grant, time(op, "not_after"), Optional.ofNullable(text(op, "reason", true)).orElse(""));
                out.put("id", id);
                out.put("revoked", revoked);
                out.put("effective_within_seconds", collective.config().statusTtl().toSeconds());
            }
            case "agreement.list" -> {
                List<Object> as = new ArrayList<>();
                for (IssuerStore.AgreementRow a : store.agreements(Optional.ofNullable(text(op, "licensee", false)))) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", a.id());
                    e.put("licensee", a.licensee());
                    e.put("grant", Json.readObject(a.grantJson(), "store", org.cb4i.sdk.Reason.MALFORMED_JSON));
                    e.put("not_before", a.notBefore().getEpochSecond());
                    e.put("not_after", a.notAfter().getEpochSecond());
                    e.put("in_force", a.terminated().isEmpty() && !a.notBefore().isAfter(now) && a.notAfter().isAfter(now));
                    a.terminated().ifPresent(x -> e.put("terminated", x.getEpochSecond()));
                    a.terminationReason().ifPresent(x -> e.put("termination_reason", x));
                    List<IssuerStore.Amendment> amended = store.amendments(a.id());
                    if (!amended.isEmpty()) { // [ISS-12]: every amendment, with the terms before it
                        e.put("amendments", amended.stream().map(x -> Map.of("n", x.n(), "at", x.at().getEpochSecond(), "reason", x.reason(),
                                "grant_before", Json.readObject(x.grantBefore(), "store", org.cb4i.sdk.Reason.MALFORMED_JSON), "not_after_before",
                                x.notAfterBefore().getEpochSecond())).toList());
                    }
                    as.add(e);
                }
                out.put("agreements", as);
            }
            case "license.list" -> {
                List<Object> ls = new ArrayList<>();
                for (IssuerStore.LicenseRow l : store.licenses(Optional.ofNullable(text(op, "licensee", false)))) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("jti", l.jti());
                    e.put("licensee", l.licensee());
                    e.put("agreement", l.agreement());
                    e.put("idx", l.idx());
                    e.put("iat", l.issuedAt().getEpochSecond());
                    e.put("exp", l.expiresAt().getEpochSecond());
                    e.put("revoked", l.revoked());
                    ls.add(e);
                }
                out.put("licenses", ls);
            }
            case "revoke" -> {
                String jti = text(op, "jti", true);
                collective.revoke(jti);
                out.put("jti", jti);
            }
            case "suspend" -> {
                String licensee = text(op, "licensee", true);
                String why = Optional.ofNullable(text(op, "reason", false)).orElse("suspended");
                collective.suspend(licensee, Optional.of(why));
                out.put("licensee", licensee);
                out.put("state", why);
            }
            case "strike", "resume" -> {
                boolean strike = name.equals("strike");
                boolean all = op.path("all").asBoolean(false);
                String licensee = text(op, "licensee", false);
                if (all == (licensee != null)) {
                    throw StoreException.invalid("name either a licensee or all: true");
                }
                String reason = Optional.ofNullable(text(op, "reason", false)).orElse(strike ? "a strike by the collective" : "the strike ended");
                // With "usage", one usage only ([STS-9]): the licenses' other usages keep working.
                String usageText = text(op, "usage", false);
                Optional<org.cb4i.sdk.terms.Usage> usage = Optional.empty();
                if (usageText != null) {
                    usage = Optional.of(org.cb4i.sdk.terms.Usage.parse(usageText).filter(org.cb4i.sdk.terms.Usage.NARROWEST::contains).orElseThrow(() ->
                            StoreException.invalid("usage: one of ai-train, ai-input, ai-index or search; found \"" + usageText + "\"")));
                }
                Optional<org.cb4i.sdk.notice.Notice> notice = collective.strike(Optional.ofNullable(licensee), usage, strike, reason, Optional.empty());
                if (all) {
                    out.put("all", true);
                } else {
                    out.put("licensee", licensee);
                }
                usage.ifPresent(u -> out.put("usage", u.token()));
                notice.ifPresent(n -> out.put("notice", n.id()));
                out.put("effective_within_seconds", collective.config().statusTtl().toSeconds());
            }
            case "status" -> {
                out.put("collective", collective.config().id());
                out.put("strike_all", store.strikeAll());
                out.put("usage_strikes", store.usageStrikes().stream().map(u -> Map.of("licensee", u.licensee().equals(
                        IssuerStore.UsageStrike.EVERY_LICENSEE) ? "every licensee" : u.licensee(), "usage", u.usage(), "since", u.since().getEpochSecond()))
                        .toList());
                out.put("members", store.members().stream().filter(m -> m.left().isEmpty()).count());
                out.put("licensees", store.licensees().size());
                out.put("withheld", store.licensees().stream().filter(l -> l.suspension().isPresent())
                        .map(l -> l.id() + " (" + l.suspension().get() + ")").toList());
                out.put("licenses", store.licenses(Optional.empty()).size());
                out.put("status_list", collective.config().statusListUri().toString());
                out.put("status_lists", collective.statusLists());
                out.put("status_ttl_seconds", collective.config().statusTtl().toSeconds());
            }
            case "audit" -> {
                int last = op.path("last").isIntegralNumber() ? Math.max(1, Math.min(10_000, op.get("last").intValue())) : 50;
                out.put("entries", store.audit(last).stream().map(a -> Map.of("seq", a.seq(), "at", a.at().getEpochSecond(), "action", a.action(),
                        "detail", a.detail())).toList());
            }
            default -> throw StoreException.invalid("unknown op \"" + name + "\"; one of " + String.join(", ", allOps()));
        }
        return out;
    }

    static String text(JsonNode op, String name, boolean required) {
        JsonNode n = op.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw StoreException.invalid(name + ": required");
            }
            return null;
        }
        if (!n.isTextual() || n.textValue().isEmpty() || n.textValue().length() > 512) {
            throw StoreException.invalid(name + ": expected a non-empty string of at most 512 characters");
        }
        return n.textValue();
    }

    static String origin(JsonNode op) {
        return origin(op, "origin");
    }

    static String origin(JsonNode op, String name) {
        String o = text(op, name, true);
        try {
            return PathScope.normaliseOrigin(o);
        } catch (IllegalArgumentException e) {
            throw StoreException.invalid(name + ": " + e.getMessage());
        }
    }

    private static KeySet keys(JsonNode op, String name) {
        JsonNode n = op.get(name);
        if (n == null || !n.isObject()) {
            throw StoreException.invalid(name + ": required, a JWK or JWKS object");
        }
        try {
            return KeyFiles.parseKeySet(Json.write(n), name);
        } catch (Cb4iException e) {
            throw StoreException.invalid(e.getMessage());
        }
    }

    static Optional<Instant> time(JsonNode op, String name) {
        JsonNode n = op.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || n.longValue() < 0 || n.longValue() >= (1L << 53)) {
            throw StoreException.invalid(name + ": expected seconds since the epoch");
        }
        return Optional.of(Instant.ofEpochSecond(n.longValue()));
    }

    /** Every operation's name, sorted. */
    public static List<String> allOps() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(OPS);
        all.addAll(SettlementAdminOps.OPS);
        return List.copyOf(all);
    }

    /** Reads an op from JSON text, for the HTTP endpoint. */
    public static ObjectNode parse(String text) {
        try {
            return Json.readObject(text, "admin request", org.cb4i.sdk.Reason.MALFORMED_JSON);
        } catch (Cb4iException e) {
            throw StoreException.invalid(e.getMessage());
        }
    }
}
