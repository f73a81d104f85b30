package org.cb4i.issuer.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.cb4i.issuer.collective.Collective;
import org.cb4i.issuer.collective.Offers;
import org.cb4i.issuer.store.ConsoleStore;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.issuer.store.OfferStore;
import org.cb4i.issuer.store.StatementStore;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.notice.Notice;
import org.cb4i.sdk.offer.Offer;

/**
 * The licensees' pages of the console: a licensee invited by an operator sees its agreements, the licenses issued to
 * it, its invoices (and credit notes) to download, the notices that concern it, and the open offers, which it accepts
 * with its passkey ([OFR-3]): the issuer makes a challenge for that one acceptance (the offer, the SHA-256 of the
 * offer as published and the account), the passkey signs it, and the signed assertion is kept as the acceptance's
 * evidence. A licensee sees nothing of another's.
 */
final class Licensees {
    /** Licenses shown, newest first (a crawler renewing hourly has thousands). */
    static final int LICENSES_SHOWN = 50;
    static final int NOTICES_SHOWN = 50;

    private final Console console;
    private final Collective collective;
    private final ConsoleStore store;
    private final Passkeys passkeys;

    Licensees(Console console, Collective collective, Passkeys passkeys) {
        this.console = console;
        this.collective = collective;
        this.store = collective.store().console();
        this.passkeys = passkeys;
    }

    static String account(String licensee) {
        return "licensee:" + licensee;
    }

    static boolean isLicensee(String account) {
        return account.startsWith("licensee:");
    }

    /** The licensee a console account is, if it is still one of the collective's. */
    IssuerStore.LicenseeRow licensee(String account) {
        if (!isLicensee(account)) {
            throw new ConsoleException(403, "not_a_licensee", "this console page is a licensee's");
        }
        String id = account.substring("licensee:".length());
        IssuerStore.LicenseeRow l = collective.store().licensee(id).orElseThrow(() -> new ConsoleException(403, "not_a_licensee",
                "this account's licensee is not registered with the collective"));
        if (l.removed().isPresent()) {
            throw new ConsoleException(403, "not_a_licensee", "licensee " + id + " was removed from the collective");
        }
        return l;
    }

    /** The answer to a licensees' route ({@code "METHOD /path"}), or empty when it is not one. */
    Optional<Console.Reply> route(String route, io.vertx.core.buffer.Buffer body, Optional<ConsoleStore.Session> session, Passkeys.Site site,
            String csrfHeader) {
        switch (route) {
            case "POST /console/api/accept/options" -> {
                AcceptCall c = acceptCall(session, csrfHeader, body);
                List<String> keys = store.passkeys(c.session().account()).stream().map(ConsoleStore.Passkey::credentialId).toList();
                return Optional.of(Console.Reply.json(passkeys.requestOptions(site, c.purpose(), keys)));
            }
            case "POST /console/api/accept" -> {
                AcceptCall c = acceptCall(session, csrfHeader, body);
                String assertion = c.in().path("credential").toString();
                Passkeys.Verified v = passkeys.assertion(site, assertion, c.purpose());
                if (!v.account().equals(c.session().account())) {
                    throw new ConsoleException(403, "passkey_refused", "the acceptance was confirmed with another account's passkey");
                }
                Offers.Accepted a;
                try {
                    a = collective.offers().acceptConfirmed(c.offer(), c.licensee().id(), c.sha256(), "console passkey " + v.credentialId() + " " + assertion);
                } catch (Offers.OfferRefused e) {
                    throw new ConsoleException(e.status, "acceptance_refused", e.getMessage());
                }
                return Optional.of(Console.Reply.json(Map.of("agreement", a.agreement(), "next", "/console/?saved=accepted#agreements")));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** An acceptance call of a signed-in licensee, its CSRF header checked: which offer, which text of it, and its challenge's purpose. */
    private record AcceptCall(ConsoleStore.Session session, IssuerStore.LicenseeRow licensee, JsonNode in, String offer, String sha256) {
        String purpose() {
            return acceptPurpose(offer, sha256, session.account());
        }
    }

    private AcceptCall acceptCall(Optional<ConsoleStore.Session> session, String csrfHeader, io.vertx.core.buffer.Buffer body) {
        ConsoleStore.Session s = Console.signedIn(session);
        Console.csrfHeader(s, csrfHeader);
        IssuerStore.LicenseeRow l = licensee(s.account());
        JsonNode in = Console.json(body);
        String offer = in.path("offer").asText("");
        String sha = in.path("offer_sha256").asText("");
        if (!offer.matches("[A-Za-z0-9._-]{1,100}") || !sha.matches("[0-9a-f]{64}")) {
            throw new ConsoleException(400, "invalid_request", "offer (its id) and offer_sha256 (64 lowercase hex digits) are required");
        }
        return new AcceptCall(s, l, in, offer, sha);
    }

    /** What an acceptance's challenge is kept for: the offer, the SHA-256 of its text and the account, hashed. */
    static String acceptPurpose(String offer, String sha256, String account) {
        return "accept:" + ConsoleStore.digest(offer + "\n" + sha256 + "\n" + account);
    }

    /** The licensee's page. */
    String home(ConsoleStore.Session s, Optional<String> saved) {
        IssuerStore.LicenseeRow l = licensee(s.account());
        Instant now = collective.clock().instant();
        List<IssuerStore.AgreementRow> agreements = collective.store().agreements(Optional.of(l.id()));
        List<Pages.AgreementItem> shown = agreements.stream().map(a -> agreement(a, now)).toList();
        List<IssuerStore.LicenseRow> all = collective.store().licenses(Optional.of(l.id()));
        List<Pages.LicenseItem> licenses = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && licenses.size() < LICENSES_SHOWN; i--) {
            IssuerStore.LicenseRow r = all.get(i);
            licenses.add(new Pages.LicenseItem(r.jti(), r.agreement(), r.issuedAt().toString(), r.expiresAt().toString(), r.revoked() ? "revoked"
                    : !r.expiresAt().isAfter(now) ? "expired" : "valid"));
        }
        Set<String> mine = agreements.stream().map(IssuerStore.AgreementRow::id).collect(Collectors.toSet());
        List<Pages.InvoiceItem> invoices = new ArrayList<>();
        for (StatementStore.StatementRow row : collective.store().statements().statementsOf(l.id())) {
            if (row.kind().equals("invoice") || row.kind().equals("credit_note")) {
                org.cb4i.sdk.settlement.Statement st = org.cb4i.sdk.settlement.Statement.verify(row.jws(), iss -> collective.jwks());
                invoices.add(0, new Pages.InvoiceItem(row.number(), row.period(), row.kind().replace('_', ' '), row.agreement().orElse(""),
                        Console.amount(st.currency(), st.totalMinor()), row.status().orElse("")));
            }
        }
        List<Pages.NoticeItem> notices = new ArrayList<>();
        for (var row : collective.store().notices().newest(Optional.empty(), 1000)) {
            Notice n = Notice.readOwn(row.jws());
            Object who = n.scope().get("licensee");
            Object agreement = n.scope().get("agreement");
            boolean concerns = who != null ? who.equals(l.id()) : agreement == null || mine.contains(String.valueOf(agreement));
            if (concerns && notices.size() < NOTICES_SHOWN) {
                notices.add(new Pages.NoticeItem(n.id(), n.issuedAt().toString(), n.title(), n.reason()));
            }
        }
        Map<String, String> accepted = new java.util.HashMap<>();
        List<Pages.OfferItem> offers = new ArrayList<>();
        for (Offer o : collective.offers().open()) {
            for (OfferStore.AcceptanceRow a : collective.store().offers().acceptances(o.id())) {
                if (a.licensee().equals(l.id())) {
                    accepted.put(o.id(), a.agreement());
                }
            }
            offers.add(new Pages.OfferItem(o.id(), String.join(", ", texts(o.grant().path("usages"))), String.join(", ", texts(o.grant().path("paths"))),
                    price(o.grant().path("price")), o.notBefore().map(Instant::toString).orElse("acceptance"), o.notAfter().toString(),
                    o.acceptUntil().toString(), o.sha256(), accepted.getOrDefault(o.id(), "")));
        }
        String standing = collective.store().strikeAll() ? "Every licensee is struck by the collective: its members' proxies refuse your licenses "
                + "(401 LICENSE_SUSPENDED) until the strike ends."
                : l.suspension().map(why -> "Your licenses are suspended (" + why + "): members' proxies refuse them (401 LICENSE_SUSPENDED).").orElse("");
        List<Pages.Key> keys = store.passkeys(s.account()).stream().map(k -> new Pages.Key(k.credentialId().substring(0, Math.min(12,
                k.credentialId().length())), k.createdAt().toString())).toList();
        return console.page("console/licensee.jte", Map.of("view", new Pages.LicenseeView(l.id(), collective.config().id(), s.csrf(), saved.orElse(""),
                standing, shown, licenses, all.size(), invoices, notices, offers, keys)));
    }

    private Pages.AgreementItem agreement(IssuerStore.AgreementRow a, Instant now) {
        JsonNode grant = Json.readObject(a.grantJson(), "agreement " + a.id(), org.cb4i.sdk.Reason.MALFORMED_JSON);
        String state = a.terminated().isPresent() ? "terminated " + a.terminated().get() + a.terminationReason().map(r -> " (" + r + ")").orElse("")
                : now.isBefore(a.notBefore()) ? "in force from " + a.notBefore() : !now.isBefore(a.notAfter()) ? "ended" : "active";
        List<IssuerStore.Amendment> amended = collective.store().amendments(a.id());
        if (!amended.isEmpty()) { // [ISS-12]
            IssuerStore.Amendment last = amended.get(amended.size() - 1);
            state += ", amended " + last.at() + " (" + last.reason() + ")" + (amended.size() > 1 ? ", " + amended.size() + " amendments in all" : "");
        }
        return new Pages.AgreementItem(a.id(), String.join(", ", texts(grant.path("usages"))), String.join(", ", texts(grant.path("paths"))),
                a.notBefore().toString(), a.notAfter().toString(), state);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** A price schedule ([SET-1]) for people: "0.002 EUR a request; at least 3 EUR a month; fee 10%". */
    static String price(JsonNode p) {
        if (!p.isObject()) {
            return "";
        }
        String currency = p.path("currency").asText("");
        List<String> parts = new ArrayList<>();
        components(p, currency, "", parts);
        p.path("usages").fields().forEachRemaining(e -> components(e.getValue(), currency, " for " + e.getKey(), parts));
        if (p.has("fee")) {
            parts.add("the collective's fee " + p.get("fee").asText() + "%");
        }
        if (p.path("attested_only").asBoolean(false)) {
            parts.add("only requests signed by you are billed");
        }
        return String.join("; ", parts);
    }

    private static void components(JsonNode r, String currency, String suffix, List<String> parts) {
        if (r.has("per_request")) {
            parts.add(r.get("per_request").asText() + " " + currency + " a request" + suffix);
        }
        if (r.has("per_mib")) {
            parts.add(r.get("per_mib").asText() + " " + currency + " a MiB" + suffix);
        }
        if (r.has("flat")) {
            parts.add(r.get("flat").asText() + " " + currency + " a month" + suffix);
        }
        if (r.has("minimum")) {
            parts.add("at least " + r.get("minimum").asText() + " " + currency + " a month" + suffix);
        }
    }
}
