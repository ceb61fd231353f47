import { createHash } from 'node:crypto';
import type { Facts } from './condition.js';

/** The fingerprint fields when a policy names none: the workflow and the prompt's template. */
export const DEFAULT_FINGERPRINT_FIELDS = ['workflow', 'prompt_template'] as const;

type Prompt = string | { role: string; content: string }[];

// Order matters: e-mails and UUIDs contain digits, so they are replaced before bare numbers. The
// look-behind starts an address only where a run of its characters starts, keeping the scan linear.
const PLACEHOLDERS: [RegExp, string][] = [
  [/(?<![\w.+-])[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b(?=[a-z_-]*\d)[a-z0-9_-]{6,}\b/gi, '<id>'],
  [/\d+([.,]\d+)*/g, '<n>'],
  [/\s+/g, ' '],
];

/**
 * The prompt's first 16 KiB with what varies between calls of one template (numbers, ids, e-mail
 * addresses) replaced by placeholders, lower-cased, whitespace collapsed; messages joined as
 * `role: content`.
 */
export function promptTemplate(prompt: Prompt): string {
  const text = typeof prompt === 'string' ? prompt : prompt.map((m) => `${m.role}: ${m.content}`).join('\n');
  // A template is the prompt's shape; its first 16 KiB tell it, and bound the work on a huge prompt.
  let t = text.slice(0, 16_384).toLowerCase();
  for (const [re, to] of PLACEHOLDERS) t = t.replace(re, to);
  return t.trim();
}

/**
 * The incident fingerprint: SHA-256 (first 16 bytes, hex) over the values of `fields` (paths into
 * the facts; a missing value counts as null), so repeats of one incident share it.
 */
export function fingerprintOf(fields: readonly string[], facts: Facts): string {
  const values = fields.map((p) => factAt(facts, p) ?? null);
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
}

/** The fact at a dotted path, or undefined. */
export function factAt(facts: Facts, path: string): unknown {
  let cur: unknown = facts;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * Whether `key` (e.g. a transaction id) falls in a sample of `rate` (0–1): a stable hash, so the
 * same transaction is always in or out, and about `rate` of all keys are in.
 */
export function inSample(key: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const h = createHash('sha256').update(key).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < rate;
}
