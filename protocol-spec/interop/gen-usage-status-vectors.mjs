// Generates protocol-spec/vectors/usage_status.json: how a license's per-usage status decides a request ([STS-9]),
// decided here from SPEC.md's text (not cb4i code); tokens signed with npm `jose` (Ed25519 is deterministic, so the
// file is reproducible byte for byte).
//
//   cd protocol-spec/interop && npm ci && node gen-usage-status-vectors.mjs > ../vectors/usage_status.json
import { SignJWT, importJWK, calculateJwkThumbprint } from 'jose';

const NOW = 1767225600; // 2026-01-01T00:00:00Z
const ISSUER = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const CRAWLER = { kty: 'OKP', crv: 'Ed25519', d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU', x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' };
const pub = ({ d, ...rest }) => rest;
const ISSUER_KID = await calculateJwkThumbprint(pub(ISSUER), 'sha256');
const CRAWLER_JKT = await calculateJwkThumbprint(pub(CRAWLER), 'sha256');
const COLLECTIVE = 'https://collective.example';
const LIST = COLLECTIVE + '/status/1';
const OTHER = COLLECTIVE + '/status/2';

// [VOC-1]'s list, in its order, and [VOC-2]'s nesting.
const VOCABULARY = ['all', 'ai-all', 'ai-train', 'ai-input', 'ai-index', 'search'];
function covers(v, u) {
  return v === u || v === 'all' || (v === 'ai-all' && ['ai-train', 'ai-input', 'ai-index'].includes(u));
}
const NAMES = ['VALID', 'INVALID', 'SUSPENDED', 'PAYMENT_OVERDUE'];

// [STS-2]: an index beyond the list is INVALID. [STS-9]: status first, then the usage_status members that overlap a
// needed usage, in VOCABULARY's order; the first value that is not VALID decides. Unknown members are ignored.
function valueAt(lists, ref) {
  const values = lists[ref.status_list.uri];
  return ref.status_list.idx < values.length ? values[ref.status_list.idx] : 1;
}
function decide(claims, lists, needed) {
  if (claims.status) {
    const v = valueAt(lists, claims.status);
    if (v !== 0) return NAMES[v];
  }
  const members = Object.keys(claims.usage_status ?? {}).filter((k) => VOCABULARY.includes(k))
    .sort((a, b) => VOCABULARY.indexOf(a) - VOCABULARY.indexOf(b));
  for (const v of members) {
    if (needed.some((u) => covers(v, u) || covers(u, v))) {
      const value = valueAt(lists, claims.usage_status[v]);
      if (value !== 0) return NAMES[value];
    }
  }
  return 'VALID';
}

const ref = (idx, uri = LIST) => ({ status_list: { idx, uri } });
function claims(extra) {
  return { iss: COLLECTIVE, sub: 'crawler-co', aud: COLLECTIVE, jti: 'lic-0001', iat: NOW - 3600, nbf: NOW - 3600, exp: NOW + 86400,
    cnf: { jkt: CRAWLER_JKT, jwk: pub(CRAWLER) }, usages: ['ai-all', 'search'], status: ref(0), ...extra };
}
const everyUsage = { 'ai-train': ref(1), 'ai-input': ref(2), 'ai-index': ref(3), search: ref(4) };
const key = await importJWK(ISSUER, 'EdDSA');
const tests = [];
async function add(comment, c, lists, needed, requirements = ['STS-9', 'VOC-2']) {
  const token = await new SignJWT(c).setProtectedHeader({ alg: 'EdDSA', typ: 'license+jwt', kid: ISSUER_KID }).sign(key);
  tests.push({ tcId: tests.length + 1, comment, flags: [], requirements, token, lists, needed, expected: decide(c, lists, needed), result: 'valid' });
}

const strikeTrain = { [LIST]: [0, 2, 0, 0, 0] };
await add('ai-train struck alone: a request for ai-train is suspended', claims({ usage_status: everyUsage }), strikeTrain, ['ai-train']);
await add('ai-train struck alone: a request for search is served', claims({ usage_status: everyUsage }), strikeTrain, ['search']);
await add('ai-train struck alone: a request for ai-input is served', claims({ usage_status: everyUsage }), strikeTrain, ['ai-input']);
await add('ai-train struck alone: a request for ai-all (which covers ai-train) is suspended', claims({ usage_status: everyUsage }), strikeTrain, ['ai-all']);
await add('ai-train struck alone: a request needing ai-train and search is suspended', claims({ usage_status: everyUsage }), strikeTrain,
  ['search', 'ai-train']);
await add('the license revoked: its own status decides first, whatever the usages', claims({ usage_status: everyUsage }), { [LIST]: [1, 0, 0, 0, 0] },
  ['search'], ['STS-9', 'STS-2']);
await add('the license suspended and ai-train overdue: the license\'s own status comes first', claims({ usage_status: everyUsage }),
  { [LIST]: [2, 3, 0, 0, 0] }, ['ai-train'], ['STS-9', 'STS-2']);
await add('two usages withheld, a request covering both: the first in the vocabulary\'s order decides', claims({ usage_status: everyUsage }),
  { [LIST]: [0, 3, 2, 0, 0] }, ['ai-all']);
await add('a usage index beyond its list is INVALID, for that usage only', claims({ usage_status: { 'ai-train': ref(9), search: ref(1) } }),
  { [LIST]: [0, 0] }, ['ai-train'], ['STS-9', 'STS-2']);
await add('a usage index beyond its list does not touch another usage', claims({ usage_status: { 'ai-train': ref(9), search: ref(1) } }),
  { [LIST]: [0, 0] }, ['search'], ['STS-9', 'STS-2']);
await add('no usage_status: the license\'s own status alone', claims({}), { [LIST]: [0] }, ['ai-train'], ['STS-9', 'STS-1']);
await add('an unknown usage token in usage_status is ignored', claims({ usage_status: { telepathy: ref(1), 'ai-train': ref(2) } }),
  { [LIST]: [0, 2, 0] }, ['ai-train'], ['STS-9', 'TOK-8']);
await add('a member ai-all struck: ai-index is suspended', claims({ usage_status: { 'ai-all': ref(1), search: ref(2) } }), { [LIST]: [0, 2, 0] },
  ['ai-index']);
await add('a member ai-all struck: search is served', claims({ usage_status: { 'ai-all': ref(1), search: ref(2) } }), { [LIST]: [0, 2, 0] },
  ['search']);
await add('usage_status in another list than status', claims({ usage_status: { search: ref(3, OTHER) } }), { [LIST]: [0], [OTHER]: [0, 0, 0, 2] },
  ['search']);
await add('no status at all, one usage struck: still refused for that usage', claims({ status: undefined, usage_status: { search: ref(0) } }),
  { [LIST]: [2] }, ['search']);

const out = {
  algorithm: 'cb4i per-usage status (SPEC.md [STS-9])',
  schema: 'usage_status_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-usage-status-vectors.mjs (the rule written here from SPEC.md; tokens signed with npm jose; not cb4i code)',
  header: [
    'Each test is a license token (verify it with the group\'s trust settings at "now"), the status lists it names (each as its',
    'values by index: 0 VALID, 1 INVALID, 2 SUSPENDED, 3 PAYMENT_OVERDUE) and the usages a request needs; expected is the status',
    'that decides the request: the license\'s own status, then each usage_status member overlapping a needed usage ([VOC-2]),',
    'in [VOC-1]\'s order, the first that is not VALID; VALID when none is.',
  ],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{
    type: 'UsageStatusDecide',
    now: NOW,
    trustedIssuers: [{ id: COLLECTIVE, jwks: { keys: [{ ...pub(ISSUER), kid: ISSUER_KID }] } }],
    acceptedAudiences: [COLLECTIVE],
    tests,
  }],
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
