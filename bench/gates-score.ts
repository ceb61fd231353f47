/** Scoring for the PII benchmark: one-to-one overlap matching, per-entity precision / recall / F1. */
import type { GoldSpan } from './gates-corpus.js';

/** Counts for one entity type (or overall). */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** Precision, recall and F1 of counts (1 when there is nothing to find and nothing was found). */
export function prf(c: Counts): { p: number; r: number; f1: number } {
  const p = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

const overlaps = (a: GoldSpan, b: GoldSpan) => a.start < b.end && b.start < a.end;

/**
 * Adds one text's predictions to `byType` (type-aware: a prediction matches an unmatched gold span
 * of the same type that it overlaps) and to `anyType` (a redaction view: any overlapping gold span).
 */
export function score(
  gold: GoldSpan[],
  predicted: GoldSpan[],
  byType: Map<string, Counts>,
  anyType: Counts,
): void {
  const get = (t: string) => byType.get(t) ?? byType.set(t, { tp: 0, fp: 0, fn: 0 }).get(t)!;
  const used = new Set<number>();
  for (const p of predicted) {
    const i = gold.findIndex((g, k) => !used.has(k) && g.entity_type === p.entity_type && overlaps(g, p));
    if (i >= 0) {
      used.add(i);
      get(p.entity_type).tp++;
    } else get(p.entity_type).fp++;
  }
  gold.forEach((g, k) => {
    if (!used.has(k)) get(g.entity_type).fn++;
  });
  const usedAny = new Set<number>();
  for (const p of predicted) {
    const i = gold.findIndex((g, k) => !usedAny.has(k) && overlaps(g, p));
    if (i >= 0) {
      usedAny.add(i);
      anyType.tp++;
    } else anyType.fp++;
  }
  anyType.fn += gold.length - usedAny.size;
}

/** Sums per-type counts. */
export function total(byType: Map<string, Counts>): Counts {
  const t = { tp: 0, fp: 0, fn: 0 };
  for (const c of byType.values()) {
    t.tp += c.tp;
    t.fp += c.fp;
    t.fn += c.fn;
  }
  return t;
}

/**
 * Spans from a library that only returns the redacted text: the text is split at its placeholders
 * and the literal pieces between them are found again in the original, in order. Adjacent
 * placeholders share the span up to the next literal.
 */
export function spansFromRedacted(
  original: string,
  redacted: string,
  placeholder: RegExp,
  mapType: (p: string) => string,
): GoldSpan[] {
  const parts = redacted.split(placeholder);
  const out: GoldSpan[] = [];
  let cursor = parts[0]!.length;
  let pending: string[] = [];
  for (let k = 1; k < parts.length; k += 2) {
    pending.push(parts[k]!);
    const literal = parts[k + 1]!;
    if (literal === '' && k + 2 < parts.length) continue;
    const end = literal === '' ? original.length : original.indexOf(literal, cursor + 1);
    if (end < 0) break;
    for (const p of pending) out.push({ entity_type: mapType(p), start: cursor, end });
    pending = [];
    cursor = end + literal.length;
  }
  return out;
}
