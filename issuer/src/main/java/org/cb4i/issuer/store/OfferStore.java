package org.cb4i.issuer.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Offers (draft, offered, withdrawn) and acceptances ([OFR-1] to [OFR-3]). An acceptance and the agreement it makes are
 * one transaction: a licensee accepts an offer once.
 */
public final class OfferStore {
    private final Database db;

    OfferStore(Database db) {
        this.db = db;
    }

    public record OfferRow(String id, String state, Instant created, String grantJson, Optional<Instant> notBefore, Instant notAfter,
            Optional<Instant> acceptUntil, Optional<String> jws, Optional<Instant> published, Optional<Instant> withdrawn) {}

    public record AcceptanceRow(String offer, String licensee, String agreement, Instant at, String evidence) {}

    private static final String COLUMNS = "id, state, created, grant_json, not_before, not_after, accept_until, jws, published, withdrawn";

    public void add(String id, String grantJson, Optional<Instant> notBefore, Instant notAfter, Instant now) {
        db.tx(() -> {
            if (!db.query("SELECT id FROM offers WHERE id = ?", rs -> rs.getString(1), id).isEmpty()) {
                throw StoreException.conflict("offer " + id + " exists already");
            }
            db.update("INSERT INTO offers(id, state, created, grant_json, not_before, not_after) VALUES (?, 'draft', ?, ?, ?, ?)", id, now.getEpochSecond(),
                    grantJson, notBefore.map(Instant::getEpochSecond).orElse(null), notAfter.getEpochSecond());
            audit(now, "offer.add", id);
            return null;
        });
    }

    /** Publishes a draft: its signed form, acceptable until {@code acceptUntil}. */
    public void publish(String id, String jws, Instant acceptUntil, Instant now) {
        db.tx(() -> {
            OfferRow o = get(id).orElseThrow(() -> StoreException.notFound("no offer " + id));
            if (!o.state().equals("draft")) {
                throw StoreException.conflict("offer " + id + " is " + o.state() + "; only a draft is published (add a new offer to change terms)");
            }
            db.update("UPDATE offers SET state = 'offered', jws = ?, accept_until = ?, published = ? WHERE id = ?", jws, acceptUntil.getEpochSecond(),
                    now.getEpochSecond(), id);
            audit(now, "offer.publish", id + " acceptable until " + acceptUntil);
            return null;
        });
    }

    public void withdraw(String id, Instant now) {
        db.tx(() -> {
            OfferRow o = get(id).orElseThrow(() -> StoreException.notFound("no offer " + id));
            if (o.state().equals("withdrawn")) {
                throw StoreException.conflict("offer " + id + " was withdrawn already");
            }
            db.update("UPDATE offers SET state = 'withdrawn', withdrawn = ? WHERE id = ?", now.getEpochSecond(), id);
            audit(now, "offer.withdraw", id);
            return null;
        });
    }

    public Optional<OfferRow> get(String id) {
        return db.query("SELECT " + COLUMNS + " FROM offers WHERE id = ?", OfferStore::row, id).stream().findFirst();
    }

    public List<OfferRow> all() {
        return db.query("SELECT " + COLUMNS + " FROM offers ORDER BY created DESC, id", OfferStore::row);
    }

    public List<AcceptanceRow> acceptances(String offer) {
        return db.query("SELECT offer, licensee, agreement, at, evidence FROM acceptances WHERE offer = ? ORDER BY at, licensee", rs -> new AcceptanceRow(
                rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochSecond(rs.getLong(4)), rs.getString(5)), offer);
    }

    /**
     * Records a licensee's acceptance and makes its agreement, in one transaction.
     *
     * @throws StoreException conflict when the offer is not open or the licensee accepted it already
     */
    public void accept(String offer, String licensee, String agreement, String grantJson, Optional<String> priceJson, Instant from, Instant until,
            String evidence, Instant now) {
        db.tx(() -> {
            OfferRow o = get(offer).orElseThrow(() -> StoreException.notFound("no offer " + offer));
            if (!o.state().equals("offered")) {
                throw StoreException.conflict("offer " + offer + " is " + o.state() + "; it cannot be accepted");
            }
            if (!db.query("SELECT agreement FROM acceptances WHERE offer = ? AND licensee = ?", rs -> rs.getString(1), offer, licensee).isEmpty()) {
                throw StoreException.conflict(licensee + " accepted offer " + offer + " already");
            }
            if (!db.query("SELECT id FROM agreements WHERE id = ?", rs -> rs.getString(1), agreement).isEmpty()) {
                throw StoreException.conflict("agreement " + agreement + " exists already");
            }
            db.update("INSERT INTO agreements(id, licensee, grant_json, not_before, not_after, created) VALUES (?, ?, ?, ?, ?, ?)", agreement, licensee,
                    grantJson, from.getEpochSecond(), until.getEpochSecond(), now.getEpochSecond());
            if (priceJson.isPresent()) {
                db.update("INSERT INTO agreement_prices(agreement, from_at, schedule) VALUES (?, ?, ?)", agreement, from.getEpochSecond(), priceJson.get());
            }
            db.update("INSERT INTO acceptances(offer, licensee, agreement, at, evidence) VALUES (?, ?, ?, ?, ?)", offer, licensee, agreement,
                    now.getEpochSecond(), evidence);
            audit(now, "offer.accept", offer + " by " + licensee + ": agreement " + agreement + " from " + from + " until " + until);
            return null;
        });
    }

    private void audit(Instant at, String action, String detail) throws SQLException {
        db.update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", at.getEpochSecond(), action, detail);
    }

    private static Optional<Instant> opt(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(v));
    }

    private static OfferRow row(ResultSet rs) throws SQLException {
        Optional<Instant> nb = opt(rs, 5);
        Optional<Instant> until = opt(rs, 7);
        Optional<Instant> published = opt(rs, 9);
        Optional<Instant> withdrawn = opt(rs, 10);
        return new OfferRow(rs.getString(1), rs.getString(2), Instant.ofEpochSecond(rs.getLong(3)), rs.getString(4), nb,
                Instant.ofEpochSecond(rs.getLong(6)), until, Optional.ofNullable(rs.getString(8)), published, withdrawn);
    }
}
