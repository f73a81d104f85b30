/**
 * Collective decisions (SPEC.md §17): how a vote is tallied ({@link org.cb4i.sdk.decision.Tally}, [DEC-3]) and what a
 * member signs to propose or vote ({@link org.cb4i.sdk.decision.DecisionRequest}, [DEC-6]).
 */
package org.cb4i.sdk.decision;
