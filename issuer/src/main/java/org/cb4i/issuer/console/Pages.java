package org.cb4i.issuer.console;

import java.util.List;

/** What the console's templates show: immutable views, built by {@link Console} from the store. */
public final class Pages {
    private Pages() {}

    /** A usage a member may opt out of, and whether it has. */
    public record Choice(String usage, boolean optedOut) {}

    /** A passkey of the account: the start of its id, and when it was added. */
    public record Key(String idStart, String added) {}

    /** One day's fetches of one licensee for one use. */
    public record Fetched(String day, String licensee, String usage, long requests, long bytes) {}

    /** A proposal the member's organisation has a vote on: the tally so far, and its own vote ("" when none). */
    public record Proposal(String id, String action, String scope, String reason, String deadline, String state, long yes, long no, long abstain,
            long remaining, String yourVote) {
        public boolean open() {
            return state.equals("open") && yourVote.isEmpty();
        }
    }

    /** One of the member's payout statements: its number, month, amount (formatted in its currency) and whether a draft. */
    public record Payout(String number, String period, String amount, String kind) {}

    /** A member as an operator sees it: its site, organisation, when it joined, and its passkeys in the console. */
    public record MemberRow(String origin, String organisation, String joined, int passkeys) {}

    /** The operators' page; {@code invite} is a link just made (shown once), else "". */
    public record OperatorView(String collective, String csrf, boolean strikeAll, List<MemberRow> members, List<Proposal> proposals, String invite,
            String done) {
        public OperatorView {
            members = List.copyOf(members);
            proposals = List.copyOf(proposals);
        }
    }

    /** A member's page. */
    public record MemberView(String origin, String collective, String csrf, long consentVersion, boolean saved, List<Choice> choices, List<Key> keys,
            List<Fetched> fetched, List<Proposal> proposals, List<Payout> payouts) {
        public MemberView {
            choices = List.copyOf(choices);
            keys = List.copyOf(keys);
            fetched = List.copyOf(fetched);
            proposals = List.copyOf(proposals);
            payouts = List.copyOf(payouts);
        }

        public long requests() {
            return fetched.stream().mapToLong(Fetched::requests).sum();
        }
    }
}
