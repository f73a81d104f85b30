// Generates protocol-spec/vectors/repertoire.json: collective repertoires ([REP-1]) signed here with npm jose (Ed25519
// signatures are deterministic, so the file is reproducible), with which origins are members at which times ([REP-2])
// or why a reader must refuse the repertoire. Membership is decided here from the claims, not by cb4i code.
//   cd protocol-spec/interop && node gen-repertoire-vectors.mjs > ../vectors/repertoire.json
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { CompactSign, importJWK, calculateJwkThumbprint } from 'jose';

// RFC 8037 appendix A.1's key signs as the collective; a member's content key is derived from a fixed seed.
const collectiveJwk = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const { d, ...collectivePublic } = collectiveJwk;
const kid = await calculateJwkThumbprint(collectivePublic, 'sha256');
const seed = createHash('sha256').update('cb4i vectors: a member content key').digest();
const { x } = createPublicKey(createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
const content = { kty: 'OKP', crv: 'Ed25519', x };
const contentKeys = { keys: [{ ...content, kid: await calculateJwkThumbprint(content, 'sha256') }] };
const key = await importJWK(collectiveJwk, 'EdDSA');

async function sign(claims, header = {}) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'EdDSA', typ: 'repertoire+jwt', kid, ...header })
    .sign(key);
}

const T = 1780000000;
const base = { iss: 'https://collective.example', sub: 'https://collective.example', iat: T, exp: T + 86400 };
const news = { origin: 'https://news.example', joined: T - 1000, content_keys: contentKeys };
const blog = { origin: 'https://blog.example', joined: T - 500, left: T - 100, content_keys: contentKeys };

// [REP-2] decided here: an origin is a member at t when an entry for it has joined <= t and no left, or left > t.
function member(members, origin, t) {
  return members.some((m) => m.origin === origin && m.joined <= t && (m.left === undefined || m.left > t));
}
const queries = (members, list) => list.map(([origin, time]) => ({ origin, time, member: member(members, origin, time) }));

const valid = [
  ['two members, one of which has left', [news, blog],
    [['https://news.example', T], ['https://blog.example', T], ['https://blog.example', T - 300], ['https://other.example', T]]],
  ['joined is inclusive: a member from that second on', [news], [['https://news.example', T - 1000], ['https://news.example', T - 1001]]],
  ['left is exclusive: no longer a member at that second', [blog], [['https://blog.example', T - 101], ['https://blog.example', T - 100]]],
  ['a site that left and joined again: two entries, a gap between them', [blog, { ...blog, joined: T - 50, left: undefined }],
    [['https://blog.example', T - 200], ['https://blog.example', T - 75], ['https://blog.example', T - 50], ['https://blog.example', T]]],
  ['no members yet', [], [['https://news.example', T]]],
];
const invalid = [
  ['a member that left before it joined', { ...base, members: [{ ...news, left: T - 2000 }] }, {}, 'INVALID_CLAIM'],
  ['a member without content_keys', { ...base, members: [{ origin: 'https://news.example', joined: T }] }, {}, 'INVALID_CLAIM'],
  ['joined as a string', { ...base, members: [{ ...news, joined: String(T) }] }, {}, 'INVALID_CLAIM'],
  ['joined as a fraction', { ...base, members: [{ ...news, joined: T + 0.5 }] }, {}, 'INVALID_CLAIM'],
  ['no members array', { ...base }, {}, 'MISSING_CLAIM'],
  ['members not an array', { ...base, members: { origin: 'https://news.example' } }, {}, 'MISSING_CLAIM'],
  ['no iss', { ...base, iss: undefined, members: [news] }, {}, 'MISSING_CLAIM'],
  ['no exp', { ...base, exp: undefined, members: [news] }, {}, 'MISSING_CLAIM'],
  ['another typ (a license)', { ...base, members: [news] }, { typ: 'license+jwt' }, 'WRONG_TYPE'],
  ['signed with a key the collective does not publish', { ...base, members: [news] }, { kid: 'A'.repeat(43) }, 'UNKNOWN_KEY'],
];

const tests = [];
for (const [comment, members, list] of valid) {
  const claims = { ...base, members: members.map((m) => JSON.parse(JSON.stringify(m))) };
  tests.push({ tcId: tests.length + 1, comment, flags: [], requirements: ['REP-2', 'REP-1'], compact: await sign(claims), result: 'valid',
    iss: claims.iss, sub: claims.sub, iat: claims.iat, exp: claims.exp, memberCount: members.length, queries: queries(claims.members, list) });
}
for (const [comment, claims, header, reason] of invalid) {
  tests.push({ tcId: tests.length + 1, comment, flags: [], requirements: ['REP-1'], compact: await sign(JSON.parse(JSON.stringify(claims)), header),
    result: 'invalid', expectedReason: reason });
}

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i repertoire',
  schema: 'repertoire_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-repertoire-vectors.mjs (npm jose; membership decided from the claims here; not cb4i code)',
  header: ['Verify compact with the collective key jwk (SPEC.md [REP-1]): typ repertoire+jwt, iss, sub, iat, exp and members, each {origin, joined, left?, content_keys} with NumericDates and left after joined. A valid case gives iss, sub, iat, exp, how many member entries, and for each query whether origin is a member at time ([REP-2]: joined <= time < left); an invalid one is refused with expectedReason.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'RepertoireVerify', jwk: collectivePublic, tests }],
}, null, 2) + '\n');
