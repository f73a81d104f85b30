package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.repertoire.Repertoire;
import org.junit.jupiter.api.Test;

/** What the issuer publishes: its signed repertoire and its discovery document ([REP-1] to [REP-3], [ISS-1]). */
class RepertoireAndDiscoveryTest extends IssuerFixture {
    @Test
    void theRepertoireIsSignedAndAnswersForThePast() throws Exception { // [REP-1] [REP-2] [REP-3]
        SigningKey publisher = KeyFiles.generate(KeyAlgorithm.ED25519);
        Instant joined = clock.instant();
        assertThat(admin(Map.of("op", "member.add", "origin", "HTTPS://News.Example:443", "content_keys", publisher.publicKey().toJsonObject()))
                .statusCode()).isEqualTo(200);
        HttpResponse<String> dup = admin(Map.of("op", "member.add", "origin", "https://news.example", "content_keys", publisher.publicKey().toJsonObject()));
        assertThat(dup.statusCode()).isEqualTo(409);
        clock.advance(Duration.ofDays(10));
        admin(Map.of("op", "member.remove", "origin", "https://news.example"));
        clock.advance(Duration.ofDays(1));

        HttpResponse<String> r = get("/repertoire");
        assertThat(r.headers().firstValue("Content-Type")).hasValue(Repertoire.MEDIA_TYPE);
        Repertoire now = Repertoire.verify(r.body(), KeySet.of(collectiveKey.publicKey()));
        assertThat(now.id()).isEqualTo(ID);
        assertThat(now.members()).isEmpty();
        Repertoire then = Repertoire.verify(get("/repertoire?time=" + joined.plus(Duration.ofDays(2)).getEpochSecond()).body(),
                KeySet.of(collectiveKey.publicKey()));
        assertThat(then.memberAt("https://news.example", joined.plus(Duration.ofDays(2)))).hasValueSatisfying(m -> {
            assertThat(m.contentKeys().find(publisher.thumbprint())).isPresent();
            assertThat(m.left()).hasValue(joined.plus(Duration.ofDays(10)));
        });
        assertThat(then.memberAt("https://news.example", joined.plus(Duration.ofDays(10)))).isEmpty();
        assertThatThrownBy(() -> Repertoire.verify(r.body(), KeySet.of(KeyFiles.generate(KeyAlgorithm.ED25519).publicKey())))
                .hasMessageContaining("not among the trusted keys");
    }

    @Test
    void discoveryNamesEveryEndpointAndTheKeys() throws Exception { // [ISS-1]
        JsonNode d = json(get("/.well-known/cb4i"));
        assertThat(d.get("collective").textValue()).isEqualTo(ID);
        assertThat(d.get("token_endpoint").textValue()).isEqualTo("https://licenses.collective.example/token");
        assertThat(d.get("status_lists").get(0).textValue()).isEqualTo("https://licenses.collective.example/status/1");
        assertThat(d.get("consent_endpoint").textValue()).as("[CNS-3]").isEqualTo("https://licenses.collective.example/consent");
        assertThat(d.get("keys").get("keys").get(0).get("kid").textValue()).isEqualTo(collectiveKey.thumbprint());
        assertThat(json(get("/jwks")).get("keys").get(0).has("d")).isFalse();
    }
}
