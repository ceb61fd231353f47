/**
 * A seeded, labelled synthetic corpus for the PII benchmark: customer-support, bank, returns,
 * medical and legal replies with Presidio-named entities at known spans, and hard negatives
 * (Luhn-failing order numbers, IBANs with wrong check digits, SSNs in invalid ranges, version
 * strings, tracking numbers, amounts, dates) that a detector must leave alone.
 */
import { createHash } from 'node:crypto';

/** A labelled span: what a perfect detector reports. */
export interface GoldSpan {
  entity_type: string;
  start: number;
  end: number;
}

/** One text of the corpus with its gold spans. */
export interface LabelledText {
  domain: string;
  text: string;
  gold: GoldSpan[];
}

/** Mulberry32: a small seeded PRNG, so the same seed gives the same corpus on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function luhnCheck(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function group(s: string, sizes: number[], sep: string): string {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(s.slice(i, i + n));
    i += n;
  }
  return out.join(sep);
}

function card(r: Rand, valid: boolean): string {
  const body = pick(r, ['4', '51', '52', '55', '2221']) + '';
  const raw = body + digits(r, 15 - body.length);
  const check = luhnCheck(raw);
  const num = raw + String(valid ? check : (check + int(r, 1, 9)) % 10);
  const fmt = int(r, 0, 2);
  return fmt === 0 ? group(num, [4, 4, 4, 4], ' ') : fmt === 1 ? group(num, [4, 4, 4, 4], '-') : num;
}

function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}

function iban(r: Rand, valid: boolean): string {
  const [cc, bban] = pick(r, [
    ['DE', () => digits(r, 18)],
    ['GB', () => pick(r, ['WEST', 'BARC', 'HSBC', 'LOYD']) + digits(r, 14)],
    ['KZ', () => digits(r, 3) + 'KZT' + digits(r, 10)],
  ] as const);
  const b = bban();
  let check = 98 - mod97(b + cc + '00');
  if (!valid) check = ((check + int(r, 1, 50)) % 97) + 2;
  const value = cc + String(check).padStart(2, '0') + b;
  return r() < 0.5 ? value.replace(/(.{4})(?=.)/g, '$1 ') : value;
}

function ssn(r: Rand, valid: boolean): string {
  if (!valid) return `${pick(r, ['000', '666', String(int(r, 900, 999))])}-${digits(r, 2)}-${digits(r, 4)}`;
  let area = int(r, 1, 899);
  if (area === 666) area = 665;
  return `${String(area).padStart(3, '0')}-${String(int(r, 1, 99)).padStart(2, '0')}-${String(int(r, 1, 9999)).padStart(4, '0')}`;
}

function iin(r: Rand): string {
  for (;;) {
    const yy = int(r, 0, 99);
    const century = yy < 10 ? pick(r, [5, 6]) : pick(r, [3, 4]);
    const d =
      String(yy).padStart(2, '0') +
      String(int(r, 1, 12)).padStart(2, '0') +
      String(int(r, 1, 28)).padStart(2, '0') +
      century +
      digits(r, 4);
    const ds = [...d].map(Number);
    const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let check = w1.reduce((s, w, i) => s + w * ds[i]!, 0) % 11;
    if (check === 10) check = w2.reduce((s, w, i) => s + w * ds[i]!, 0) % 11;
    if (check !== 10) return d + check;
  }
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function btc(r: Rand): string {
  const payload = Buffer.from([pick(r, [0x00, 0x05]), ...Array.from({ length: 20 }, () => int(r, 0, 255))]);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest();
  const full = Buffer.concat([payload, sha(sha(payload)).subarray(0, 4)]);
  let n = BigInt('0x' + full.toString('hex'));
  let out = '';
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of full) {
    if (b !== 0) break;
    out = '1' + out;
  }
  return out;
}

const FIRST = ['jane', 'aigerim', 'john', 'maria', 'dmitry', 'li', 'fatima', 'olivia', 'arman', 'sam'];
const LAST = ['doe', 'sadykova', 'smith', 'garcia', 'ivanov', 'chen', 'khan', 'brown', 'nurlanov', 'lee'];
const DOMAINS = [
  'acme-corp.kz',
  'mail.ru',
  'gmail.com',
  'outlook.com',
  'bank.co.uk',
  'kaspi.kz',
  'clinic-health.org',
];

const email = (r: Rand) =>
  `${pick(r, FIRST)}${pick(r, ['.', '_', ''])}${pick(r, LAST)}${r() < 0.3 ? digits(r, 2) : ''}@${pick(r, DOMAINS)}`;
const phone = (r: Rand) =>
  pick(r, [
    () => `+7 701 ${digits(r, 3)} ${digits(r, 2)} ${digits(r, 2)}`,
    () => `8 (707) ${digits(r, 3)}-${digits(r, 2)}-${digits(r, 2)}`,
    () => `+1 (${pick(r, ['212', '415', '646', '312'])}) ${int(r, 201, 989)}-${digits(r, 4)}`,
    () => `+44 20 7946 ${digits(r, 4)}`,
  ])();
const ipv4 = (r: Rand) => `${int(r, 11, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const ipv6 = (r: Rand) =>
  `2001:db8:${int(r, 1, 0xffff).toString(16)}::${int(r, 1, 0xffff).toString(16)}:${int(r, 1, 0xffff).toString(16)}`;
const url = (r: Rand) =>
  pick(r, [
    () => `https://${pick(r, DOMAINS)}/help/${pick(r, ['returns', 'cards', 'privacy'])}?id=${digits(r, 4)}`,
    () => `www.${pick(r, ['acme', 'kaspi', 'halyk'])}.kz`,
  ])();

/** Slot fillers: a labelled entity (type, value, lead-in words) or a hard negative (type null). */
type Filler = (r: Rand) => { type: string | null; lead: string; value: string };
const ENTITIES: Filler[] = [
  (r) => ({ type: 'EMAIL_ADDRESS', lead: pick(r, ['write to', 'e-mail', 'we sent it to']), value: email(r) }),
  (r) => ({
    type: 'PHONE_NUMBER',
    lead: pick(r, ['call', 'phone', 'reach the customer on']),
    value: phone(r),
  }),
  (r) => ({
    type: 'CREDIT_CARD',
    lead: pick(r, ['card', 'the card ending', 'charged to card']),
    value: card(r, true),
  }),
  (r) => ({
    type: 'IBAN_CODE',
    lead: pick(r, ['IBAN', 'to the account', 'transfer to']),
    value: iban(r, true),
  }),
  (r) => ({
    type: 'US_SSN',
    lead: pick(r, ['SSN', 'social security number', 'applicant']),
    value: ssn(r, true),
  }),
  (r) => ({
    type: 'IP_ADDRESS',
    lead: pick(r, ['from IP', 'login from', 'the device at']),
    value: r() < 0.7 ? ipv4(r) : ipv6(r),
  }),
  (r) => ({ type: 'URL', lead: pick(r, ['see', 'details at', 'open']), value: url(r) }),
  (r) => ({ type: 'CRYPTO', lead: pick(r, ['BTC wallet', 'bitcoin address', 'to']), value: btc(r) }),
  (r) => ({ type: 'KZ_IIN', lead: pick(r, ['ИИН', 'IIN', 'client']), value: iin(r) }),
];
const NEGATIVES: Filler[] = [
  (r) => ({ type: null, lead: 'order', value: card(r, false).replace(/[ -]/g, '') }),
  (r) => ({ type: null, lead: 'reference', value: iban(r, false) }),
  (r) => ({ type: null, lead: 'case', value: ssn(r, false) }),
  (r) => ({
    type: null,
    lead: 'version',
    value: `${int(r, 1, 9)}.${int(r, 0, 20)}.${int(r, 0, 9)}.${int(r, 0, 99)}`,
  }),
  (r) => ({ type: null, lead: 'tracking', value: `1Z${digits(r, 3)}AA1${digits(r, 10)}` }),
  (r) => ({ type: null, lead: 'FedEx', value: `74${int(r, 13, 99)}${digits(r, 8)}` }),
  (r) => ({ type: null, lead: 'amount', value: `${int(r, 1, 99)} 000 tenge` }),
  (r) => ({
    type: null,
    lead: 'on',
    value: `2024-${String(int(r, 1, 12)).padStart(2, '0')}-${String(int(r, 1, 28)).padStart(2, '0')}`,
  }),
  (r) => ({ type: null, lead: 'file', value: pick(r, ['config.yaml', 'index.ts', 'report.pdf']) }),
  (r) => ({ type: null, lead: 'invoice', value: digits(r, 12) }),
];

const SENTENCES: Record<string, string[]> = {
  support: [
    'Thanks for contacting Acme support; {x}.',
    'I have updated your profile and {x}.',
    'Our agent will follow up, {x}.',
  ],
  bank: [
    'Your transfer is scheduled, {x}.',
    'For your security we blocked the payment; {x}.',
    'The statement lists {x}.',
  ],
  returns: [
    'Your return is approved and {x}.',
    'The courier collects the parcel tomorrow, {x}.',
    'A refund of 20,000 tenge is on its way; {x}.',
  ],
  medical: [
    'The clinic confirmed your appointment, {x}.',
    'Please bring your referral; {x}.',
    'Results are ready, {x}.',
  ],
  legal: [
    'Our counsel reviewed the contract; {x}.',
    'The notice was filed, {x}.',
    'Per clause 4.2 of the agreement, {x}.',
  ],
};
const FILLER_SENTENCES = [
  'Let us know if there is anything else we can help with.',
  'We appreciate your patience while we look into this.',
  'Standard processing takes three to five business days.',
  'This message was generated to help our team respond faster.',
];

/** Builds one text of about `minLength` characters (0: two to four sentences) with its gold spans. */
function buildText(r: Rand, minLength: number): LabelledText {
  const domain = pick(r, Object.keys(SENTENCES));
  let text = '';
  const gold: GoldSpan[] = [];
  const sentences = minLength > 0 ? Infinity : int(r, 2, 4);
  for (let i = 0; i < sentences && (minLength === 0 || text.length < minLength); i++) {
    if (r() < 0.25) {
      text += (text ? ' ' : '') + pick(r, FILLER_SENTENCES);
      continue;
    }
    const [before, after] = pick(r, SENTENCES[domain]!).split('{x}') as [string, string];
    const f = (r() < 0.65 ? pick(r, ENTITIES) : pick(r, NEGATIVES))(r);
    text += (text ? ' ' : '') + before + f.lead + ' ';
    if (f.type) gold.push({ entity_type: f.type, start: text.length, end: text.length + f.value.length });
    text += f.value + after;
  }
  return { domain, text, gold };
}

/** The corpus: `short` texts of two to four sentences and `long` texts of at least 4 KB. */
export function buildCorpus(
  seed: number,
  short: number,
  long: number,
): { short: LabelledText[]; long: LabelledText[] } {
  const r = rng(seed);
  return {
    short: Array.from({ length: short }, () => buildText(r, 0)),
    long: Array.from({ length: long }, () => buildText(r, 4096)),
  };
}
