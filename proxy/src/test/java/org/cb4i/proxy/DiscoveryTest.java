package org.cb4i.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.RobotsTxt;
import org.cb4i.sdk.terms.RslDocument;
import org.cb4i.sdk.terms.RslReader;
import org.cb4i.sdk.terms.TdmRep;
import org.cb4i.sdk.terms.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The terms the proxy publishes for its site ([DSC-1], [DSC-2], [DSC-3], [DSC-4], [DSC-5], [DSC-6]), read back with cb4i's own readers. */
class DiscoveryTest {
    @TempDir
    java.nio.file.Path dir;
    ProxyHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ProxyHarness(dir).start("content_usage: \"train-ai=n, search=y\"\n");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void robotsTxt_keepsTheOriginsRules_andAddsLicenseAndContentUsage() throws Exception {
        HttpResponse<byte[]> r = h.get("/robots.txt", "User-Agent", "GPTBot");
        assertThat(r.statusCode()).isEqualTo(200);
        RobotsTxt robots = RobotsTxt.parse(r.body());
        RobotsTxt.Selection s = robots.forAgent("GPTBot");
        assertThat(s.licenses()).extracting(URI::toString).containsExactly("https://news.example/license.xml");
        assertThat(s.isAllowed("/private/x")).as("the origin's Disallow is kept").isFalse();
        assertThat(s.signalsFor("/articles/a").get(Usage.AI_TRAIN)).isEqualTo(org.cb4i.sdk.terms.Preference.DISALLOWED);
    }

    @Test
    void theEmbeddedDefault_namesItsIssuersTokenEndpoint_soItsRslNamesTheLicenseServer() throws Exception {
        var c = org.cb4i.proxy.sample.EmbeddedDefault.config(dir.resolve("state"), 0, 1);
        assertThat(c.issuers().get(0).tokenEndpoint()).hasValue(org.cb4i.proxy.sample.EmbeddedDefault.TOKEN_ENDPOINT);
    }

    @Test
    void licenseXml_describesThePolicy() throws Exception {
        HttpResponse<byte[]> r = h.get("/license.xml");
        assertThat(r.headers().firstValue("Content-Type")).contains(RslDocument.MEDIA_TYPE);
        RslDocument doc = RslReader.read(r.body(), "license.xml");
        assertThat(doc.permittedUsages(URI.create("https://news.example/articles/a.html"))).contains(java.util.Set.of(Usage.AI_TRAIN));
        assertThat(doc.permittedUsages(URI.create("https://news.example/free/a.html")).orElseThrow()).contains(Usage.ALL);
        assertThat(doc.permittedUsages(URI.create("https://news.example/private/a.html")).orElseThrow()).isEmpty();
        // RSL: server is the license server's base; its OLP endpoints (/token) are relative to it.
        assertThat(new String(r.body())).contains("server=\"https://collective.example\"");
    }

    @Test
    void wellKnown_andTdmRep_areServed() throws Exception {
        JsonNode wk = Json.mapper().readTree(h.get("/.well-known/cb4i").body());
        assertThat(wk.get("publisher").textValue()).isEqualTo("https://news.example");
        assertThat(wk.get("logs").get(0).get("log_id").textValue()).isEqualTo(h.proxy.log().logId());
        assertThat(wk.get("signature_policy").textValue()).isEqualTo("per-request");
        TdmRep tdm = TdmRep.parse(new String(h.get("/.well-known/tdmrep.json").body()), "tdmrep.json");
        assertThat(tdm.ruleFor("/articles/a.html").orElseThrow().reservation()).isEqualTo(1);
        // [DSC-7]: a reserved rule names the site's TDM policy, served as JSON-LD of TDMRep's ODRL profile.
        assertThat(tdm.ruleFor("/articles/a.html").orElseThrow().policy()).hasValue(java.net.URI.create("https://news.example/.well-known/cb4i/tdm-policy.json"));
        var policy = h.get("/.well-known/cb4i/tdm-policy.json");
        assertThat(policy.headers().firstValue("Content-Type")).hasValue("application/ld+json");
        assertThat(org.cb4i.sdk.terms.TdmPolicy.problems(Json.mapper().readTree(policy.body()))).isEmpty();
        assertThat(tdm.ruleFor("/free/a.html").orElseThrow().reservation()).isEqualTo(0);
    }

    @Test
    void responses_carryContentUsage() throws Exception {
        assertThat(h.get("/free/x").headers().firstValue("Content-Usage")).contains("train-ai=n, search=y");
    }
}
