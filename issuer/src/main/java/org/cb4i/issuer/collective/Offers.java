package org.cb4i.issuer.collective;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.OfferStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.offer.Acceptance;
import org.cb4i.sdk.offer.Offer;

/**
 * Offers with a lifecycle (SPEC.md §19): drafted by an operator, published signed (with a public notice), accepted by a
 * licensee's signed acceptance of exactly those terms — which makes its agreement, in force at once — or withdrawn.
 */
public final class Offers {
    private final Collective collective;

    Offers(Collective collective) {
        this.collective = collective;
    }

    private OfferStore store() {
        return collective.store().offers();
    }

    /**
     * Drafts an offer: the grant (with its price schedule) and the agreement's term.
     *
     * @throws StoreException (invalid) naming the member of the grant at fault
     */
    public void draft(String id, JsonNode grant, Optional<Instant> notBefore, Instant notAfter) {
        if (id.isEmpty() || id.length() > 100 || !id.matches("[A-Za-z0-9._-]+")) {
            throw StoreException.invalid("id: letters, digits, '.', '_' and '-', at most 100");
        }
        Collective.Grant.read(grant);
        if (!grant.has("price")) {
            throw StoreException.invalid("grant.price: an offer names its price (a price schedule, SPEC.md [SET-1])");
        }
        Collective.Grant.price(grant);
        if (notBefore.isPresent() && !notAfter.isAfter(notBefore.get())) {
            throw StoreException.invalid("not_after must be after not_before");
        }
        store().add(id, Json.write(grant), notBefore, notAfter, collective.now());
    }

    /** Publishes a draft, signed, acceptable until {@code acceptUntil}, with a public notice ([OFR-1], [NTC-1]). */
    public Offer publish(String id, Instant acceptUntil) {
        OfferStore.OfferRow o = store().get(id).orElseThrow(() -> StoreException.notFound("no offer " + id));
        Instant now = collective.now();
        if (!acceptUntil.isAfter(now)) {
            throw StoreException.invalid("accept_until must be in the future");
        }
        Offer signed = Offer.sign(collective.signingKey(), collective.config().id(), id, now, acceptUntil,
                Json.readObject(o.grantJson(), "offer " + id, org.cb4i.sdk.Reason.MALFORMED_JSON), o.notBefore(), o.notAfter());
        store().publish(id, signed.compact(), acceptUntil, now);
        collective.publish("offer", Map.of("offer", id), "a new offer: " + usages(signed.grant()) + ", acceptable until " + acceptUntil, Optional.empty());
        return signed;
    }

    public void withdraw(String id) {
        store().withdraw(id, collective.now());
    }

    /** The offers open now (published, not withdrawn, not past their acceptance date), newest first. */
    public List<Offer> open() {
        Instant now = collective.now();
        List<Offer> out = new ArrayList<>();
        for (OfferStore.OfferRow o : store().all()) {
            if (o.state().equals("offered") && o.acceptUntil().map(now::isBefore).orElse(false)) {
                out.add(Offer.readOwn(o.jws().orElseThrow())); // its own signed offer, as kept: readers verify it
            }
        }
        return out;
    }

    /** What a licensee gets when it accepts. */
    public record Accepted(String agreement, Instant notBefore, Instant notAfter) {}

    /**
     * A licensee's acceptance ([OFR-3]): signed by its registered key, of exactly the offer published (its SHA-256),
     * before the offer's date. Makes the agreement {@code <offer>-<licensee>}.
     *
     * @throws OfferRefused with the HTTP status and why
     */
    public Accepted accept(String offerId, String compact) {
        String licenseeId;
        try {
            licenseeId = Acceptance.licenseeOf(compact);
        } catch (Cb4iException e) {
            throw new OfferRefused(400, e.reason() + ": " + e.getMessage());
        }
        IssuerStore.LicenseeRow licensee = collective.store().licensee(licenseeId).orElseThrow(() -> new OfferRefused(401, "unknown licensee "
                + licenseeId + "; the collective registers licensees (cb4i issuer licensee add)"));
        if (licensee.removed().isPresent()) {
            throw new OfferRefused(403, "licensee " + licenseeId + " was removed from the collective");
        }
        Acceptance a;
        try {
            a = Acceptance.verify(compact, KeySet.of(VerificationKey.fromJson(licensee.jwkJson())), collective.now());
        } catch (Cb4iException e) {
            boolean sig = org.cb4i.sdk.member.MemberSignedRequest.aboutTheSignature(e);
            throw new OfferRefused(sig ? 401 : 400, e.reason() + ": " + e.getMessage() + (sig ? " (sign it with the licensee's registered key)" : ""));
        }
        if (!a.offer().equals(offerId)) {
            throw new OfferRefused(400, "the acceptance is of offer " + a.offer() + ", not of " + offerId);
        }
        if (!collective.store().firstUse("accept:" + licenseeId + ":" + a.id(), collective.now().plusSeconds(300), collective.now())) {
            throw new OfferRefused(409, "this acceptance (jti " + a.id() + ") was taken already");
        }
        return make(offerId, licenseeId, a.offerSha256(), compact);
    }

    /**
     * A licensee's acceptance confirmed in the console ([OFR-3]): a WebAuthn assertion of one of the licensee's
     * passkeys over a challenge the issuer made for that one acceptance (the offer, its SHA-256 and the account),
     * verified by the caller and kept here as the evidence.
     *
     * @throws OfferRefused with the HTTP status and why
     */
    public Accepted acceptConfirmed(String offerId, String licenseeId, String offerSha256, String evidence) {
        IssuerStore.LicenseeRow licensee = collective.store().licensee(licenseeId).orElseThrow(() -> new OfferRefused(401, "unknown licensee "
                + licenseeId));
        if (licensee.removed().isPresent()) {
            throw new OfferRefused(403, "licensee " + licenseeId + " was removed from the collective");
        }
        return make(offerId, licenseeId, offerSha256, evidence);
    }

    private Accepted make(String offerId, String licenseeId, String offerSha256, String evidence) {
        OfferStore.OfferRow o = store().get(offerId).orElseThrow(() -> new OfferRefused(404, "no offer " + offerId));
        if (!o.state().equals("offered")) {
            throw new OfferRefused(409, "offer " + offerId + " is " + o.state() + "; it cannot be accepted");
        }
        Instant now = collective.now();
        if (!now.isBefore(o.acceptUntil().orElseThrow())) {
            throw new OfferRefused(409, "offer " + offerId + " could be accepted until " + o.acceptUntil().get());
        }
        if (!offerSha256.equals(Offer.sha256(o.jws().orElseThrow()))) {
            throw new OfferRefused(400, "offer_sha256 is not the SHA-256 of offer " + offerId + " as published; read it again (GET /offers/"
                    + offerId + ") and accept what it says");
        }
        Instant from = o.notBefore().filter(nb -> nb.isAfter(now)).orElse(now);
        if (!o.notAfter().isAfter(from)) {
            throw new OfferRefused(409, "offer " + offerId + "'s term ended at " + o.notAfter());
        }
        String agreement = offerId + "-" + licenseeId;
        ObjectNode grant = Json.readObject(o.grantJson(), "offer " + offerId, org.cb4i.sdk.Reason.MALFORMED_JSON);
        try {
            store().accept(offerId, licenseeId, agreement, o.grantJson(), Optional.of(Json.write(grant.get("price"))), from, o.notAfter(), evidence, now);
        } catch (StoreException e) {
            throw new OfferRefused(e.kind() == StoreException.Kind.NOT_FOUND ? 404 : 409, e.getMessage());
        }
        return new Accepted(agreement, from, o.notAfter());
    }

    /** A refused acceptance: its HTTP status and why. */
    public static final class OfferRefused extends RuntimeException {
        public final int status;

        OfferRefused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** An offer as the public list shows it ([OFR-2]). */
    public Map<String, Object> view(Offer o) {
        String base = collective.config().publicUrl().toString().replaceAll("/+$", "");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id());
        m.put("url", base + "/offers/" + o.id());
        m.put("accept", base + "/offers/" + o.id() + "/accept");
        m.put("usages", o.grant().path("usages"));
        m.put("price", o.grant().path("price"));
        o.notBefore().ifPresent(n -> m.put("not_before", n.getEpochSecond()));
        m.put("not_after", o.notAfter().getEpochSecond());
        m.put("accept_until", o.acceptUntil().getEpochSecond());
        m.put("jws", o.compact());
        return m;
    }

    private static String usages(JsonNode grant) {
        List<String> u = new ArrayList<>();
        grant.path("usages").forEach(x -> u.add(x.asText()));
        return String.join(", ", u);
    }
}
