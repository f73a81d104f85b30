package org.cb4i.issuer.store;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The collective's state: members, licensees, agreements, issued licenses, status-list history, replay markers
 * and an audit trail, in an embedded H2 database under one folder.
 *
 * <p>Why H2: every change is one ACID transaction (a token is never issued without its status index, a strike
 * never half-applied), committed to the file before the caller is answered ({@code WRITE_DELAY=0}), so a process
 * killed at any point reopens at its last commit without corruption; the {@code ?time=} history is a query,
 * not a file format of our own; it is pure Java (no native library) and holds a file lock, so a second process
 * cannot open a store in use. Against power loss it recovers to its last synced state.
 *
 * <p>All methods are synchronised on the store: the issuer's write rate is that of people and licence requests,
 * not of page views. Times are whole seconds.
 */
public final class IssuerStore implements AutoCloseable {

    private final Database db;
    private final UsageStore usage;
    private final LeaseStore leases;
    private final DecisionStore decisions;
    private final NoticeStore notices;
    private final ConsoleStore console;
    private final OfferStore offers;
    private final StatementStore statements;

    private IssuerStore(Database db) {
        this.db = db;
        this.usage = new UsageStore(db);
        this.statements = new StatementStore(db);
        this.leases = new LeaseStore(db);
        this.decisions = new DecisionStore(db);
        this.notices = new NoticeStore(db);
        this.console = new ConsoleStore(db);
        this.offers = new OfferStore(db);
    }

    /**
     * Opens (creating when absent) the embedded store in {@code dir}.
     *
     * @throws StoreException when the folder cannot be used, the store is in use by another process, or was
     *     written by a newer cb4i
     */
    public static IssuerStore open(Path dir) {
        return open(new StoreLocation.Folder(dir));
    }

    /**
     * Opens the store at {@code where}, creating or migrating its schema.
     *
     * @throws StoreException when it cannot be used (in use, unreachable, written by a newer cb4i)
     */
    public static IssuerStore open(StoreLocation where) {
        return new IssuerStore(Database.open(where));
    }

    /** Whether the store answers now (a trivial query): what {@code /readyz} reports. Throws {@link StoreException} when not. */
    public synchronized void ping() {
        query("SELECT 1", rs -> rs.getInt(1));
    }

    /** Where the store is. */
    public StoreLocation location() {
        return db.location();
    }

    // ---------------------------------------------------------------- rows

    /** One membership; {@code left} empty while it lasts. */
    /**
     * A site's membership.
     *
     * @param organisation the member organisation the site belongs to: by default the origin itself ([DEC-2])
     */
    public record MemberRow(long seq, String origin, Instant joined, Optional<Instant> left, String contentKeysJson, String organisation) {}

    /** A licensee; {@code suspension} is {@code suspended}, {@code payment-overdue} or {@code strike} while access is withheld. */
    public record LicenseeRow(String id, String jwkJson, String jkt, Optional<String> contact, Instant created, Optional<String> suspension,
            Optional<Instant> removed) {}

    /** An agreement: what its licenses grant ({@code grantJson}: usages, paths, quota, agreement, token lifetime) and when. */
    public record AgreementRow(String id, String licensee, String grantJson, Instant notBefore, Instant notAfter, Instant created,
            Optional<Instant> terminated, Optional<String> terminationReason) {
        public AgreementRow(String id, String licensee, String grantJson, Instant notBefore, Instant notAfter, Instant created) {
            this(id, licensee, grantJson, notBefore, notAfter, created, Optional.empty(), Optional.empty());
        }
    }

    /** An issued license. */
    /**
     * An issued license: its status index, and its own index for each of the narrowest usages its grant covers
     * ([STS-9]; in the same list, after {@code idx}), in [VOC-1]'s order.
     */
    public record LicenseRow(String jti, String licensee, String agreement, int idx, Instant issuedAt, Instant expiresAt, boolean revoked,
            Map<String, Integer> usageIdx) {
        public LicenseRow {
            usageIdx = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(usageIdx));
        }

        static Map<String, Integer> parseUsageIdx(String text) {
            Map<String, Integer> m = new java.util.LinkedHashMap<>();
            if (text != null && !text.isBlank()) {
                for (String part : text.trim().split(" ")) {
                    int colon = part.lastIndexOf(':');
                    m.put(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1)));
                }
            }
            return m;
        }

        String usageIdxText() {
            StringBuilder b = new StringBuilder();
            usageIdx.forEach((u, i) -> b.append(b.length() == 0 ? "" : " ").append(u).append(':').append(i));
            return b.toString();
        }
    }

    /** A usage struck alone ([STS-9]): for one licensee, or for every licensee ({@code "*"}). */
    public record UsageStrike(String licensee, String usage, Instant since) {
        public static final String EVERY_LICENSEE = "*";

        public boolean covers(String licenseeId) {
            return licensee.equals(EVERY_LICENSEE) || licensee.equals(licenseeId);
        }
    }

    /** A status list as it was from {@code at}: its encoded bitstring ({@code lst}). */
    public record StatusSnapshot(Instant at, String lst, Optional<Instant> until) {}

    // ---------------------------------------------------------------- members

    public synchronized List<MemberRow> members() {
        return query("SELECT seq, origin, joined, left_at, content_keys, COALESCE(organisation, origin) FROM members ORDER BY origin, joined", rs ->
                new MemberRow(rs.getLong(1), rs.getString(2), Instant.ofEpochSecond(rs.getLong(3)), optInstant(rs, 4), rs.getString(5), rs.getString(6)));
    }

    /** Adds a membership. @throws StoreException (conflict) when the origin is a member already */
    public synchronized MemberRow addMember(String origin, Instant joined, String contentKeysJson, Instant now) {
        return addMember(origin, joined, contentKeysJson, Optional.empty(), now);
    }

    /** Adds a membership of a site of {@code organisation} (by default, the site is its own organisation). */
    public synchronized MemberRow addMember(String origin, Instant joined, String contentKeysJson, Optional<String> organisation, Instant now) {
        return tx(() -> {
            if (!query("SELECT seq FROM members WHERE origin = ? AND left_at IS NULL", rs -> rs.getLong(1), origin).isEmpty()) {
                throw StoreException.conflict(origin + " is a member already; remove it first to change its keys or dates");
            }
            long seq;
            try (PreparedStatement ps = db.connection().prepareStatement("INSERT INTO members(origin, joined, content_keys, organisation) VALUES (?, ?, ?, ?)",
                    new String[] {"seq"})) {
                ps.setString(1, origin);
                ps.setLong(2, joined.getEpochSecond());
                ps.setString(3, contentKeysJson);
                ps.setString(4, organisation.orElse(null));
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
            }
            audit(now, "member.add", origin + organisation.map(o -> " of organisation " + o).orElse(""));
            return new MemberRow(seq, origin, joined, Optional.empty(), contentKeysJson, organisation.orElse(origin));
        });
    }

    /** Ends a membership at {@code left}. @throws StoreException (not found) when the origin is not a member */
    public synchronized void removeMember(String origin, Instant left, Instant now) {
        tx(() -> {
            List<Long> joined = query("SELECT joined FROM members WHERE origin = ? AND left_at IS NULL", rs -> rs.getLong(1), origin);
            if (joined.isEmpty()) {
                throw StoreException.notFound(origin + " is not a member");
            }
            if (left.getEpochSecond() <= joined.get(0)) {
                throw StoreException.invalid("a member cannot leave before it joined (" + Instant.ofEpochSecond(joined.get(0)) + ")");
            }
            update("UPDATE members SET left_at = ? WHERE origin = ? AND left_at IS NULL", left.getEpochSecond(), origin);
            audit(now, "member.remove", origin);
            return null;
        });
    }

    // ---------------------------------------------------------------- consent ([CNS-6])

    /**
     * One version of a member's consent.
     *
     * @param setBy {@code member <key thumbprint>} or {@code operator}
     * @param evidence the member's signed request, for a member's change
     */
    public record ConsentRow(String member, long version, Instant at, String optOutJson, String setBy, Optional<String> evidence) {}

    /** The member's consent in force: its highest version, if it ever chose. */
    public synchronized Optional<ConsentRow> consent(String origin) {
        return query("SELECT member, version, at, opt_out, set_by, evidence FROM consent WHERE member = ? ORDER BY version DESC LIMIT 1",
                IssuerStore::consentRow, origin).stream().findFirst();
    }

    /** The members that ever set their consent. */
    public synchronized java.util.Set<String> membersWithConsent() {
        return new java.util.HashSet<>(query("SELECT DISTINCT member FROM consent", rs -> rs.getString(1)));
    }

    /** Every version of the member's consent, oldest first. */
    public synchronized List<ConsentRow> consentHistory(String origin) {
        return query("SELECT member, version, at, opt_out, set_by, evidence FROM consent WHERE member = ? ORDER BY version", IssuerStore::consentRow,
                origin);
    }

    /**
     * Records a new version of a current member's consent.
     *
     * @throws StoreException (not found) when the origin is not a member now
     */
    public synchronized ConsentRow setConsent(String origin, String optOutJson, String setBy, Optional<String> evidence, Instant now) {
        return tx(() -> {
            if (query("SELECT seq FROM members WHERE origin = ? AND left_at IS NULL", rs -> rs.getLong(1), origin).isEmpty()) {
                throw StoreException.notFound(origin + " is not a member now");
            }
            List<Long> last = query("SELECT MAX(version) FROM consent WHERE member = ?", rs -> rs.getObject(1) == null ? 0L : rs.getLong(1), origin);
            long version = (last.isEmpty() ? 0L : last.get(0)) + 1;
            update("INSERT INTO consent(member, version, at, opt_out, set_by, evidence) VALUES (?, ?, ?, ?, ?, ?)", origin, version,
                    now.getEpochSecond(), optOutJson, setBy, evidence.orElse(null));
            audit(now, "consent.set", origin + " version " + version + " by " + setBy + ": " + optOutJson);
            return new ConsentRow(origin, version, now, optOutJson, setBy, evidence);
        });
    }

    private static ConsentRow consentRow(ResultSet rs) throws SQLException {
        return new ConsentRow(rs.getString(1), rs.getLong(2), Instant.ofEpochSecond(rs.getLong(3)), rs.getString(4), rs.getString(5),
                Optional.ofNullable(rs.getString(6)));
    }

    // ---------------------------------------------------------------- licensees

    public synchronized void addLicensee(String id, String jwkJson, String jkt, Optional<String> contact, Instant now) {
        tx(() -> {
            if (licenseeRow(id).isPresent()) {
                throw StoreException.conflict("licensee " + id + " exists already");
            }
            if (!query("SELECT id FROM licensees WHERE jkt = ?", rs -> rs.getString(1), jkt).isEmpty()) {
                throw StoreException.conflict("key " + jkt + " is registered to another licensee already; each licensee has its own key");
            }
            update("INSERT INTO licensees(id, jwk, jkt, contact, created) VALUES (?, ?, ?, ?, ?)", id, jwkJson, jkt, contact.orElse(null),
                    now.getEpochSecond());
            audit(now, "licensee.add", id);
            return null;
        });
    }

    public synchronized Optional<LicenseeRow> licensee(String id) {
        return licenseeRow(id);
    }

    /** The licensee whose registered key has this thumbprint. */
    public synchronized Optional<LicenseeRow> licenseeByKey(String jkt) {
        return query("SELECT id, jwk, jkt, contact, created, suspension, removed FROM licensees WHERE jkt = ?", IssuerStore::licenseeOf, jkt)
                .stream().findFirst();
    }

    private Optional<LicenseeRow> licenseeRow(String id) {
        return query("SELECT id, jwk, jkt, contact, created, suspension, removed FROM licensees WHERE id = ?", IssuerStore::licenseeOf, id)
                .stream().findFirst();
    }

    public synchronized List<LicenseeRow> licensees() {
        return query("SELECT id, jwk, jkt, contact, created, suspension, removed FROM licensees ORDER BY id", IssuerStore::licenseeOf);
    }

    private static LicenseeRow licenseeOf(ResultSet rs) throws SQLException {
        long at = rs.getLong(7);
        Optional<Instant> removed = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(at));
        return new LicenseeRow(rs.getString(1), rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                Instant.ofEpochSecond(rs.getLong(5)), Optional.ofNullable(rs.getString(6)), removed);
    }

    // ---------------------------------------------------------------- agreements

    public synchronized void addAgreement(AgreementRow a) {
        addAgreement(a, Optional.empty());
    }

    /** Adds an agreement and, when it has one, the first version of its price schedule (in force from its start). */
    public synchronized void addAgreement(AgreementRow a, Optional<String> priceJson) {
        tx(() -> {
            if (licenseeRow(a.licensee()).isEmpty()) {
                throw StoreException.notFound("no licensee " + a.licensee() + "; add it first with: cb4i issuer licensee add");
            }
            if (!query("SELECT id FROM agreements WHERE id = ?", rs -> rs.getString(1), a.id()).isEmpty()) {
                throw StoreException.conflict("agreement " + a.id() + " exists already");
            }
            update("INSERT INTO agreements(id, licensee, grant_json, not_before, not_after, created) VALUES (?, ?, ?, ?, ?, ?)", a.id(),
                    a.licensee(), a.grantJson(), a.notBefore().getEpochSecond(), a.notAfter().getEpochSecond(), a.created().getEpochSecond());
            audit(a.created(), "agreement.add", a.id() + " for " + a.licensee());
            if (priceJson.isPresent()) {
                update("INSERT INTO agreement_prices(agreement, from_at, schedule) VALUES (?, ?, ?)", a.id(), a.notBefore().getEpochSecond(), priceJson.get());
            }
            return null;
        });
    }

    public synchronized List<AgreementRow> agreements(Optional<String> licensee) {
        String sql = "SELECT id, licensee, grant_json, not_before, not_after, created, terminated, termination_reason FROM agreements"
                + (licensee.isPresent() ? " WHERE licensee = ?" : "") + " ORDER BY licensee, id";
        Database.SqlFunction<ResultSet, AgreementRow> row = rs -> {
            long term = rs.getLong(7);
            Optional<Instant> terminated = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(term));
            return new AgreementRow(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochSecond(rs.getLong(4)),
                    Instant.ofEpochSecond(rs.getLong(5)), Instant.ofEpochSecond(rs.getLong(6)), terminated, Optional.ofNullable(rs.getString(8)));
        };
        return licensee.isPresent() ? query(sql, row, licensee.get()) : query(sql, row);
    }

    /**
     * Ends an agreement now, before its term ([ISS-10]): it is no longer in force, and every license issued under it is
     * revoked in the same transaction (INVALID in the next status list).
     *
     * @return the licenses revoked
     * @throws StoreException not found, or conflict when it was terminated already
     */
    public synchronized List<String> terminateAgreement(String id, String reason, Instant now, StatusEncoder encoder) {
        return tx(() -> {
            List<String> revoked = terminate(id, reason, now);
            snapshot(now, encoder);
            return revoked;
        });
    }

    private List<String> terminate(String id, String reason, Instant now) throws SQLException {
        List<Long> term = query("SELECT COALESCE(terminated, -1) FROM agreements WHERE id = ?", rs -> rs.getLong(1), id);
        if (term.isEmpty()) {
            throw StoreException.notFound("no agreement " + id);
        }
        if (term.get(0) >= 0) {
            throw StoreException.conflict("agreement " + id + " was terminated already, at " + Instant.ofEpochSecond(term.get(0)));
        }
        List<String> revoked = query("SELECT jti FROM licenses WHERE agreement = ? AND revoked = FALSE ORDER BY idx", rs -> rs.getString(1), id);
        update("UPDATE licenses SET revoked = TRUE WHERE agreement = ? AND revoked = FALSE", id);
        update("UPDATE agreements SET terminated = ?, termination_reason = ?, not_after = CASE WHEN not_after > ? THEN ? ELSE not_after END WHERE id = ?",
                now.getEpochSecond(), reason, now.getEpochSecond(), now.getEpochSecond(), id);
        audit(now, "agreement.terminate", id + " (" + revoked.size() + " licenses revoked): " + reason);
        return revoked;
    }

    /** An amendment of an agreement ([ISS-12]): its number, when, the grant and end before and after, and why. */
    public record Amendment(String agreement, int n, Instant at, String grantBefore, String grantAfter, Instant notAfterBefore, Instant notAfterAfter,
            String reason) {}

    /**
     * Amends an agreement in force now ([ISS-12]): its grant (and, when given, its end) replaced from {@code now}, the
     * amendment kept with the terms before it, and every license issued under the earlier terms revoked in the same
     * transaction (INVALID in the next status list), so that only licenses of the new terms are served; with the price
     * schedule of the new terms, when it has one, in force from now.
     *
     * @return the licenses revoked
     * @throws StoreException not found; conflict when the agreement is terminated or not in force now
     */
    public synchronized List<String> amendAgreement(String id, String grantJson, Optional<Instant> notAfter, Optional<String> priceJson, String reason,
            Instant now, StatusEncoder encoder) {
        return tx(() -> {
            AgreementRow a = agreements(Optional.empty()).stream().filter(x -> x.id().equals(id)).findFirst()
                    .orElseThrow(() -> StoreException.notFound("no agreement " + id));
            if (a.terminated().isPresent()) {
                throw StoreException.conflict("agreement " + id + " was terminated at " + a.terminated().get() + "; it cannot be amended");
            }
            if (now.isBefore(a.notBefore()) || !now.isBefore(a.notAfter())) {
                throw StoreException.conflict("agreement " + id + " is in force from " + a.notBefore() + " until " + a.notAfter()
                        + ", not now; only an agreement in force is amended");
            }
            Instant until = notAfter.orElse(a.notAfter());
            if (!until.isAfter(now)) {
                throw StoreException.invalid("not_after (" + until + ") must be after now");
            }
            int n = query("SELECT COUNT(*) FROM agreement_amendments WHERE agreement = ?", rs -> rs.getInt(1), id).get(0) + 1;
            update("INSERT INTO agreement_amendments(agreement, n, at, grant_before, grant_after, not_after_before, not_after_after, reason) VALUES "
                    + "(?, ?, ?, ?, ?, ?, ?, ?)", id, n, now.getEpochSecond(), a.grantJson(), grantJson, a.notAfter().getEpochSecond(), until.getEpochSecond(),
                    reason);
            update("UPDATE agreements SET grant_json = ?, not_after = ? WHERE id = ?", grantJson, until.getEpochSecond(), id);
            if (priceJson.isPresent()) {
                update("DELETE FROM agreement_prices WHERE agreement = ? AND from_at = ?", id, now.getEpochSecond());
                update("INSERT INTO agreement_prices(agreement, from_at, schedule) VALUES (?, ?, ?)", id, now.getEpochSecond(), priceJson.get());
            }
            List<String> revoked = query("SELECT jti FROM licenses WHERE agreement = ? AND revoked = FALSE AND exp > ? ORDER BY idx", rs -> rs.getString(1),
                    id, now.getEpochSecond());
            update("UPDATE licenses SET revoked = TRUE WHERE agreement = ? AND revoked = FALSE AND exp > ?", id, now.getEpochSecond());
            audit(now, "agreement.amend", id + " (amendment " + n + "; " + revoked.size() + " licenses of the earlier terms revoked): " + reason);
            snapshot(now, encoder);
            return revoked;
        });
    }

    /** An agreement's amendments, oldest first. */
    public synchronized List<Amendment> amendments(String agreement) {
        return query("SELECT agreement, n, at, grant_before, grant_after, not_after_before, not_after_after, reason FROM agreement_amendments "
                + "WHERE agreement = ? ORDER BY n", rs -> new Amendment(rs.getString(1), rs.getInt(2), Instant.ofEpochSecond(rs.getLong(3)), rs.getString(4),
                rs.getString(5), Instant.ofEpochSecond(rs.getLong(6)), Instant.ofEpochSecond(rs.getLong(7)), rs.getString(8)), agreement);
    }

    /**
     * Removes a licensee ([ISS-11]): its agreements in force are terminated and every license it holds revoked, and it
     * gets no license again; it stays in the history (statements and the audit trail name it).
     *
     * @return the licenses revoked
     */
    public synchronized List<String> removeLicensee(String id, String reason, Instant now, StatusEncoder encoder) {
        return tx(() -> {
            Optional<LicenseeRow> l = licenseeRow(id);
            if (l.isEmpty()) {
                throw StoreException.notFound("no licensee " + id);
            }
            if (l.get().removed().isPresent()) {
                throw StoreException.conflict("licensee " + id + " was removed already, at " + l.get().removed().get());
            }
            List<String> revoked = new ArrayList<>();
            for (String a : query("SELECT id FROM agreements WHERE licensee = ? AND terminated IS NULL ORDER BY id", rs -> rs.getString(1), id)) {
                revoked.addAll(terminate(a, "the licensee was removed: " + reason, now));
            }
            List<String> rest = query("SELECT jti FROM licenses WHERE licensee = ? AND revoked = FALSE ORDER BY idx", rs -> rs.getString(1), id);
            update("UPDATE licenses SET revoked = TRUE WHERE licensee = ? AND revoked = FALSE", id);
            revoked.addAll(rest);
            update("UPDATE licensees SET removed = ? WHERE id = ?", now.getEpochSecond(), id);
            audit(now, "licensee.remove", id + " (" + revoked.size() + " licenses revoked): " + reason);
            snapshot(now, encoder);
            return revoked;
        });
    }

    // ---------------------------------------------------------------- licenses

    /**
     * How many licenses the issuer gives and keeps live ([ISS-9]).
     *
     * @param capacity indices per status list
     * @param maxLists status lists at most (a new one opens when the last fills)
     * @param perHour token requests a licensee may have answered per hour (every instance counts in the store)
     * @param perAgreement live licenses a licensee may hold under one agreement: a new one beyond it supersedes the oldest,
     *     which is revoked at once
     */
    public record Limits(int capacity, int maxLists, int perHour, int perAgreement) {}

    /** A license recorded, and the licenses it superseded (revoked in the same transaction). */
    public record Added(LicenseRow row, List<String> superseded) {}

    /**
     * Records a license about to be issued and allocates its status index, in one transaction: refused when the
     * licensee is withheld or over its hourly rate; the oldest live licenses of its agreement beyond the limit revoked;
     * a new status list opened when the last one is full.
     *
     * @throws StoreException {@code CONFLICT} when withheld, {@code LIMITED} over the rate, {@code FAILURE} when every
     *     list is full
     */
    public synchronized Added addLicense(String jti, String licensee, String agreement, Instant iat, Instant exp, Limits limits,
            StatusEncoder encoder) {
        return addLicense(jti, licensee, agreement, List.of(), iat, exp, limits, encoder);
    }

    /**
     * As {@link #addLicense(String, String, String, Instant, Instant, Limits, StatusEncoder)}, with an index of its own for
     * each of {@code usages} ([STS-9]): the license takes {@code 1 + usages.size()} indices in a row, never across two
     * lists (a block that would not fit starts the next list).
     */
    public synchronized Added addLicense(String jti, String licensee, String agreement, List<String> usages, Instant iat, Instant exp, Limits limits,
            StatusEncoder encoder) {
        return tx(() -> {
            // Checked again here, in the same transaction as the new index: a strike or suspension that lands while
            // a token request is being answered must not let a license out that the status list does not withhold.
            if (Boolean.parseBoolean(metaGet("strike_all").orElse("false"))
                    || licenseeRow(licensee).flatMap(LicenseeRow::suspension).isPresent()) {
                throw StoreException.conflict("licensee " + licensee + " is suspended or the collective is on strike");
            }
            long window = iat.getEpochSecond() / 3600 * 3600;
            update("DELETE FROM token_requests WHERE window_start < ?", window - 86_400);
            int asked = query("SELECT n FROM token_requests WHERE licensee = ? AND window_start = ?", rs -> rs.getInt(1), licensee, window)
                    .stream().findFirst().orElse(0);
            if (asked >= limits.perHour()) {
                throw StoreException.limited("licensee " + licensee + " was given " + asked + " licenses this hour, the most the collective gives"
                        + " one licensee in an hour; renew a license shortly before it expires rather than ask for more", window + 3600 - iat.getEpochSecond());
            }
            update("MERGE INTO token_requests t USING (SELECT CAST(? AS VARCHAR(512)) AS licensee, CAST(? AS BIGINT) AS window_start) s "
                    + "ON t.licensee = s.licensee AND t.window_start = s.window_start WHEN MATCHED THEN UPDATE SET n = t.n + 1 "
                    + "WHEN NOT MATCHED THEN INSERT (licensee, window_start, n) VALUES (s.licensee, s.window_start, 1)", licensee, window);
            List<String> live = query("SELECT jti FROM licenses WHERE licensee = ? AND agreement = ? AND revoked = FALSE AND exp > ? ORDER BY iat, idx",
                    rs -> rs.getString(1), licensee, agreement, iat.getEpochSecond());
            List<String> superseded = new ArrayList<>();
            for (int k = 0; k <= live.size() - limits.perAgreement(); k++) {
                superseded.add(live.get(k));
                update("UPDATE licenses SET revoked = TRUE WHERE jti = ?", live.get(k));
                audit(iat, "license.supersede", live.get(k) + " of " + licensee + " under " + agreement + ", by " + jti);
            }
            long idx = Long.parseLong(metaGet("next_idx").orElse("0"));
            int block = 1 + usages.size();
            if (idx % limits.capacity() + block > limits.capacity()) {
                idx = (idx / limits.capacity() + 1) * limits.capacity(); // the block starts the next list
            }
            long total = (long) limits.capacity() * limits.maxLists();
            if (idx + block > total) {
                throw new StoreException("every status list is full (" + limits.maxLists() + " lists of " + limits.capacity()
                        + " indices); raise status.max_lists or status.capacity in the issuer configuration");
            }
            metaPut("next_idx", Long.toString(idx + block));
            Map<String, Integer> usageIdx = new java.util.LinkedHashMap<>();
            for (int k = 0; k < usages.size(); k++) {
                usageIdx.put(usages.get(k), (int) idx + 1 + k);
            }
            LicenseRow row = new LicenseRow(jti, licensee, agreement, (int) idx, iat, exp, false, usageIdx);
            update("INSERT INTO licenses(jti, licensee, agreement, idx, iat, exp, usage_idx) VALUES (?, ?, ?, ?, ?, ?, ?)", jti, licensee, agreement, idx,
                    iat.getEpochSecond(), exp.getEpochSecond(), usageIdx.isEmpty() ? null : row.usageIdxText());
            audit(iat, "license.issue", jti + " to " + licensee + " under " + agreement + " (list " + (idx / limits.capacity() + 1) + ", idx "
                    + idx % limits.capacity() + (usageIdx.isEmpty() ? "" : ", and one for each of " + String.join(", ", usages)) + ")");
            boolean struck = usageStrikes().stream().anyMatch(u -> u.covers(licensee) && usageIdx.containsKey(u.usage()));
            if (!superseded.isEmpty() || idx % limits.capacity() == 0 || struck) {
                snapshot(iat, encoder); // a revocation to publish, a new list to open, or a usage of it struck from the start
            }
            return new Added(row, superseded);
        });
    }

    public synchronized Optional<LicenseRow> license(String jti) {
        return query("SELECT jti, licensee, agreement, idx, iat, exp, revoked, usage_idx FROM licenses WHERE jti = ?", IssuerStore::licenseOf, jti)
                .stream().findFirst();
    }

    public synchronized List<LicenseRow> licenses(Optional<String> licensee) {
        String sql = "SELECT jti, licensee, agreement, idx, iat, exp, revoked, usage_idx FROM licenses" + (licensee.isPresent() ? " WHERE licensee = ?" : "")
                + " ORDER BY idx";
        return licensee.isPresent() ? query(sql, IssuerStore::licenseOf, licensee.get()) : query(sql, IssuerStore::licenseOf);
    }

    private static LicenseRow licenseOf(ResultSet rs) throws SQLException {
        return new LicenseRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), Instant.ofEpochSecond(rs.getLong(5)),
                Instant.ofEpochSecond(rs.getLong(6)), rs.getBoolean(7), LicenseRow.parseUsageIdx(rs.getString(8)));
    }

    // ---------------------------------------------------------------- status changes

    /**
     * A change to who may use their licenses, applied together with the status list it produces: the list is
     * recomputed by {@code encoder} from the state after the change and appended to the history, in the same
     * transaction.
     */
    public interface StatusEncoder {
        /** The encoded lists ({@code lst}), list 1 first: as many as the licenses' indices need, at least one. */
        List<String> encode(List<LicenseRow> licenses, List<LicenseeRow> licensees, boolean strikeAll, List<UsageStrike> usageStrikes);
    }

    public synchronized void revoke(String jti, Instant now, StatusEncoder encoder) {
        tx(() -> {
            Optional<LicenseRow> l = query("SELECT jti, licensee, agreement, idx, iat, exp, revoked, usage_idx FROM licenses WHERE jti = ?",
                    IssuerStore::licenseOf, jti).stream().findFirst();
            if (l.isEmpty()) {
                throw StoreException.notFound("no license " + jti);
            }
            if (l.get().revoked()) {
                throw StoreException.conflict("license " + jti + " is revoked already");
            }
            update("UPDATE licenses SET revoked = TRUE WHERE jti = ?", jti);
            audit(now, "license.revoke", jti);
            snapshot(now, encoder);
            return null;
        });
    }

    /** Sets (or, with an empty value, clears) a licensee's suspension. */
    public synchronized void setSuspension(String licensee, Optional<String> suspension, Instant now, StatusEncoder encoder) {
        tx(() -> {
            if (licenseeRow(licensee).isEmpty()) {
                throw StoreException.notFound("no licensee " + licensee);
            }
            update("UPDATE licensees SET suspension = ? WHERE id = ?", suspension.orElse(null), licensee);
            audit(now, suspension.isPresent() ? "licensee." + suspension.get() : "licensee.resume", licensee);
            snapshot(now, encoder);
            return null;
        });
    }

    /** Starts or ends a strike of every license at once. */
    public synchronized void setStrikeAll(boolean on, Instant now, StatusEncoder encoder) {
        tx(() -> {
            metaPut("strike_all", Boolean.toString(on));
            audit(now, on ? "strike.all" : "resume.all", "");
            snapshot(now, encoder);
            return null;
        });
    }

    /**
     * Starts or ends a strike of one usage ([STS-9]) for one licensee or every licensee ({@link UsageStrike#EVERY_LICENSEE}).
     *
     * @return whether it changed anything (a strike started that was not on, or ended that was)
     */
    public synchronized boolean setUsageStrike(String licensee, String usage, boolean on, Instant now, StatusEncoder encoder) {
        return tx(() -> {
            if (!licensee.equals(UsageStrike.EVERY_LICENSEE) && licenseeRow(licensee).isEmpty()) {
                throw StoreException.notFound("no licensee " + licensee);
            }
            boolean was = !query("SELECT usage FROM usage_strikes WHERE licensee = ? AND usage = ?", rs -> rs.getString(1), licensee, usage).isEmpty();
            if (was == on) {
                return false;
            }
            if (on) {
                update("INSERT INTO usage_strikes(licensee, usage, since) VALUES (?, ?, ?)", licensee, usage, now.getEpochSecond());
            } else {
                update("DELETE FROM usage_strikes WHERE licensee = ? AND usage = ?", licensee, usage);
            }
            audit(now, (on ? "strike." : "resume.") + "usage", usage + " of " + (licensee.equals(UsageStrike.EVERY_LICENSEE) ? "every licensee" : licensee));
            snapshot(now, encoder);
            return true;
        });
    }

    /** The usages struck alone now. */
    public synchronized List<UsageStrike> usageStrikes() {
        return query("SELECT licensee, usage, since FROM usage_strikes ORDER BY licensee, usage", rs -> new UsageStrike(rs.getString(1), rs.getString(2),
                Instant.ofEpochSecond(rs.getLong(3))));
    }

    public synchronized boolean strikeAll() {
        return Boolean.parseBoolean(query("SELECT v FROM meta WHERE k = 'strike_all'", rs -> rs.getString(1)).stream().findFirst().orElse("false"));
    }

    /** Makes sure a first status list exists (all VALID) from {@code now}. */
    public synchronized void initStatus(Instant now, StatusEncoder encoder) {
        tx(() -> {
            if (query("SELECT seq FROM status_history LIMIT 1", rs -> rs.getLong(1)).isEmpty()) {
                snapshot(now, encoder);
            }
            return null;
        });
    }

    /** Records every list whose encoding changed (or that is new), each as a snapshot of its own. */
    private void snapshot(Instant now, StatusEncoder encoder) throws SQLException {
        List<LicenseRow> ls = query("SELECT jti, licensee, agreement, idx, iat, exp, revoked, usage_idx FROM licenses ORDER BY idx", IssuerStore::licenseOf);
        List<LicenseeRow> ps = query("SELECT id, jwk, jkt, contact, created, suspension, removed FROM licensees ORDER BY id", IssuerStore::licenseeOf);
        List<String> lists = encoder.encode(ls, ps, Boolean.parseBoolean(metaGet("strike_all").orElse("false")), usageStrikes());
        for (int n = 1; n <= lists.size(); n++) {
            Optional<String> current = query("SELECT lst FROM status_history WHERE list_no = ? ORDER BY seq DESC LIMIT 1", rs -> rs.getString(1), n)
                    .stream().findFirst();
            if (current.isEmpty() || !current.get().equals(lists.get(n - 1))) {
                update("INSERT INTO status_history(at, lst, list_no) VALUES (?, ?, ?)", now.getEpochSecond(), lists.get(n - 1), n);
            }
        }
    }

    /** How many status lists there are (at least one, once the issuer has started). */
    public synchronized int statusLists() {
        return query("SELECT MAX(list_no) FROM status_history", rs -> rs.getInt(1)).stream().findFirst().orElse(0);
    }

    /** The newest of status list {@code n}. */
    public synchronized StatusSnapshot currentStatus(int n) {
        return query("SELECT at, lst FROM status_history WHERE list_no = ? ORDER BY seq DESC LIMIT 1",
                rs -> new StatusSnapshot(Instant.ofEpochSecond(rs.getLong(1)), rs.getString(2), Optional.empty()), n)
                .stream().findFirst().orElseThrow(() -> StoreException.notFound("no status list " + n));
    }

    /**
     * For each status list, a number that grows with every change of it (its newest snapshot's sequence number): what
     * the change stream ([STS-8]) announces. Read from the database, so a change made by any process holding it is seen.
     */
    public synchronized Map<Integer, Long> statusSeqs() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        query("SELECT list_no, MAX(seq) FROM status_history GROUP BY list_no", rs -> out.put(rs.getInt(1), rs.getLong(2)));
        return out;
    }

    /**
     * Status list {@code n} as it was in force at {@code t}, with the time it was replaced (if it was), or empty when
     * {@code t} is before its first version. Several changes within one second: the last of that second counts.
     */
    public synchronized Optional<StatusSnapshot> statusAt(int n, Instant t) {
        long s = t.getEpochSecond();
        Optional<StatusSnapshot> at = query("SELECT at, lst FROM status_history WHERE list_no = ? AND at <= ? ORDER BY seq DESC LIMIT 1",
                rs -> new StatusSnapshot(Instant.ofEpochSecond(rs.getLong(1)), rs.getString(2), Optional.empty()), n, s).stream().findFirst();
        if (at.isEmpty()) {
            return at;
        }
        Optional<Instant> next = query("SELECT MIN(at) FROM status_history WHERE list_no = ? AND at > ?", rs -> {
            long v = rs.getLong(1);
            return rs.wasNull() ? null : Instant.ofEpochSecond(v);
        }, n, s).stream().filter(java.util.Objects::nonNull).findFirst();
        return Optional.of(new StatusSnapshot(at.get().at(), at.get().lst(), next));
    }

    // ---------------------------------------------------------------- replay

    /**
     * Remembers {@code key} until {@code until}; false when it was already remembered (a replay). Expired markers
     * are dropped on the way.
     */
    public synchronized boolean firstUse(String key, Instant until, Instant now) {
        return tx(() -> {
            update("DELETE FROM replay WHERE until_at < ?", now.getEpochSecond());
            if (!query("SELECT k FROM replay WHERE k = ?", rs -> rs.getString(1), key).isEmpty()) {
                return false;
            }
            update("INSERT INTO replay(k, until_at) VALUES (?, ?)", key, until.getEpochSecond());
            return true;
        });
    }

    // ---------------------------------------------------------------- audit

    /** One line of the audit trail. */
    public record AuditRow(long seq, Instant at, String action, String detail) {}

    public synchronized List<AuditRow> audit(int last) {
        List<AuditRow> rows = query("SELECT seq, at, action, detail FROM audit ORDER BY seq DESC LIMIT ?",
                rs -> new AuditRow(rs.getLong(1), Instant.ofEpochSecond(rs.getLong(2)), rs.getString(3), rs.getString(4)), last);
        List<AuditRow> out = new ArrayList<>(rows);
        java.util.Collections.reverse(out);
        return out;
    }

    private void audit(Instant at, String action, String detail) throws SQLException {
        update("INSERT INTO audit(at, action, detail) VALUES (?, ?, ?)", at.getEpochSecond(), action, detail);
    }
    // ---------------------------------------------------------------- plumbing

    /** The usage the collector gathered from members' logs. */
    public UsageStore usage() {
        return usage;
    }

    /** Offers and acceptances ([OFR-1] to [OFR-3]). */
    public OfferStore offers() {
        return offers;
    }

    /** The collective's public notices ([NTC-1]). */
    /** The console's invites, passkeys and sessions. */
    public ConsoleStore console() {
        return console;
    }

    public NoticeStore notices() {
        return notices;
    }

    /** Proposals and votes ([DEC-1] to [DEC-5]). */
    public DecisionStore decisions() {
        return decisions;
    }

    /** Work only one instance may do at a time ([ISS-6]). */
    public LeaseStore leases() {
        return leases;
    }

    /** Price schedule versions, closed periods and statements. */
    public StatementStore statements() {
        return statements;
    }

    @Override
    public void close() {
        db.close();
    }

    private <T> T tx(Database.SqlSupplier<T> body) {
        return db.tx(body);
    }

    private <T> List<T> query(String sql, Database.SqlFunction<ResultSet, T> row, Object... args) {
        return db.query(sql, row, args);
    }

    private void update(String sql, Object... args) throws SQLException {
        db.update(sql, args);
    }

    private Optional<String> metaGet(String k) throws SQLException {
        return db.metaGet(k);
    }

    private void metaPut(String k, String v) throws SQLException {
        db.metaPut(k, v);
    }

    private static Optional<Instant> optInstant(ResultSet rs, int col) throws SQLException {
        return Database.optInstant(rs, col);
    }
}
