// Generates protocol-spec/vectors/canonical_text.json: HTML in, cb4i-text-v1 canonical text and digests out,
// computed by canonical-text.mjs on parse5, an implementation that is not cb4i's Java code.
//   cd protocol-spec/interop && npm ci && node gen-text-vectors.mjs > ../vectors/canonical_text.json
import { canonical } from './canonical-text.mjs';

const ARTICLE = '<article><h1>Why writers bargain</h1><p>Information is cheap to copy.</p><p>Together, creators set terms.</p></article>';
const cases = [
  ['only the article counts: navigation, ads and clocks outside it are ignored',
    `<html><head><title>t</title></head><body><nav>Home | About</nav><div class="ad">Buy now</div>${ARTICLE}<footer>12:01</footer></body></html>`, ['CRD-2']],
  ['the same article pretty-printed', `<html>\n  <body>\n    <nav>Home</nav>\n    <article>\n      <h1>\n        Why writers bargain\n      </h1>\n      <p>\n        Information is cheap\n        to copy.\n      </p>\n      <p>Together, creators   set terms.</p>\n    </article>\n  </body>\n</html>\n`, ['CRD-2']],
  ['the same article minified, attributes reordered', `<html><body><nav>x</nav><article class="a" id="b"><h1 id=t class=x>Why writers bargain</h1><p>Information is cheap to copy.<p>Together, creators set terms.</article></body></html>`, ['CRD-2']],
  ['data-cb4i-region beats article', `<body><article>not this</article><div data-cb4i-region><p>this</p></div></body>`, ['CRD-2']],
  ['main when there is no article', `<body><header>h</header><main><p>main text</p></main><aside>side</aside></body>`, ['CRD-2']],
  ['body when there is neither', `<body><p>one</p><p>two</p></body>`, ['CRD-2']],
  ['inline and block mixed', `<article><div>before<p>inside</p>after<span> more</span></div></article>`, ['CRD-2']],
  ['br is a space, not a paragraph break', `<article><p>line one<br>line two<br/>line three</p></article>`, ['CRD-2']],
  ['pre: white space is folded like everywhere else', `<article><pre>  code   here\n\n  and\tthere  </pre></article>`, ['CRD-2']],
  ['entities are decoded; a no-break space is white space', `<article><p>Fish &amp; chips&nbsp;&nbsp;cost &pound;5 &#x1F41F; &eacute;t&eacute;</p></article>`, ['CRD-2']],
  ['characters outside the BMP', `<article><p>𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 and 𠀀</p></article>`, ['CRD-2']],
  ['right-to-left text and bidi marks are kept', `<article><p dir="rtl">مرحبا بالعالم</p><p>שלום \u200Fעולם</p></article>`, ['CRD-2']],
  ['comments vanish without a space', `<article><p>col<!-- a comment -->laboration</p></article>`, ['CRD-2']],
  ['CDATA in HTML is a bogus comment', `<article><p><![CDATA[hidden]]>shown</p></article>`, ['CRD-2']],
  ['malformed markup: unclosed and stray tags', `<article><p>one<p>two</div><p>three<b>bold<i>both</b>italic</i></article>`, ['CRD-2']],
  ['NFC: a decomposed e and acute accent compose', `<article><p>cafe\u0301 and caf\u00e9</p></article>`, ['CRD-2']],
  ['zero-width space and BOM removed, zero-width joiner kept', `<article><p>a\u200Bb\uFEFFc 👩\u200D💻</p></article>`, ['CRD-2']],
  ['skipped: script, style, template, noscript, hidden, svg, math, form controls', `<article><p>kept</p><script>var a=1</script><style>p{}</style><template><p>t</p></template><noscript>ns</noscript><p hidden>h</p><svg><text>s</text></svg><math><mi>x</mi></math><textarea>ta</textarea><button>b</button><select><option>o</option></select><p>end</p></article>`, ['CRD-2']],
  ['a credential element is a script: never part of the text', `<html><head><script type="application/content-credential+jwt">eyJ.x.y</script></head><body><article><p>text</p><script type="application/content-credential+jwt">eyJ.x.y</script></article></body></html>`, ['CRD-2']],
  ['tables and lists', `<article><table><tr><th>k</th><td>v</td></tr><tr><td>a</td><td>b</td></tr></table><ul><li>one</li><li>two <em>2</em></li></ul></article>`, ['CRD-2']],
  ['inline elements: space only where the markup has it', `<article><p><span>a</span> <span>b</span><span>c</span></p></article>`, ['CRD-2']],
  ['CR LF and tabs inside text', `<article><p>one\r\ntwo\tthree</p></article>`, ['CRD-2']],
  ['an empty region has no paragraphs', `<article>  <script>x</script> <!-- c --> </article>`, ['CRD-2']],
];

const tests = cases.map(([comment, html, requirements], i) => {
  const c = canonical(html);
  return { tcId: i + 1, comment, flags: [], requirements, html, text: c.text, paragraphs: c.paragraphs, textSha256: c.text_sha256,
    paragraphsRoot: c.paragraphs_root, result: 'valid' };
});

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i-text-v1 canonical text',
  schema: 'canonical_text_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-text-vectors.mjs (canonical-text.mjs on npm parse5; not cb4i code)',
  header: ['Parse html, take its signed region and compute cb4i-text-v1 (SPEC.md [CRD-2]): the paragraphs, the text (paragraphs joined by a line feed), the hex SHA-256 of the text and the RFC 9162 Merkle root over the paragraphs.',
    'Tests 1 to 3 are the same article written three ways: their digests are equal.'],
  notes: {},
  numberOfTests: tests.length,
  testGroups: [{ type: 'CanonicalText', tests }],
}, null, 2) + '\n');
