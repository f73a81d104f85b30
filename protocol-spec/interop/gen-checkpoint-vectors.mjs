// Generates protocol-spec/vectors/checkpoint.json: receipts-log checkpoints ([LOG-3]) and final checkpoints naming a
// successor ([LOG-6]), signed here with npm jose (Ed25519 signatures are deterministic, so the file is reproducible),
// with what a reader must take from each or the reason it must refuse it. Not cb4i code.
//   cd protocol-spec/interop && node gen-checkpoint-vectors.mjs > ../vectors/checkpoint.json
import { createHash } from 'node:crypto';
import { CompactSign, importJWK, calculateJwkThumbprint } from 'jose';

// RFC 8037 appendix A.1's key signs as the log; a second public key stands for the successor (only its thumbprint is used).
const logJwk = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const { d, ...logPublic } = logJwk;
const successorPublic = { kty: 'OKP', crv: 'Ed25519', x: '3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08' };
const logId = await calculateJwkThumbprint(logPublic, 'sha256');
const successor = await calculateJwkThumbprint(successorPublic, 'sha256');
const key = await importJWK(logJwk, 'EdDSA');
const root = createHash('sha256').update('a tree').digest('hex');
const emptyRoot = createHash('sha256').update('').digest('hex');

async function sign(claims, header = {}) {
  const h = { alg: 'EdDSA', typ: 'checkpoint+jwt', kid: logId, ...header };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(h).sign(key);
}

const base = { log_id: logId, size: 1000, root, iat: 1780000000 };
const cases = [
  ['a checkpoint: the log goes on', base, {}, 'valid', null, ['LOG-3']],
  ['a final checkpoint names the successor log', { ...base, successor }, {}, 'valid', null, ['LOG-6', 'LOG-3']],
  ['a log retired before its first entry: the empty tree, final', { ...base, size: 0, root: emptyRoot, successor }, {}, 'valid', null, ['LOG-6', 'LOG-1']],
  ['the successor is the log itself: refused', { ...base, successor: logId }, {}, 'invalid', 'INVALID_CLAIM', ['LOG-6']],
  ['the successor is a URL, not a log id: refused', { ...base, successor: 'https://news.example/.well-known/cb4i/logs/next' }, {}, 'invalid', 'INVALID_CLAIM', ['LOG-6']],
  ['the successor is a number: refused', { ...base, successor: 42 }, {}, 'invalid', 'INVALID_CLAIM', ['LOG-6']],
  ['the successor is padded base64url (44 characters): refused', { ...base, successor: successor + '=' }, {}, 'invalid', 'INVALID_CLAIM', ['LOG-6']],
  ['log_id is not the key that signed it: refused', { ...base, log_id: successor, successor: logId }, {}, 'invalid', 'INVALID_CLAIM', ['LOG-3']],
  ['signed with a key the log does not publish: refused', { ...base, successor }, { kid: successor }, 'invalid', 'UNKNOWN_KEY', ['LOG-3']],
  ['no root: refused', { log_id: logId, size: 1000, iat: 1780000000, successor }, {}, 'invalid', 'INVALID_CLAIM', ['LOG-3']],
  ['another typ (a license): refused', { ...base, successor }, { typ: 'license+jwt' }, 'invalid', 'WRONG_TYPE', ['LOG-3']],
];

const tests = [];
for (const [comment, claims, header, result, reason, requirements] of cases) {
  const t = { tcId: tests.length + 1, comment, flags: [], requirements, compact: await sign(claims, header), result };
  if (result === 'valid') {
    t.logId = claims.log_id; t.size = claims.size; t.root = claims.root; t.iat = claims.iat; t.successor = claims.successor ?? null;
  } else {
    t.expectedReason = reason;
  }
  tests.push(t);
}

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i receipts-log checkpoint',
  schema: 'checkpoint_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-checkpoint-vectors.mjs (npm jose and node:crypto; not cb4i code)',
  header: ['Verify compact with the log key jwk (SPEC.md [LOG-3]): typ checkpoint+jwt, kid and log_id the key\'s RFC 7638 thumbprint, size, root (64 hex digits) and iat. A final checkpoint ([LOG-6]) also has successor: another log\'s id (43 base64url characters, never the log\'s own). A valid case gives logId, size, root, iat and successor (null when the log goes on); an invalid one is refused with expectedReason.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'CheckpointVerify', jwk: logPublic, tests }],
}, null, 2) + '\n');
