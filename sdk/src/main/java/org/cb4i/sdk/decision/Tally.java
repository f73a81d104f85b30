package org.cb4i.sdk.decision;

/**
 * A proposal's votes and the rules it was opened under ([DEC-3]); integers throughout.
 *
 * @param electorate members when the proposal was opened
 * @param quorum whole percent of the electorate that must vote (abstentions count)
 * @param majority whole percent of yes and no votes that yes must exceed
 */
public record Tally(int electorate, int quorum, int majority, int yes, int no, int abstain) {
    /** Where a proposal stands. */
    public enum State {
        OPEN, PASSED, FAILED;

        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Tally {
        if (electorate < 1 || quorum < 0 || quorum > 100 || majority < 0 || majority > 100 || yes < 0 || no < 0 || abstain < 0
                || (long) yes + no + abstain > electorate) {
            throw new IllegalArgumentException("not a tally: electorate " + electorate + ", quorum " + quorum + ", majority " + majority + ", votes "
                    + yes + "/" + no + "/" + abstain);
        }
    }

    /** Members of the electorate that have not voted. */
    public int remaining() {
        return electorate - yes - no - abstain;
    }

    public boolean quorumMet() {
        return 100L * (yes + no + abstain) >= (long) quorum * electorate;
    }

    /**
     * The state by [DEC-3]: at the deadline, passed or failed; before it, decided only when no remaining vote can change
     * the outcome.
     */
    public State state(boolean atDeadline) {
        long y = yes;
        long n = no;
        long r = remaining();
        if (atDeadline) {
            return quorumMet() && 100 * y > majority * (y + n) ? State.PASSED : State.FAILED;
        }
        if (quorumMet() && 100 * y > majority * (y + n + r)) {
            return State.PASSED;
        }
        if (100 * (y + r) <= majority * (y + n + r)) {
            return State.FAILED;
        }
        return State.OPEN;
    }

    /** The tally with one more vote. */
    public Tally with(Vote v) {
        return switch (v) {
            case YES -> new Tally(electorate, quorum, majority, yes + 1, no, abstain);
            case NO -> new Tally(electorate, quorum, majority, yes, no + 1, abstain);
            case ABSTAIN -> new Tally(electorate, quorum, majority, yes, no, abstain + 1);
        };
    }

    /** A member's vote. */
    public enum Vote {
        YES, NO, ABSTAIN;

        public String token() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Reads {@code yes}, {@code no} or {@code abstain}. */
        public static java.util.Optional<Vote> parse(String s) {
            for (Vote v : values()) {
                if (v.token().equals(s)) {
                    return java.util.Optional.of(v);
                }
            }
            return java.util.Optional.empty();
        }
    }
}
