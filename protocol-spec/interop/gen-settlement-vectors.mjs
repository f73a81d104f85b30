// Generates protocol-spec/vectors/settlement.json: price schedules ([SET-1]) and the invoice lines, fee and payouts
// they give for a period's usage ([SET-2]..[SET-7]). The arithmetic here is BigInt over scaled integers and the
// currencies' minor units come from the JavaScript engine's Intl data, written from SPEC.md §15, not from cb4i's
// Java code.
//   cd protocol-spec/interop && node gen-settlement-vectors.mjs > ../vectors/settlement.json
const VOCAB = ['all', 'ai-all', 'ai-train', 'ai-input', 'ai-index', 'search'];
const DECIMAL = /^(0|[1-9][0-9]{0,17})(\.[0-9]{1,18})?$/;
const COMPONENTS = ['per_request', 'per_mib', 'flat', 'minimum'];
const MEMBERS = [...COMPONENTS, 'currency', 'usages', 'fee', 'allocation', 'attested_only'];

// A decimal string as a fraction n / 10^s.
function dec(str) {
  const [i, f = ''] = str.split('.');
  return { n: BigInt(i + f), s: f.length };
}
function minorDigits(code) {
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
}

// Validates a schedule by [SET-1]; returns the member that is wrong, or null.
function wrongMember(p) {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return '';
  for (const k of Object.keys(p)) if (!MEMBERS.includes(k)) return k;
  if (typeof p.currency !== 'string' || !/^[A-Z]{3}$/.test(p.currency)) return 'currency';
  if (!Intl.supportedValuesOf('currency').includes(p.currency) || ['XAU', 'XAG', 'XPT', 'XPD', 'XXX', 'XDR', 'XTS', 'XBA', 'XBB', 'XBC', 'XBD'].includes(p.currency)) return 'currency';
  const amount = (v) => typeof v === 'string' && DECIMAL.test(v);
  for (const c of COMPONENTS) if (c in p && !amount(p[c])) return c;
  if ('usages' in p) {
    if (typeof p.usages !== 'object' || p.usages === null || Array.isArray(p.usages)) return 'usages';
    for (const [u, r] of Object.entries(p.usages)) {
      if (!VOCAB.includes(u)) return 'usages.' + u;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'usages.' + u;
      for (const k of Object.keys(r)) if (!COMPONENTS.includes(k) || !amount(r[k])) return `usages.${u}.${k}`;
    }
  }
  if ('fee' in p) {
    if (!amount(p.fee)) return 'fee';
    const f = dec(p.fee);
    if (f.n > 100n * 10n ** BigInt(f.s)) return 'fee';
  }
  if ('allocation' in p) {
    const a = p.allocation;
    if (a !== 'pro_rata' && a !== 'equal') {
      if (typeof a !== 'object' || a === null || Array.isArray(a) || Object.keys(a).length !== 1) return 'allocation';
      const rule = Object.keys(a)[0];
      const m = a[rule];
      if ((rule !== 'weights' && rule !== 'value') || typeof m !== 'object' || m === null || Array.isArray(m) || Object.keys(m).length === 0) {
        return 'allocation';
      }
      for (const [k, w] of Object.entries(m)) {
        if (rule === 'weights' && (!amount(w) || dec(w).n === 0n)) return 'allocation.weights.' + k;
        // A value may be 0 or negative (what a valuation found): the member is then paid nothing.
        if (rule === 'value' && !(typeof w === 'string' && amount(w.startsWith('-') ? w.slice(1) : w))) return 'allocation.value.' + k;
      }
    }
  }
  if ('attested_only' in p && typeof p.attested_only !== 'boolean') return 'attested_only';
  return null;
}

// n / d rounded half to even, for n >= 0, d > 0.
function halfEven(n, d) {
  const q = n / d;
  const r = n % d;
  if (2n * r > d || (2n * r === d && q % 2n === 1n)) return q + 1n;
  return q;
}
// A decimal amount in major units to minor units, rounded half to even.
function toMinor(str, digits) {
  const { n, s } = dec(str);
  return halfEven(n * 10n ** BigInt(digits), 10n ** BigInt(s));
}
const rate = (sched, usage, c) => (sched.usages?.[usage]?.[c] ?? sched[c] ?? '0');

function priceRows(kind, schedules, rows0, digits, lines, byUsage, byMember) {
  const rows = [...rows0].sort((a, b) => (a.member === b.member ? VOCAB.indexOf(a.usage) - VOCAB.indexOf(b.usage) : (a.member < b.member ? -1 : 1)));
  for (const u of rows) {
    const s = schedules[u.schedule];
    const req = BigInt(s.attested_only ? u.attested_requests : u.requests);
    const bytes = BigInt(s.attested_only ? u.attested_bytes : u.bytes);
    const pr = dec(rate(s, u.usage, 'per_request'));
    const pm = dec(rate(s, u.usage, 'per_mib'));
    // req * pr + bytes * pm / 2^20, over the common denominator 10^max * 2^20
    const sc = Math.max(pr.s, pm.s);
    const den = 10n ** BigInt(sc) * (1n << 20n);
    const num = req * pr.n * 10n ** BigInt(sc - pr.s) * (1n << 20n) + bytes * pm.n * 10n ** BigInt(sc - pm.s);
    const amount = halfEven(num * 10n ** BigInt(digits), den);
    lines.push({ kind, member: u.member, usage: u.usage, requests: u.requests, bytes: u.bytes, attested: u.attested_requests,
      logged: u.requests - u.attested_requests, amount_minor: Number(amount) });
    byUsage.set(u.usage, (byUsage.get(u.usage) ?? 0n) + amount);
    byMember.set(u.member, (byMember.get(u.member) ?? 0n) + amount);
  }
}

function bill({ schedules, period_schedule, usage, adjustments = [], members }) {
  const period = schedules[period_schedule];
  const currencies = new Set(schedules.map((s) => s.currency));
  if (currencies.size > 1) return { error: 'currency' };
  const digits = minorDigits(period.currency);
  const lines = [];
  const byUsage = new Map();
  const byMember = new Map();
  priceRows('usage', schedules, usage, digits, lines, byUsage, byMember);
  const fixed = (kind, usage, amount) => ({ kind, ...(usage ? { usage } : {}), requests: 0, bytes: 0, attested: 0, logged: 0, amount_minor: Number(amount) });
  const used = VOCAB.filter((u) => period.usages && u in period.usages);
  if (period.flat) lines.push(fixed('flat', null, toMinor(period.flat, digits)));
  for (const u of used) {
    if (period.usages[u].flat) {
      const a = toMinor(period.usages[u].flat, digits);
      lines.push(fixed('flat', u, a));
      byUsage.set(u, (byUsage.get(u) ?? 0n) + a);
    }
  }
  for (const u of used) {
    if (period.usages[u].minimum) {
      const short = toMinor(period.usages[u].minimum, digits) - (byUsage.get(u) ?? 0n);
      if (short > 0n) lines.push(fixed('minimum', u, short));
    }
  }
  let total = lines.reduce((t, l) => t + BigInt(l.amount_minor), 0n);
  if (period.minimum && toMinor(period.minimum, digits) > total) {
    lines.push(fixed('minimum', null, toMinor(period.minimum, digits) - total));
    total = toMinor(period.minimum, digits);
  }
  const late = [];
  priceRows('adjustment', schedules, adjustments, digits, late, new Map(), byMember);
  lines.push(...late);
  total += late.reduce((t, l) => t + BigInt(l.amount_minor), 0n);
  const f = dec(period.fee ?? '0');
  const fee = halfEven(total * f.n, 100n * 10n ** BigInt(f.s));
  const rest = total - fee;
  let weights = new Map();
  const alloc = period.allocation ?? 'pro_rata';
  if (alloc === 'pro_rata') for (const [m, a] of byMember) { if (a > 0n) weights.set(m, dec(a.toString())); }
  else if (alloc.weights) for (const [m, w] of Object.entries(alloc.weights)) { if (members.includes(m)) weights.set(m, dec(w)); }
  else if (alloc.value) for (const [m, v] of Object.entries(alloc.value)) { if (members.includes(m) && !v.startsWith('-') && dec(v).n > 0n) weights.set(m, dec(v)); }
  if (weights.size === 0) for (const m of members) weights.set(m, dec('1'));
  const payouts = [];
  if (rest > 0n) {
    const ids = [...weights.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const sc = Math.max(...ids.map((m) => weights.get(m).s));
    const w = ids.map((m) => weights.get(m).n * 10n ** BigInt(sc - weights.get(m).s));
    const sum = w.reduce((a, b) => a + b, 0n);
    const parts = w.map((x) => (rest * x) / sum);
    const rems = w.map((x, i) => ({ i, r: (rest * x) % sum }));
    let left = rest - parts.reduce((a, b) => a + b, 0n);
    rems.sort((a, b) => (a.r === b.r ? a.i - b.i : (b.r > a.r ? 1 : -1)));
    for (let k = 0; left > 0n; k++, left--) parts[rems[k].i] += 1n;
    ids.forEach((m, i) => payouts.push({ member: m, amount_minor: Number(parts[i]) }));
    // Under the value rule, a member of the period valued at 0 or less is listed with nothing.
    if (alloc.value) for (const m of Object.keys(alloc.value)) if (members.includes(m) && !weights.has(m)) payouts.push({ member: m, amount_minor: 0 });
    payouts.sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  }
  return { currency: period.currency, lines, total_minor: Number(total), fee_minor: Number(fee), payouts };
}

const A = 'https://a.example';
const B = 'https://b.example';
const C = 'https://c.example';
const row = (member, usage, requests, bytes, attested_requests = 0, attested_bytes = 0, schedule = 0) =>
  ({ member, usage, schedule, requests, bytes, attested_requests, attested_bytes });
const valid = [
  ['per-request and per-MiB prices, a 10% fee, payouts pro rata', ['SET-1', 'SET-4', 'SET-6', 'SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.002', per_mib: '0.05', fee: '10' }], period_schedule: 0,
      usage: [row(B, 'ai-train', 1200, 31457280, 1200, 31457280), row(A, 'ai-train', 800, 10485760, 0, 0)], members: [A, B, C] }],
  ['a price below one minor unit per request is exact over many requests, not rounded per entry', ['SET-4'],
    { schedules: [{ currency: 'EUR', per_request: '0.0001' }], period_schedule: 0, usage: [row(A, 'ai-train', 1234567, 0)], members: [A] }],
  ['rounding is half to even, once per line: 0.5 cent gives 0, 1.5 cents give 2', ['SET-4'],
    { schedules: [{ currency: 'EUR', per_request: '0.005' }], period_schedule: 0, usage: [row(A, 'ai-train', 1, 0), row(B, 'ai-train', 3, 0)], members: [A, B] }],
  ['bytes priced per MiB of 1,048,576 bytes, exactly', ['SET-4'],
    { schedules: [{ currency: 'USD', per_mib: '0.37' }], period_schedule: 0, usage: [row(A, 'search', 9, 1572865)], members: [A] }],
  ['a currency without decimals (JPY)', ['SET-1', 'SET-4'],
    { schedules: [{ currency: 'JPY', per_request: '0.3', fee: '12.5' }], period_schedule: 0, usage: [row(A, 'ai-train', 5, 0), row(B, 'ai-train', 7, 0)], members: [A, B] }],
  ['a currency with three decimals (KWD)', ['SET-1', 'SET-4'],
    { schedules: [{ currency: 'KWD', per_request: '0.0004', per_mib: '0.0012' }], period_schedule: 0, usage: [row(A, 'ai-input', 1001, 5242880)], members: [A] }],
  ['a usage\'s own prices replace the top-level ones; its flat and minimum are billed besides', ['SET-4', 'SET-5'],
    { schedules: [{ currency: 'EUR', per_request: '0.001', flat: '10', usages: { 'ai-train': { per_request: '0.01', flat: '5' }, search: { minimum: '2.50' } } }],
      period_schedule: 0, usage: [row(A, 'ai-train', 100, 0), row(A, 'search', 100, 0), row(B, 'ai-input', 50, 0)], members: [A, B] }],
  ['a period with no usage but a minimum: the minimum is shared equally, largest remainder to the first id', ['SET-5', 'SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', minimum: '1.00' }], period_schedule: 0, usage: [], members: [C, A, B] }],
  ['usage below the minimum: a minimum line for the difference, payouts pro rata', ['SET-5', 'SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', minimum: '10.00', fee: '5' }], period_schedule: 0,
      usage: [row(A, 'ai-train', 100, 0), row(B, 'ai-train', 300, 0)], members: [A, B] }],
  ['attested_only bills only entries with the licensee\'s per-request signature; logged ones are shown at no charge', ['SET-3'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', per_mib: '1', attested_only: true }], period_schedule: 0,
      usage: [row(A, 'ai-train', 10, 2097152, 4, 1048576), row(B, 'ai-train', 6, 1048576, 0, 0)], members: [A, B] }],
  ['fixed weights among the period\'s members (a weighted non-member is left out)', ['SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', allocation: { weights: { [A]: '2', [B]: '1.5', 'https://gone.example': '9' } } }],
      period_schedule: 0, usage: [row(A, 'ai-train', 1000, 0)], members: [A, B] }],
  ['members paid by value (a valuation\'s output): a negative value is paid nothing and listed with 0; a valued non-member is left out', ['SET-1', 'SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', fee: '5', allocation: { value: { [A]: '0.612345', [B]: '0.25', [C]: '-0.0421', 'https://gone.example': '3' } } }],
      period_schedule: 0, usage: [row(C, 'ai-train', 997, 0)], members: [A, B, C] }],
  ['the value rule with no positive value among the period\'s members: shared equally', ['SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', allocation: { value: { [A]: '-0.5', [B]: '0' } } }],
      period_schedule: 0, usage: [row(A, 'ai-train', 101, 0)], members: [A, B] }],
  ['equal allocation, whoever generated the usage', ['SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', fee: '2.5', allocation: 'equal' }], period_schedule: 0,
      usage: [row(A, 'ai-train', 1001, 0)], members: [A, B, C] }],
  ['an agreement amended mid-period: each entry is priced by the schedule in force at its time; flat from the last', ['SET-2', 'SET-4'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', flat: '3' }, { currency: 'EUR', per_request: '0.02', flat: '4' }], period_schedule: 1,
      usage: [row(A, 'ai-train', 100, 0, 0, 0, 0), row(A, 'ai-train', 50, 0, 0, 0, 1)], members: [A] }],
  ['the fee is rounded half to even: 2.5% of 10 cents is 0.25 cent, 0', ['SET-6'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', fee: '2.5' }], period_schedule: 0, usage: [row(A, 'ai-train', 10, 0)], members: [A] }],
  ['a fee of 100%: nothing is paid out', ['SET-6', 'SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', fee: '100' }], period_schedule: 0, usage: [row(A, 'ai-train', 10, 0)], members: [A] }],
  ['adjustments: late usage of a closed period, billed after the minimum and outside it, weighed pro rata', ['SET-5', 'SET-7'],
    { schedules: [{ currency: 'EUR', per_request: '0.01', minimum: '5.00' }], period_schedule: 0,
      usage: [row(A, 'ai-train', 100, 0)], adjustments: [row(B, 'ai-train', 250, 0), row(A, 'search', 10, 0)], members: [A, B] }],
  ['two schedules of one agreement in two currencies are refused', ['SET-5'],
    { schedules: [{ currency: 'EUR', per_request: '0.01' }, { currency: 'USD', per_request: '0.01' }], period_schedule: 1,
      usage: [row(A, 'ai-train', 1, 0, 0, 0, 0)], members: [A] }],
];
const invalid = [
  ['an amount as a JSON number', '{"currency": "EUR", "per_request": 0.001}'],
  ['an unknown member', '{"currency": "EUR", "per_gib": "1"}'],
  ['not an ISO 4217 code', '{"currency": "EURO", "per_request": "1"}'],
  ['a code that is not a currency', '{"currency": "ABC", "per_request": "1"}'],
  ['a currency without a minor unit (gold)', '{"currency": "XAU", "per_request": "1"}'],
  ['no currency', '{"per_request": "1"}'],
  ['a negative amount', '{"currency": "EUR", "flat": "-1"}'],
  ['an exponent', '{"currency": "EUR", "minimum": "1e3"}'],
  ['a leading zero', '{"currency": "EUR", "per_mib": "01.5"}'],
  ['a usage outside the vocabulary', '{"currency": "EUR", "usages": {"ai-training": {"per_request": "1"}}}'],
  ['an unknown member of a usage\'s prices', '{"currency": "EUR", "usages": {"ai-train": {"fee": "1"}}}'],
  ['a fee over 100%', '{"currency": "EUR", "per_request": "1", "fee": "100.5"}'],
  ['an allocation rule that does not exist', '{"currency": "EUR", "allocation": "random"}'],
  ['a zero weight', '{"currency": "EUR", "allocation": {"weights": {"https://a.example": "0"}}}'],
  ['a value with an exponent', '{"currency": "EUR", "allocation": {"value": {"https://a.example": "1e-3"}}}'],
  ['a value rule with no member', '{"currency": "EUR", "allocation": {"value": {}}}'],
  ['a value as a JSON number', '{"currency": "EUR", "allocation": {"value": {"https://a.example": 0.5}}}'],
  ['attested_only as a string', '{"currency": "EUR", "attested_only": "yes"}'],
  ['not an object', '["EUR"]'],
];

const tests = [];
for (const [comment, requirements, input] of valid) {
  const b = bill(input);
  tests.push({ tcId: tests.length + 1, comment, flags: [], requirements, ...input, result: b.error ? 'invalid' : 'valid',
    ...(b.error ? { field: b.error } : { bill: b }) });
}
const readTests = [];
for (const [comment, text] of invalid) {
  const field = wrongMember(JSON.parse(text));
  if (field === null) throw new Error('expected a refusal: ' + comment);
  readTests.push({ tcId: valid.length + readTests.length + 1, comment, flags: [], requirements: ['SET-1'], schedule: text, result: 'invalid', field });
}
for (const [, , input] of valid) for (const s of input.schedules) if (wrongMember(s) !== null) throw new Error('invalid valid schedule ' + JSON.stringify(s));

process.stdout.write(JSON.stringify({
  algorithm: 'cb4i settlement',
  schema: 'settlement_vectors.schema.json',
  generator: 'protocol-spec/interop/gen-settlement-vectors.mjs (BigInt arithmetic and Intl currency data; not cb4i code)',
  header: ['Bill one agreement for one period (SPEC.md §15). SettlementBill: schedules (the agreement\'s price schedule versions), period_schedule (the index of the one in force at the period\'s end), usage (per member, usage and schedule version: billable requests and bytes, and how many of them are attested), adjustments (likewise, for late usage of closed periods; absent when none), members (the period\'s members); valid: bill is the invoice lines, total, fee and payouts, all in minor units; invalid: refused, naming field. PriceScheduleRead: schedule is the JSON text of a schedule that is refused, naming field.'],
  notes: {},
  numberOfTests: tests.length + readTests.length,
  testGroups: [{ type: 'SettlementBill', tests }, { type: 'PriceScheduleRead', tests: readTests }],
}, null, 2) + '\n');
