package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.status.StatusValue;
import org.junit.jupiter.api.Test;

/**
 * [ISS-10] [ISS-11] [ISS-12]: an agreement terminated before its term revokes its licenses at once and gives no more;
 * one amended in force revokes the licenses of its earlier terms and gives licenses of the new ones; a licensee removed
 * loses every agreement and license and is given none again, and stays in the history.
 */
class AgreementLifecycleTest extends IssuerFixture {
    @Test
    void terminatingAnAgreementRevokesItsLicensesAtOnce_andRemovingALicenseeEndsEverything() throws Exception {
        admin(Map.of("op", "agreement.add", "id", "a2", "licensee", "crawler-co", "grant", Map.of("usages", List.of("ai-input")),
                "not_after", clock.instant().plus(Duration.ofDays(30)).getEpochSecond()));
        String underA1 = json(tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a1"))).get("access_token").textValue();
        String underA2 = json(tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a2"))).get("access_token").textValue();

        JsonNode ended = json(admin(Map.of("op", "agreement.terminate", "id", "a1", "reason", "the licensee breached clause 4")));
        assertThat(ended.get("revoked")).hasSize(1);
        assertThat(statusOf(underA1)).isEqualTo(StatusValue.INVALID);
        assertThat(statusOf(underA2)).as("the other agreement's license is untouched").isEqualTo(StatusValue.VALID);
        HttpResponse<String> again = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a1"));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(json(again).get("error").textValue()).isEqualTo("invalid_grant");
        assertThat(json(again).get("error_description").textValue()).contains("terminated").contains("clause 4");
        JsonNode a1 = null;
        for (JsonNode a : json(admin(Map.of("op", "agreement.list"))).get("agreements")) {
            if (a.get("id").textValue().equals("a1")) {
                a1 = a;
            }
        }
        assertThat(a1.get("in_force").booleanValue()).isFalse();
        assertThat(a1.get("termination_reason").textValue()).isEqualTo("the licensee breached clause 4");
        assertThat(admin(Map.of("op", "agreement.terminate", "id", "a1", "reason", "again")).statusCode()).isEqualTo(409);
        assertThat(admin(Map.of("op", "agreement.terminate", "id", "a1")).statusCode()).as("a reason is required").isEqualTo(400);

        JsonNode removed = json(admin(Map.of("op", "licensee.remove", "id", "crawler-co", "reason", "left the market")));
        assertThat(removed.get("revoked")).hasSize(1);
        assertThat(statusOf(underA2)).isEqualTo(StatusValue.INVALID);
        HttpResponse<String> refused = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(json(refused).get("error").textValue()).as(refused.body()).isEqualTo("unauthorized_client");
        assertThat(json(refused).get("error_description").textValue()).contains("removed");
        assertThat(json(admin(Map.of("op", "licensee.list"))).at("/licensees/0/state").textValue()).isEqualTo("removed");
        assertThat(admin(Map.of("op", "licensee.remove", "id", "crawler-co", "reason", "again")).statusCode()).isEqualTo(409);
        assertThat(json(admin(Map.of("op", "audit"))).toString()).contains("agreement.terminate", "licensee.remove");
    }

    @Test
    void amendingAnAgreementInForce_revokesTheLicensesOfTheEarlierTerms_andGivesLicensesOfTheNewOnes() throws Exception {
        String before = json(tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a1"))).get("access_token").textValue();
        assertThat(verifier().verify(before).claims().usages()).extracting(u -> u.token()).containsExactly("ai-train");
        long until = clock.instant().plus(Duration.ofDays(60)).getEpochSecond();
        JsonNode amended = json(admin(Map.of("op", "agreement.amend", "id", "a1", "grant", Map.of("usages", List.of("search"), "price", Map.of(
                "currency", "EUR", "per_request", "0.0005")), "not_after", until, "reason", "training dropped; search at half the price")));
        assertThat(amended.get("revoked")).hasSize(1);
        assertThat(statusOf(before)).as("the license of the earlier terms").isEqualTo(StatusValue.INVALID);
        String after = json(tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a1"))).get("access_token").textValue();
        assertThat(verifier().verify(after).claims().usages()).extracting(u -> u.token()).containsExactly("search");
        assertThat(verifier().verify(after).claims().expiresAt()).isBefore(java.time.Instant.ofEpochSecond(until).plusSeconds(1));
        assertThat(statusOf(after)).isEqualTo(StatusValue.VALID);

        JsonNode a1 = json(admin(Map.of("op", "agreement.list"))).get("agreements").get(0);
        assertThat(a1.get("not_after").asLong()).isEqualTo(until);
        assertThat(a1.at("/amendments/0/reason").asText()).isEqualTo("training dropped; search at half the price");
        assertThat(a1.at("/amendments/0/grant_before/usages/0").asText()).as("the earlier terms are kept").isEqualTo("ai-train");
        JsonNode notice = json(get("/notices")).get("items").get(0);
        assertThat(notice.get("title").asText()).isEqualTo("Agreement amended: agreement a1");
        assertThat(json(admin(Map.of("op", "audit"))).toString()).contains("agreement.amend");

        HttpResponse<String> yen = admin(Map.of("op", "agreement.amend", "id", "a1", "grant", Map.of("usages", List.of("search"), "price", Map.of(
                "currency", "JPY", "per_request", "1")), "reason", "yen"));
        assertThat(yen.statusCode()).isEqualTo(400);
        assertThat(yen.body()).contains("currency JPY differs");
        HttpResponse<String> noUsages = admin(Map.of("op", "agreement.amend", "id", "a1", "grant", Map.of("paths", List.of()), "reason", "x"));
        assertThat(noUsages.statusCode()).isEqualTo(400);
        assertThat(admin(Map.of("op", "agreement.amend", "id", "a1", "grant", Map.of("usages", List.of("search")))).statusCode())
                .as("a reason is required").isEqualTo(400);
        assertThat(admin(Map.of("op", "agreement.amend", "id", "nope", "grant", Map.of("usages", List.of("search")), "reason", "x")).statusCode())
                .isEqualTo(404);
        admin(Map.of("op", "agreement.terminate", "id", "a1", "reason", "ended"));
        assertThat(admin(Map.of("op", "agreement.amend", "id", "a1", "grant", Map.of("usages", List.of("search")), "reason", "x")).statusCode())
                .as("a terminated agreement").isEqualTo(409);
    }
}
