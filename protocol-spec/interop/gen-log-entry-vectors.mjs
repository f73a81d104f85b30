// Generates protocol-spec/vectors/log_entry.json: a receipts-log entry's members in, its bytes ([LOG-2]: compact
// JSON, members in the spec's order, optional members only when present) and its RFC 9162 leaf hash out, computed
// here with JSON.stringify and node:crypto, not by cb4i's Java code.
//   cd protocol-spec/interop && node gen-log-entry-vectors.mjs > ../vectors/log_entry.json
import { createHash } from 'node:crypto';

const ORDER = ['rid', 'time', 'iss', 'licensee', 'jti', 'jkt', 'method', 'url', 'status', 'bytes', 'content_range', 'sha256', 'usages',
  'signature_input', 'signature', 'complete'];
const base = {
  rid: 'AAECAwQFBgcICQoLDA0ODw', time: 1780000000, iss: 'https://collective.example', licensee: 'crawler-co', jti: 'lic-1',
  jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', method: 'GET', url: 'https://news.example/articles/a.html', status: 200,
  bytes: 21583, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', usages: ['ai-train'], complete: true,
};
const cases = [
  ['a reusable signature: no signature members', {}],
  ['a per-request signature: the crawler\'s own members, quotes and all', {
    signature_input: 'sig1=("@authority" "@method" "@target-uri");created=1780000000;expires=1780000060;keyid="NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";tag="web-bot-auth"',
    signature: 'sig1=:dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaXMgNjQgYnl0ZXMgbG9uZyBmb3IgdGhlIHRlc3Qu:' }],
  ['a partial response names its range', { status: 206, bytes: 1024, content_range: 'bytes 0-1023/21583' }],
  ['a transfer cut off: complete is false', { bytes: 8192, complete: false }],
  ['several usages, in the order the path lists them', { usages: ['ai-input', 'ai-train', 'search'] }],
  ['a licensee id and a URL beyond ASCII: UTF-8, not escaped', { licensee: 'coopérative-日本', url: 'https://news.example/caf%C3%A9?q=%E2%82%AC' }],
  ['a licensee id with a quote and a backslash: escaped', { licensee: 'say "hi" \\ there' }],
  ['a denial never logged, a 304 is: no body', { status: 304, bytes: 0 }],
  ['an issuer id beyond ASCII, with a path', { iss: 'https://coopérative.example/licences' }],
  ['an entry written before iss was part of the format: no iss member', { iss: undefined }],
];

const tests = cases.map(([comment, over], i) => {
  const e = { ...base, ...over };
  const ordered = {};
  for (const k of ORDER) if (k in e && e[k] !== undefined) ordered[k] = e[k];
  const bytes = Buffer.from(JSON.stringify(ordered), 'utf8');
  const leaf = createHash('sha256').update(Buffer.concat([Buffer.from([0]), bytes])).digest('hex');
  return { tcId: i + 1, comment, flags: [], requirements: ['LOG-2', 'LOG-1'], members: ordered, entry: bytes.toString('utf8'),
    leafHash: leaf, result: 'valid' };
});

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i receipts-log entry serialisation',
  schema: 'log_entry_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-log-entry-vectors.mjs (JSON.stringify and node:crypto; not cb4i code)',
  header: ['Serialise members as a log entry (SPEC.md [LOG-2]): compact JSON, members in the order rid, time, iss (absent only in entries written before it was part of the format), licensee, jti, jkt, method, url, status, bytes, content_range (when partial), sha256, usages, signature_input and signature (when per-request), complete; strings in UTF-8 with only what JSON requires escaped. entry is the exact bytes (as UTF-8 text); leafHash is SHA-256 of 0x00 followed by them (RFC 9162 leaf hash, [LOG-1]). Reading entry gives members back.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'LogEntry', tests }],
}, null, 2) + '\n');
