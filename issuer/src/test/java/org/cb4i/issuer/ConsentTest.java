package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.cb4i.sdk.consent.ConsentDocument;
import org.cb4i.sdk.consent.ConsentRequest;
import org.cb4i.sdk.consent.OptOut;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.terms.PathPattern;
import org.cb4i.sdk.token.LicenseClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * [CNS-3] [CNS-6] [CNS-7]: a member's consent at the issuer, over HTTP: read only with the member's own content key,
 * changed by the member's signed request (fresh, never replayed, every version kept with its evidence) or by an
 * operator; licenses always name their agreement.
 */
class ConsentTest extends IssuerFixture {
    static final String NEWS = "https://news.example";
    static final String BLOG = "https://blog.example";
    SigningKey news;
    SigningKey blog;

    @BeforeEach
    void members() throws Exception {
        news = KeyFiles.generate(KeyAlgorithm.ED25519);
        blog = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThat(admin(Map.of("op", "member.add", "origin", NEWS, "content_keys", KeySet.of(news.publicKey()).toJsonObject())).statusCode()).isEqualTo(200);
        assertThat(admin(Map.of("op", "member.add", "origin", BLOG, "content_keys", KeySet.of(blog.publicKey()).toJsonObject())).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> read(String origin, SigningKey key) throws Exception {
        String q = "/consent?origin=" + URLEncoder.encode(origin, StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + q));
        if (key != null) {
            SignatureHeaders sig = new WebBotAuthSigner(key, clock).sign(SignedRequest.of("GET", URI.create("https://127.0.0.1:" + issuer.port() + q)),
                    SignaturePolicy.PER_REQUEST);
            b.header("Signature-Input", sig.signatureInput()).header("Signature", sig.signature());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> change(String compact) throws Exception {
        return postRaw("/consent", compact, Map.of("Content-Type", "application/consent-request+jwt"));
    }

    ConsentDocument doc(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(ConsentDocument.MEDIA_TYPE);
        return ConsentDocument.verify(r.body(), KeySet.of(collectiveKey.publicKey()));
    }

    @Test
    void aMemberReadsItsOwnConsent_withItsContentKey_andNoOneElseDoes() throws Exception {
        ConsentDocument d = doc(read(NEWS, news));
        assertThat(d.issuer()).isEqualTo(ID);
        assertThat(d.member()).isEqualTo(NEWS);
        assertThat(d.version()).as("never chose: version 0").isZero();
        assertThat(d.optOut().isEmpty()).isTrue();
        assertThat(d.ttl()).as("the status lists' ttl").isEqualTo(Duration.ofSeconds(30));
        assertThat(Duration.between(d.issuedAt(), d.expiresAt())).as("the status lists' validity").isEqualTo(Duration.ofHours(2));

        HttpResponse<String> unsigned = read(NEWS, null);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("WWW-Authenticate")).hasValue("Signature");
        HttpResponse<String> other = read(NEWS, blog);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        assertThat(json(other).get("error_description").textValue()).contains("another member's");
        assertThat(read(NEWS, crawler).statusCode()).as("a key no member holds").isEqualTo(401);
        assertThat(read("https://stranger.example", news).statusCode()).isEqualTo(404);
    }

    @Test
    void aMemberChangesItsConsent_byASignedRequest_andEveryVersionIsKeptWithItsEvidence() throws Exception {
        String first = ConsentRequest.sign(news, NEWS, clock.instant(), "c-1", new OptOut(List.of("ai-train"), List.of(), List.of(PathPattern.of("/drafts/"))));
        ConsentDocument d = doc(change(first));
        assertThat(d.version()).isEqualTo(1);
        assertThat(d.optOut().usageTokens()).containsExactly("ai-train");
        assertThat(doc(read(NEWS, news)).version()).as("what its proxies now read").isEqualTo(1);

        HttpResponse<String> again = change(first);
        assertThat(again.statusCode()).as("replayed jti").isEqualTo(409);
        HttpResponse<String> byOther = change(ConsentRequest.sign(blog, NEWS, clock.instant(), "c-2", OptOut.NONE));
        assertThat(byOther.statusCode()).as("signed by another member's key").isEqualTo(401);
        HttpResponse<String> stale = change(ConsentRequest.sign(news, NEWS, clock.instant().minusSeconds(120), "c-3", OptOut.NONE));
        assertThat(stale.statusCode()).isEqualTo(400);
        assertThat(json(stale).get("error_description").textValue()).contains("iat");
        HttpResponse<String> badPath = change(signRaw(news, Map.of("sub", NEWS, "iat", clock.instant().getEpochSecond(), "jti", "c-4",
                "opt_out", Map.of("paths", List.of("drafts/")))));
        assertThat(badPath.statusCode()).isEqualTo(400);
        assertThat(json(badPath).get("error_description").textValue()).contains("opt_out.paths");
        assertThat(change("not a jws").statusCode()).isEqualTo(400);

        // An operator sets it on the member's instruction; the history keeps both, the member's with its signed request.
        JsonNode set = json(admin(Map.of("op", "consent.set", "origin", NEWS, "opt_out", Map.of())));
        assertThat(set.get("version").longValue()).isEqualTo(2);
        assertThat(doc(read(NEWS, news)).optOut().isEmpty()).isTrue();
        JsonNode shown = json(admin(Map.of("op", "consent.show", "origin", NEWS)));
        assertThat(shown.get("history")).hasSize(2);
        assertThat(shown.at("/history/0/set_by").textValue()).isEqualTo("member " + news.thumbprint());
        assertThat(shown.at("/history/0/evidence").textValue()).isEqualTo(first);
        assertThat(shown.at("/history/1/set_by").textValue()).isEqualTo("operator");
        assertThat(admin(Map.of("op", "consent.set", "origin", NEWS, "opt_out", Map.of("licensees", List.of("x")))).statusCode()).isEqualTo(400);
        assertThat(json(admin(Map.of("op", "audit"))).toString()).contains("consent.set");
        assertThat(doc(read(BLOG, blog)).version()).as("the other member's consent is its own").isZero();
    }

    @Test
    void licensesAlwaysNameTheirAgreement_soThatAnOptOutOfOneAgreementCanBeEnforced() throws Exception {
        LicenseClaims c = verifier().verify(obtain()).claims();
        assertThat(c.agreement()).isPresent();
        assertThat(c.agreement().get().uri()).hasToString("https://licenses.collective.example/agreements/a1");
        String grant = issuer.collective().store().agreements(java.util.Optional.of("crawler-co")).get(0).grantJson();
        assertThat(c.agreement().get().sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(grant.getBytes(StandardCharsets.UTF_8))));
    }

    String signRaw(SigningKey key, Map<String, Object> claims) {
        return org.cb4i.sdk.jose.CompactJws.sign(key, ConsentRequest.TYP, claims);
    }
}
