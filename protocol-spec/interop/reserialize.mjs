// Re-serialises an HTML file with parse5 (a different parser and serializer than cb4i's): a signed page must still
// verify afterwards. node reserialize.mjs IN OUT
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, serialize } from 'parse5';

const [input, output] = process.argv.slice(2);
writeFileSync(output, serialize(parse(readFileSync(input, 'utf8'))));
