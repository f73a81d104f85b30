// Generates protocol-spec/vectors/verification.json: small datasets (a manifest header, one record, the page it stored
// and a trust store) and the verdict SPEC.md §14 gives the record, with the findings that must be among its reasons.
// Everything signed or hashed is made here with npm jose, node:zlib and node:crypto and the independent cb4i-text-v1
// (canonical-text.mjs); each case breaks one thing of a complete record, so its verdict follows from the spec's text
// and the order of the statuses, not from cb4i's verifier. Ed25519 is deterministic: the file is reproducible.
//   cd protocol-spec/interop && node gen-verification-vectors.mjs > ../vectors/verification.json
import { createHash, createPrivateKey } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { CompactSign, importJWK, calculateJwkThumbprint } from 'jose';
import { canonical, leaf, mth } from './canonical-text.mjs';

function key(label) {
  const seed = createHash('sha256').update('cb4i verification vectors: ' + label).digest();
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' })
    .export({ format: 'jwk' });
}
const pub = ({ d, ...rest }) => rest;
const COLLECTIVE = key('collective');
const STRANGER = key('a collective nobody trusts');
const LOG = key('the member proxy log');
const CRAWLER = key('the crawler');
const PUBLISHER = key('the member site, signing its pages');
const kid = async (k) => calculateJwkThumbprint(pub(k), 'sha256');
async function jws(k, typ, claims) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'EdDSA', typ, kid: await kid(k) })
    .sign(await importJWK(k, 'EdDSA'));
}
const sha = (b) => createHash('sha256').update(b).digest('hex');

const T0 = 1780000000; // licenses issued then
const FETCHED = T0 + 600;
const ISS = 'https://collective.example';
const SITE = 'https://news.example';
const LIST = ISS + '/status/1';
const IDX = 3;
const HTML = '<html><body><article><h1>Why writers bargain</h1><p>Information is cheap to copy.</p><p>Together, creators set terms.</p></article></body></html>';

// [STS-3] 2 bits an index, least significant first, zlib, base64url.
function statusList(values) {
  const bytes = Buffer.alloc(4);
  values.forEach((v, i) => { bytes[(i * 2) >> 3] |= v << ((i * 2) & 7); });
  return { bits: 2, lst: deflateSync(bytes).toString('base64url') };
}

// RFC 9162 §2.1.3.1 inclusion proof of leaf m among leaves.
function proof(m, leaves) {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k ? [...proof(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...proof(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

async function dataset(o = {}) {
  const crawlerJkt = await kid(CRAWLER);
  const url = o.url ?? SITE + '/articles/a';
  const html = o.html ?? HTML;
  const fetched = o.fetched ?? FETCHED;
  const license = await jws(o.licenseKey ?? COLLECTIVE, 'license+jwt', {
    iss: ISS, sub: 'crawler-co', aud: ISS, jti: 'lic-1', iat: T0, nbf: T0, exp: T0 + 86400,
    cnf: { jkt: crawlerJkt, jwk: pub(CRAWLER) }, usages: o.usages ?? ['ai-train'], paths: [{ allow: ['/articles/'] }],
    status: { status_list: { idx: IDX, uri: LIST } } });
  // The lists the crawl kept ([STS-7]): by default one in force from T0 for two hours; a case may give several, each
  // {iat, exp, status} (the status of the license's index in it).
  const lists = [];
  for (const l of o.lists ?? [{ iat: T0, exp: T0 + 7200, status: o.status ?? 0 }]) {
    lists.push(await jws(COLLECTIVE, 'statuslist+jwt', { sub: LIST, iat: l.iat, exp: l.exp, ttl: 60, status_list: statusList([0, 0, 0, l.status]) }));
  }
  const bytesSha = sha(Buffer.from(html, 'utf8'));
  const entry = JSON.stringify({ rid: 'r1', time: fetched, iss: ISS, licensee: 'crawler-co', jti: 'lic-1', jkt: crawlerJkt, method: 'GET', url,
    status: 200, bytes: Buffer.byteLength(html), sha256: o.entrySha ?? bytesSha, usages: ['ai-train'], complete: true });
  const leaves = [leaf('{"other":1}'), leaf(entry)];
  const root = mth(leaves);
  const checkpoint = await jws(o.logKey ?? LOG, 'checkpoint+jwt', { log_id: await kid(o.logKey ?? LOG), size: 2, root: root.toString('hex'),
    iat: fetched + 1 });
  const text = canonical(html);
  // A content credential ([CRD-1]) signed by the site over the page's canonical text and its paragraphs.
  const signedText = o.credentialText ? canonical(o.credentialText) : text;
  const credential = o.credential ? await jws(o.credentialKey ?? PUBLISHER, 'content-credential+jwt', { iss: SITE, sub: url, iat: T0,
    creators: ['A. Writer'], usages_without_license: [], digests: { text: signedText.text_sha256, paragraphs: { count: signedText.paragraphs.length,
      root: signedText.paragraphs_root } } }) : undefined;
  const record = { id: 1, url, fetched_at: fetched, status: 200, outcome: 'fetched', content_type: 'text/html; charset=utf-8',
    bytes: Buffer.byteLength(html), bytes_sha256: o.bytesSha ?? bytesSha, text: { sha256: o.textSha ?? text.text_sha256 }, license: o.licenseId ?? 'lic-1' };
  if (o.kept !== undefined) {
    // [CRD-5]: a pipeline kept part of the text; the record carries the signed page's paragraph leaves and what it kept.
    record.text.kept = o.kept;
    record.text.paragraph_digests = (o.keptDigests ?? text.paragraphs.map((p) => leaf(p).toString('hex')));
  }
  if (credential) record.credential = credential;
  if (!o.noReceipt) {
    record.receipt = { log: await kid(LOG), rid: 'r1', origin: SITE, entry, index: 1,
      inclusion_proof: (o.badProof ? [Buffer.alloc(32, 7)] : proof(1, leaves)).map((h) => h.toString('hex')), tree_size: 2, checkpoint };
  }
  if (o.noLicense) delete record.license;
  const header = { type: 'cb4i-manifest', version: 1, builder: 'the vectors', usage: 'ai-train', created: fetched + 60,
    licenses: o.noLicenseInManifest ? [] : [license], status_lists: lists, repertoires: [], sites: [], logs: {} };
  const trust = { collectives: [{ id: ISS, keys: pub(COLLECTIVE) }], publishers: o.trustPublisher === false ? [] : [{ origin: SITE, keys: pub(PUBLISHER) }],
    logs: [{ log_id: await kid(LOG), keys: pub(LOG) }] };
  return { usage: o.usage ?? 'ai-train', trust, header, record, content: o.stored ?? html };
}

const cases = [
  ['a complete record: content, text, license, status and receipt all hold', {}, 'VERIFIED', [], ['VER-1', 'VER-2', 'VER-3', 'VER-4', 'VER-5', 'TRS-1']],
  ['the stored page was changed after the fetch', { stored: HTML.replace('cheap', 'dear') }, 'TAMPERED', ['BYTES_DIGEST_MISMATCH'], ['VER-1']],
  ['the record\'s text digest is not the stored page\'s canonical text', { textSha: '0'.repeat(64) }, 'TAMPERED', ['TEXT_DIGEST_MISMATCH'], ['VER-2']],
  ['the license is signed by a collective the trust store does not hold', { licenseKey: STRANGER }, 'UNTRUSTED_KEY', [], ['VER-3']],
  ['fetched after the license expired', { fetched: T0 + 3 * 86400 }, 'EXPIRED_AT_FETCH', ['TOKEN_EXPIRED'], ['VER-3']],
  ['the dataset declares a usage the license does not grant', { usage: 'search' }, 'USAGE_NOT_PERMITTED', ['USAGE_NOT_LICENSED'], ['VER-3']],
  ['the URL is outside the license\'s paths', { url: SITE + '/about' }, 'UNLICENSED', ['PATH_NOT_LICENSED'], ['VER-3']],
  ['the record names no license (and so holds no receipt)', { noLicense: true, noReceipt: true }, 'UNLICENSED', ['NO_LICENSE'], ['VER-3']],
  ['the record\'s license is not among the manifest\'s', { noLicenseInManifest: true }, 'UNLICENSED', ['LICENSE_NOT_IN_MANIFEST'], ['VER-3']],
  ['the status list in force at the fetch says revoked', { status: 1 }, 'REVOKED_AT_FETCH', [], ['VER-4']],
  ['no receipt: not served under a license', { noReceipt: true }, 'UNLICENSED', ['NO_RECEIPT'], ['VER-5']],
  ['the receipt\'s inclusion proof does not lead to the checkpoint', { badProof: true }, 'RECEIPT_INVALID', ['INCLUSION_PROOF_FAILED'], ['VER-5']],
  ['the receipt\'s entry names another payload', { entrySha: 'f'.repeat(64) }, 'TAMPERED', ['RECEIPT_MISMATCH'], ['VER-5']],
  ['the checkpoint is signed by a log the trust store does not hold', { logKey: STRANGER }, 'UNTRUSTED_KEY', [], ['VER-5']],
  ['past lists: the list in force at the fetch says VALID; a later one, revoked, does not judge the fetch',
    { lists: [{ iat: T0, exp: T0 + 3600, status: 0 }, { iat: T0 + 3600, exp: T0 + 7200, status: 1 }] }, 'VERIFIED', [], ['VER-4', 'STS-7']],
  ['past lists: the list in force at the fetch says SUSPENDED; a later one says VALID again',
    { lists: [{ iat: T0, exp: T0 + 3600, status: 2 }, { iat: T0 + 3600, exp: T0 + 7200, status: 0 }] }, 'REVOKED_AT_FETCH', [], ['VER-4', 'STS-7']],
  ['past lists: only a list from after the fetch, saying revoked: reported, not judged offline',
    { lists: [{ iat: T0 + 3600, exp: T0 + 7200, status: 1 }] }, 'VERIFIED', ['STATUS_AFTER_FETCH'], ['VER-4', 'STS-7']],
  ['a content credential signed by a key the trust store holds for the site, over the page as stored', { credential: true }, 'VERIFIED',
    ['CREDENTIAL_TRUSTED'], ['VER-6', 'CRD-1']],
  ['a content credential over another text than the page stored', { credential: true, credentialText: HTML.replace('cheap', 'free') }, 'TAMPERED',
    ['CREDENTIAL_TEXT_MISMATCH'], ['VER-6']],
  ['a content credential signed by another key than the one trusted for the site', { credential: true, credentialKey: STRANGER }, 'UNTRUSTED_KEY',
    ['UNKNOWN_KEY'], ['VER-6']],
  ['a content credential from a site no key is trusted for', { credential: true, trustPublisher: false }, 'UNTRUSTED_KEY',
    ['UNTRUSTED_PUBLISHER'], ['VER-6']],
  ['a cut-down text: one signed paragraph and a line the pipeline added', { credential: true, kept: 'Information is cheap to copy.\nA line the pipeline added.' },
    'VERIFIED', ['TEXT_COVERAGE'], ['VER-7', 'CRD-5']],
  ['a cut-down text none of which the site signed', { credential: true, kept: 'Nothing the publisher wrote.' }, 'TAMPERED', ['TEXT_NOT_SIGNED'],
    ['VER-7', 'CRD-5']],
  ['a cut-down text whose paragraph digests are not the signed page\'s', { credential: true, kept: 'Information is cheap to copy.',
    keptDigests: ['ab'.repeat(32), 'cd'.repeat(32), 'ef'.repeat(32)] }, 'TAMPERED', ['DIGEST_MISMATCH'], ['VER-7', 'CRD-5']],
  ['two faults: the first status in §14\'s order decides (tampered content before an expired license)',
    { stored: HTML.replace('cheap', 'dear'), fetched: T0 + 3 * 86400 }, 'TAMPERED', ['BYTES_DIGEST_MISMATCH', 'TOKEN_EXPIRED'], ['VER-1', 'VER-3']],
];

const tests = [];
for (const [comment, o, status, findings, requirements] of cases) {
  tests.push({ tcId: tests.length + 1, comment, flags: [], requirements, ...(await dataset(o)), status, findings, result: 'valid' });
}

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i dataset verification',
  schema: 'verification_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-verification-vectors.mjs (npm jose, node:zlib, node:crypto and canonical-text.mjs; not cb4i code)',
  header: ['Judge record (one line of a manifest whose header line is header) offline against trust (a trust store, [TRS-1]) for the declared usage, with content as the stored payload (SPEC.md §14). The verdict is status; findings are codes that must be among the verdict\'s findings (others may be reported too). Each case is the complete first one with one thing broken, or two to show which status comes first.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'VerifyRecord', tests }],
}, null, 2) + '\n');
