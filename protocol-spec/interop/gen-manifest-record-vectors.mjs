// Generates protocol-spec/vectors/manifest_record.json: dataset manifest record lines ([DST-1]) and what a reader
// takes from each, or that it refuses the line. The expected members are picked out of the line by JSON.parse here,
// by the spec's rules, not by cb4i's Java reader.
//   cd protocol-spec/interop && node gen-manifest-record-vectors.mjs > ../vectors/manifest_record.json
const H = (c) => c.repeat(64);
const receipt = {
  log: 'LOGID', rid: 'AAECAwQFBgcICQoLDA0ODw', origin: 'https://news.example',
  entry: '{"rid":"AAECAwQFBgcICQoLDA0ODw","url":"https://news.example/a"}', index: 41,
  inclusion_proof: [H('a'), H('b')], tree_size: 100, checkpoint: 'eyJ.eyJ.sig', proof_checked: true,
};
const base = {
  id: 7, url: 'https://news.example/a', fetched_at: 1780000000, status: 200, outcome: 'fetched', content_type: 'text/html; charset=utf-8',
  bytes: 21583, bytes_sha256: H('0'), text: { sha256: H('1'), paragraphs: 2, paragraphs_root: H('2'), paragraph_digests: [H('3'), H('4')] },
  credential: 'eyJ.cred.sig', license: 'lic-1', receipt, warc: { file: 'data.warc.gz', offset: 1529, length: 1530, record_id: 'urn:uuid:b08f8eba-1587-4f75-be87-e94bac7c58f0' },
};
const cases = [
  ['a fetched record as cb4i crawl writes it', JSON.stringify(base)],
  ['members in another order, and members a reader does not know (skipped, nested ones too)',
    JSON.stringify({ warc: base.warc, zzz: { deep: [1, { url: 'not this one' }] }, license: 'lic-1', id: 7, receipt, url: base.url,
      bytes_sha256: base.bytes_sha256, fetched_at: base.fetched_at, text: base.text, outcome: 'fetched', credential: base.credential,
      content_type: base.content_type })],
  ['a record of content cut down by a pipeline: the kept text',
    JSON.stringify({ ...base, text: { ...base.text, kept: 'Together, creators set terms.' } })],
  ['a receipt the crawler could not prove: its error, no entry', JSON.stringify({ ...base, receipt: { log: 'LOGID', rid: 'r9', error: 'not covered by a checkpoint when the crawl ended' } })],
  ['a refusal the crawl recorded: not a dataset record', JSON.stringify({ id: 8, url: 'https://news.example/b', fetched_at: 1780000001, outcome: 'refused', reason: 'LICENSE_REQUIRED' })],
  ['a redirect the crawl skipped: where it pointed', JSON.stringify({ id: 9, url: 'https://news.example/old', fetched_at: 1780000002, status: 301, license: 'lic-1',
    outcome: 'skipped', reason: 'REDIRECT', location: 'https://news.example/new' })],
  ['a fetch that failed, with the detail the crawler gave', JSON.stringify({ id: 10, url: 'https://news.example/c', fetched_at: 1780000003, outcome: 'failed',
    reason: 'FETCH_FAILED', detail: 'ConnectException: Connection refused' })],
  ['non-ASCII text and escapes in members', JSON.stringify({ ...base, url: 'https://news.example/caf\u00e9?q=\u201cx\u201d', detail: 'tab\tand \"quote\" and \\' })],
  ['a receipt proof in upper-case hex: read as the same hashes, written in lower case', JSON.stringify({ ...base, receipt: { ...receipt, inclusion_proof: [H('A'), H('b')] } })],
  ['white space between tokens is allowed', JSON.stringify(base, null, 1).replace(/\n/g, ' ')],
  ['not a JSON object', '[1, 2]', 'invalid'],
  ['a duplicate member', '{"id":1,"url":"https://a.example/","url":"https://b.example/"}', 'invalid'],
  ['trailing content after the object', JSON.stringify(base) + ' {}', 'invalid'],
];

const pick = (o, k) => (o && typeof o[k] === 'string' ? o[k] : undefined);
const num = (o, k) => (o && typeof o[k] === 'number' ? o[k] : undefined);
function expected(line) {
  const r = JSON.parse(line);
  const out = { id: r.id, url: r.url ?? '', fetched_at: r.fetched_at, status: num(r, 'status'), outcome: r.outcome, reason: pick(r, 'reason'),
    detail: pick(r, 'detail'), location: pick(r, 'location'), content_type: r.content_type ?? '', bytes: num(r, 'bytes'),
    bytes_sha256: r.bytes_sha256, text: undefined, credential: r.credential, license: r.license };
  if (r.text) out.text = { sha256: r.text.sha256 ?? '', paragraphs: num(r.text, 'paragraphs'), paragraphs_root: pick(r.text, 'paragraphs_root'),
    kept: pick(r.text, 'kept'), paragraph_digests: r.text.paragraph_digests ?? [] };
  if (r.receipt) {
    const rc = r.receipt;
    out.receipt = { log: rc.log ?? '', rid: rc.rid ?? '', origin: pick(rc, 'origin'), entry: pick(rc, 'entry'), index: rc.index ?? 0,
      inclusion_proof: (rc.inclusion_proof ?? []).map((h) => h.toLowerCase()), tree_size: num(rc, 'tree_size'), checkpoint: pick(rc, 'checkpoint'),
      proof_checked: typeof rc.proof_checked === 'boolean' ? rc.proof_checked : undefined, error: pick(rc, 'error') };
  }
  if (r.warc) out.warc = { file: r.warc.file, offset: r.warc.offset ?? 0, length: r.warc.length ?? 0, record_id: pick(r.warc, 'record_id') };
  return JSON.parse(JSON.stringify(out)); // drops the members that are absent
}

// The line a writer makes of what was read: the members [DST-1] lists, in its order, each only when present; an index and
// an inclusion proof only with an entry; a WARC length only when not 0; the content type only when not empty.
function written(read) {
  const w = { ...read };
  if (w.content_type === '') delete w.content_type;
  if (w.receipt) {
    const { log, rid, origin, entry, index, inclusion_proof, tree_size, checkpoint, proof_checked, error } = w.receipt;
    w.receipt = entry === undefined ? { log, rid, origin, tree_size, checkpoint, proof_checked, error }
      : { log, rid, origin, entry, index, inclusion_proof, tree_size, checkpoint, proof_checked, error };
  }
  if (w.warc && w.warc.length === 0) delete w.warc.length;
  return JSON.stringify(w);
}

const tests = cases.map(([comment, line, result = 'valid'], i) => ({
  tcId: i + 1, comment, flags: [], requirements: ['DST-1'], line, result,
  ...(result === 'valid' ? { read: expected(line), written: written(expected(line)) } : {}),
}));

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i dataset manifest record lines',
  schema: 'manifest_record_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-manifest-record-vectors.mjs (JSON.parse; not cb4i code)',
  header: ['Read a manifest record line (SPEC.md [DST-1]). valid: read gives the members a reader takes from it, and written the line a writer makes of them (the members [DST-1] lists, in its order, each only when present) (an absent member is absent from read; text members as strings, the receipt\'s inclusion_proof as lower-case hex strings); members the reader does not know are skipped wherever they are. invalid: the line is not one JSON object (or has a duplicate member, or trailing content) and is refused: a verifier reports it as that line\'s MALFORMED_JSON.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'ManifestRecordRead', tests }],
}, null, 2) + '\n');
