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

    /** The operators' page: every section; {@code invite} is a link just made (shown once), else "". */
    public record OperatorView(String collective, String csrf, boolean strikeAll, List<String> usageStrikes, List<MemberRow> members, List<LicenseeRow> licensees,
            List<OfferRow> offers, List<AgreementRow> agreements, List<UsageRow> usage, List<StatementRow> statements, int statementCount,
            List<Proposal> proposals, String invite, String done) {
        public OperatorView {
            usageStrikes = List.copyOf(usageStrikes);
            members = List.copyOf(members);
            licensees = List.copyOf(licensees);
            offers = List.copyOf(offers);
            agreements = List.copyOf(agreements);
            usage = List.copyOf(usage);
            statements = List.copyOf(statements);
            proposals = List.copyOf(proposals);
        }
    }

    /** One bar of a chart: where it is drawn (in the chart's 900 x 200 box) and what it says. */
    public record Bar(int x, int y, int width, int height, String label) {}

    /** A bar chart drawn as SVG on the server (no script): its bars, the largest value and the first and last labels. */
    public record Chart(List<Bar> bars, long max, String from, String to, String summary) {
        public Chart {
            bars = List.copyOf(bars);
        }

        /**
         * Requests per day, one bar a day from {@code days.get(0)} on: heights scaled to the largest day.
         *
         * @param days the days in order (yyyy-mm-dd), zero days included
         * @param values each day's value
         */
        public static Chart perDay(List<String> days, long[] values, String what) {
            long max = 0;
            long sum = 0;
            for (long v : values) {
                max = Math.max(max, v);
                sum += v;
            }
            int n = Math.max(1, days.size());
            int slot = 900 / n;
            int width = Math.max(1, slot - Math.max(1, slot / 5));
            List<Bar> bars = new java.util.ArrayList<>();
            for (int i = 0; i < days.size(); i++) {
                int h = max == 0 ? 0 : (int) Math.round(180.0 * values[i] / max);
                bars.add(new Bar(i * slot, 190 - h, width, h, days.get(i) + ": " + values[i] + " " + what));
            }
            return new Chart(bars, max, days.isEmpty() ? "" : days.get(0), days.isEmpty() ? "" : days.get(days.size() - 1),
                    sum + " " + what + " from " + (days.isEmpty() ? "" : days.get(0)) + " to " + (days.isEmpty() ? "" : days.get(days.size() - 1))
                            + ", at most " + max + " a day");
        }
    }

    /** One version of a member's consent: from when, set by whom, and what it opted out. */
    public record ConsentVersion(long version, String from, String setBy, String optedOut) {}

    /** A member's page. */
    public record MemberView(String origin, String collective, String csrf, long consentVersion, String saved, List<Choice> choices, List<Key> keys,
            List<Fetched> fetched, Chart perDay, List<Proposal> proposals, List<String> licensees, List<Payout> payouts,
            List<ConsentVersion> consentHistory) {
        public MemberView {
            consentHistory = List.copyOf(consentHistory);
            licensees = List.copyOf(licensees);
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

    /** An agreement of the licensee: what it grants, its term and where it stands. */
    public record AgreementItem(String id, String usages, String paths, String notBefore, String notAfter, String state) {}

    /** A license issued to the licensee. */
    public record LicenseItem(String jti, String agreement, String issued, String expires, String state) {}

    /** An invoice (or credit note) to the licensee: its number, month, kind, agreement, amount and status. */
    public record InvoiceItem(String number, String period, String kind, String agreement, String amount, String status) {}

    /** A notice: its id, when, its title and the reason given. */
    public record NoticeItem(String id, String date, String title, String reason) {}

    /** An open offer: its terms and price, its SHA-256 (what an acceptance names) and the agreement it made, if accepted. */
    public record OfferItem(String id, String usages, String paths, String price, String from, String until, String acceptUntil, String sha256,
            String agreement) {}

    /** A licensee's page; {@code saved} says what was just done, else "". */
    public record LicenseeView(String id, String collective, String csrf, String saved, String standing, List<AgreementItem> agreements,
            List<LicenseItem> licenses, int licenseCount, List<InvoiceItem> invoices, List<NoticeItem> notices, List<OfferItem> offers, List<Key> keys) {
        public LicenseeView {
            agreements = List.copyOf(agreements);
            licenses = List.copyOf(licenses);
            invoices = List.copyOf(invoices);
            notices = List.copyOf(notices);
            offers = List.copyOf(offers);
            keys = List.copyOf(keys);
        }
    }

    /** A licensee as an operator sees it. */
    public record LicenseeRow(String id, String registered, String standing, int agreements, int passkeys, boolean removed) {}

    /** An offer as an operator sees it. */
    public record OfferRow(String id, String state, String usages, String price, String acceptUntil, int acceptances) {}

    /** An agreement as an operator sees it. */
    public record AgreementRow(String id, String licensee, String usages, String term, String state) {}

    /** Usage over a period, one licensee's fetches from one member. */
    public record UsageRow(String licensee, String member, String usage, long requests, long bytes) {}

    /** A statement as an operator sees it. */
    public record StatementRow(String number, String period, String kind, String party, String amount, String status) {}
}
