// Generates protocol-spec/vectors/decisions.json: the outcome of a collective's vote ([DEC-3]) for tallies chosen to
// sit on each boundary, decided here from SPEC.md §17's text with BigInt arithmetic (not cb4i code).
//   cd protocol-spec/interop && node gen-decision-vectors.mjs > ../vectors/decisions.json

// [DEC-3], written here.
function outcome({ electorate, quorum, majority, yes, no, abstain, atDeadline }) {
  const [E, Q, M, Y, N, A] = [electorate, quorum, majority, yes, no, abstain].map(BigInt);
  const R = E - Y - N - A;
  const quorumMet = 100n * (Y + N + A) >= Q * E;
  if (atDeadline) return quorumMet && 100n * Y > M * (Y + N) ? 'passed' : 'failed';
  if (quorumMet && 100n * Y > M * (Y + N + R)) return 'passed';
  if (100n * (Y + R) <= M * (Y + N + R)) return 'failed';
  return 'open';
}

const cases = [
  // [comment, electorate, quorum, majority, yes, no, abstain, atDeadline]
  ['no votes yet', 10, 50, 50, 0, 0, 0, false],
  ['no votes at the deadline: the quorum is not met', 10, 50, 50, 0, 0, 0, true],
  ['6 of 10 yes before the deadline: passed whatever the rest vote', 10, 50, 50, 6, 0, 0, false],
  ['5 of 10 yes before the deadline: the other 5 could still tie it', 10, 50, 50, 5, 0, 0, false],
  ['5 yes, 5 no: a tie is not a majority', 10, 50, 50, 5, 5, 0, false],
  ['6 no of 10: failed whatever the rest vote', 10, 50, 50, 0, 6, 0, false],
  ['at the deadline, 3 yes and 2 no of 10: quorum met (5 of 10), majority of votes cast', 10, 50, 50, 3, 2, 0, true],
  ['at the deadline, 3 yes and 1 no of 10: quorum not met (4 of 10)', 10, 50, 50, 3, 1, 0, true],
  ['abstentions count towards the quorum, not the majority', 10, 50, 50, 2, 1, 2, true],
  ['at the deadline, 2 yes and 2 no: a tie fails', 10, 50, 50, 2, 2, 1, true],
  ['majority 66: 6 yes 3 no (66.7 %) passes', 9, 50, 66, 6, 3, 0, true],
  ['majority 67: 6 yes 3 no (66.7 %) fails', 9, 50, 67, 6, 3, 0, true],
  ['majority 67: 7 yes 2 no of 9 passes early', 9, 50, 67, 7, 2, 0, false],
  ['quorum 0: one yes at the deadline passes', 100, 0, 50, 1, 0, 0, true],
  ['quorum 100: everyone must vote', 3, 100, 50, 2, 0, 0, false],
  ['quorum 100: everyone voted, 2 yes 1 no', 3, 100, 50, 2, 1, 0, false],
  ['majority 0: any yes with the quorum passes', 4, 50, 0, 1, 3, 0, false],
  ['an electorate of one: its yes passes at once', 1, 50, 50, 1, 0, 0, false],
  ['an electorate of one: its abstention fails at once (no yes can come)', 1, 50, 50, 0, 0, 1, false],
  ['a large collective: 5001 yes of 10000 passes early', 10000, 50, 50, 5001, 0, 0, false],
  ['a large collective: 5000 yes of 10000 is still open', 10000, 50, 50, 5000, 0, 0, false],
];

const tests = cases.map(([comment, electorate, quorum, majority, yes, no, abstain, atDeadline], i) => {
  const t = { electorate, quorum, majority, yes, no, abstain, atDeadline };
  return { tcId: i + 1, comment, flags: [], requirements: ['DEC-3'], ...t, result: 'valid', state: outcome(t) };
});

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i decision tally',
  schema: 'decision_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-decision-vectors.mjs (SPEC.md [DEC-3] written in node with BigInt; not cb4i code)',
  header: ['For each tally (electorate, quorum and majority in whole percent, yes, no and abstain votes cast, and whether the deadline has come), the state of the proposal by SPEC.md [DEC-3]: open, passed or failed.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'DecisionTally', tests }],
}, null, 2) + '\n');
