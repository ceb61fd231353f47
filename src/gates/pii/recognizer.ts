import { allMatches } from '../text.js';

/**
 * The Presidio entity types this gate knows (DESIGN.md, Contract), plus the national identifiers
 * the seeds' markets need. Names follow Presidio so policies and reports read the same everywhere.
 */
export const ENTITY_TYPES = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
  'URL',
  'DATE_TIME',
  'CRYPTO',
  'KZ_IIN',
  'PERSON',
  'LOCATION',
] as const;

/** One entity type name from `ENTITY_TYPES`. */
export type EntityType = (typeof ENTITY_TYPES)[number];

/**
 * The entities detected when a policy names none: every type except PERSON and LOCATION (compromise
 * costs ~16–26 ms per 4 KB, far over the 2 ms inline budget) and DATE_TIME (dates in replies —
 * "arrives on March 3" — are rarely personal on their own and would be redacted as noise).
 */
export const DEFAULT_ENTITIES: readonly EntityType[] = ENTITY_TYPES.filter(
  (e) => e !== 'PERSON' && e !== 'LOCATION' && e !== 'DATE_TIME',
);

/** A span a recognizer proposes, before context adjustment; offsets are UTF-16, end exclusive. */
export interface Candidate {
  entity_type: EntityType;
  start: number;
  end: number;
  score: number;
}

/**
 * Words near a candidate that change its score, as in Presidio's context-aware enhancer:
 * `support` raises it ("card", "IBAN"), `against` lowers it ("order", "version").
 * Entries are lower-case; a word of 4+ letters also matches as a prefix, so inflected
 * Russian forms ("телефона") match their stem ("телефон").
 */
export interface Cues {
  support: readonly string[];
  against: readonly string[];
}

/** A detector for one or more entity types; `detect` returns candidates of enabled types only. */
export interface Recognizer {
  entities: readonly EntityType[];
  cues: Partial<Record<EntityType, Cues>>;
  detect(text: string, enabled: ReadonlySet<EntityType>): Candidate[];
}

/**
 * Words that mark a number as a business reference rather than personal data; shared by the
 * numeric recognizers so "order 4111…" and "tracking 9400…" are lowered the same way.
 */
export const REFERENCE_WORDS: readonly string[] = [
  'order',
  'invoice',
  'tracking',
  'track',
  'shipment',
  'parcel',
  'package',
  'reference',
  'ref',
  'sku',
  'ticket',
  'receipt',
  'transaction',
  'заказ',
  'накладн',
  'трек',
  'посылк',
  'чек',
];

/** Maps each match of a global regex over `text` to a candidate, dropping those mapped to null. */
export function scan(
  text: string,
  pattern: RegExp,
  toCandidate: (match: RegExpExecArray) => Candidate | null,
): Candidate[] {
  const out: Candidate[] = [];
  for (const m of allMatches(pattern, text)) {
    const c = toCandidate(m);
    if (c) out.push(c);
  }
  return out;
}
