package org.cb4i.issuer.settlement;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cb4i.issuer.store.IssuerStore;
import org.cb4i.sdk.Cb4iException;
import org.cb4i.sdk.consent.ConsentHistory;
import org.cb4i.sdk.consent.OptOut;
import org.cb4i.sdk.json.Json;
import org.cb4i.sdk.terms.Usage;
import org.cb4i.sdk.token.Agreement;

/**
 * Whether an entry a member's proxy served was, at its time, opted out by the member's consent in force at the
 * collective ([CNS-8]): served in the window before the member's proxies took the change (within one consent ttl), or
 * by a proxy that does not enforce consent. The proxy's decision governs — such an entry is billed and paid as any
 * other — and statements count them on their lines ({@code opted_out}), so the member sees what the window let through.
 * Reads each member's consent history from the store once.
 */
final class ConsentAtFetch {
    private final IssuerStore store;
    private final Map<String, ConsentHistory> history = new HashMap<>();
    private final java.util.Set<String> chose;

    ConsentAtFetch(IssuerStore store) {
        this.store = store;
        this.chose = store.membersWithConsent(); // most members of a large collective never opt anything out: not asked for each
    }

    boolean optedOut(String member, Instant at, Usage usage, Optional<Agreement> agreement, Optional<String> path) {
        return chose.contains(member) && history.computeIfAbsent(member, this::read).optedOut(at, usage, agreement, path);
    }

    private ConsentHistory read(String member) {
        List<ConsentHistory.Version> out = new ArrayList<>();
        for (IssuerStore.ConsentRow r : store.consentHistory(member)) {
            try {
                out.add(new ConsentHistory.Version(r.at(), OptOut.read(Json.readObject(r.optOutJson(), "consent of " + member,
                        org.cb4i.sdk.Reason.MALFORMED_JSON), "consent of " + member)));
            } catch (Cb4iException e) {
                // A version that cannot be read was never served either: the proxies kept the one before it.
            }
        }
        return new ConsentHistory(out);
    }
}
