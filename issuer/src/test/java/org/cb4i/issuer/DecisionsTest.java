package org.cb4i.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.decision.DecisionRequest;
import org.cb4i.sdk.decision.Tally;
import org.cb4i.sdk.httpsig.SignatureHeaders;
import org.cb4i.sdk.httpsig.SignaturePolicy;
import org.cb4i.sdk.httpsig.SignedRequest;
import org.cb4i.sdk.httpsig.WebBotAuthSigner;
import org.cb4i.sdk.key.KeyAlgorithm;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.status.StatusValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * [DEC-1] [DEC-2] [DEC-4] [DEC-5] [DEC-6] [DEC-7]: members decide a strike by vote over HTTP, each signing with its own
 * content key; a passed proposal is executed through the status lists at once, a proposal without its quorum fails at
 * its deadline, a member's weight counts as that many votes, and every step is in the audit trail.
 */
class DecisionsTest extends IssuerFixture {
    static final List<String> ORIGINS = List.of("https://a.example", "https://b.example", "https://c.example");
    final SigningKey[] keys = new SigningKey[3];
    int jti;

    @BeforeEach
    void members() throws Exception {
        for (int i = 0; i < 3; i++) {
            keys[i] = KeyFiles.generate(KeyAlgorithm.ED25519);
            assertThat(admin(Map.of("op", "member.add", "origin", ORIGINS.get(i), "content_keys", KeySet.of(keys[i].publicKey()).toJsonObject()))
                    .statusCode()).isEqualTo(200);
        }
    }

    HttpResponse<String> decide(String compact) throws Exception {
        return postRaw("/decisions", compact, Map.of("Content-Type", "application/decision-request+jwt"));
    }

    HttpResponse<String> propose(int member, String action, Optional<String> licensee, String reason) throws Exception {
        return decide(DecisionRequest.propose(keys[member], ORIGINS.get(member), clock.instant(), "j" + (++jti),
                new DecisionRequest.Proposal(action, licensee, Optional.empty(), reason)));
    }

    HttpResponse<String> vote(int member, String proposal, Tally.Vote v) throws Exception {
        return decide(DecisionRequest.vote(keys[member], ORIGINS.get(member), clock.instant(), "j" + (++jti), proposal, v));
    }

    HttpResponse<String> proposals(SigningKey key) throws Exception {
        SignatureHeaders sig = new WebBotAuthSigner(key, clock).sign(SignedRequest.of("GET", URI.create("https://127.0.0.1:" + issuer.port() + "/proposals")),
                SignaturePolicy.PER_REQUEST);
        return http.send(HttpRequest.newBuilder(URI.create(base + "/proposals")).header("Signature-Input", sig.signatureInput())
                .header("Signature", sig.signature()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void membersStrikeByVote_andThePassedProposalIsExecutedThroughTheStatusLists() throws Exception {
        String token = obtain();
        assertThat(statusOf(token)).isEqualTo(StatusValue.VALID);

        HttpResponse<String> opened = propose(0, "strike", Optional.of("crawler-co"), "crawler-co trains on drafts it was not licensed for");
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        JsonNode p = json(opened);
        String id = p.get("id").textValue();
        assertThat(p.get("state").textValue()).isEqualTo("open");
        assertThat(p.get("electorate").intValue()).isEqualTo(3);
        assertThat(p.get("quorum").intValue()).isEqualTo(50);
        assertThat(p.get("deadline").longValue() - p.get("opened").longValue()).isEqualTo(Duration.ofDays(7).toSeconds());

        JsonNode afterB = json(vote(1, id, Tally.Vote.YES));
        assertThat(afterB.get("state").textValue()).as("1 yes of 3: the other two could still say no").isEqualTo("open");
        assertThat(afterB.get("your_vote").textValue()).isEqualTo("yes");
        JsonNode listed = json(proposals(keys[2])).get("proposals").get(0);
        assertThat(listed.get("id").textValue()).isEqualTo(id);
        assertThat(listed.get("yes").intValue()).isEqualTo(1);
        assertThat(listed.has("your_vote")).as("c has not voted").isFalse();
        assertThat(statusOf(token)).as("not yet decided").isEqualTo(StatusValue.VALID);

        JsonNode afterA = json(vote(0, id, Tally.Vote.YES));
        assertThat(afterA.get("state").textValue()).as("2 yes of 3: passed whatever c votes, and executed at once").isEqualTo("executed");
        assertThat(statusOf(token)).isEqualTo(StatusValue.SUSPENDED);
        JsonNode notice = json(get("/notices")).at("/items/0/_cb4i");
        assertThat(notice.get("kind").textValue()).as("[NTC-1] the strike is public, naming the vote").isEqualTo("strike");
        assertThat(notice.get("proposal").textValue()).isEqualTo(id);

        HttpResponse<String> late = vote(2, id, Tally.Vote.NO);
        assertThat(late.statusCode()).as("decided: the vote is over").isEqualTo(409);
        HttpResponse<String> twice = vote(1, id, Tally.Vote.NO);
        assertThat(twice.statusCode()).isEqualTo(409);

        // The members end it the same way; an operator may open the proposal but has no vote.
        JsonNode resume = json(admin(Map.of("op", "proposal.open", "action", "resume", "scope", Map.of("licensee", "crawler-co"), "reason",
                "crawler-co deleted the drafts")));
        String rid = resume.get("id").textValue();
        assertThat(resume.get("opened_by").textValue()).isEqualTo("operator");
        assertThat(admin(Map.of("op", "vote", "id", rid, "vote", "yes")).statusCode()).as("there is no operator's vote").isEqualTo(400);
        vote(1, rid, Tally.Vote.YES);
        assertThat(json(vote(2, rid, Tally.Vote.YES)).get("state").textValue()).isEqualTo("executed");
        assertThat(statusOf(token)).isEqualTo(StatusValue.VALID);

        JsonNode shown = json(admin(Map.of("op", "proposal.show", "id", id)));
        assertThat(shown.get("votes")).hasSize(2);
        assertThat(shown.at("/votes/0/evidence").textValue()).startsWith("ey");
        String audit = json(admin(Map.of("op", "audit"))).toString();
        assertThat(audit).contains("proposal.open", "proposal.vote", "proposal.passed", "proposal.executed");
    }

    @Test
    void aMembersWeightCountsAsThatManyVotes() throws Exception {
        issuer.close();
        issuer = startIssuer(config().withDecisions(new org.cb4i.issuer.config.IssuerConfig.Decisions(50, 50, Duration.ofDays(7),
                Map.of("https://a.example", 3))));
        String token = obtain();
        JsonNode p = json(propose(1, "strike", Optional.of("crawler-co"), "b and c want it; a weighs 3"));
        assertThat(p.get("electorate").intValue()).as("3 + 1 + 1 votes").isEqualTo(5);
        vote(1, p.get("id").textValue(), Tally.Vote.YES);
        JsonNode afterC = json(vote(2, p.get("id").textValue(), Tally.Vote.YES));
        assertThat(afterC.get("yes").intValue()).isEqualTo(2);
        assertThat(afterC.get("state").textValue()).as("2 yes of 5: a's 3 could still sink it").isEqualTo("open");
        JsonNode afterA = json(vote(0, p.get("id").textValue(), Tally.Vote.NO));
        assertThat(afterA.get("no").intValue()).isEqualTo(3);
        assertThat(afterA.get("state").textValue()).isEqualTo("failed");
        assertThat(statusOf(token)).isEqualTo(StatusValue.VALID);
        int weightOfA = 0;
        for (JsonNode v : json(admin(Map.of("op", "proposal.show", "id", p.get("id").textValue()))).get("votes")) {
            if (v.get("member").textValue().equals("https://a.example")) {
                weightOfA = v.get("weight").intValue();
            }
        }
        assertThat(weightOfA).isEqualTo(3);
    }

    @Test
    void anOrganisationWithSeveralSitesHasOneVote() throws Exception {
        SigningKey d = KeyFiles.generate(KeyAlgorithm.ED25519);
        SigningKey e = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThat(admin(Map.of("op", "member.add", "origin", "https://d.example", "organisation", "Press Group", "content_keys",
                KeySet.of(d.publicKey()).toJsonObject())).statusCode()).isEqualTo(200);
        assertThat(admin(Map.of("op", "member.add", "origin", "https://e.example", "organisation", "Press Group", "content_keys",
                KeySet.of(e.publicKey()).toJsonObject())).statusCode()).isEqualTo(200);
        JsonNode p = json(propose(0, "strike", Optional.empty(), "renegotiate"));
        assertThat(p.get("electorate").intValue()).as("a, b, c and the Press Group").isEqualTo(4);
        String id = p.get("id").textValue();
        HttpResponse<String> byD = decide(DecisionRequest.vote(d, "https://d.example", clock.instant(), "d1", id, Tally.Vote.NO));
        assertThat(json(byD).get("your_vote").textValue()).isEqualTo("no");
        HttpResponse<String> byE = decide(DecisionRequest.vote(e, "https://e.example", clock.instant(), "e1", id, Tally.Vote.YES));
        assertThat(byE.statusCode()).as("the organisation has voted through its other site").isEqualTo(409);
        JsonNode listed = json(proposals(e)).get("proposals").get(0);
        assertThat(listed.get("your_vote").textValue()).as("the organisation's vote, seen from either site").isEqualTo("no");
        assertThat(listed.get("no").intValue()).isEqualTo(1);
        assertThat(json(admin(Map.of("op", "member.list"))).toString()).contains("\"organisation\":\"Press Group\"");
    }

    @Test
    void aProposalWithoutItsQuorumFailsAtItsDeadline_andBadRequestsAreRefusedNamingWhy() throws Exception {
        String id = json(propose(2, "strike", Optional.empty(), "every licensee: the collective renegotiates")).get("id").textValue();
        assertThat(json(vote(2, id, Tally.Vote.YES)).get("state").textValue()).as("1 of 3 voted: no quorum yet").isEqualTo("open");
        clock.advance(Duration.ofDays(7).plusSeconds(1));
        assertThat(issuer.collective().decisions().settleDue()).anyMatch(l -> l.contains(id + " failed"));
        assertThat(json(admin(Map.of("op", "proposal.show", "id", id))).get("state").textValue()).isEqualTo("failed");
        assertThat(vote(0, id, Tally.Vote.YES).statusCode()).isEqualTo(409);

        SigningKey stranger = KeyFiles.generate(KeyAlgorithm.ED25519);
        assertThat(decide(DecisionRequest.vote(stranger, ORIGINS.get(0), clock.instant(), "s1", id, Tally.Vote.YES)).statusCode())
                .as("signed by a key that is not the member's").isEqualTo(401);
        assertThat(decide(DecisionRequest.vote(stranger, "https://stranger.example", clock.instant(), "s2", id, Tally.Vote.YES)).statusCode())
                .as("not a member").isEqualTo(401);
        assertThat(proposals(stranger).statusCode()).isEqualTo(401);
        HttpResponse<String> stale = decide(DecisionRequest.vote(keys[0], ORIGINS.get(0), clock.instant().minusSeconds(300), "s3", id, Tally.Vote.YES));
        assertThat(stale.statusCode()).isEqualTo(400);
        assertThat(json(stale).get("error_description").textValue()).contains("iat");
        assertThat(vote(0, "P999", Tally.Vote.YES).statusCode()).isEqualTo(404);
        String once = DecisionRequest.propose(keys[0], ORIGINS.get(0), clock.instant(), "same", new DecisionRequest.Proposal("strike", Optional.empty(),
                Optional.empty(), "x"));
        assertThat(decide(once).statusCode()).isEqualTo(200);
        assertThat(decide(once).statusCode()).as("a replayed request").isEqualTo(409);
        HttpResponse<String> unknown = propose(0, "strike", Optional.of("no-such-licensee"), "x");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("error_description").textValue()).contains("no-such-licensee");
        assertThat(admin(Map.of("op", "proposal.open", "action", "boycott", "scope", Map.of("all", true), "reason", "x")).statusCode()).isEqualTo(400);
    }
}
