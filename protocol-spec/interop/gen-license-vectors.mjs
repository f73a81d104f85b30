// Generates protocol-spec/vectors/license_token.json with npm `jose` and node's own crypto: an
// implementation that is not cb4i's, so that the vectors are not produced by the code they test.
//
//   cd protocol-spec/interop && npm ci && node gen-license-vectors.mjs > ../vectors/license_token.json
//
// Ed25519 signatures are deterministic, so re-running reproduces the file byte for byte, except the two
// ES256 tokens (ECDSA signatures are randomised); those stay valid whatever their bytes.
import crypto from 'node:crypto';
import { SignJWT, CompactSign, importJWK, calculateJwkThumbprint, base64url } from 'jose';

// The fixed clock of every test in the file: 2026-01-01T00:00:00Z.
const NOW = 1767225600;
const DAY = 86400;

// RFC 8037 appendix A.1: the collective's issuer key.
const ISSUER = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
// RFC 9421 appendix B.1.4 (also the Web Bot Auth test key): the crawler's key.
const CRAWLER = { kty: 'OKP', crv: 'Ed25519', d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU', x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' };

function ed25519FromSeed(seedByte) {
  const seed = Buffer.alloc(32, seedByte);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
}
function p256FromScalar(hex) {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(hex, 'hex'));
  const pub = ecdh.getPublicKey();
  return { kty: 'EC', crv: 'P-256', d: base64url.encode(Buffer.from(hex, 'hex')), x: base64url.encode(pub.subarray(1, 33)), y: base64url.encode(pub.subarray(33, 65)) };
}
// A second collective that signs with P-256, and a key nobody trusts.
const ISSUER_ES = p256FromScalar('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
const ATTACKER = ed25519FromSeed(7);

const pub = ({ d, ...rest }) => rest;
const thumb = async (jwk) => calculateJwkThumbprint(pub(jwk), 'sha256');
const ISSUER_KID = await thumb(ISSUER);
const ISSUER_ES_KID = await thumb(ISSUER_ES);
const CRAWLER_JKT = await thumb(CRAWLER);
const ATTACKER_KID = await thumb(ATTACKER);

const COLLECTIVE = 'https://collective.example';
const COLLECTIVE_ES = 'https://guild.example';

function baseClaims(extra = {}) {
  return {
    iss: COLLECTIVE, sub: 'crawler-co', aud: COLLECTIVE, jti: 'lic-0001',
    iat: NOW - 3600, nbf: NOW - 3600, exp: NOW + 30 * DAY,
    cnf: { jkt: CRAWLER_JKT, jwk: pub(CRAWLER) },
    usages: ['ai-train'],
    ...extra,
  };
}

async function jwt(claims, { key = ISSUER, alg = 'EdDSA', kid = ISSUER_KID, typ = 'license+jwt', header = {} } = {}) {
  const k = await importJWK(key, alg === 'ES256' ? 'ES256' : alg);
  const h = { alg, typ, ...header };
  if (kid !== null) h.kid = kid;
  if (typ === null) delete h.typ;
  return new SignJWT(claims).setProtectedHeader(h).sign(k);
}

// Signs exact header and payload text (for duplicate members and other shapes jose would not emit).
function rawEd25519(headerText, payloadText, key = ISSUER) {
  const input = base64url.encode(headerText) + '.' + base64url.encode(payloadText);
  const sig = crypto.sign(null, Buffer.from(input), crypto.createPrivateKey({ key, format: 'jwk' }));
  return input + '.' + base64url.encode(sig);
}

const b64 = (o) => base64url.encode(typeof o === 'string' ? o : JSON.stringify(o));
const claimsText = JSON.stringify(baseClaims());
const tests = [];
let id = 0;
function add(comment, token, result, expectedReason, requirements, extra = {}) {
  tests.push({ tcId: ++id, comment, flags: extra.flags ?? [], requirements, token, result,
    ...(expectedReason ? { expectedReason } : {}), ...(extra.expected ? { expected: extra.expected } : {}) });
}

const scoped = baseClaims({
  jti: 'lic-0002',
  usages: ['ai-train', 'search'],
  paths: [
    { origin: 'https://news.example', allow: ['/articles/*'], disallow: ['/articles/private/*'] },
    { allow: ['/public/', '/feed.xml$'] },
  ],
  quota: { rps: 2, requests_per_day: 50000, bytes_per_day: 1000000000 },
  agreement: { uri: 'https://collective.example/agreements/42', sha256: crypto.createHash('sha256').update('agreement 42').digest('hex') },
  status: { status_list: { idx: 7, uri: 'https://collective.example/status/1' } },
});

add('minimal valid license, EdDSA', await jwt(baseClaims()), 'valid', null, ['TOK-1', 'TOK-4', 'JOS-2'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT, coverage: [
    { url: 'https://news.example/anything', usage: 'ai-train', covered: true },
    { url: 'https://news.example/anything', usage: 'ai-input', covered: false } ] } });
add('valid license, alg Ed25519 (RFC 9864)', await jwt(baseClaims(), { alg: 'Ed25519' }), 'valid', null, ['JOS-2'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT } });
add('valid license, ES256 from a P-256 collective', await jwt(baseClaims({ iss: COLLECTIVE_ES, aud: COLLECTIVE_ES }), { key: ISSUER_ES, alg: 'ES256', kid: ISSUER_ES_KID }),
  'valid', null, ['JOS-2'], { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT } });
add('valid license with paths, quota, agreement and status', await jwt(scoped), 'valid', null, ['TOK-9', 'TOK-10', 'TOK-11', 'STS-1'],
  { expected: { sub: 'crawler-co', jti: 'lic-0002', usages: ['ai-train', 'search'], jkt: CRAWLER_JKT, coverage: [
    { url: 'https://news.example/articles/2026/a.html', usage: 'ai-train', covered: true },
    { url: 'https://news.example/articles/private/x.html', usage: 'ai-train', covered: false },
    { url: 'https://news.example/about', usage: 'ai-train', covered: false },
    { url: 'https://other.example/articles/a.html', usage: 'ai-train', covered: false },
    { url: 'https://other.example/public/a.html', usage: 'search', covered: true },
    { url: 'https://NEWS.example:443/public/b', usage: 'ai-train', covered: true },
    { url: 'https://news.example/feed.xml', usage: 'ai-train', covered: true },
    { url: 'https://news.example/feed.xml?page=2', usage: 'ai-train', covered: false },
    { url: 'https://news.example/articles/a.html', usage: 'ai-input', covered: false } ] } });
add('broader usage ai-all implies ai-train and ai-input but not search', await jwt(baseClaims({ usages: ['ai-all'] })), 'valid', null, ['VOC-2', 'TOK-8'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-all'], jkt: CRAWLER_JKT, coverage: [
    { url: 'https://news.example/', usage: 'ai-train', covered: true },
    { url: 'https://news.example/', usage: 'ai-input', covered: true },
    { url: 'https://news.example/', usage: 'search', covered: false } ] } });
add('aud as an array that includes an accepted repertoire', await jwt(baseClaims({ aud: ['https://other-repertoire.example', COLLECTIVE] })), 'valid', null, ['TOK-6'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT } });
add('typ with the application/ prefix', await jwt(baseClaims(), { typ: 'application/license+jwt' }), 'valid', null, ['JOS-3'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT } });
add('unknown usage tokens grant nothing but do not invalidate', await jwt(baseClaims({ usages: ['ai-train', 'telepathy'] })), 'valid', null, ['TOK-8', 'VOC-1'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT } });
add('expired 30 s ago: inside the 60 s clock skew', await jwt(baseClaims({ exp: NOW - 30 })), 'valid', null, ['TOK-5'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT } });
add('unknown claims are ignored', await jwt(baseClaims({ 'x-note': { any: ['thing'] } })), 'valid', null, ['TOK-12'],
  { expected: { sub: 'crawler-co', jti: 'lic-0001', usages: ['ai-train'], jkt: CRAWLER_JKT } });

add('expired 120 s ago', await jwt(baseClaims({ exp: NOW - 120 })), 'invalid', 'TOKEN_EXPIRED', ['TOK-5']);
add('not valid before an hour from now', await jwt(baseClaims({ nbf: NOW + 3600 })), 'invalid', 'TOKEN_NOT_YET_VALID', ['TOK-5']);
add('issued an hour in the future', await jwt(baseClaims({ iat: NOW + 3600, nbf: NOW - 10 })), 'invalid', 'TOKEN_ISSUED_IN_FUTURE', ['TOK-5']);
add('lifetime of 500 days exceeds the 400-day maximum', await jwt(baseClaims({ exp: NOW + 500 * DAY })), 'invalid', 'INVALID_CLAIM', ['TOK-5']);
add('audience is another repertoire', await jwt(baseClaims({ aud: 'https://other-repertoire.example' })), 'invalid', 'WRONG_AUDIENCE', ['TOK-6']);
add('issuer not trusted', await jwt(baseClaims({ iss: 'https://stranger.example', aud: COLLECTIVE })), 'invalid', 'UNKNOWN_ISSUER', ['TOK-2']);
add('signed by an untrusted key under its own kid', await jwt(baseClaims(), { key: ATTACKER, kid: ATTACKER_KID }), 'invalid', 'UNKNOWN_KEY', ['TOK-2', 'JOS-5']);
add('signed by an untrusted key, claiming the trusted kid', await jwt(baseClaims(), { key: ATTACKER }), 'invalid', 'BAD_SIGNATURE', ['JOS-5']);
add('no kid', await jwt(baseClaims(), { kid: null }), 'invalid', 'UNKNOWN_KEY', ['JOS-5']);
add('attacker key embedded as a jwk header is ignored', await jwt(baseClaims(), { key: ATTACKER, kid: ATTACKER_KID, header: { jwk: pub(ATTACKER) } }),
  'invalid', 'UNKNOWN_KEY', ['JOS-6'], { flags: ['EmbeddedKey'] });
add('jku pointing at loopback is ignored, nothing is fetched', await jwt(baseClaims(), { key: ATTACKER, kid: ATTACKER_KID, header: { jku: 'http://127.0.0.1:1/jwks' } }),
  'invalid', 'UNKNOWN_KEY', ['JOS-6'], { flags: ['EmbeddedKey'] });
add('x5u header is ignored', await jwt(baseClaims(), { key: ATTACKER, kid: ATTACKER_KID, header: { x5u: 'http://169.254.169.254/cert' } }),
  'invalid', 'UNKNOWN_KEY', ['JOS-6'], { flags: ['EmbeddedKey'] });

add('alg none, empty signature', b64({ alg: 'none', typ: 'license+jwt' }) + '.' + b64(claimsText) + '.', 'invalid', 'MALFORMED_TOKEN', ['JOS-1', 'JOS-2'], { flags: ['AlgNone'] });
add('alg none, with a signature', b64({ alg: 'none', typ: 'license+jwt', kid: ISSUER_KID }) + '.' + b64(claimsText) + '.' + base64url.encode(Buffer.alloc(64, 1)),
  'invalid', 'ALG_NOT_ALLOWED', ['JOS-2'], { flags: ['AlgNone'] });
{
  const input = b64({ alg: 'HS256', typ: 'license+jwt', kid: ISSUER_KID }) + '.' + b64(claimsText);
  const mac = crypto.createHmac('sha256', Buffer.from(JSON.stringify(pub(ISSUER)))).update(input).digest();
  add('HS256 keyed with the issuer public key (key confusion)', input + '.' + base64url.encode(mac), 'invalid', 'ALG_NOT_ALLOWED', ['JOS-2'], { flags: ['KeyConfusion'] });
}
add('RS256 is not accepted', b64({ alg: 'RS256', typ: 'license+jwt', kid: ISSUER_KID }) + '.' + b64(claimsText) + '.' + base64url.encode(Buffer.alloc(256, 2)),
  'invalid', 'ALG_NOT_ALLOWED', ['JOS-2']);
add('lowercase eddsa is not EdDSA', rawEd25519(JSON.stringify({ alg: 'eddsa', typ: 'license+jwt', kid: ISSUER_KID }), claimsText), 'invalid', 'ALG_NOT_ALLOWED', ['JOS-2']);
add('ES256 header on an Ed25519 key', rawEd25519(JSON.stringify({ alg: 'ES256', typ: 'license+jwt', kid: ISSUER_KID }), claimsText), 'invalid', 'ALG_NOT_ALLOWED', ['JOS-2', 'TOK-3']);
add('typ JWT', await jwt(baseClaims(), { typ: 'JWT' }), 'invalid', 'WRONG_TYPE', ['JOS-3']);
add('no typ', await jwt(baseClaims(), { typ: null }), 'invalid', 'WRONG_TYPE', ['JOS-3']);
add('a status list token presented as a license', await jwt(baseClaims(), { typ: 'statuslist+jwt' }), 'invalid', 'WRONG_TYPE', ['JOS-3'], { flags: ['CrossJwtConfusion'] });
add('unknown crit header', rawEd25519(JSON.stringify({ alg: 'EdDSA', typ: 'license+jwt', kid: ISSUER_KID, crit: ['x-cb4i'], 'x-cb4i': 1 }), claimsText), 'invalid', 'UNSUPPORTED_CRITICAL_HEADER', ['JOS-4']);
add('b64 false', rawEd25519(JSON.stringify({ alg: 'EdDSA', typ: 'license+jwt', kid: ISSUER_KID, b64: false, crit: ['b64'] }), claimsText), 'invalid', 'UNSUPPORTED_CRITICAL_HEADER', ['JOS-4']);
add('duplicate alg in the header', rawEd25519(`{"alg":"EdDSA","typ":"license+jwt","kid":"${ISSUER_KID}","alg":"none"}`, claimsText), 'invalid', 'DUPLICATE_MEMBER', ['JOS-1'], { flags: ['DuplicateMember'] });
add('duplicate sub in the claims', rawEd25519(JSON.stringify({ alg: 'EdDSA', typ: 'license+jwt', kid: ISSUER_KID }), claimsText.replace('"sub":"crawler-co"', '"sub":"crawler-co","sub":"someone-else"')),
  'invalid', 'DUPLICATE_MEMBER', ['JOS-1'], { flags: ['DuplicateMember'] });
add('claims nested 1000 deep', rawEd25519(JSON.stringify({ alg: 'EdDSA', typ: 'license+jwt', kid: ISSUER_KID }), claimsText.replace('{', '{"deep":' + '['.repeat(1000) + ']'.repeat(1000) + ',')),
  'invalid', 'MALFORMED_TOKEN', ['JOS-1'], { flags: ['DeepNesting'] });
add('token of more than 8192 characters', await jwt(baseClaims({ pad: 'x'.repeat(9000) })), 'invalid', 'TOKEN_TOO_LARGE', ['JOS-1']);
{
  const good = await jwt(baseClaims());
  const [h, p, s] = good.split('.');
  add('payload changed after signing', h + '.' + b64(claimsText.replace('ai-train', 'ai-all')) + '.' + s, 'invalid', 'BAD_SIGNATURE', ['JOS-5']);
  add('padding added to the signature', good + '==', 'invalid', 'MALFORMED_TOKEN', ['JOS-1']);
  add('standard base64 alphabet in the signature', h + '.' + p + '.' + s.replace(/-/g, '+').replace(/_/g, '/') + (s.includes('-') || s.includes('_') ? '' : '+'), 'invalid', 'MALFORMED_TOKEN', ['JOS-1']);
  add('signature truncated', h + '.' + p + '.' + s.slice(0, 40), 'invalid', 'BAD_SIGNATURE', ['JOS-5']);
  add('four segments', good + '.AAAA', 'invalid', 'MALFORMED_TOKEN', ['JOS-1']);
  add('five segments (JWE shape)', 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.AAAA.AAAA.AAAA.AAAA', 'invalid', 'MALFORMED_TOKEN', ['JOS-1']);
  add('empty token', '', 'invalid', 'MALFORMED_TOKEN', ['JOS-1']);
}
add('cnf.jkt is not the thumbprint of cnf.jwk', await jwt(baseClaims({ cnf: { jkt: ATTACKER_KID, jwk: pub(CRAWLER) } })), 'invalid', 'CONFIRMATION_MISMATCH', ['TOK-7']);
add('cnf without jwk', await jwt(baseClaims({ cnf: { jkt: CRAWLER_JKT } })), 'invalid', 'MISSING_CLAIM', ['TOK-7']);
add('cnf.jwk carries a private key', await jwt(baseClaims({ cnf: { jkt: CRAWLER_JKT, jwk: CRAWLER } })), 'invalid', 'INVALID_CLAIM', ['TOK-7']);
add('cnf.jwk is an RSA key', await jwt(baseClaims({ cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', jwk: { kty: 'RSA', e: 'AQAB', n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw' } } })),
  'invalid', 'INVALID_CLAIM', ['TOK-7', 'KEY-1']);
{
  const c = baseClaims(); delete c.exp;
  add('no exp', await jwt(c), 'invalid', 'MISSING_CLAIM', ['TOK-5']);
}
{
  const c = baseClaims(); delete c.jti;
  add('no jti', await jwt(c), 'invalid', 'MISSING_CLAIM', ['TOK-4']);
}
add('exp as a string', await jwt(baseClaims({ exp: String(NOW + DAY) })), 'invalid', 'INVALID_CLAIM', ['TOK-5']);
add('exp as a fraction', await jwt(baseClaims({ exp: NOW + DAY + 0.5 })), 'invalid', 'INVALID_CLAIM', ['TOK-5']);
add('exp beyond 2^53', rawEd25519(JSON.stringify({ alg: 'EdDSA', typ: 'license+jwt', kid: ISSUER_KID }), claimsText.replace(/"exp":\d+/, '"exp":99999999999999999999')),
  'invalid', 'INVALID_CLAIM', ['TOK-5']);
add('empty usages', await jwt(baseClaims({ usages: [] })), 'invalid', 'INVALID_CLAIM', ['TOK-8']);
add('only unknown usages', await jwt(baseClaims({ usages: ['telepathy'] })), 'invalid', 'INVALID_CLAIM', ['TOK-8', 'VOC-1']);
add('paths entry with an unknown member', await jwt(baseClaims({ paths: [{ allow: ['/'], except: ['/x'] }] })), 'invalid', 'INVALID_CLAIM', ['TOK-9']);
add('paths origin with a path', await jwt(baseClaims({ paths: [{ origin: 'https://news.example/articles', allow: ['/'] }] })), 'invalid', 'INVALID_CLAIM', ['TOK-9']);
add('paths pattern not starting with / or *', await jwt(baseClaims({ paths: [{ allow: ['articles/*'] }] })), 'invalid', 'INVALID_CLAIM', ['TOK-9']);
add('quota rps of zero', await jwt(baseClaims({ quota: { rps: 0 } })), 'invalid', 'INVALID_CLAIM', ['TOK-10']);
add('agreement digest not hex', await jwt(baseClaims({ agreement: { uri: 'https://c.example/a', sha256: 'abc' } })), 'invalid', 'INVALID_CLAIM', ['TOK-11', 'JOS-7']);
add('usage_status: one status per usage, an unknown usage token ignored', await jwt(baseClaims({ jti: 'lic-0003', usages: ['ai-all', 'search'],
  status: { status_list: { idx: 10, uri: 'https://collective.example/status/1' } },
  usage_status: { 'ai-train': { status_list: { idx: 11, uri: 'https://collective.example/status/1' } },
    search: { status_list: { idx: 14, uri: 'https://collective.example/status/1' } },
    telepathy: { status_list: { idx: 15, uri: 'https://collective.example/status/1' } } } })), 'valid', null, ['STS-9', 'TOK-4'],
  { expected: { sub: 'crawler-co', jti: 'lic-0003', usages: ['ai-all', 'search'], jkt: CRAWLER_JKT, usage_status: {
    'ai-train': { status_list: { idx: 11, uri: 'https://collective.example/status/1' } },
    search: { status_list: { idx: 14, uri: 'https://collective.example/status/1' } } } } });
add('usage_status not an object', await jwt(baseClaims({ usage_status: [{ status_list: { idx: 1, uri: 'https://c.example/s' } }] })), 'invalid',
  'INVALID_CLAIM', ['STS-9']);
add('usage_status empty', await jwt(baseClaims({ usage_status: {} })), 'invalid', 'INVALID_CLAIM', ['STS-9']);
add('usage_status member without status_list', await jwt(baseClaims({ usage_status: { 'ai-train': { idx: 1, uri: 'https://c.example/s' } } })),
  'invalid', 'INVALID_CLAIM', ['STS-9']);
add('usage_status idx negative', await jwt(baseClaims({ usage_status: { 'ai-train': { status_list: { idx: -1, uri: 'https://c.example/s' } } } })),
  'invalid', 'INVALID_CLAIM', ['STS-9', 'STS-1']);
add('usage_status of 9 members', await jwt(baseClaims({ usage_status: Object.fromEntries(['all', 'ai-all', 'ai-train', 'ai-input', 'ai-index',
  'search', 'x1', 'x2', 'x3'].map((u, i) => [u, { status_list: { idx: i, uri: 'https://c.example/s' } }])) })), 'invalid', 'INVALID_CLAIM', ['STS-9']);
add('status_list idx negative', await jwt(baseClaims({ status: { status_list: { idx: -1, uri: 'https://c.example/s' } } })), 'invalid', 'INVALID_CLAIM', ['STS-1']);

const out = {
  algorithm: 'cb4i license token',
  schema: 'license_token_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-license-vectors.mjs (npm jose 6.2.17 and node crypto; not cb4i code)',
  header: [
    'Each test is a compact token and the outcome of verifying it with the group\'s trust settings at time "now".',
    'Valid tests list claims to compare and URL/usage coverage checks ([TOK-9], [VOC-2]).',
  ],
  notes: {
    AlgNone: 'alg "none" (CVE-2015-2951 family)',
    KeyConfusion: 'HMAC keyed with a public key (CVE-2016-10555 family)',
    EmbeddedKey: 'keys or key URLs in the header must never be used (CVE-2018-0114 family)',
    DuplicateMember: 'JSON with duplicate member names, which parsers read differently',
    DeepNesting: 'nesting meant to exhaust a recursive parser (CVE-2025-53864 family)',
    CrossJwtConfusion: 'another cb4i JWT type presented as a license',
  },
  numberOfTests: tests.length,
  testGroups: [{
    type: 'LicenseTokenVerify',
    now: NOW,
    clockSkewSeconds: 60,
    maxLifetimeDays: 400,
    trustedIssuers: [
      { id: COLLECTIVE, jwks: { keys: [{ ...pub(ISSUER), kid: ISSUER_KID }] } },
      { id: COLLECTIVE_ES, jwks: { keys: [{ ...pub(ISSUER_ES), kid: ISSUER_ES_KID }] } },
    ],
    acceptedAudiences: [COLLECTIVE, COLLECTIVE_ES],
    tests,
  }],
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
