// Generates protocol-spec/vectors/consent.json: members' consent documents ([CNS-1]) signed here with npm jose (Ed25519
// signatures are deterministic, so the file is reproducible), with which licensed requests each opts out ([CNS-2]) or
// why a reader must refuse the document. The decisions are made here from the claims, not by cb4i code.
//   cd protocol-spec/interop && node gen-consent-vectors.mjs > ../vectors/consent.json
import { CompactSign, importJWK, calculateJwkThumbprint } from 'jose';

// RFC 8037 appendix A.1's key signs as the collective.
const collectiveJwk = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const { d, ...collectivePublic } = collectiveJwk;
const kid = await calculateJwkThumbprint(collectivePublic, 'sha256');
const key = await importJWK(collectiveJwk, 'EdDSA');

async function sign(claims, header = {}) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'EdDSA', typ: 'consent+jwt', kid, ...header })
    .sign(key);
}

// [VOC-2], written here: all covers every usage; ai-all covers the three AI uses; every usage covers itself.
const KNOWN = ['all', 'ai-all', 'ai-train', 'ai-input', 'ai-index', 'search'];
function covers(a, b) {
  return a === b || a === 'all' || (a === 'ai-all' && ['ai-train', 'ai-input', 'ai-index'].includes(b));
}
// [VOC-5], written here: * is any sequence, a final $ anchors, otherwise a prefix match; case-sensitive.
function matches(pattern, path) {
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const re = '^' + body.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + (anchored ? '$' : '');
  return new RegExp(re, 's').test(path);
}
// [CNS-2], written here.
function optedOut(optOut, q) {
  const usages = (optOut.usages ?? []).filter((u) => KNOWN.includes(u));
  if (usages.some((o) => q.required.some((u) => covers(o, u) || covers(u, o)))) return true;
  if (q.agreement !== null && (optOut.agreements ?? []).includes(q.agreement)) return true;
  return (optOut.paths ?? []).some((p) => matches(p, q.path));
}

const T = 1780000000;
const base = { iss: 'https://collective.example', sub: 'https://news.example', iat: T, exp: T + 86400, version: 3, ttl: 60 };
const A1 = 'https://collective.example/agreements/lab-2026';
const A2 = 'https://collective.example/agreements/other-2026';
const q = (required, agreement, path) => ({ required, agreement, path });
const everyday = [
  q(['ai-train'], A1, '/articles/one.html'), q(['ai-input'], A1, '/articles/one.html'), q(['ai-all'], A1, '/articles/one.html'),
  q(['search'], A1, '/articles/one.html'), q(['ai-train'], A2, '/drafts/x.html'), q(['ai-train'], null, '/photos/2026/a.jpg'),
  q(['ai-input', 'search'], A2, '/articles/two.html?page=2'),
];

const valid = [
  ['nothing opted out', {}, everyday],
  ['ai-train out: training refused; a path that requires ai-all is refused too; ai-input and search are not', { usages: ['ai-train'] }, everyday],
  ['ai-all out: every AI use refused, search is not', { usages: ['ai-all'] }, everyday],
  ['all out: everything refused', { usages: ['all'] }, everyday],
  ['an unknown usage token opts nothing out', { usages: ['ai-dream'] }, everyday],
  ['one agreement out: the other agreement and a license naming none are not', { agreements: [A1] }, everyday],
  ['works out by path: prefix, wildcard and anchored patterns', { paths: ['/drafts/', '/photos/*.jpg', '/articles/two.html$'] },
    [...everyday, q(['ai-train'], A1, '/articles/two.html'), q(['ai-train'], A1, '/Drafts/x.html'), q(['ai-train'], A1, '/photos/a.png')]],
  ['several kinds at once', { usages: ['ai-input'], agreements: [A2], paths: ['*.pdf'] },
    [...everyday, q(['ai-train'], A1, '/papers/x.pdf'), q(['ai-train'], A1, '/papers/x.pdf?download=1')]],
  ['no ttl: the default applies', {}, [q(['ai-train'], A1, '/')]],
];

const invalid = [
  ['no version', { ...base, version: undefined, opt_out: {} }, {}, 'MISSING_CLAIM'],
  ['no opt_out', { ...base }, {}, 'MISSING_CLAIM'],
  ['no sub', { ...base, sub: undefined, opt_out: {} }, {}, 'MISSING_CLAIM'],
  ['no exp', { ...base, exp: undefined, opt_out: {} }, {}, 'MISSING_CLAIM'],
  ['an opt_out member cb4i does not know', { ...base, opt_out: { usages: ['ai-train'], licensees: ['lab'] } }, {}, 'INVALID_CLAIM'],
  ['opt_out not an object', { ...base, opt_out: ['ai-train'] }, {}, 'INVALID_CLAIM'],
  ['usages not an array', { ...base, opt_out: { usages: 'ai-train' } }, {}, 'INVALID_CLAIM'],
  ['an empty usage token', { ...base, opt_out: { usages: [''] } }, {}, 'INVALID_CLAIM'],
  ['a path pattern not starting with / or *', { ...base, opt_out: { paths: ['drafts/'] } }, {}, 'INVALID_CLAIM'],
  ['a version that is a fraction', { ...base, version: 1.5, opt_out: {} }, {}, 'INVALID_CLAIM'],
  ['a negative version', { ...base, version: -1, opt_out: {} }, {}, 'INVALID_CLAIM'],
  ['a ttl of zero', { ...base, ttl: 0, opt_out: {} }, {}, 'INVALID_CLAIM'],
  ['exp not after iat', { ...base, exp: T, opt_out: {} }, {}, 'INVALID_CLAIM'],
  ['sub that is not an origin', { ...base, sub: 'news', opt_out: {} }, {}, 'INVALID_CLAIM'],
  ['another typ (a repertoire)', { ...base, opt_out: {} }, { typ: 'repertoire+jwt' }, 'WRONG_TYPE'],
  ['signed with a key the collective does not publish', { ...base, opt_out: {} }, { kid: 'A'.repeat(43) }, 'UNKNOWN_KEY'],
];

const tests = [];
for (const [comment, optOut, queries] of valid) {
  const claims = comment.startsWith('no ttl') ? { ...base, ttl: undefined, opt_out: optOut } : { ...base, opt_out: optOut };
  const c = JSON.parse(JSON.stringify(claims));
  tests.push({ tcId: tests.length + 1, comment, flags: [], requirements: ['CNS-1', 'CNS-2'], compact: await sign(c), result: 'valid',
    iss: c.iss, sub: c.sub, iat: c.iat, exp: c.exp, version: c.version, ttl: c.ttl ?? 300,
    queries: queries.map((x) => ({ ...x, optedOut: optedOut(optOut, x) })) });
}
for (const [comment, claims, header, reason] of invalid) {
  tests.push({ tcId: tests.length + 1, comment, flags: [], requirements: ['CNS-1'], compact: await sign(JSON.parse(JSON.stringify(claims)), header),
    result: 'invalid', expectedReason: reason });
}

// [CNS-8], written here: the version in force at an entry's time is the latest whose `from` is at or before it (none
// before the first); an entry is counted opted out when that version refuses its usage, agreement or (when kept) path.
function inForce(history, t) {
  let o = {};
  for (const v of [...history].sort((a, b) => a.from - b.from)) if (v.from <= t) o = v.opt_out;
  return o;
}
function optedOutAt(history, e) {
  const o = inForce(history, e.time);
  const judged = e.path === null ? { usages: o.usages, agreements: o.agreements } : o; // no path kept: path opt-outs are not judged
  return optedOut(judged, { required: [e.usage], agreement: e.agreement, path: e.path ?? '' });
}
const history = [
  { from: T, opt_out: { usages: ['ai-train'] } },
  { from: T + 3600, opt_out: { paths: ['/drafts/'] } },
  { from: T + 7200, opt_out: { agreements: [A1] } },
  { from: T + 10800, opt_out: {} },
];
const entry = (time, usage, agreement, path) => ({ time, usage, agreement, path });
const entries = [
  entry(T - 1, 'ai-train', A1, '/articles/one.html'),
  entry(T, 'ai-train', A1, '/articles/one.html'),
  entry(T + 30, 'ai-train', A1, '/articles/one.html'),
  entry(T + 30, 'search', A1, '/articles/one.html'),
  entry(T + 3600, 'ai-train', A1, '/drafts/x.html'),
  entry(T + 3700, 'ai-train', A1, null),
  entry(T + 3700, 'ai-train', A1, '/articles/two.html'),
  entry(T + 7200, 'ai-input', A1, '/articles/one.html'),
  entry(T + 7300, 'ai-input', A2, '/articles/one.html'),
  entry(T + 7300, 'ai-input', null, '/articles/one.html'),
  entry(T + 10800, 'ai-train', A1, '/drafts/x.html'),
];
const atFetch = [{ tcId: tests.length + 1, comment: 'entries judged by the member\'s consent in force at their time: a usage, then a path (not judged where the path was not kept), then an agreement opted out, then nothing', flags: [],
  requirements: ['CNS-8', 'CNS-2'], result: 'valid', history,
  entries: entries.map((e) => ({ ...e, optedOut: optedOutAt(history, e) })) }];
tests.push(...atFetch);

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i consent',
  schema: 'consent_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-consent-vectors.mjs (npm jose; usage nesting, path patterns and opt-out decisions written here; not cb4i code)',
  header: ['Verify compact with the collective key jwk (SPEC.md [CNS-1]): typ consent+jwt; iss, sub (an origin), iat, exp after iat, version (integer >= 0), ttl (optional, integer >= 1, default 300) and opt_out {usages?, agreements?, paths?}. A valid case gives the claims read, and for each query (the usages the path requires, the license agreement uri or null, the path and query) whether the member opted it out ([CNS-2]); an invalid one is refused with expectedReason.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'ConsentVerify', jwk: collectivePublic, tests: tests.filter((t) => !t.history) },
    { type: 'ConsentAtFetch', tests: tests.filter((t) => t.history) }],
}, null, 2) + '\n');
