package org.cb4i.issuer.collective;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.DecisionStore;
import org.cb4i.issuer.store.DecisionStore.ProposalRow;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.decision.DecisionRequest;
import org.cb4i.sdk.decision.Tally;

/**
 * The collective's decisions (SPEC.md §17): proposals opened by members or operators, one vote per member of the
 * electorate, the outcome by [DEC-3] (as soon as it cannot change, or at the deadline), and a passed proposal executed
 * through the status lists at its time, with its public notice ([DEC-4], [NTC-1]). Thread-safe: the store serialises every change.
 */
public final class Decisions {
    private final Collective collective;

    Decisions(Collective collective) {
        this.collective = collective;
    }

    private DecisionStore store() {
        return collective.store().decisions();
    }

    /**
     * Opens a proposal; its electorate is every current member, its rules the configuration's now ([DEC-1]).
     *
     * @param openedBy {@code member <origin> <key thumbprint>} or {@code operator}
     * @throws StoreException (invalid) for an unknown licensee or a collective without members
     */
    public ProposalRow open(DecisionRequest.Proposal p, String openedBy, Optional<String> evidence) {
        if (p.licensee().isPresent() && collective.store().licensee(p.licensee().get()).isEmpty()) {
            throw StoreException.invalid("scope.licensee: no licensee " + p.licensee().get());
        }
        Instant now = collective.now();
        IssuerConfig.Decisions rules = collective.config().decisions();
        // One voice per member organisation: its sites share it ([DEC-2]); its weight is the organisation's (by its
        // name, or, for a site that is its own organisation, by its origin).
        Map<String, Integer> electorate = new LinkedHashMap<>();
        for (IssuerStore.MemberRow m : collective.store().members()) {
            if (collective.currentMember(m.origin()).map(c -> c.seq() == m.seq()).orElse(false)) {
                electorate.putIfAbsent(m.organisation(), rules.weightOf(voterKey(m)));
            }
        }
        if (electorate.isEmpty()) {
            throw StoreException.invalid("the collective has no members to vote");
        }
        ProposalRow row = store().open(p.action(), p.licensee(), p.usage().map(org.cb4i.sdk.terms.Usage::token), p.effective(), p.reason(), now, now.plus(rules.votingPeriod()), openedBy, electorate,
                rules.quorum(), rules.majority(), evidence);
        settle(row.id());
        return store().proposal(row.id()).orElseThrow();
    }

    /**
     * Casts a member's vote ([DEC-2]) and settles the proposal if its outcome can no longer change.
     *
     * @throws StoreException not found (no such proposal), conflict (voted already, decided, past its deadline), invalid
     *     (the member is not of its electorate)
     */
    public ProposalRow vote(String id, IssuerStore.MemberRow member, Tally.Vote vote, String evidence) {
        ProposalRow p = store().proposal(id).orElseThrow(() -> StoreException.notFound("no proposal " + id));
        if (!p.state().equals("open")) {
            throw StoreException.conflict("proposal " + id + " is " + p.state() + "; its vote is over");
        }
        if (!collective.now().isBefore(p.deadline())) {
            settle(id);
            throw StoreException.conflict("proposal " + id + "'s vote closed at " + p.deadline());
        }
        if (!store().inElectorate(id, member.organisation())) {
            throw StoreException.invalid(member.organisation() + " was not a member when " + id + " was opened; it has no vote on it");
        }
        store().vote(id, member.organisation(), vote.token(), collective.now(), evidence);
        settle(id);
        return store().proposal(id).orElseThrow();
    }

    /** How the configured weights name a voter: its organisation's name, or a site that is its own organisation by its origin. */
    private static String voterKey(IssuerStore.MemberRow m) {
        return m.organisation().equals(m.origin()) ? org.cb4i.sdk.token.PathScope.normaliseOrigin(m.origin()) : m.organisation();
    }

    /** The tally of a proposal now, in votes (each member's weight; one by default, [DEC-2]). */
    public Tally tally(ProposalRow p) {
        int y = 0;
        int n = 0;
        int a = 0;
        for (DecisionStore.VoteRow v : store().votes(p.id())) {
            switch (v.vote()) {
                case "yes" -> y += v.weight();
                case "no" -> n += v.weight();
                default -> a += v.weight();
            }
        }
        return new Tally(p.electorate(), p.quorum(), p.majority(), y, n, a);
    }

    /**
     * Decides every open proposal whose outcome is certain or whose deadline has come, and executes the passed ones whose
     * time has come ([DEC-3], [DEC-4]).
     *
     * @return what happened, a line each, for the operator's log
     */
    public List<String> settleDue() {
        List<String> out = new ArrayList<>();
        for (ProposalRow p : store().inState("open")) {
            settle(p.id()).ifPresent(out::add);
        }
        for (ProposalRow p : store().inState("passed")) {
            execute(p).ifPresent(out::add);
        }
        return out;
    }

    private Optional<String> settle(String id) {
        ProposalRow p = store().proposal(id).orElseThrow();
        if (!p.state().equals("open")) {
            return Optional.empty();
        }
        Tally t = tally(p);
        Tally.State s = t.state(!collective.now().isBefore(p.deadline()));
        if (s == Tally.State.OPEN) {
            return Optional.empty();
        }
        String detail = s.token() + " (" + t.yes() + " yes, " + t.no() + " no, " + t.abstain() + " abstain of " + t.electorate() + "; quorum "
                + p.quorum() + "%, majority " + p.majority() + "%)";
        if (!store().advance(id, "open", s.token(), collective.now(), detail)) {
            return Optional.empty();
        }
        Optional<String> done = s == Tally.State.PASSED ? execute(store().proposal(id).orElseThrow()) : Optional.empty();
        return Optional.of("proposal " + id + " " + detail + done.map(d -> "; " + d).orElse(""));
    }

    /** Executes a passed proposal when its time has come ([DEC-4]). */
    private Optional<String> execute(ProposalRow p) {
        Instant now = collective.now();
        if (p.effective().isPresent() && p.effective().get().isAfter(now)) {
            return Optional.empty();
        }
        boolean strike = p.action().equals("strike");
        collective.strike(p.licensee(), p.usage().flatMap(org.cb4i.sdk.terms.Usage::parse), strike, p.reason(), Optional.of(p.id()));
        String what = (strike ? "strike" : "resumption") + " of " + p.licensee().map(l -> "licensee " + l).orElse("every licensee")
                + p.usage().map(u -> ", for " + u + " only").orElse("");
        if (!store().advance(p.id(), "passed", "executed", now, what + " executed through the status lists")) {
            return Optional.empty();
        }
        return Optional.of("proposal " + p.id() + ": " + what + " executed; every proxy answers within the status ttl");
    }

    /** A proposal as members and operators read it ([DEC-7]); {@code member}'s own vote when one is asking. */
    public Map<String, Object> view(ProposalRow p, Optional<String> member) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("action", p.action());
        m.put("scope", DecisionRequest.scope(p.licensee(), p.usage().flatMap(org.cb4i.sdk.terms.Usage::parse)));
        p.effective().ifPresent(e -> m.put("effective", e.getEpochSecond()));
        m.put("reason", p.reason());
        m.put("opened", p.opened().getEpochSecond());
        m.put("deadline", p.deadline().getEpochSecond());
        m.put("opened_by", p.openedBy().startsWith("member ") ? p.openedBy().split(" ")[0] + " " + p.openedBy().split(" ")[1] : p.openedBy());
        m.put("electorate", p.electorate());
        m.put("quorum", p.quorum());
        m.put("majority", p.majority());
        m.put("state", p.state());
        Tally t = tally(p);
        m.put("yes", t.yes());
        m.put("no", t.no());
        m.put("abstain", t.abstain());
        m.put("remaining", t.remaining());
        p.decided().ifPresent(d -> m.put("decided", d.getEpochSecond()));
        p.executed().ifPresent(d -> m.put("executed", d.getEpochSecond()));
        member.ifPresent(o -> store().votes(p.id()).stream().filter(v -> v.member().equals(o)).findFirst()
                .ifPresent(v -> m.put("your_vote", v.vote())));
        return m;
    }
}
