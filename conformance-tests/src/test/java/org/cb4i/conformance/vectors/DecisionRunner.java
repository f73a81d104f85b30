package org.cb4i.conformance.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.cb4i.sdk.decision.Tally;

/** Runs {@code DecisionTally} groups ([DEC-3]): the state of a proposal for a tally. */
final class DecisionRunner {
    private DecisionRunner() {}

    static void run(VectorFile.Case c) {
        JsonNode t = c.test();
        Tally tally = new Tally(t.get("electorate").intValue(), t.get("quorum").intValue(), t.get("majority").intValue(), t.get("yes").intValue(),
                t.get("no").intValue(), t.get("abstain").intValue());
        assertThat(tally.state(t.get("atDeadline").booleanValue()).token()).as(t.get("comment").textValue()).isEqualTo(t.get("state").textValue());
    }
}
