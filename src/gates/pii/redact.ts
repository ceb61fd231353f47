import { createHmac } from 'node:crypto';
import type { Finding } from '../types.js';
import type { PiiConfig, RedactOperator } from './config.js';

/** The operator when neither the entity nor DEFAULT names one. */
const DEFAULT_OPERATOR: RedactOperator = { type: 'replace' };

/**
 * Per-tenant secrets for redaction. `hmacKey` keys the `hash` operator; `vault`, when given, stores
 * the original (DB-backed, owned by the caller) and returns the token to insert in its place.
 */
export interface RedactKeys {
  hmacKey: Uint8Array;
  vault?: (entity: string, value: string) => string;
}

/** The operator for an entity: its own, else the policy's DEFAULT, else `replace`. */
function operatorFor(entity: string, config: PiiConfig): RedactOperator {
  return config.operators?.[entity] ?? config.operators?.DEFAULT ?? DEFAULT_OPERATOR;
}

/**
 * Masks every character but the last `keepLast` (counted in code points, so an emoji is never
 * split); spaces and dashes stay, so "4111 1111 1111 1111" reads "**** **** **** 1111".
 */
function maskValue(value: string, keepLast = 4, char = '*'): string {
  const chars = [...value];
  let kept = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (/[\s-]/.test(chars[i]!)) continue;
    if (kept < keepLast) kept++;
    else chars[i] = char;
  }
  return chars.join('');
}

/** `<ENTITY:hex16>`: the first 16 hex digits of HMAC-SHA-256 (RFC 2104) over the UTF-8 value. */
function hashValue(entity: string, value: string, key: Uint8Array): string {
  const mac = createHmac('sha256', key).update(value, 'utf8').digest('hex');
  return `<${entity}:${mac.slice(0, 16)}>`;
}

function applyOperator(op: RedactOperator, entity: string, value: string, keys: RedactKeys): string {
  switch (op.type) {
    case 'replace':
      return `<${entity}>`;
    case 'mask':
      return maskValue(value, op.keep_last, op.char);
    case 'hash':
      return hashValue(entity, value, keys.hmacKey);
    case 'vault':
      if (!keys.vault) throw new Error(`PII operator "vault" for ${entity} needs a vault hook in keys.vault`);
      return keys.vault(entity, value);
  }
}

/**
 * `text` with each finding replaced by its operator's output (default `replace` → `<ENTITY_TYPE>`),
 * applied right to left so earlier offsets stay valid; a finding overlapping one already applied
 * is skipped. Throws on a `vault` operator without `keys.vault`, and on spans outside the text.
 */
export function redactText(text: string, findings: Finding[], config: PiiConfig, keys: RedactKeys): string {
  const ordered = [...findings].sort((a, b) => b.start - a.start || b.end - a.end);
  // The pieces of the result, last first: joined once rather than re-concatenating the whole text
  // per finding.
  const pieces: string[] = [];
  let limit = text.length;
  for (const f of ordered) {
    if (!(Number.isInteger(f.start) && Number.isInteger(f.end) && 0 <= f.start && f.start <= f.end)) {
      throw new RangeError(`finding span [${f.start}, ${f.end}) is not a span`);
    }
    if (f.end > text.length) throw new RangeError(`finding span [${f.start}, ${f.end}) is outside the text`);
    if (f.end > limit) continue;
    const value = text.slice(f.start, f.end);
    pieces.push(
      text.slice(f.end, limit),
      applyOperator(operatorFor(f.entity_type, config), f.entity_type, value, keys),
    );
    limit = f.start;
  }
  if (pieces.length === 0) return text;
  pieces.push(text.slice(0, limit));
  return pieces.reverse().join('');
}
