// cb4i-text-v1 (protocol-spec SPEC.md [CRD-2]) implemented independently of cb4i's Java code, on parse5 (a
// WHATWG-conformant HTML parser). Reads HTML on stdin, prints {"text", "paragraphs": [...], "text_sha256",
// "paragraphs_root"} as JSON. gen-text-vectors.mjs uses it to compute the expected values of the vectors.
import { parse } from 'parse5';
import crypto from 'node:crypto';

const SKIP = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'canvas',
  'audio', 'video', 'select', 'textarea', 'button', 'input']);
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'li',
  'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul']);
const WS = /[\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/gu;

const isElement = (n) => n.tagName !== undefined;
const attr = (n, name) => (n.attrs || []).some((a) => a.name === name);

function* elements(node) {
  const stack = [...(node.childNodes || [])].reverse();
  while (stack.length) {
    const n = stack.pop();
    if (isElement(n)) {
      yield n;
      stack.push(...[...(n.childNodes || [])].reverse());
    }
  }
}

export function region(doc) {
  const all = [...elements(doc)];
  return all.find((e) => attr(e, 'data-cb4i-region'))
    || all.find((e) => e.tagName === 'article')
    || all.find((e) => e.tagName === 'main')
    || all.find((e) => e.tagName === 'body');
}

export function paragraphs(html) {
  const root = region(parse(html));
  const out = [];
  let cur = '';
  const flush = () => { out.push(cur); cur = ''; };
  // Iterative walk; a marker object closes a block element.
  const stack = [...(root.childNodes || [])].reverse();
  while (stack.length) {
    const n = stack.pop();
    if (n === 'END') { flush(); continue; }
    if (n.nodeName === '#text') { cur += n.value; continue; }
    if (!isElement(n)) continue; // comments and the like
    const name = n.tagName;
    if (SKIP.has(name) || attr(n, 'hidden')) continue;
    if (name === 'br') { cur += ' '; continue; }
    if (BLOCK.has(name)) { flush(); stack.push('END'); }
    stack.push(...[...(n.childNodes || [])].reverse());
  }
  flush();
  return out.map(normalise).filter((p) => p.length > 0);
}

// [CRD-2] step 4: NFC, zero-width space and BOM removed, white space folded to one space, trimmed.
export function normalise(p) {
  return p.normalize('NFC').replace(/[\u200B\uFEFF]/g, '').replace(WS, ' ').trim();
}

const sha = (b) => crypto.createHash('sha256').update(b).digest();
export const leaf = (s) => sha(Buffer.concat([Buffer.from([0]), Buffer.from(s, 'utf8')]));
export function mth(leaves) {
  if (leaves.length === 0) return sha(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.concat([Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k))]));
}

export function canonical(html) {
  const ps = paragraphs(html);
  const text = ps.join('\n');
  return { text, paragraphs: ps, text_sha256: sha(Buffer.from(text, 'utf8')).toString('hex'), paragraphs_root: mth(ps.map(leaf)).toString('hex') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d) => { input += d; });
  process.stdin.on('end', () => process.stdout.write(JSON.stringify(canonical(input)) + '\n'));
}
