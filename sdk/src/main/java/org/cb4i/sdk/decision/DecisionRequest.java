package org.cb4i.sdk.decision;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cb4i.sdk.Reason;
import org.cb4i.sdk.RejectedException;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.member.MemberSignedRequest;

/**
 * What a member signs to act in the collective's decisions ({@code typ: decision-request+jwt}; SPEC.md [DEC-6]): open
 * a proposal, or cast its vote on one.
 */
public final class DecisionRequest {
    public static final String TYP = "decision-request+jwt";

    private DecisionRequest() {}

    /**
     * A proposal as asked ([DEC-1]).
     *
     * @param licensee the one licensee concerned, or empty for all
     * @param effective when it takes effect once passed, if not at once
     */
    public record Proposal(String action, Optional<String> licensee, Optional<org.cb4i.sdk.terms.Usage> usage, Optional<Instant> effective,
            String reason) {
        public Proposal {
            if (!action.equals("strike") && !action.equals("resume")) {
                throw new RejectedException(Reason.INVALID_CLAIM, "propose.action must be strike or resume; found \"" + action + "\"");
            }
            if (reason.isBlank() || reason.length() > 2000) {
                throw new RejectedException(Reason.INVALID_CLAIM, "propose.reason must say why, in at most 2000 characters");
            }
            if (usage.isPresent() && !org.cb4i.sdk.terms.Usage.NARROWEST.contains(usage.get())) {
                throw new RejectedException(Reason.INVALID_CLAIM, "propose.scope.usage must be one of ai-train, ai-input, ai-index or search; found \""
                        + usage.get().token() + "\"");
            }
        }

        /** A proposal about every usage of its scope's licenses. */
        public Proposal(String action, Optional<String> licensee, Optional<Instant> effective, String reason) {
            this(action, licensee, Optional.empty(), effective, reason);
        }

        /** The scope as JSON ({@link DecisionRequest#scope}). */
        public Map<String, Object> scope() {
            return DecisionRequest.scope(licensee, usage);
        }

        /** As JSON: {@code {action, scope, effective?, reason}}. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", action);
            m.put("scope", scope());
            effective.ifPresent(e -> m.put("effective", e.getEpochSecond()));
            m.put("reason", reason);
            return m;
        }

        /**
         * Reads a proposal ({@code propose} of a request, or an operator's).
         *
         * @throws RejectedException {@link Reason#INVALID_CLAIM} naming the member at fault
         */
        public static Proposal read(JsonNode p) {
            if (p == null || !p.isObject()) {
                throw new RejectedException(Reason.INVALID_CLAIM, "propose must be an object {action, scope, effective?, reason}");
            }
            for (var it = p.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!java.util.Set.of("action", "scope", "effective", "reason").contains(k)) {
                    throw new RejectedException(Reason.INVALID_CLAIM, "propose has the unknown member \"" + k + "\" (action, scope, effective, reason)");
                }
            }
            JsonNode scope = p.get("scope");
            Optional<String> licensee;
            Optional<org.cb4i.sdk.terms.Usage> usage = Optional.empty();
            int members = scope == null || !scope.isObject() ? 0 : scope.size() - (scope.has("usage") ? 1 : 0);
            if (scope != null && scope.has("usage")) {
                usage = Optional.of(org.cb4i.sdk.terms.Usage.parse(scope.get("usage").asText("")).filter(org.cb4i.sdk.terms.Usage.NARROWEST::contains)
                        .orElseThrow(() -> new RejectedException(Reason.INVALID_CLAIM, "propose.scope.usage must be one of ai-train, ai-input, "
                                + "ai-index or search; found " + scope.get("usage"))));
            }
            if (members == 1 && scope.path("all").asBoolean(false)) {
                licensee = Optional.empty();
            } else if (members == 1 && scope.path("licensee").isTextual() && !scope.get("licensee").textValue().isEmpty()) {
                licensee = Optional.of(scope.get("licensee").textValue());
            } else {
                throw new RejectedException(Reason.INVALID_CLAIM, "propose.scope must be {\"all\": true} or {\"licensee\": \"<id>\"}, with "
                        + "\"usage\" to concern one usage only");
            }
            Optional<Instant> effective = Optional.empty();
            if (p.has("effective")) {
                JsonNode e = p.get("effective");
                if (!e.isIntegralNumber() || e.longValue() < 0 || e.longValue() >= (1L << 53)) {
                    throw new RejectedException(Reason.INVALID_CLAIM, "propose.effective must be a NumericDate (seconds since the epoch)");
                }
                effective = Optional.of(Instant.ofEpochSecond(e.longValue()));
            }
            return new Proposal(p.path("action").asText(""), licensee, usage, effective, p.path("reason").asText(""));
        }
    }

    /**
     * A strike's scope as JSON, as proposals ([DEC-1]) and notices ([NTC-1]) write it: {@code {"all": true}} or
     * {@code {"licensee": id}}, with {@code usage} when it concerns one usage only ([STS-9]).
     */
    public static Map<String, Object> scope(Optional<String> licensee, Optional<org.cb4i.sdk.terms.Usage> usage) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (licensee.isPresent()) {
            m.put("licensee", licensee.get());
        } else {
            m.put("all", true);
        }
        usage.ifPresent(u -> m.put("usage", u.token()));
        return m;
    }

    /** A verified request: who, and either the proposal or the vote. */
    public record Verified(MemberSignedRequest request, Optional<Proposal> propose, Optional<String> proposal, Optional<Tally.Vote> vote) {}

    public static String propose(SigningKey memberKey, String member, Instant iat, String jti, Proposal p) {
        return MemberSignedRequest.sign(memberKey, TYP, member, iat, jti, Map.of("propose", p.toJson()));
    }

    public static String vote(SigningKey memberKey, String member, Instant iat, String jti, String proposal, Tally.Vote v) {
        return MemberSignedRequest.sign(memberKey, TYP, member, iat, jti, Map.of("vote", Map.of("proposal", proposal, "vote", v.token())));
    }

    /** The member a request names, before it is verified. */
    public static String memberOf(String compact) {
        return MemberSignedRequest.memberOf(compact, TYP, "decision request");
    }

    /**
     * Verifies a request with the member's keys, fresh at {@code now}, and reads what it asks.
     *
     * @throws RejectedException naming what is wrong
     */
    public static Verified verify(String compact, KeySet memberKeys, Instant now) {
        MemberSignedRequest r = MemberSignedRequest.verify(compact, TYP, "decision request", memberKeys, now);
        boolean propose = r.claims().has("propose");
        boolean vote = r.claims().has("vote");
        if (propose == vote) {
            throw new RejectedException(Reason.INVALID_CLAIM, "a decision request carries either \"propose\" or \"vote\", exactly one");
        }
        if (propose) {
            return new Verified(r, Optional.of(Proposal.read(r.claims().get("propose"))), Optional.empty(), Optional.empty());
        }
        JsonNode v = r.claims().get("vote");
        if (!v.isObject() || !v.path("proposal").isTextual() || v.path("proposal").textValue().isEmpty()) {
            throw new RejectedException(Reason.INVALID_CLAIM, "vote must be {\"proposal\": \"<id>\", \"vote\": \"yes|no|abstain\"}");
        }
        Tally.Vote choice = Tally.Vote.parse(v.path("vote").asText("")).orElseThrow(() -> new RejectedException(Reason.INVALID_CLAIM,
                "vote.vote must be yes, no or abstain; found " + v.path("vote")));
        return new Verified(r, Optional.empty(), Optional.of(v.get("proposal").textValue()), Optional.of(choice));
    }
}
