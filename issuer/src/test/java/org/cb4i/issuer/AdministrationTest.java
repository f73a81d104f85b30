package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.issuer.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/** Administering and running the issuer: the admin endpoint, the store across restarts, a stop ([ISS-6]). */
class AdministrationTest extends IssuerFixture {
    @Test
    void adminNeedsItsTokenAndRefusesBadInputWhole() throws Exception { // [ISS-6]
        HttpResponse<String> anon = http.send(HttpRequest.newBuilder(URI.create(base + "/admin")).POST(HttpRequest.BodyPublishers.ofString("{\"op\":\"status\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(anon.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/admin")).header("Authorization", "Bearer " + "x".repeat(43))
                .POST(HttpRequest.BodyPublishers.ofString("{\"op\":\"status\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);

        assertThat(admin(Map.of("op", "explode")).statusCode()).isEqualTo(400);
        HttpResponse<String> badGrant = admin(Map.of("op", "agreement.add", "id", "bad", "licensee", "crawler-co",
                "grant", Map.of("usages", List.of("ai-train"), "paths", List.of(Map.of("allow", List.of("no-slash")))),
                "not_after", clock.instant().plusSeconds(3600).getEpochSecond()));
        assertThat(badGrant.statusCode()).isEqualTo(400);
        assertThat(json(badGrant).get("error_description").textValue()).contains("paths");
        assertThat(admin(Map.of("op", "agreement.list")).body()).doesNotContain("\"bad\"").contains("\"per_request\":\"0.001\"");
        assertThat(admin(Map.of("op", "agreement.add", "id", "cheap", "licensee", "crawler-co", "grant", Map.of("usages", List.of("ai-train"),
                "price", "free"), "not_after", clock.instant().plusSeconds(3600).getEpochSecond())).statusCode()).isEqualTo(400);
        HttpResponse<String> floatPrice = admin(Map.of("op", "agreement.add", "id", "float", "licensee", "crawler-co", "grant",
                Map.of("usages", List.of("ai-train"), "price", Map.of("currency", "EUR", "per_request", 0.001)),
                "not_after", clock.instant().plusSeconds(3600).getEpochSecond()));
        assertThat(floatPrice.statusCode()).as("[SET-1] an amount as a JSON number").isEqualTo(400);
        assertThat(json(floatPrice).get("error_description").textValue()).contains("price: per_request: amounts are exact decimal strings");
        assertThat(admin(Map.of("op", "agreement.add", "id", "x", "licensee", "nobody", "grant", Map.of("usages", List.of("ai-train")),
                "not_after", clock.instant().plusSeconds(3600).getEpochSecond())).statusCode()).isEqualTo(404);
        assertThat(admin(Map.of("op", "licensee.add", "id", "crawler-co", "jwk", crawler.publicKey().toJsonObject())).statusCode()).isEqualTo(409);
        assertThat(admin(Map.of("op", "licensee.add", "id", "twin", "jwk", crawler.publicKey().toJsonObject())).statusCode())
                .as("one key, one licensee").isEqualTo(409);
        assertThat(admin(Map.of("op", "revoke", "jti", "nope")).statusCode()).isEqualTo(404);
        HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(URI.create(base + "/admin")).header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString("{op:")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void theStoreSurvivesARestartAndRefusesASecondOpener() throws Exception { // [ISS-6]
        String t = obtain();
        admin(Map.of("op", "strike", "licensee", "crawler-co"));
        if (!TestDatabase.ON_POSTGRES) { // the embedded store is one process's; a database is shared by design
            assertThatThrownBy(() -> IssuerStore.open(dir.resolve("store"))).isInstanceOf(StoreException.class).hasMessageContaining("in use");
        }
        issuer.close();
        issuer = startIssuer();
        assertThat(statusOf(t)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(admin(Map.of("op", "licensee.list")).body()).contains("\"state\":\"strike\"");
        assertThat(Files.readString(dir.resolve("store/admin.token")).trim()).isEqualTo(adminToken);
    }

    @Test
    void aStop_saysWhatItDrainedAndWhereTheStoreIs_andReleasesIt() throws Exception {
        assertThat(get("/jwks").statusCode()).isEqualTo(200);
        // The client has the answer a moment before the issuer counts it answered: stop once it has, as this test is of a
        // stop with nothing in flight.
        org.cb4i.sdk.Eventually.until(java.time.Duration.ofSeconds(5), "the key set counted as answered", () -> issuer.inFlight() == 0);
        Issuer.Stopped s = issuer.stop();
        issuer = null;
        assertThat(s.inFlight()).isZero();
        assertThat(s.cutOff()).isZero();
        assertThat(s.served()).as("the two admin calls of the set-up and the key set").isEqualTo(3);
        assertThat(s.store()).isEqualTo(store());
        assertThat(String.join("\n", s.describe())).contains("all answered; 3 answered since the start").contains("store " + store() + " closed");
        IssuerStore.open(store()).close(); // released
    }
}
