// Generates protocol-spec/vectors/paragraph_match.json: a signed page's paragraphs and a text a pipeline cut down from
// it, and which of the kept text SPEC.md [CRD-5] attributes to the page, decided here on canonical-text.mjs's
// normalisation and node:crypto, not by cb4i's Java code.
//   cd protocol-spec/interop && node gen-paragraph-match-vectors.mjs > ../vectors/paragraph_match.json
import { normalise, leaf, mth } from './canonical-text.mjs';

const MAX_LINES = 64;
const hex = (b) => b.toString('hex');

// [CRD-5]: split at U+000A, normalise each line, drop empty ones; from each line the longest run of at most 64 lines
// that, joined by U+0020 and normalised, has a signed leaf hash is that paragraph; the next run starts after it.
function match(kept, digests) {
  const signed = new Map();
  digests.forEach((d, i) => { if (!signed.has(d)) signed.set(d, i); });
  const lines = kept.split('\n').map(normalise).filter((l) => l.length > 0);
  const chars = (s) => [...s].length;
  const out = { pieces: 0, attributed: 0, attributedChars: 0, totalChars: lines.reduce((n, l) => n + chars(l), 0), signedFound: new Set() };
  for (let i = 0; i < lines.length;) {
    let best = -1;
    let index;
    for (let j = i; j < lines.length && j < i + MAX_LINES; j++) {
      const d = hex(leaf(normalise(lines.slice(i, j + 1).join(' '))));
      if (signed.has(d)) { best = j; index = signed.get(d); }
    }
    out.pieces++;
    if (best < 0) { i++; continue; }
    out.attributed++;
    out.signedFound.add(index);
    for (let k = i; k <= best; k++) out.attributedChars += chars(lines[k]);
    i = best + 1;
  }
  return { ...out, signedFound: [...out.signedFound].sort((a, b) => a - b) };
}

const PAGE = ['Why writers bargain', 'Information is cheap to copy, and costly to make.', 'Together, creators set the terms on which their work is used.',
  'A collective negotiates; each member decides.'];
const cases = [
  ['kept whole, one paragraph a line', PAGE, PAGE.join('\n')],
  ['reordered by the pipeline', PAGE, [PAGE[2], PAGE[0], PAGE[3], PAGE[1]].join('\n')],
  ['hard-wrapped: one paragraph over three lines', PAGE, [PAGE[0], 'Information is cheap', 'to copy, and costly', 'to make.'].join('\n')],
  ['text the page did not sign, in between', PAGE, [PAGE[0], 'Advertisement: buy now', PAGE[1]].join('\n')],
  ['white space and composition differ, as normalisation forgives', PAGE, ['  Why   writers\tbargain  ', '', PAGE[1].replace('and', 'and\u200B')].join('\n')],
  ['a paragraph cut short is not attributed', PAGE, [PAGE[1].slice(0, 20), PAGE[2]].join('\n')],
  ['the longest run wins when a first line is itself a signed paragraph', ['Short.', 'Short. And longer.'], ['Short.', 'And longer.'].join('\n')],
  ['characters beyond the BMP count as one each', ['𝔘𝔫𝔦 😀 text'], ['𝔘𝔫𝔦 😀 text', 'not signed'].join('\n')],
  ['nothing kept', PAGE, '\n\n'],
  ['a paragraph signed twice: the first index is found', ['Same.', 'Other.', 'Same.'], 'Same.'],
];
const tests = cases.map(([comment, paragraphs, kept], i) => {
  const leaves = paragraphs.map((p) => leaf(p));
  const digests = leaves.map(hex);
  return { tcId: i + 1, comment, flags: [], requirements: ['CRD-5'], paragraphs, digests, count: paragraphs.length, root: hex(mth(leaves)), kept,
    binds: true, ...match(kept, digests), result: 'valid' };
});
// The digests a record carries must be the signed page's: their count and root are the credential's.
const swapped = [...tests[0].digests];
[swapped[0], swapped[1]] = [swapped[1], swapped[0]];
tests.push({ tcId: tests.length + 1, comment: 'digests in another order than signed: not the page\'s', flags: [], requirements: ['CRD-5'],
  paragraphs: PAGE, digests: swapped, count: PAGE.length, root: tests[0].root, kept: PAGE.join('\n'), binds: false, result: 'invalid',
  expectedReason: 'DIGEST_MISMATCH' });
tests.push({ tcId: tests.length + 1, comment: 'one digest short of the signed count: not the page\'s', flags: [], requirements: ['CRD-5'],
  paragraphs: PAGE, digests: tests[0].digests.slice(0, 3), count: PAGE.length, root: tests[0].root, kept: PAGE.join('\n'), binds: false,
  result: 'invalid', expectedReason: 'DIGEST_MISMATCH' });

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i paragraph matching of cut-down texts',
  schema: 'paragraph_match_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-paragraph-match-vectors.mjs (canonical-text.mjs normalisation and node:crypto; not cb4i code)',
  header: ['SPEC.md [CRD-5]. digests are the signed paragraphs\' RFC 9162 leaf hashes; binds says whether their count and root are the credential\'s (count, root). For kept text: split at U+000A, normalise each line as [CRD-2] step 4, drop empty lines; from each line the longest run of at most 64 lines whose U+0020 join, normalised, is a signed leaf is that paragraph. pieces counts runs and unmatched lines, attributed the matched runs, attributedChars and totalChars code points of the normalised lines, signedFound the signed indexes found (the first index when a paragraph is signed twice).'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'ParagraphMatch', tests }],
}, null, 2) + '\n');
