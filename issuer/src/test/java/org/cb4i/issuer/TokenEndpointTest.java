package org.cb4i.issuer;

import org.cb4i.issuer.collective.ClientAuthentication;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.jose.CompactJws;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.VerifiedLicense;
import org.junit.jupiter.api.Test;

/** The token endpoint: who gets a license, bound to which key, under which agreement (SPEC.md §13, [ISS-1] to [ISS-3]). */
class TokenEndpointTest extends IssuerFixture {
    @Test
    void aSignedTokenRequestGetsALicenseBoundToTheRegisteredKey() throws Exception { // [ISS-1] [ISS-2] [ISS-3]
        HttpResponse<String> r = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "client_id", "crawler-co"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = json(r);
        assertThat(body.get("token_type").textValue()).isEqualTo("License");
        assertThat(body.get("expires_in").longValue()).isEqualTo(3600);
        VerifiedLicense v = verifier().verify(body.get("access_token").textValue());
        assertThat(v.claims().subject()).isEqualTo("crawler-co");
        assertThat(v.claims().confirmation().jkt()).isEqualTo(crawler.thumbprint());
        assertThat(v.claims().usages()).containsExactly(Usage.AI_TRAIN);
        assertThat(v.claims().quota().rps()).hasValue(2.0);
        assertThat(v.claims().status().orElseThrow().uri()).hasToString("https://licenses.collective.example/status/1");
        assertThat(v.claims().audience()).containsExactly(ID);
        assertThat(CompactJws.parse(body.get("access_token").textValue(), "license+jwt", 8192, "t").payload().has("price"))
                .as("the price schedule stays with the agreement").isFalse();
        assertThat(statusOf(body.get("access_token").textValue())).isEqualTo(StatusValue.VALID);
    }

    @Test
    void tokenRequestsThatDoNotProveTheKeyAreRefusedPrecisely() throws Exception { // [ISS-2]
        HttpResponse<String> none = post("/token", Map.of("grant_type", "client_credentials"), Map.of());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none).get("error").textValue()).isEqualTo("invalid_client");
        assertThat(none.headers().firstValue("Accept-Signature")).hasValueSatisfying(v -> assertThat(v).contains("@target-uri"));

        HttpResponse<String> stranger = tokenRequest(KeyFiles.generate(KeyAlgorithm.ED25519), Map.of("grant_type", "client_credentials"));
        assertThat(json(stranger).get("error").textValue()).isEqualTo("invalid_client");
        assertThat(json(stranger).get("error_description").textValue()).contains("no licensee is registered with key");

        HttpResponse<String> otherId = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "client_id", "someone-else"));
        assertThat(json(otherId).get("error_description").textValue()).contains("does not match");

        // the same signature twice: a replay
        SignatureHeaders sig = new WebBotAuthSigner(crawler, clock).sign(SignedRequest.of("POST", URI.create("https://127.0.0.1:" + issuer.port() + "/token")),
                SignaturePolicy.PER_REQUEST);
        Map<String, String> h = Map.of("Signature-Input", sig.signatureInput(), "Signature", sig.signature());
        assertThat(post("/token", Map.of("grant_type", "client_credentials"), h).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = post("/token", Map.of("grant_type", "client_credentials"), h);
        assertThat(json(replay).get("error").textValue()).isEqualTo("invalid_client");
        assertThat(json(replay).get("error_description").textValue()).contains("replayed");

        // a reusable signature (only @authority) does not authorise a token request
        SignatureHeaders reusable = new WebBotAuthSigner(crawler, clock).sign(SignedRequest.of("POST", URI.create("https://127.0.0.1:" + issuer.port() + "/token")),
                SignaturePolicy.REUSABLE);
        HttpResponse<String> weak = post("/token", Map.of("grant_type", "client_credentials"),
                Map.of("Signature-Input", reusable.signatureInput(), "Signature", reusable.signature()));
        assertThat(json(weak).get("error_description").textValue()).contains("SIGNATURE_COVERAGE_INSUFFICIENT");
        assertThat(admin(Map.of("op", "license.list")).body()).contains("\"licenses\":[{").doesNotContain("},{");
    }

    @Test
    void privateKeyJwtAuthenticatesOnceAndOnlyForThisEndpoint() throws Exception { // [ISS-2]
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "crawler-co");
        claims.put("sub", "crawler-co");
        claims.put("aud", "https://licenses.collective.example/token");
        claims.put("jti", "assertion-1");
        claims.put("exp", clock.instant().plusSeconds(120).getEpochSecond());
        String assertion = CompactJws.sign(crawler, "JWT", claims);
        Map<String, String> form = Map.of("grant_type", "client_credentials", "client_assertion_type", ClientAuthentication.ASSERTION_TYPE,
                "client_assertion", assertion);
        HttpResponse<String> ok = post("/token", form, Map.of());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(post("/token", form, Map.of())).get("error_description").textValue()).contains("replayed");

        claims.put("jti", "assertion-2");
        claims.put("aud", "https://elsewhere.example/token");
        HttpResponse<String> wrongAud = post("/token", Map.of("grant_type", "client_credentials", "client_assertion_type",
                ClientAuthentication.ASSERTION_TYPE, "client_assertion", CompactJws.sign(crawler, "JWT", claims)), Map.of());
        assertThat(json(wrongAud).get("error_description").textValue()).contains("aud");

        claims.put("aud", ID);
        claims.put("jti", "assertion-3");
        HttpResponse<String> forged = post("/token", Map.of("grant_type", "client_credentials", "client_assertion_type",
                ClientAuthentication.ASSERTION_TYPE, "client_assertion", CompactJws.sign(KeyFiles.generate(KeyAlgorithm.ED25519), "JWT", claims)), Map.of());
        assertThat(json(forged).get("error").textValue()).isEqualTo("invalid_client");
    }

    @Test
    void malformedTokenRequestsAreRefusedWithTheOAuthError() throws Exception { // [ISS-1]
        assertThat(json(tokenRequest(crawler, Map.of())).get("error").textValue()).isEqualTo("invalid_request");
        assertThat(json(tokenRequest(crawler, Map.of("grant_type", "password"))).get("error").textValue()).isEqualTo("unsupported_grant_type");
        HttpResponse<String> repeated = postRaw("/token", "grant_type=client_credentials&grant_type=client_credentials", Map.of());
        assertThat(json(repeated).get("error_description").textValue()).contains("repeated");
        HttpResponse<String> badEscape = postRaw("/token", "grant_type=%zz", Map.of());
        assertThat(json(badEscape).get("error").textValue()).isEqualTo("invalid_request");
        HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(base + "/token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(json).get("error_description").textValue()).contains("application/x-www-form-urlencoded");
        HttpResponse<String> huge = postRaw("/token", "grant_type=" + "x".repeat(20_000), Map.of());
        assertThat(huge.statusCode()).isEqualTo(413);
        HttpResponse<String> get = get("/token");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(get("/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void agreementsDecideWhetherAndWhatIsIssued() throws Exception { // [ISS-3]
        admin(Map.of("op", "agreement.add", "id", "a2", "licensee", "crawler-co", "grant", Map.of("usages", List.of("search")),
                "not_after", clock.instant().plus(Duration.ofDays(60)).getEpochSecond()));
        HttpResponse<String> two = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(json(two).get("error").textValue()).isEqualTo("invalid_request");
        assertThat(json(two).get("error_description").textValue()).contains("agreement=a1|a2");
        HttpResponse<String> named = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a2"));
        assertThat(verifier().verify(json(named).get("access_token").textValue()).claims().usages()).containsExactly(Usage.SEARCH);

        clock.advance(Duration.ofDays(31)); // a1 has ended; a2 is in force, and its licenses end with it
        HttpResponse<String> ended = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", "a1"));
        assertThat(json(ended).get("error").textValue()).isEqualTo("invalid_grant");
        clock.advance(Duration.ofDays(28).plusHours(23).plusMinutes(30)); // 30 minutes before a2 ends
        HttpResponse<String> last = tokenRequest(crawler, Map.of("grant_type", "client_credentials"));
        assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
        assertThat(json(last).get("expires_in").longValue()).isEqualTo(1800);
        clock.advance(Duration.ofHours(1));
        assertThat(json(tokenRequest(crawler, Map.of("grant_type", "client_credentials"))).get("error_description").textValue())
                .contains("no agreement in force");
    }
}
