package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.offer.Acceptance;
import org.cb4i.sdk.offer.Offer;
import org.cb4i.sdk.token.LicenseClaims;
import org.junit.jupiter.api.Test;

/**
 * [OFR-1] [OFR-2] [OFR-3]: an offer drafted, published signed and public with its price, accepted by a licensee's
 * signature over exactly what was published — which makes an agreement licenses are issued under at once — and refused
 * when it is not what was offered, not the licensee's key, twice, or withdrawn.
 */
class OffersTest extends IssuerFixture {
    static final Map<String, Object> PRICE = Map.of("currency", "EUR", "per_request", "0.002", "minimum", "50");

    JsonNode publishOffer(String id) throws Exception {
        assertThat(admin(Map.of("op", "offer.add", "id", id, "grant", Map.of("usages", List.of("ai-input"), "price", PRICE), "not_after",
                clock.instant().plus(Duration.ofDays(365)).getEpochSecond())).statusCode()).isEqualTo(200);
        assertThat(json(get("/offers")).get("offers")).as("a draft is not public").isEmpty();
        return json(admin(Map.of("op", "offer.publish", "id", id, "accept_until", clock.instant().plus(Duration.ofDays(30)).getEpochSecond())));
    }

    Offer offer(String id) throws Exception {
        HttpResponse<String> r = get("/offers/" + id);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(Offer.MEDIA_TYPE);
        return Offer.verify(r.body(), KeySet.of(collectiveKey.publicKey()));
    }

    HttpResponse<String> accept(String id, String compact) throws Exception {
        return postRaw("/offers/" + id + "/accept", compact, Map.of("Content-Type", "application/acceptance+jwt"));
    }

    @Test
    void aLicenseeAcceptsAPublishedOffer_andIsLicensedUnderItAtOnce() throws Exception {
        publishOffer("rag-2027");
        JsonNode listed = json(get("/offers")).get("offers").get(0);
        assertThat(listed.get("id").textValue()).isEqualTo("rag-2027");
        assertThat(listed.get("price").get("per_request").textValue()).isEqualTo("0.002");
        assertThat(listed.get("accept").textValue()).isEqualTo("https://licenses.collective.example/offers/rag-2027/accept");
        assertThat(json(get("/.well-known/cb4i")).get("offers").textValue()).isEqualTo("https://licenses.collective.example/offers");
        assertThat(json(get("/notices")).at("/items/0/title").textValue()).isEqualTo("New offer: rag-2027");
        Offer o = offer("rag-2027");
        assertThat(o.grant().get("usages").get(0).textValue()).isEqualTo("ai-input");

        HttpResponse<String> ok = accept("rag-2027", Acceptance.sign(crawler, "crawler-co", o, clock.instant(), "acc-1"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).get("agreement").textValue()).isEqualTo("rag-2027-crawler-co");
        HttpResponse<String> token = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "rag-2027-crawler-co"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        LicenseClaims c = verifier().verify(json(token).get("access_token").textValue()).claims();
        assertThat(c.usages().toString()).contains("ai-input");
        assertThat(json(admin(Map.of("op", "offer.list"))).at("/offers/0/accepted_by/0").textValue()).isEqualTo("crawler-co");
        assertThat(json(admin(Map.of("op", "audit"))).toString()).contains("offer.accept");

        assertThat(accept("rag-2027", Acceptance.sign(crawler, "crawler-co", o, clock.instant(), "acc-2")).statusCode()).as("accepted already")
                .isEqualTo(409);
    }

    @Test
    void anAcceptanceOfOtherTermsAnotherKeyOrAWithdrawnOfferIsRefused() throws Exception {
        publishOffer("o1");
        Offer o = offer("o1");
        SigningKey stranger = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThat(accept("o1", Acceptance.sign(stranger, "crawler-co", o, clock.instant(), "x1")).statusCode()).isEqualTo(401);
        Offer tampered = new Offer(o.compact() + "x", o.issuer(), o.id(), o.issuedAt(), o.acceptUntil(), o.grant(), o.notBefore(), o.notAfter());
        HttpResponse<String> other = accept("o1", Acceptance.sign(crawler, "crawler-co", tampered, clock.instant(), "x2"));
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(json(other).get("error_description").textValue()).contains("offer_sha256");
        assertThat(accept("o1", Acceptance.sign(crawler, "crawler-co", o, clock.instant().minusSeconds(600), "x3")).statusCode()).isEqualTo(400);
        assertThat(accept("nope", Acceptance.sign(crawler, "crawler-co", o, clock.instant(), "x4")).statusCode()).as("the acceptance names o1")
                .isEqualTo(400);
        assertThat(admin(Map.of("op", "offer.publish", "id", "o1", "accept_until", clock.instant().plusSeconds(60).getEpochSecond())).statusCode())
                .as("published offers are immutable").isEqualTo(409);
        admin(Map.of("op", "offer.withdraw", "id", "o1"));
        assertThat(json(get("/offers")).get("offers")).isEmpty();
        assertThat(accept("o1", Acceptance.sign(crawler, "crawler-co", o, clock.instant(), "x5")).statusCode()).isEqualTo(409);
        assertThat(admin(Map.of("op", "offer.add", "id", "o2", "grant", Map.of("usages", List.of("ai-input")), "not_after",
                clock.instant().plus(Duration.ofDays(1)).getEpochSecond())).statusCode()).as("an offer names its price").isEqualTo(400);
        assertThat(Optional.ofNullable(json(admin(Map.of("op", "offer.add", "id", "bad id!", "grant", Map.of("usages", List.of("ai-input"), "price",
                PRICE), "not_after", clock.instant().plus(Duration.ofDays(1)).getEpochSecond()))).get("error"))).isPresent();
    }
}
