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
 * [ISS-10] [ISS-11]: an agreement terminated before its term revokes its licenses at once and gives no more; a licensee
 * removed loses every agreement and license and is given none again, and stays in the history.
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
}
