// Expands a croissant.json written by `cb4i verify --croissant` with npm jsonld (not cb4i code) and checks it as
// Croissant 1.1 reads it: every property and type must expand to a Croissant 1.1, schema.org or Dublin Core IRI this
// script knows (a term nobody defined is an error, not a silent schema.org guess), and the dataset must carry every
// property Croissant 1.1 requires. Prints a summary as JSON; exits 1 with the problems found.
//   node check-croissant.mjs croissant.json
import { readFileSync } from 'node:fs';
import jsonld from 'jsonld';

const SC = 'http://schema.org/';
const CR = 'http://mlcommons.org/croissant/';
const DCT = 'http://purl.org/dc/terms/';
// The properties and types a Croissant 1.1 dataset of this kind may use (Croissant 1.1, its appendix 1 and schema.org).
const PROPERTIES = new Set([
  ...['name', 'description', 'license', 'url', 'creator', 'datePublished', 'dateCreated', 'dateModified', 'keywords', 'publisher', 'version',
    'inLanguage', 'sameAs', 'sdLicence', 'distribution', 'contentUrl', 'encodingFormat', 'sha256', 'contentSize'].map((p) => SC + p),
  ...['recordSet', 'field', 'source', 'fileObject', 'fileSet', 'extract', 'jsonPath', 'dataType', 'citeAs', 'key', 'column', 'includes',
    'containedIn', 'transform', 'format', 'references', 'subField', 'md5', 'isArray', 'regex', 'separator'].map((p) => CR + p),
  DCT + 'conformsTo',
]);
const TYPES = new Set([SC + 'Dataset', SC + 'Organization', SC + 'Person', CR + 'FileObject', CR + 'FileSet', CR + 'RecordSet', CR + 'Field']);
const DATA_TYPES = new Set(['Text', 'URL', 'DateTime', 'Date', 'Integer', 'Float', 'Boolean'].map((t) => SC + t));
const REQUIRED = ['name', 'description', 'license', 'url', 'creator', 'datePublished'].map((p) => SC + p).concat([DCT + 'conformsTo']);
const RECOMMENDED = ['keywords', 'publisher', 'version', 'dateCreated', 'dateModified', 'sameAs', 'sdLicence', 'inLanguage'].map((p) => SC + p);

const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const expanded = await jsonld.expand(doc, { documentLoader: (url) => { throw new Error(`no remote context may be needed: ${url}`); } });
const problems = [];
let nodes = 0;
function walk(node, where) {
  if (Array.isArray(node)) { node.forEach((n, i) => walk(n, `${where}[${i}]`)); return; }
  if (node === null || typeof node !== 'object' || '@value' in node) return;
  nodes++;
  for (const t of node['@type'] ?? []) if (!TYPES.has(t)) problems.push(`${where}: unknown type ${t}`);
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('@')) continue;
    if (!PROPERTIES.has(k)) problems.push(`${where}: unknown property ${k}`);
    if (k === CR + 'dataType') for (const d of v) if (!DATA_TYPES.has(d['@id'])) problems.push(`${where}: unknown dataType ${JSON.stringify(d)}`);
    walk(v, `${where} ${k.replace(SC, 'sc:').replace(CR, 'cr:').replace(DCT, 'dct:')}`);
  }
}
walk(expanded, 'document');
const dataset = expanded.find((n) => (n['@type'] ?? []).includes(SC + 'Dataset'));
if (!dataset) problems.push('no sc:Dataset node');
else {
  for (const p of REQUIRED) if (!(p in dataset)) problems.push(`the dataset lacks ${p}, which Croissant 1.1 requires`);
  const conforms = (dataset[DCT + 'conformsTo'] ?? []).map((c) => c['@value'] ?? c['@id']);
  if (!conforms.includes('http://mlcommons.org/croissant/1.1')) problems.push(`conformsTo is ${conforms}, not http://mlcommons.org/croissant/1.1`);
}
const fields = dataset ? (dataset[CR + 'recordSet'] ?? []).flatMap((rs) => (rs[CR + 'field'] ?? [])).map((f) => f[SC + 'name']?.[0]?.['@value']) : [];
for (const f of ['url', 'publisher', 'license', 'status', 'reasons']) if (!fields.includes(f)) problems.push(`the record set has no ${f} field`);
// Recommended properties are reported when absent, not refused: only the dataset's maker can give some of them.
const recommendedMissing = dataset ? RECOMMENDED.filter((p) => !(p in dataset)).map((p) => p.replace(SC, '')) : [];
process.stdout.write(JSON.stringify({ nodes, fields, recommendedMissing, problems }, null, 2) + '\n');
process.exit(problems.length ? 1 : 0);
