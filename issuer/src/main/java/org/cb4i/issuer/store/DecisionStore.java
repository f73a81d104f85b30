package org.cb4i.issuer.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Proposals, their electorates and votes ([DEC-1] to [DEC-5]). Every change is one transaction with its line in the
 * audit trail; a vote is counted once (the primary key refuses a second, also across instances).
 */
public final class DecisionStore {
    private final Database db;

    DecisionStore(Database db) {
        this.db = db;
    }

    /** A proposal as stored; {@code state} is open, passed, failed or executed. */
    public record ProposalRow(String id, String action, Optional<String> licensee, Optional<Instant> effective, String reason, Instant opened,
            Instant deadline, String openedBy, int electorate, int quorum, int majority, String state, Optional<Instant> decided,
            Optional<Instant> executed, Optional<String> evidence, Optional<String> usage) {}

    /** One vote, with the member's signed request and its weight ([DEC-2]). */
    public record VoteRow(String proposal, String member, String vote, Instant at, String evidence, int weight) {}

    private static final String COLUMNS = "id, action, licensee, effective, reason, opened, deadline, opened_by, electorate, quorum, majority, state, "
            + "decided, executed, evidence, usage";

    /**
     * Opens a proposal with its electorate (the members now, each with its weight); its id is {@code P<n>}, n counting
     * from 1; its {@code electorate} is the sum of the weights.
     */
    public ProposalRow open(String action, Optional<String> licensee, Optional<String> usage, Optional<Instant> effective, String reason, Instant now,
            Instant deadline, String openedBy, java.util.Map<String, Integer> electorate, int quorum, int majority, Optional<String> evidence) {
        return db.tx(() -> {
            long n = db.query("SELECT COUNT(*) FROM proposals", rs -> rs.getLong(1)).get(0) + 1;
            String id = "P" + n;
            int total = electorate.values().stream().mapToInt(Integer::intValue).sum();
            db.update("INSERT INTO proposals(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, ?, ?)", id, action,
                    licensee.orElse(null), effective.map(Instant::getEpochSecond).orElse(null), reason, now.getEpochSecond(), deadline.getEpochSecond(),
                    openedBy, total, quorum, majority, evidence.orElse(null), usage.orElse(null));
            for (var m : electorate.entrySet()) {
                db.update("INSERT INTO electorates(proposal, member, weight) VALUES (?, ?, ?)", id, m.getKey(), m.getValue());
            }
            audit(now, "proposal.open", id + " by " + openedBy + ": " + action + " " + licensee.map(l -> "licensee " + l).orElse("all licensees")
                    + usage.map(u -> ", " + u + " only").orElse("") + " (" + electorate.size() + " members, " + total + " votes, until " + deadline + "): " + reason);
            return new ProposalRow(id, action, licensee, effective, reason, now, deadline, openedBy, total, quorum, majority, "open",
                    Optional.empty(), Optional.empty(), evidence, usage);
        });
    }

    public Optional<ProposalRow> proposal(String id) {
        return db.query("SELECT " + COLUMNS + " FROM proposals WHERE id = ?", DecisionStore::row, id).stream().findFirst();
    }

    /** Every proposal, newest first. */
    public List<ProposalRow> proposals() {
        return db.query("SELECT " + COLUMNS + " FROM proposals ORDER BY opened DESC, id DESC", DecisionStore::row);
    }

    /** Proposals in a state. */
    public List<ProposalRow> inState(String state) {
        return db.query("SELECT " + COLUMNS + " FROM proposals WHERE state = ? ORDER BY opened, id", DecisionStore::row, state);
    }

    public boolean inElectorate(String proposal, String member) {
        return !db.query("SELECT member FROM electorates WHERE proposal = ? AND member = ?", rs -> rs.getString(1), proposal, member).isEmpty();
    }

    public List<VoteRow> votes(String proposal) {
        return db.query("SELECT v.proposal, v.member, v.vote, v.at, v.evidence, COALESCE(e.weight, 1) FROM votes v LEFT JOIN electorates e "
                + "ON e.proposal = v.proposal AND e.member = v.member WHERE v.proposal = ? ORDER BY v.at, v.member", rs -> new VoteRow(
                rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochSecond(rs.getLong(4)), rs.getString(5), rs.getInt(6)), proposal);
    }

    /**
     * Records a vote on an open proposal.
     *
     * @throws StoreException (conflict) when the member has voted on it already, or it is no longer open
     */
    public void vote(String proposal, String member, String vote, Instant now, String evidence) {
        db.tx(() -> {
            List<String> state = db.query("SELECT state FROM proposals WHERE id = ?", rs -> rs.getString(1), proposal);
            if (state.isEmpty()) {
                throw StoreException.notFound("no proposal " + proposal);
            }
            if (!state.get(0).equals("open")) {
                throw StoreException.conflict("proposal " + proposal + " is " + state.get(0) + "; its vote is over");
            }
            if (!db.query("SELECT vote FROM votes WHERE proposal = ? AND member = ?", rs -> rs.getString(1), proposal, member).isEmpty()) {
                throw StoreException.conflict(member + " has voted on " + proposal + " already; a vote is cast once");
            }
            db.update("INSERT INTO votes(proposal, member, vote, at, evidence) VALUES (?, ?, ?, ?, ?)", proposal, member, vote, now.getEpochSecond(),
                    evidence);
            audit(now, "proposal.vote", proposal + ": " + member + " voted");
            return null;
        });
    }

    /** Moves a proposal from one state to another (decided or executed), once: false when it was not in {@code from}. */
    public boolean advance(String id, String from, String to, Instant now, String detail) {
        return db.tx(() -> {
            List<String> state = db.query("SELECT state FROM proposals WHERE id = ?", rs -> rs.getString(1), id);
            if (state.isEmpty() || !state.get(0).equals(from)) {
                return false;
            }
            if (to.equals("executed")) {
                db.update("UPDATE proposals SET state = ?, executed = ? WHERE id = ?", to, now.getEpochSecond(), id);
            } else {
                db.update("UPDATE proposals SET state = ?, decided = ? WHERE id = ?", to, now.getEpochSecond(), id);
            }
            audit(now, "proposal." + to, id + ": " + detail);
            return true;
        });
    }

    private void audit(Instant at, String action, String detail) throws SQLException {
        db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", at.getEpochSecond(), action, detail);
    }

    private static ProposalRow row(ResultSet rs) throws SQLException {
        long eff = rs.getLong(4);
        Optional<Instant> effective = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(eff));
        long dec = rs.getLong(13);
        Optional<Instant> decided = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(dec));
        long ex = rs.getLong(14);
        Optional<Instant> executed = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(ex));
        return new ProposalRow(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)), effective, rs.getString(5),
                Instant.ofEpochSecond(rs.getLong(6)), Instant.ofEpochSecond(rs.getLong(7)), rs.getString(8), rs.getInt(9), rs.getInt(10), rs.getInt(11),
                rs.getString(12), decided, executed, Optional.ofNullable(rs.getString(15)), Optional.ofNullable(rs.getString(16)));
    }
}
