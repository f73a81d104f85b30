// Generates protocol-spec/vectors/manifest_header.json: dataset manifest header lines ([DST-1]), what a reader takes
// from each (or that it refuses the line), and the line a writer makes of that, decided here with JSON.parse and
// JSON.stringify by the spec's rules, not by cb4i's Java reader.
//   cd protocol-spec/interop && node gen-manifest-header-vectors.mjs > ../vectors/manifest_header.json
const H = (c) => c.repeat(64);
const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'kid-1' }] };
const base = {
  type: 'cb4i-manifest', version: 1, builder: 'cb4i crawl (cb4i-crawler, key KEY)', usage: 'ai-train', created: 1780000000,
  licenses: ['eyJ.lic.sig'], status_lists: ['eyJ.sl.sig'], repertoires: ['eyJ.rep.sig'],
  sites: [{ origin: 'https://news.example', robots_licenses: ['https://news.example/license.xml'], content_usage: 'train-ai=n',
    terms: { url: 'https://news.example/license.xml', sha256: H('5') }, signature_policy: 'per-request' }],
  logs: { LOGID: { origin: 'https://news.example', jwks, checkpoints: ['eyJ.cp1.sig', 'eyJ.cp2.sig'] } },
};
const cases = [
  ['a header as cb4i crawl writes it', JSON.stringify(base)],
  ['members in another order, and members a reader does not know (skipped)',
    JSON.stringify({ logs: base.logs, extra: { deep: true }, sites: base.sites, usage: 'ai-train', type: 'cb4i-manifest', created: 1780000000,
      builder: base.builder, version: 1, repertoires: base.repertoires, status_lists: base.status_lists, licenses: base.licenses })],
  ['a site without content_usage, terms or signature_policy: the policy reads as reusable',
    JSON.stringify({ ...base, sites: [{ origin: 'https://blog.example', robots_licenses: [] }] })],
  ['a log the crawler could not read: its errors, no jwks, no checkpoints',
    JSON.stringify({ ...base, logs: { LOGID: { origin: 'https://news.example', jwks_error: 'HTTP 503', checkpoints: [], checkpoint_error: 'HTTP 503' } } })],
  ['lists absent: read as empty, written as empty arrays', JSON.stringify({ type: 'cb4i-manifest', version: 1, builder: 'b', usage: 'search', created: 5 })],
  ['an element of another type in a list of tokens reads as its text (its signature check fails later)',
    JSON.stringify({ ...base, licenses: ['eyJ.lic.sig', 42, true] })],
  ['non-ASCII text and escapes', JSON.stringify({ ...base, builder: 'coopérative «crawl» \t "q" \\' })],
  ['not a JSON object', '["cb4i-manifest"]', 'invalid'],
  ['another type: not a cb4i manifest header', JSON.stringify({ ...base, type: 'other-manifest' }), 'invalid'],
  ['no type at all', JSON.stringify({ ...base, type: undefined }), 'invalid'],
  ['a duplicate member', '{"type":"cb4i-manifest","usage":"ai-train","usage":"search"}', 'invalid', 'DUPLICATE_MEMBER'],
  ['a record line where the header should be', '{"id":1,"url":"https://news.example/"}', 'invalid'],
];

const texts = (a) => (Array.isArray(a) ? a.map((v) => (typeof v === 'string' ? v : String(v))) : []);
function read(line) {
  const h = JSON.parse(line);
  return {
    version: Number.isInteger(h.version) ? h.version : 0, builder: h.builder ?? '', usage: h.usage ?? '', created: h.created ?? 0,
    licenses: texts(h.licenses), status_lists: texts(h.status_lists), repertoires: texts(h.repertoires),
    sites: (h.sites ?? []).map((s) => JSON.parse(JSON.stringify({ origin: s.origin ?? '', robots_licenses: texts(s.robots_licenses),
      content_usage: s.content_usage, terms: s.terms ? { url: s.terms.url ?? '', sha256: s.terms.sha256 ?? '' } : undefined,
      signature_policy: s.signature_policy ?? 'reusable' }))),
    logs: Object.fromEntries(Object.entries(h.logs ?? {}).map(([id, l]) => [id, JSON.parse(JSON.stringify({ origin: l.origin ?? '', jwks: l.jwks,
      jwks_error: l.jwks_error, checkpoints: texts(l.checkpoints), checkpoint_error: l.checkpoint_error }))])),
  };
}
// The line a writer makes of what was read: type first, then the members of [DST-1] in its order; lists always, the
// optional members (content_usage, terms, jwks, jwks_error, checkpoint_error) only when present.
function written(r) {
  return JSON.stringify({ type: 'cb4i-manifest', version: r.version, builder: r.builder, usage: r.usage, created: r.created, licenses: r.licenses,
    status_lists: r.status_lists, repertoires: r.repertoires,
    sites: r.sites.map((s) => ({ origin: s.origin, robots_licenses: s.robots_licenses, content_usage: s.content_usage, terms: s.terms,
      signature_policy: s.signature_policy })),
    logs: Object.fromEntries(Object.entries(r.logs).map(([id, l]) => [id, { origin: l.origin, jwks: l.jwks, jwks_error: l.jwks_error,
      checkpoints: l.checkpoints, checkpoint_error: l.checkpoint_error }])) });
}

const tests = cases.map(([comment, line, result = 'valid', reason = 'MALFORMED_JSON'], i) => {
  const t = { tcId: i + 1, comment, flags: [], requirements: ['DST-1'], line, result };
  if (result === 'valid') { t.read = read(line); t.written = written(t.read); } else { t.expectedReason = reason; }
  return t;
});

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i dataset manifest header',
  schema: 'manifest_header_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-manifest-header-vectors.mjs (JSON.parse and JSON.stringify; not cb4i code)',
  header: ['Read a manifest header line (SPEC.md [DST-1]). valid: read gives what a reader takes (absent lists read as empty, list elements as their text, an absent version or created as 0, an absent signature_policy as reusable; unknown members skipped) and written the line a writer makes of it (compact JSON, members in [DST-1] order, optional members only when present). invalid: not one JSON object or a type other than cb4i-manifest (MALFORMED_JSON), or a duplicate member (DUPLICATE_MEMBER): refused.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'ManifestHeaderRead', tests }],
}, null, 2) + '\n');
