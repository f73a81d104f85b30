package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.junit.jupiter.api.Test;

/** Revocation, suspension and strikes as the status list and introspection show them, now and in the past ([ISS-4], [ISS-5], [ISS-7], [ISS-8], [STS-2], [STS-7]), and the change stream that announces them ([STS-8]). */
class StatusTest extends IssuerFixture {
    @Test
    void revocationSuspensionAndStrikesReachTheStatusList() throws Exception { // [ISS-4] [ISS-7] [ISS-8] [STS-2]
        String t1 = obtain();
        String t2 = obtain();
        assertThat(admin(Map.of("op", "revoke", "jti", verifier().verify(t1).claims().id())).statusCode()).isEqualTo(200);
        assertThat(statusOf(t1)).isEqualTo(StatusValue.INVALID);
        assertThat(statusOf(t2)).isEqualTo(StatusValue.VALID);

        admin(Map.of("op", "strike", "licensee", "crawler-co"));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(statusOf(t1)).as("revoked stays revoked").isEqualTo(StatusValue.INVALID);
        HttpResponse<String> refused = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(json(refused).get("error").textValue()).isEqualTo("unauthorized_client");
        assertThat(json(refused).get("error_description").textValue()).contains("on strike");
        admin(Map.of("op", "resume", "licensee", "crawler-co"));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.VALID);

        admin(Map.of("op", "suspend", "licensee", "crawler-co", "reason", "payment-overdue"));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.PAYMENT_OVERDUE);
        admin(Map.of("op", "resume", "licensee", "crawler-co"));

        admin(Map.of("op", "strike", "all", true));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(json(tokenRequest(crawler, Map.of("grant_type", "client_credentials"))).get("error_description").textValue())
                .contains("collective is on strike");
        admin(Map.of("op", "resume", "all", true));
        assertThat(statusOf(t2)).isEqualTo(StatusValue.VALID);
    }

    @Test
    void theChangeStreamAnnouncesEveryChange_firstTheCurrentOne() throws Exception { // [STS-8]
        assertThat(get("/.well-known/cb4i").body()).contains("\"status_changes\":\"https://licenses.collective.example/status/changes\"");
        HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/status/changes")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader b = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String l; (l = b.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                // the stream ends with the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        obtain();
        long first = nextSeq(lines);
        admin(Map.of("op", "strike", "all", true));
        long struck = nextSeq(lines);
        assertThat(struck).isGreaterThan(first);
        admin(Map.of("op", "resume", "all", true));
        assertThat(nextSeq(lines)).isGreaterThan(struck);
        r.body().close();
    }

    /** The seq of the next status event, read within 2 s. */
    static long nextSeq(java.util.concurrent.BlockingQueue<String> lines) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(2).toNanos();
        String event = "";
        while (System.nanoTime() < deadline) {
            String l = lines.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (l == null) {
                continue;
            }
            if (l.startsWith("event:")) {
                event = l.substring(6).strip();
            } else if (l.startsWith("data:") && event.equals("status")) {
                com.fasterxml.jackson.databind.JsonNode d = Json.mapper().readTree(l.substring(5));
                assertThat(d.get("uri").asText()).endsWith("/status/1");
                return d.get("seq").asLong();
            }
        }
        throw new AssertionError("no status event within 2 s");
    }

    @Test
    void pastStatusListsAreServedWithTimesThatBracketTheQuestion() throws Exception { // [STS-7] [ISS-4]
        String t = obtain();
        Instant before = clock.instant();
        clock.advance(Duration.ofMinutes(10));
        admin(Map.of("op", "strike", "licensee", "crawler-co"));
        Instant strikeAt = clock.instant();
        clock.advance(Duration.ofMinutes(10));
        URI uri = URI.create("https://licenses.collective.example/status/1");
        int idx = (int) verifier().verify(t).claims().status().orElseThrow().idx();

        HttpResponse<String> past = get("/status/1?time=" + before.getEpochSecond());
        assertThat(past.statusCode()).isEqualTo(200);
        StatusListToken then = StatusListToken.verify(past.body(), uri, KeySet.of(collectiveKey.publicKey()));
        assertThat(then.list().status(idx)).isEqualTo(StatusValue.VALID);
        assertThat(then.issuedAt()).isBeforeOrEqualTo(before);
        assertThat(then.expiresAt()).hasValue(strikeAt);

        StatusListToken now = StatusListToken.verify(get("/status/1?time=" + strikeAt.getEpochSecond()).body(), uri, KeySet.of(collectiveKey.publicKey()));
        assertThat(now.list().status(idx)).isEqualTo(StatusValue.SUSPENDED);
        assertThat(get("/status/1?time=" + clock.instant().plusSeconds(3600).getEpochSecond()).statusCode()).isEqualTo(404);
        assertThat(get("/status/1?time=0").statusCode()).isEqualTo(404);
        assertThat(get("/status/1?time=yesterday").statusCode()).isEqualTo(400);

        StatusListToken current = StatusListToken.verify(get("/status/1").body(), uri, KeySet.of(collectiveKey.publicKey()));
        assertThat(current.ttl()).hasValue(Duration.ofSeconds(30));
        assertThat(current.expiresAt()).hasValue(clock.instant().plus(Duration.ofHours(2)));
    }

    @Test
    void introspectionSaysWhetherALicenseIsActiveAndWhy() throws Exception { // [ISS-5]
        String t = obtain();
        JsonNode active = json(post("/introspect", Map.of("token", t), Map.of()));
        assertThat(active.get("active").booleanValue()).isTrue();
        assertThat(active.get("sub").textValue()).isEqualTo("crawler-co");
        assertThat(active.get("cnf").get("jkt").textValue()).isEqualTo(crawler.thumbprint());
        assertThat(active.get("authorization_details").get(0).get("usages").get(0).textValue()).isEqualTo("ai-train");
        admin(Map.of("op", "revoke", "jti", active.get("jti").textValue()));
        JsonNode revoked = json(post("/introspect", Map.of("token", t), Map.of()));
        assertThat(revoked.get("active").booleanValue()).isFalse();
        assertThat(revoked.get("reason").textValue()).isEqualTo("LICENSE_REVOKED");
        JsonNode garbage = json(post("/introspect", Map.of("token", "a.b.c"), Map.of()));
        assertThat(garbage.get("active").booleanValue()).isFalse();
        clock.advance(Duration.ofHours(2));
        assertThat(json(post("/introspect", Map.of("token", obtain()), Map.of())).get("active").booleanValue()).isTrue();
    }
}
