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
  ['white space between tokens is allowed', JSON.stringify(base, null, 1).replace(/\n/g, ' ')],
  ['not a JSON object', '[1, 2]', 'invalid'],
  ['a duplicate member', '{"id":1,"url":"https://a.example/","url":"https://b.example/"}', 'invalid'],
  ['trailing content after the object', JSON.stringify(base) + ' {}', 'invalid'],
];

const pick = (o, k) => (o && typeof o[k] === 'string' ? o[k] : undefined);
function expected(line) {
  const r = JSON.parse(line);
  const out = { id: r.id, url: r.url ?? '', fetched_at: r.fetched_at, outcome: r.outcome, content_type: r.content_type ?? '',
    bytes_sha256: r.bytes_sha256, license: r.license, credential: r.credential };
  if (r.text) out.text = { sha256: r.text.sha256 ?? '', kept: pick(r.text, 'kept'), paragraph_digests: r.text.paragraph_digests ?? [] };
  if (r.receipt) out.receipt = { log: r.receipt.log ?? '', rid: r.receipt.rid ?? '', entry: pick(r.receipt, 'entry'), index: r.receipt.index ?? 0,
    inclusion_proof: r.receipt.inclusion_proof ?? [], checkpoint: pick(r.receipt, 'checkpoint'), error: pick(r.receipt, 'error') };
  if (r.warc) out.warc = { file: r.warc.file, offset: r.warc.offset ?? 0, length: r.warc.length ?? 0, record_id: pick(r.warc, 'record_id') };
  return JSON.parse(JSON.stringify(out)); // drops the members that are absent
}

const tests = cases.map(([comment, line, result = 'valid'], i) => ({
  tcId: i + 1, comment, flags: [], requirements: ['DST-1'], line, result, ...(result === 'valid' ? { read: expected(line) } : {}),
}));

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i dataset manifest record lines',
  schema: 'manifest_record_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-manifest-record-vectors.mjs (JSON.parse; not cb4i code)',
  header: ['Read a manifest record line (SPEC.md [DST-1]). valid: read gives the members a reader takes from it (an absent member is absent from read; text members as strings, the receipt\'s inclusion_proof as hex strings); members the reader does not know are skipped wherever they are. invalid: the line is not one JSON object (or has a duplicate member, or trailing content) and is refused: a verifier reports it as that line\'s MALFORMED_JSON.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'ManifestRecordRead', tests }],
}, null, 2) + '\n');
