package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cb4i.sdk.decision.DecisionRequest;
import org.cb4i.sdk.decision.Tally;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.status.StatusListCache;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.LicenseClaims;
import org.junit.jupiter.api.Test;

/**
 * A strike of one usage ([STS-9], [DEC-1], [DEC-4]): each license carries a status index of its own for each of the
 * narrowest usages its grant covers, next to its own; striking {@code ai-train} suspends only that index, so the
 * license's search keeps working; a license issued during the strike is born struck; the strike is published with its
 * usage, decided by an operator or by the members' vote, and ends the same way.
 */
class UsageStrikesTest extends IssuerFixture {
    /** The status of each reference of a license as the published list says now, judged for {@code needed} as a proxy does. */
    StatusValue judged(LicenseClaims c, Set<Usage> needed) throws Exception {
        HttpResponse<String> r = get(java.net.URI.create(c.status().orElseThrow().uri().toString()).getPath());
        StatusListToken list = StatusListToken.verify(r.body(), c.status().get().uri(), KeySet.of(collectiveKey.publicKey()));
        return StatusListCache.judge(c, needed, ref -> {
            assertThat(ref.uri()).as("every index of a license is in the list of its own status").isEqualTo(c.status().get().uri());
            return list.list().status((int) ref.idx());
        });
    }

    LicenseClaims issue(String agreement) throws Exception {
        HttpResponse<String> r = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", agreement));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return verifier().verify(json(r).get("access_token").textValue()).claims();
    }

    @Test
    void aStrikeOfAiTrain_suspendsOnlyThatUsage_andALicenseIssuedDuringItIsBornStruck() throws Exception {
        assertThat(admin(Map.of("op", "agreement.add", "id", "a2", "licensee", "crawler-co", "grant", Map.of("usages", List.of("ai-all", "search")),
                "not_after", clock.instant().plus(Duration.ofDays(30)).getEpochSecond())).statusCode()).isEqualTo(200);
        LicenseClaims both = issue("a2");
        long idx = both.status().orElseThrow().idx();
        assertThat(both.usageStatus().keySet()).as("one index for each narrowest usage ai-all and search cover").containsExactly(Usage.AI_TRAIN,
                Usage.AI_INPUT, Usage.AI_INDEX, Usage.SEARCH);
        assertThat(both.usageStatus().values().stream().map(r -> r.idx()).toList()).containsExactly(idx + 1, idx + 2, idx + 3, idx + 4);

        JsonNode struck = json(admin(Map.of("op", "strike", "all", true, "usage", "ai-train", "reason", "no training until the rates are agreed")));
        assertThat(struck.get("usage").asText()).isEqualTo("ai-train");
        assertThat(struck.has("notice")).isTrue();
        assertThat(judged(both, EnumSet.of(Usage.AI_TRAIN))).isEqualTo(StatusValue.SUSPENDED);
        assertThat(judged(both, EnumSet.of(Usage.AI_ALL))).as("ai-all covers ai-train").isEqualTo(StatusValue.SUSPENDED);
        assertThat(judged(both, EnumSet.of(Usage.SEARCH))).as("its other usages keep working").isEqualTo(StatusValue.VALID);
        assertThat(judged(both, EnumSet.of(Usage.AI_INPUT))).isEqualTo(StatusValue.VALID);
        JsonNode introspected = json(post("/introspect", Map.of("token", tokenOf("a2")), Map.of()));
        assertThat(introspected.get("active").asBoolean()).as("the license itself is valid").isTrue();
        assertThat(introspected.get("usage_status").get("ai-train").asText()).isEqualTo("SUSPENDED");
        assertThat(introspected.get("usage_status").get("search").asText()).isEqualTo("VALID");

        // A license issued while ai-train is struck carries the strike from its first second.
        LicenseClaims born = issue("a1");
        assertThat(judged(born, EnumSet.of(Usage.AI_TRAIN))).isEqualTo(StatusValue.SUSPENDED);

        JsonNode feed = json(get("/notices"));
        JsonNode latest = feed.get("items").get(0);
        assertThat(latest.get("title").asText()).isEqualTo("Strike: every licensee, for ai-train only");
        assertThat(latest.at("/_cb4i/scope/usage").asText()).isEqualTo("ai-train");
        JsonNode status = json(admin(Map.of("op", "status")));
        assertThat(status.get("strike_all").asBoolean()).isFalse();
        assertThat(status.get("usage_strikes").toString()).contains("every licensee").contains("ai-train");

        JsonNode again = json(admin(Map.of("op", "strike", "all", true, "usage", "ai-train")));
        assertThat(again.has("notice")).as("a strike already on is not announced twice").isFalse();
        HttpResponse<String> wide = admin(Map.of("op", "strike", "all", true, "usage", "ai-all"));
        assertThat(wide.statusCode()).isEqualTo(400);
        assertThat(wide.body()).contains("ai-train, ai-input, ai-index or search");

        assertThat(json(admin(Map.of("op", "resume", "all", true, "usage", "ai-train"))).has("notice")).isTrue();
        assertThat(judged(both, EnumSet.of(Usage.AI_TRAIN))).isEqualTo(StatusValue.VALID);
        assertThat(judged(born, EnumSet.of(Usage.AI_TRAIN))).isEqualTo(StatusValue.VALID);
    }

    @Test
    void aProposalOfOneUsageForOneLicensee_passesByTheMembersVote_andIsExecutedForThatUsageOnly() throws Exception {
        SigningKey member = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThat(admin(Map.of("op", "member.add", "origin", "https://a.example", "content_keys", KeySet.of(member.publicKey()).toJsonObject()))
                .statusCode()).isEqualTo(200);
        LicenseClaims train = issue("a1");
        DecisionRequest.Proposal p = new DecisionRequest.Proposal("strike", Optional.of("crawler-co"), Optional.of(Usage.AI_TRAIN), Optional.empty(),
                "trained on drafts");
        HttpResponse<String> opened = postRaw("/decisions", DecisionRequest.propose(member, "https://a.example", clock.instant(), "j1", p),
                Map.of("Content-Type", "application/decision-request+jwt"));
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        JsonNode shown = json(opened);
        JsonNode scope = org.cb4i.sdk.json.Json.mapper().valueToTree(Map.of("licensee", "crawler-co", "usage", "ai-train"));
        assertThat(shown.get("scope")).isEqualTo(scope);
        String id = shown.get("id").asText();
        HttpResponse<String> voted = postRaw("/decisions", DecisionRequest.vote(member, "https://a.example", clock.instant(), "j2", id, Tally.Vote.YES),
                Map.of("Content-Type", "application/decision-request+jwt"));
        assertThat(voted.statusCode()).as(voted.body()).isEqualTo(200);
        assertThat(json(voted).get("state").asText()).isEqualTo("executed");
        assertThat(judged(train, EnumSet.of(Usage.AI_TRAIN))).isEqualTo(StatusValue.SUSPENDED);
        assertThat(json(admin(Map.of("op", "status"))).get("withheld")).as("the licensee itself is not suspended").isEmpty();
        JsonNode notice = json(get("/notices")).get("items").get(0);
        assertThat(notice.at("/_cb4i/scope")).isEqualTo(scope);
        assertThat(notice.at("/_cb4i/proposal").asText()).isEqualTo(id);

        HttpResponse<String> badUsage = admin(Map.of("op", "proposal.open", "action", "strike", "scope", Map.of("all", true, "usage", "all"), "reason",
                "every use"));
        assertThat(badUsage.statusCode()).isEqualTo(400);
        assertThat(badUsage.body()).contains("propose.scope.usage");
    }

    String tokenOf(String agreement) throws Exception {
        HttpResponse<String> r = tokenRequest(crawler, Map.of("grant_type", "client_credentials", "agreement", agreement));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("access_token").textValue();
    }
}
