// Reads a WARC file written by cb4i's crawler with npm warcio (not cb4i code) and checks what SPEC.md [DST-3] says of
// it, computing every digest again here with node:crypto. Prints a summary as JSON; exits 1 with the problems found.
//   node check-warc.mjs data.warc.gz [--secret STRING]...   (each STRING must appear in no record: e.g. a license token)
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { WARCParser } from 'warcio';

const args = process.argv.slice(2);
const file = args[0];
const secrets = [];
for (let i = 1; i < args.length; i += 2) if (args[i] === '--secret') secrets.push(Buffer.from(args[i + 1], 'utf8'));

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(bytes) { // RFC 4648, with padding
  let bits = 0, value = 0, out = '';
  for (const b of bytes) {
    value = (value << 8) | b; bits += 8;
    while (bits >= 5) { out += ALPHABET[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}
const sha256 = (b) => 'sha256:' + base32(createHash('sha256').update(b).digest());

const problems = [];
const counts = { records: 0, warcinfo: 0, request: 0, response: 0 };
const requests = new Map(); // id -> target
const responses = [];
let n = 0;
for await (const record of new WARCParser(createReadStream(file), { parseHttp: false })) {
  const where = `record ${n} (${record.warcType} ${record.warcTargetURI ?? ''})`;
  const block = Buffer.from(await record.readFully(false));
  counts.records++;
  counts[record.warcType] = (counts[record.warcType] ?? 0) + 1;
  if (record.warcHeaders.protocol !== 'WARC/1.1') problems.push(`${where}: version ${record.warcHeaders.protocol}, not WARC/1.1`);
  if (n === 0 && record.warcType !== 'warcinfo') problems.push(`${where}: the file does not open with a warcinfo record`);
  if (record.warcBlockDigest !== sha256(block)) problems.push(`${where}: WARC-Block-Digest ${record.warcBlockDigest}, the block hashes to ${sha256(block)}`);
  for (const s of secrets) if (block.includes(s)) problems.push(`${where}: holds a secret it must not (a credential)`);
  const head = block.indexOf('\r\n\r\n');
  const httpHead = head < 0 ? '' : block.subarray(0, head).toString('latin1');
  if (record.warcType === 'warcinfo' && !record.warcHeader('WARC-Filename')) problems.push(`${where}: no WARC-Filename`);
  if (record.warcType === 'request') {
    requests.set(record.warcHeader('WARC-Record-ID'), record.warcTargetURI);
    for (const name of ['authorization', 'signature']) {
      const line = httpHead.split('\r\n').find((l) => l.toLowerCase().startsWith(name + ':'));
      if (!line) problems.push(`${where}: no ${name} field`);
      else if (!/^redacted sha256=[0-9a-f]{64}$/.test(line.slice(line.indexOf(':') + 1).trim())) problems.push(`${where}: ${name} is not redacted: ${line.slice(0, 60)}`);
    }
  }
  if (record.warcType === 'response') {
    if (head < 0) problems.push(`${where}: no HTTP header block`);
    if (/\r\ntransfer-encoding:/i.test(httpHead)) problems.push(`${where}: a Transfer-Encoding over a payload stored decoded`);
    const payload = block.subarray(head + 4);
    if (record.warcPayloadDigest !== sha256(payload)) problems.push(`${where}: WARC-Payload-Digest ${record.warcPayloadDigest}, the payload hashes to ${sha256(payload)}`);
    if (record.warcHeader('WARC-Cb4i-Bytes-Sha256') !== createHash('sha256').update(payload).digest('hex')) problems.push(`${where}: WARC-Cb4i-Bytes-Sha256 is not the payload's`);
    responses.push({ where, target: record.warcTargetURI, to: record.warcConcurrentTo });
  }
  n++;
}
for (const r of responses) {
  if (r.to.length !== 1 || !requests.has(r.to[0])) problems.push(`${r.where}: WARC-Concurrent-To ${r.to} names no request record of the file`);
  else if (requests.get(r.to[0]) !== r.target) problems.push(`${r.where}: its request is for ${requests.get(r.to[0])}`);
}
process.stdout.write(JSON.stringify({ file, ...counts, problems }, null, 2) + '\n');
process.exit(problems.length ? 1 : 0);
