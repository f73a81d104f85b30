package org.cb4i.sdk.terms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import org.cb4i.sdk.json.Json;
import org.junit.jupiter.api.Test;

/** [DSC-7]: a site's TDM policy follows TDMRep's ODRL profile, and the check finds each way a policy can break it. */
class TdmPolicyTest {
    static ObjectNode site() throws Exception {
        return (ObjectNode) Json.mapper().readTree(TdmPolicy.forSite("https://news.example", URI.create("https://news.example/license.xml")));
    }

    @Test
    void aSitesPolicy_isAnOfferOfTheProfile_toMineOnceConsentIsObtained() throws Exception {
        ObjectNode p = site();
        assertThat(TdmPolicy.problems(p)).isEmpty();
        assertThat(p.get("@context").get(0).textValue()).isEqualTo("http://www.w3.org/ns/odrl.jsonld");
        assertThat(p.get("@context").get(1).get("tdm").textValue()).isEqualTo("http://www.w3.org/ns/tdmrep#");
        assertThat(p.get("uid").textValue()).isEqualTo("https://news.example/.well-known/cb4i/tdm-policy.json");
        assertThat(p.get("assigner").get("uid").textValue()).isEqualTo("https://news.example");
        assertThat(p.get("assigner").get("vcard:hasURL").textValue()).isEqualTo("https://news.example/license.xml");
        JsonNode perm = p.get("permission").get(0);
        assertThat(perm.get("action").textValue()).isEqualTo("tdm:mine");
        assertThat(perm.get("target").textValue()).isEqualTo("https://news.example/");
        assertThat(perm.get("duty").get(0).get("action").textValue()).isEqualTo("obtainConsent");
    }

    @Test
    void eachBreachOfTheProfile_isNamed() throws Exception {
        ObjectNode p = site();
        p.put("@type", "Set");
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("@type must be Offer");
        p = site();
        p.put("profile", "http://example.com/other");
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("profile must be");
        p = site();
        p.put("uid", "policy-1");
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("uid must be an absolute IRI");
        p = site();
        p.remove("assigner");
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("assigner");
        p = site();
        p.putArray("prohibition");
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("no prohibition");
        p = site();
        ((ObjectNode) p.get("permission").get(0)).put("action", "use");
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("action must be tdm:mine");
        p = site();
        p.remove("permission");
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("a permission");
        p = site();
        ((ArrayNode) p.get("@context")).remove(0);
        assertThat(TdmPolicy.problems(p)).singleElement().asString().contains("@context");
        assertThat(TdmPolicy.problems(Json.mapper().readTree("[]"))).containsExactly("a policy is a JSON object");
    }
}
