package org.cb4i.issuer.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Work only one instance of an issuer may do at a time (the collector's rounds), taken in turns through the store
 * ([ISS-6]): a lease is held by one instance until a time, renewed by its holder, and taken by another once it runs out.
 */
public final class LeaseStore {
    private final Database db;

    LeaseStore(Database db) {
        this.db = db;
    }

    /**
     * Takes (or renews) the lease {@code name} for {@code holder} until {@code until}: true when it is now held by
     * {@code holder}, false while another holder's lease runs.
     */
    public boolean take(String name, String holder, Instant now, Instant until) {
        return db.tx(() -> {
            Optional<String[]> cur = db.query("SELECT holder, until_at FROM leases WHERE name = ?", rs -> new String[] {rs.getString(1),
                    Long.toString(rs.getLong(2))}, name).stream().findFirst();
            if (cur.isEmpty()) {
                db.update("INSERT INTO leases(name, holder, until_at) VALUES (?, ?, ?)", name, holder, until.getEpochSecond());
                return true;
            }
            if (!cur.get()[0].equals(holder) && Long.parseLong(cur.get()[1]) > now.getEpochSecond()) {
                return false;
            }
            db.update("UPDATE leases SET holder = ?, until_at = ? WHERE name = ?", holder, until.getEpochSecond(), name);
            return true;
        });
    }
}
