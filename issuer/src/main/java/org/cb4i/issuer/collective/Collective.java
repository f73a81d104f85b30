package org.cb4i.issuer.collective;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.config.IssuerConfig;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.IssuerStore.AgreementRow;
import org.cb4i.issuer.store.IssuerStore.LicenseRow;
import org.cb4i.issuer.store.IssuerStore.LicenseeRow;
import org.cb4i.issuer.store.StoreException;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.jose.Base64Url;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.key.KeyFiles;
import org.cb4i.sdk.key.KeySet;
import org.cb4i.sdk.key.SigningKey;
import org.cb4i.sdk.key.VerificationKey;
import org.cb4i.sdk.repertoire.Repertoire;
import org.cb4i.sdk.status.StatusList;
import org.cb4i.sdk.status.StatusListToken;
import org.cb4i.sdk.status.StatusValue;
import org.cb4i.sdk.token.Agreement;
import org.cb4i.sdk.token.Confirmation;
import org.cb4i.sdk.token.LicenseClaims;
import org.cb4i.sdk.token.LicenseTokenVerifier;
import org.cb4i.sdk.token.LicenseTokens;
import org.cb4i.sdk.token.PathScope;
import org.cb4i.sdk.token.Quota;
import org.cb4i.sdk.token.StatusReference;
import org.cb4i.sdk.token.VerifiedLicense;
import org.cb4i.sdk.terms.Usage;

/**
 * The collective's licensing, over its store: issuing licenses under agreements, the status list that revokes,
 * suspends and strikes them, and the signed repertoire. Everything the HTTP endpoints and the offline CLI do goes
 * through here, so both enforce the same rules.
 */
public final class Collective {
    /** Statuses of licensees whose access is withheld, and the status value each puts on their licenses. */
    public static final Map<String, StatusValue> SUSPENSIONS = Map.of("suspended", StatusValue.SUSPENDED, "payment-overdue",
            StatusValue.PAYMENT_OVERDUE, "strike", StatusValue.SUSPENDED);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final IssuerConfig config;
    private final IssuerStore store;
    private final SigningKey key;
    private final Clock clock;
    private final LicenseTokenVerifier verifier;

    public Collective(IssuerConfig config, IssuerStore store, SigningKey key, Clock clock) {
        this.config = config;
        this.store = store;
        this.key = key;
        this.clock = clock;
        this.verifier = LicenseTokenVerifier.builder().trustIssuer(config.id(), jwks()).acceptAudience(config.repertoireId()).clock(clock).build();
        store.initStatus(now(), this::encodeStatus);
    }

    public IssuerConfig config() {
        return config;
    }

    private SigningKey collectorKey;
    private final Object collecting = new Object();

    /**
     * The collective's collector key ([SET-8]), read from {@link IssuerConfig#collectorKeyDir()} or generated there on
     * first use (owner-only). Its public half goes to member proxies' {@code issuers[].collector_key}.
     *
     * @throws StoreException when the key folder cannot be read or written
     */
    public synchronized SigningKey collectorKey() {
        if (collectorKey == null) {
            try {
                collectorKey = org.cb4i.sdk.key.KeyFiles.readOrGenerate(config.collectorKeyDir());
            } catch (java.io.IOException | org.cb4i.sdk.Cb4iException e) {
                throw new StoreException(config.collectorKeyDir() + ": cannot read or create the collector key (" + e.getMessage() + ")");
            }
        }
        return collectorKey;
    }

    /** Held while collecting, and while a period is settled, so that a close sees logs that do not move. */
    public Object collectionLock() {
        return collecting;
    }

    /** Collects usage from every approved member log now ([SET-9]); one collection at a time. */
    public List<org.cb4i.issuer.settlement.Collector.Result> collect() {
        synchronized (collecting) {
            return collector().collectAll();
        }
    }

    /** A statement signed by the collective's key ([SET-10]). */
    public org.cb4i.sdk.settlement.Statement sign(org.cb4i.sdk.settlement.Statement s) {
        return s.sign(key);
    }

    /** A collector for this collective (for one log, or to look up a proxy's log ids). */
    public org.cb4i.issuer.settlement.Collector collector() {
        return new org.cb4i.issuer.settlement.Collector(config.id(), store, collectorKey(), config.collection().policy(), clock);
    }

    public IssuerStore store() {
        return store;
    }

    private final Decisions decisions = new Decisions(this);
    private final Offers offers = new Offers(this);

    /** Offers and their acceptance ([OFR-1] to [OFR-4]). */
    public Offers offers() {
        return offers;
    }

    /** The collective's signing key (for what it publishes). */
    org.cb4i.sdk.key.SigningKey signingKey() {
        return key;
    }

    /** The members' decisions ([DEC-1] to [DEC-7]). */
    public Decisions decisions() {
        return decisions;
    }

    /** The collective's clock. */
    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return Instant.ofEpochSecond(clock.instant().getEpochSecond());
    }

    /** The collective's public keys. */
    public KeySet jwks() {
        return KeySet.of(key.publicKey());
    }

    // ------------------------------------------------------------------ licenses

    /** A license as issued: the token and what it was issued under. */
    /** @param superseded licenses of the same licensee and agreement revoked by this one (over the live limit, [ISS-9]) */
    public record Issued(String token, LicenseClaims claims, LicenseRow row, List<String> superseded) {}

    /** Where a license's status is: list {@code idx / capacity + 1}, at {@code idx % capacity} ([ISS-9]). */
    public StatusReference statusReference(long idx) {
        int cap = config.statusCapacity();
        return new StatusReference(idx % cap, config.statusListUri((int) (idx / cap) + 1));
    }

    /**
     * Issues a license to {@code licenseeId} under one of its agreements in force ([ISS-3]).
     *
     * @param agreementId the agreement to issue under; may be empty when the licensee has exactly one in force
     * @throws OAuthException {@code unauthorized_client} when the licensee is suspended or on strike,
     *     {@code invalid_grant} when no agreement is in force (or the named one is not), {@code invalid_request}
     *     when several are and none is named
     */
    public Issued issue(String licenseeId, Optional<String> agreementId) {
        Instant now = now();
        LicenseeRow licensee = store.licensee(licenseeId).orElseThrow(() -> OAuthException.invalidClient("unknown client " + licenseeId));
        if (licensee.removed().isPresent()) {
            throw new OAuthException("unauthorized_client", 400, "licensee " + licenseeId + " was removed from the collective at "
                    + licensee.removed().get() + "; it is given no license");
        }
        if (licensee.suspension().isPresent()) {
            throw new OAuthException("unauthorized_client", 400, "licensee " + licenseeId + " is " + describe(licensee.suspension().get())
                    + "; no license is issued until the collective resumes it");
        }
        if (store.strikeAll()) {
            throw new OAuthException("unauthorized_client", 400, "the collective is on strike: no license is issued to anyone until it resumes");
        }
        List<AgreementRow> all = store.agreements(Optional.of(licenseeId));
        AgreementRow agreement;
        if (agreementId.isPresent()) {
            agreement = all.stream().filter(a -> a.id().equals(agreementId.get())).findFirst()
                    .orElseThrow(() -> new OAuthException("invalid_grant", 400, "licensee " + licenseeId + " has no agreement " + agreementId.get()));
            if (agreement.terminated().isPresent()) {
                throw new OAuthException("invalid_grant", 400, "agreement " + agreement.id() + " was terminated at " + agreement.terminated().get()
                        + agreement.terminationReason().map(r -> ": " + r).orElse(""));
            }
            if (!inForce(agreement, now)) {
                throw new OAuthException("invalid_grant", 400, "agreement " + agreement.id() + " is in force from " + agreement.notBefore()
                        + " until " + agreement.notAfter() + ", not now");
            }
        } else {
            List<AgreementRow> inForce = all.stream().filter(a -> inForce(a, now)).toList();
            if (inForce.isEmpty()) {
                throw new OAuthException("invalid_grant", 400, "licensee " + licenseeId + " has no agreement in force"
                        + (all.isEmpty() ? "" : " (" + all.size() + " ended or not yet started)"));
            }
            if (inForce.size() > 1) {
                throw new OAuthException("invalid_request", 400, "licensee " + licenseeId + " has " + inForce.size()
                        + " agreements in force; name one with agreement=" + String.join("|", inForce.stream().map(AgreementRow::id).toList()));
            }
            agreement = inForce.get(0);
        }
        Grant grant = Grant.read(Json.readObject(agreement.grantJson(), "agreement " + agreement.id(), org.cb4i.sdk.Reason.MALFORMED_JSON));
        Duration life = grant.tokenLifetime().filter(d -> d.compareTo(config.tokenLifetime()) < 0).orElse(config.tokenLifetime());
        Instant exp = now.plus(life);
        if (exp.isAfter(agreement.notAfter())) {
            exp = agreement.notAfter();
        }
        String jti = randomId();
        IssuerStore.Added added;
        IssuerConfig.Limits l = config.limits();
        try {
            added = store.addLicense(jti, licenseeId, agreement.id(), narrowest(grant.usages()).stream().map(Usage::token).toList(), now, exp,
                    new IssuerStore.Limits(config.statusCapacity(), l.statusMaxLists(), l.tokensPerHour(), l.livePerAgreement()), this::encodeStatus);
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.CONFLICT) {
                throw new OAuthException("unauthorized_client", 400, e.getMessage() + "; no license is issued until the collective resumes");
            }
            if (e.kind() == StoreException.Kind.LIMITED) {
                throw new OAuthException("slow_down", 429, e.getMessage(), e.retryAfterSeconds());
            }
            throw e;
        }
        LicenseRow row = added.row();
        Map<Usage, StatusReference> usageStatus = new java.util.EnumMap<>(Usage.class);
        row.usageIdx().forEach((u, i) -> usageStatus.put(Usage.parse(u).orElseThrow(), statusReference(i)));
        LicenseClaims claims = new LicenseClaims(config.id(), licenseeId, List.of(config.repertoireId()), jti, now, now, exp,
                new Confirmation(VerificationKey.fromJson(licensee.jwkJson())), grant.usages(), grant.paths(), grant.quota(), Optional.of(agreementOf(agreement, grant)),
                Optional.of(statusReference(row.idx())), usageStatus);
        return new Issued(LicenseTokens.issue(claims, key), claims, row, added.superseded());
    }

    /** The narrowest usages a grant covers: each gets a status index of its own in the licenses issued under it ([STS-9]). */
    static List<Usage> narrowest(java.util.Collection<Usage> granted) {
        return Usage.NARROWEST.stream().filter(u -> Usage.anyImplies(granted, u)).toList();
    }

    private static boolean inForce(AgreementRow a, Instant now) {
        return !a.notBefore().isAfter(now) && a.notAfter().isAfter(now);
    }

    /**
     * RFC 7662 introspection of one of this collective's tokens ([ISS-5]): {@code active} only when it verifies, is
     * within its validity and its status is VALID; the grant also as RFC 9396 {@code authorization_details}.
     */
    public Map<String, Object> introspect(String token) {
        Map<String, Object> out = new LinkedHashMap<>();
        VerifiedLicense v;
        try {
            v = verifier.verifyAllowingExpired(token);
        } catch (Cb4iException e) {
            out.put("active", false);
            out.put("reason", e.reason().name());
            return out;
        }
        LicenseClaims c = v.claims();
        StatusValue status = store.license(c.id()).map(r -> statusOf(r.idx())).orElse(StatusValue.VALID);
        Instant now = clock.instant();
        boolean timely = !now.isBefore(c.notBefore()) && now.isBefore(c.expiresAt());
        boolean active = timely && status == StatusValue.VALID && store.license(c.id()).isPresent();
        out.put("active", active);
        if (!active) {
            out.put("reason", !timely ? (now.isBefore(c.notBefore()) ? "TOKEN_NOT_YET_VALID" : "TOKEN_EXPIRED")
                    : status != StatusValue.VALID ? status.reason().name() : "UNKNOWN_LICENSE");
        }
        Map<String, Object> claims = c.toJson();
        out.put("token_type", LicenseTokens.AUTH_SCHEME);
        for (String k : List.of("iss", "sub", "aud", "jti", "iat", "nbf", "exp", "cnf")) {
            out.put(k, claims.get(k));
        }
        out.put("client_id", c.subject());
        out.put("status", status.name());
        store.license(c.id()).filter(r -> !r.usageIdx().isEmpty()).ifPresent(r -> {
            Map<String, Object> us = new LinkedHashMap<>(); // [STS-9]: each usage's own status
            r.usageIdx().forEach((u, i) -> us.put(u, statusOf(i).name()));
            out.put("usage_status", us);
        });
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("type", "cb4i-license");
        for (String k : List.of("usages", "paths", "quota", "agreement")) {
            if (claims.containsKey(k)) {
                detail.put(k, claims.get(k));
            }
        }
        out.put("authorization_details", List.of(detail));
        return out;
    }

    // ------------------------------------------------------------------ status

    private StatusValue statusOf(long idx) {
        int cap = config.statusCapacity();
        StatusList list = StatusList.decode(2, store.currentStatus((int) (idx / cap) + 1).lst());
        int i = (int) (idx % cap);
        return i < list.size() ? list.status(i) : StatusValue.INVALID;
    }

    /** How many status lists the issuer serves ([ISS-9]). */
    public int statusLists() {
        return Math.max(1, store.statusLists());
    }

    /** Status list {@code n} as it stands, signed now ([STS-4]): {@code iat} now, {@code exp} now + validity. */
    public StatusListToken currentStatusList(int n) {
        Instant now = now();
        IssuerStore.StatusSnapshot s = store.currentStatus(n);
        return StatusListToken.sign(key, config.statusListUri(n), now, now.plus(config.statusValidity()), config.statusTtl(),
                StatusList.decode(2, s.lst()));
    }

    /** The first status list as it stands. */
    public StatusListToken currentStatusList() {
        return currentStatusList(1);
    }

    /** Each status list's change number ([STS-8]): it grows with every strike, suspension, revocation or reinstatement. */
    public Map<Integer, Long> statusSeqs() {
        return store.statusSeqs();
    }

    /**
     * Status list {@code n} in force at {@code t} ([STS-7]), signed with {@code iat} when it took effect and {@code exp}
     * when it was replaced (or, for the list still in force, now + validity), so that they bracket {@code t};
     * empty when {@code t} is before the list's first version or in the future.
     */
    public Optional<StatusListToken> statusListAt(int n, Instant t) {
        Instant now = now();
        if (t.isAfter(now)) {
            return Optional.empty();
        }
        return store.statusAt(n, t).map(s -> StatusListToken.sign(key, config.statusListUri(n), s.at(),
                s.until().orElse(now.plus(config.statusValidity())), config.statusTtl(), StatusList.decode(2, s.lst())));
    }

    /** The lists as the licenses' states make them: one per {@code status.capacity} indices, at least one. */
    private List<String> encodeStatus(List<LicenseRow> licenses, List<LicenseeRow> licensees, boolean strikeAll,
            List<IssuerStore.UsageStrike> usageStrikes) {
        Map<String, StatusValue> withheld = new LinkedHashMap<>();
        for (LicenseeRow l : licensees) {
            l.suspension().ifPresent(s -> withheld.put(l.id(), SUSPENSIONS.getOrDefault(s, StatusValue.SUSPENDED)));
        }
        java.util.Set<String> struckUsages = new java.util.HashSet<>(); // "licensee usage" or "* usage"
        usageStrikes.forEach(u -> struckUsages.add(u.licensee() + " " + u.usage()));
        int cap = config.statusCapacity();
        long highest = licenses.stream().mapToLong(l -> l.usageIdx().values().stream().mapToLong(Integer::longValue).max().orElse(l.idx())).max()
                .orElse(0);
        List<StatusList> lists = new ArrayList<>();
        for (long n = 0; n <= highest / cap; n++) {
            lists.add(StatusList.create(2, cap));
        }
        for (LicenseRow l : licenses) {
            StatusValue v = l.revoked() ? StatusValue.INVALID
                    : withheld.containsKey(l.licensee()) ? withheld.get(l.licensee())
                    : strikeAll ? StatusValue.SUSPENDED : StatusValue.VALID;
            lists.get((int) (l.idx() / cap)).set((int) (l.idx() % cap), v);
            // [STS-9]: a usage struck alone is SUSPENDED at the license's index for it; the license's other usages stay as its own status says.
            for (Map.Entry<String, Integer> u : l.usageIdx().entrySet()) {
                boolean struck = struckUsages.contains(IssuerStore.UsageStrike.EVERY_LICENSEE + " " + u.getKey())
                        || struckUsages.contains(l.licensee() + " " + u.getKey());
                lists.get(u.getValue() / cap).set(u.getValue() % cap, struck ? StatusValue.SUSPENDED : StatusValue.VALID);
            }
        }
        return lists.stream().map(StatusList::encode).toList();
    }

    /** Ends an agreement now and revokes its licenses at once ([ISS-10]), with its public notice; returns the licenses revoked. */
    public List<String> terminate(String agreementId, String reason) {
        List<String> revoked = store.terminateAgreement(agreementId, reason, now(), this::encodeStatus);
        publish("termination", Map.of("agreement", agreementId), reason, Optional.empty());
        return revoked;
    }

    /**
     * Amends an agreement in force ([ISS-12]): new terms (the grant, with its price schedule when it names one, and
     * optionally a new end) from now; the licenses of the earlier terms are revoked at once, so that the licensee asks
     * for licenses of the new terms; published as a notice. Returns the licenses revoked.
     *
     * @throws StoreException invalid (the grant or price at fault, a price in another currency), not found, conflict
     */
    public List<String> amend(String agreementId, com.fasterxml.jackson.databind.JsonNode grant, Optional<Instant> notAfter, String reason) {
        Grant.read(grant);
        Grant.price(grant).ifPresent(p -> requireCurrencyOf(agreementId, p, "grant.price"));
        Optional<String> price = grant.has("price") ? Optional.of(Json.write(grant.get("price"))) : Optional.empty();
        if (reason.isBlank() || reason.length() > 2000) {
            throw StoreException.invalid("reason: say why, in at most 2000 characters (it is published)");
        }
        List<String> revoked = store.amendAgreement(agreementId, Json.write(grant), notAfter, price, reason, now(), this::encodeStatus);
        publish("amendment", Map.of("agreement", agreementId), reason, Optional.empty());
        return revoked;
    }

    /**
     * A new price schedule of an agreement must be in the currency of its earlier ones ([SET-1]: an agreement is billed in
     * one currency).
     *
     * @throws StoreException (invalid) naming {@code member}, the member of the request at fault
     */
    public void requireCurrencyOf(String agreementId, org.cb4i.sdk.settlement.PriceSchedule p, String member) {
        List<org.cb4i.issuer.store.StatementStore.PriceVersion> versions = store.statements().prices(agreementId);
        if (versions.isEmpty()) {
            return;
        }
        String was = org.cb4i.sdk.settlement.PriceSchedule.read(versions.get(0).scheduleJson(), "stored price").currency().getCurrencyCode();
        if (!was.equals(p.currency().getCurrencyCode())) {
            throw StoreException.invalid(member + ": currency " + p.currency() + " differs from the agreement's " + was
                    + "; an agreement is billed in one currency (terminate it and make a new one)");
        }
    }

    /** Removes a licensee: its agreements terminated, its licenses revoked, no license again ([ISS-11]), with its notice. */
    public List<String> removeLicensee(String licenseeId, String reason) {
        List<String> revoked = store.removeLicensee(licenseeId, reason, now(), this::encodeStatus);
        publish("removal", Map.of("licensee", licenseeId), reason, Optional.empty());
        return revoked;
    }

    /**
     * Strikes (or ends a strike) against one licensee or every licensee, and publishes the notice ([ISS-8], [NTC-1]).
     *
     * @param proposal the proposal whose vote decided it, if one did ([DEC-4])
     */
    public Optional<org.cb4i.sdk.notice.Notice> strike(Optional<String> licensee, boolean on, String reason, Optional<String> proposal) {
        return strike(licensee, Optional.empty(), on, reason, proposal);
    }

    /**
     * As {@link #strike(Optional, boolean, String, Optional)}, of one usage only when {@code usage} is given ([STS-9]):
     * the licenses' index for that usage is SUSPENDED, their other usages keep working. A usage strike and a strike of
     * every usage are separate: ending one does not end the other.
     */
    public Optional<org.cb4i.sdk.notice.Notice> strike(Optional<String> licensee, Optional<Usage> usage, boolean on, String reason,
            Optional<String> proposal) {
        if (usage.isPresent()) {
            if (!Usage.NARROWEST.contains(usage.get())) {
                throw StoreException.invalid("usage: one of ai-train, ai-input, ai-index or search is struck alone; found " + usage.get().token());
            }
            boolean changed = store.setUsageStrike(licensee.orElse(IssuerStore.UsageStrike.EVERY_LICENSEE), usage.get().token(), on, now(),
                    this::encodeStatus);
            if (!changed) {
                return Optional.empty(); // nothing to announce: it was already so
            }
            return Optional.of(publish(on ? "strike" : "resume", org.cb4i.sdk.decision.DecisionRequest.scope(licensee, usage), reason, proposal));
        }
        boolean wasStrike;
        if (licensee.isPresent()) {
            wasStrike = store.licensee(licensee.get()).flatMap(LicenseeRow::suspension).map("strike"::equals).orElse(false);
            suspend(licensee.get(), on ? Optional.of("strike") : Optional.empty());
        } else {
            wasStrike = store.strikeAll();
            strikeAll(on);
        }
        if (!on && !wasStrike) {
            return Optional.empty(); // the end of a suspension that was no strike (an overdue payment) is the licensee's business
        }
        return Optional.of(publish(on ? "strike" : "resume", org.cb4i.sdk.decision.DecisionRequest.scope(licensee, Optional.empty()), reason,
                proposal));
    }

    /** Publishes a notice ([NTC-1]): signed by the collective, numbered in order. */
    public org.cb4i.sdk.notice.Notice publish(String kind, Map<String, Object> scope, String reason, Optional<String> proposal) {
        Instant now = now();
        org.cb4i.sdk.notice.Notice[] made = new org.cb4i.sdk.notice.Notice[1];
        store.notices().publish(now, kind, n -> (made[0] = org.cb4i.sdk.notice.Notice.sign(key, config.id(), "N" + n, now, kind, scope, reason,
                proposal)).compact());
        return made[0];
    }

    /** Revokes one license for good ([ISS-7]). */
    public void revoke(String jti) {
        store.revoke(jti, now(), this::encodeStatus);
    }

    /**
     * Withholds (or, with empty, restores) a licensee's access: every license it holds gets the suspension's status
     * value at the next status list ([ISS-8]).
     */
    public void suspend(String licensee, Optional<String> suspension) {
        suspension.ifPresent(s -> {
            if (!SUSPENSIONS.containsKey(s)) {
                throw StoreException.invalid("unknown suspension \"" + s + "\"; use suspended, payment-overdue or strike");
            }
        });
        store.setSuspension(licensee, suspension, now(), this::encodeStatus);
    }

    /** Suspends (or restores) every license of the collective at once: the data strike ([ISS-8]). */
    public void strikeAll(boolean on) {
        store.setStrikeAll(on, now(), this::encodeStatus);
    }

    // ------------------------------------------------------------------ repertoire

    /** The repertoire as it is now, or as it was at {@code t} (members whose membership covered {@code t}) ([REP-3]). */
    public Repertoire repertoire(Optional<Instant> t) {
        Instant now = now();
        List<Repertoire.Member> members = new ArrayList<>();
        for (IssuerStore.MemberRow m : store.members()) {
            Repertoire.Member member = new Repertoire.Member(m.origin(), m.joined(), m.left(),
                    KeyFiles.parseKeySet(m.contentKeysJson(), "content keys of " + m.origin()));
            if (t.isEmpty() ? member.left().isEmpty() || member.left().get().isAfter(now) : member.activeAt(t.get())) {
                members.add(member);
            }
        }
        return Repertoire.sign(key, config.id(), config.repertoireId(), now, now.plus(config.repertoireValidity()), members);
    }

    // ------------------------------------------------------------------ consent ([CNS-3], [CNS-6])

    /**
     * The current member entry of an origin (compared as [TOK-9] compares origins), if it is a member now.
     */
    public Optional<IssuerStore.MemberRow> currentMember(String origin) {
        String o;
        try {
            o = org.cb4i.sdk.token.PathScope.normaliseOrigin(origin);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Instant now = now();
        return store.members().stream().filter(m -> (m.left().isEmpty() || m.left().get().isAfter(now)) && !m.joined().isAfter(now))
                .filter(m -> org.cb4i.sdk.token.PathScope.normaliseOrigin(m.origin()).equals(o)).findFirst();
    }

    /** A current member's content keys ([REP-1]): the keys that may ask for and change its consent. */
    public org.cb4i.sdk.key.KeySet memberKeys(IssuerStore.MemberRow m) {
        return KeyFiles.parseKeySet(m.contentKeysJson(), "content keys of " + m.origin());
    }

    /**
     * The member's consent document, signed now ([CNS-3]): its current version (0 and nothing opted out when it never
     * chose), with the status lists' ttl, valid for the status lists' validity.
     */
    public org.cb4i.sdk.consent.ConsentDocument consentDocument(IssuerStore.MemberRow m) {
        Instant now = now();
        Optional<IssuerStore.ConsentRow> c = store.consent(m.origin());
        org.cb4i.sdk.consent.OptOut optOut = c.isEmpty() ? org.cb4i.sdk.consent.OptOut.NONE
                : org.cb4i.sdk.consent.OptOut.read(Json.readObject(c.get().optOutJson(), "stored consent of " + m.origin(),
                        org.cb4i.sdk.Reason.MALFORMED_JSON), "stored consent of " + m.origin());
        return org.cb4i.sdk.consent.ConsentDocument.sign(key, config.id(), m.origin(), now, now.plus(config.statusValidity()),
                c.map(IssuerStore.ConsentRow::version).orElse(0L), config.statusTtl(), optOut);
    }

    /** Records a member's consent, as the member asked ({@code setBy} {@code member <thumbprint>}) or an operator set it. */
    public IssuerStore.ConsentRow setConsent(IssuerStore.MemberRow m, org.cb4i.sdk.consent.OptOut optOut, String setBy, Optional<String> evidence) {
        return store.setConsent(m.origin(), Json.write(optOut.toJson()), setBy, evidence, now());
    }

    /**
     * The agreement a license names ([CNS-7]): the one the collective recorded, else the agreement's URI at this issuer
     * and the SHA-256 of its grant as stored.
     */
    public Agreement agreementOf(AgreementRow a, Grant grant) {
        if (grant.agreement().isPresent()) {
            return grant.agreement().get();
        }
        String base = config.publicUrl().toString();
        return new Agreement(URI.create((base.endsWith("/") ? base : base + "/") + "agreements/"
                + java.net.URLEncoder.encode(a.id(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")),
                java.util.HexFormat.of().formatHex(sha256(a.grantJson().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ helpers

    static String describe(String suspension) {
        return switch (suspension) {
            case "strike" -> "on strike";
            case "payment-overdue" -> "suspended for overdue payment";
            default -> "suspended";
        };
    }

    private static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64Url.encode(b);
    }

    /** What an agreement's licenses grant, as stored with it (the same members as the token claims). */
    public record Grant(java.util.Set<Usage> usages, List<PathScope> paths, Quota quota, Optional<Agreement> agreement,
            Optional<Duration> tokenLifetime) {
        /**
         * The price schedule a grant names ([SET-1]), checked; empty when it names none.
         *
         * @throws StoreException (invalid) naming the member of the schedule at fault
         */
        public static Optional<org.cb4i.sdk.settlement.PriceSchedule> price(JsonNode g) {
            if (!g.has("price")) {
                return Optional.empty();
            }
            try {
                return Optional.of(org.cb4i.sdk.settlement.PriceSchedule.read(g.get("price"), "grant.price"));
            } catch (org.cb4i.sdk.MalformedInputException e) {
                throw StoreException.invalid(e.getMessage());
            }
        }

        /**
         * Reads and checks a grant.
         *
         * @throws StoreException (invalid) naming the member that is wrong
         */
        public static Grant read(JsonNode g) {
            try {
                if (!g.isObject()) {
                    throw StoreException.invalid("the grant must be an object");
                }
                for (var it = g.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!java.util.Set.of("usages", "paths", "quota", "agreement", "token_lifetime", "price").contains(k)) {
                        throw StoreException.invalid("unknown member \"" + k + "\"; an agreement grants usages, paths, quota, agreement, "
                                + "token_lifetime, and records a price schedule (price)");
                    }
                }
                // The price schedule (SPEC.md [SET-1]) is what the collective bills from; it is kept with the agreement,
                // checked when the agreement is added, and never put into a license.
                if (!g.has("usages")) {
                    throw StoreException.invalid("an agreement must grant at least one usage (usages: [ai-train])");
                }
                org.cb4i.sdk.token.Granted granted = org.cb4i.sdk.token.Granted.read(Json.write(g));
                java.util.Set<Usage> usages = granted.usages();
                List<PathScope> paths = granted.paths();
                Quota quota = granted.quota();
                Optional<Agreement> agreement = Optional.empty();
                if (g.has("agreement")) {
                    JsonNode a = g.get("agreement");
                    try {
                        agreement = Optional.of(new Agreement(URI.create(a.path("uri").asText()), a.path("sha256").asText()));
                    } catch (IllegalArgumentException e) {
                        throw StoreException.invalid("agreement: " + e.getMessage());
                    }
                }
                Optional<Duration> life = Optional.empty();
                if (g.has("token_lifetime")) {
                    if (!g.get("token_lifetime").isIntegralNumber() || g.get("token_lifetime").longValue() < 60) {
                        throw StoreException.invalid("token_lifetime must be a whole number of seconds, at least 60");
                    }
                    life = Optional.of(Duration.ofSeconds(g.get("token_lifetime").longValue()));
                }
                return new Grant(usages, paths, quota, agreement, life);
            } catch (Cb4iException e) {
                throw StoreException.invalid(e.getMessage().replace("license token claim", "grant member"));
            }
        }
    }
}
