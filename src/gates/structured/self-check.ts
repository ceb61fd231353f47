import type { SelfCheckField } from './config.js';

/** A self-check field that is missing or malformed, with why. */
export interface SelfCheckProblem {
  field: SelfCheckField;
  problem: 'missing' | 'malformed';
  detail: string;
}

/** The reference a citation names: the string itself, or an object's `id`, `url` or `source`. */
export function citationRef(c: unknown): string | null {
  if (typeof c === 'string') return c.trim() || null;
  if (typeof c === 'object' && c !== null) {
    const o = c as Record<string, unknown>;
    for (const k of ['id', 'url', 'source']) if (typeof o[k] === 'string' && o[k]) return o[k];
  }
  return null;
}

function wellFormed(field: SelfCheckField, v: unknown): string | null {
  switch (field) {
    case 'assumptions':
      return Array.isArray(v) && v.every((a) => typeof a === 'string') ? null : 'must be a list of strings';
    case 'citations':
    case 'sources':
      if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty list';
      return v.every((c) => citationRef(c) !== null)
        ? null
        : 'each entry must be a string or have an id, url or source';
    case 'confidence':
      return typeof v === 'number' && v >= 0 && v <= 1 ? null : 'must be a number in [0, 1]';
  }
}

/** The required self-check fields of a JSON object output that are missing or malformed. */
export function checkSelfCheckFields(
  value: unknown,
  required: readonly SelfCheckField[],
): SelfCheckProblem[] {
  const obj =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  return required.flatMap((field): SelfCheckProblem[] => {
    if (!Object.hasOwn(obj, field)) return [{ field, problem: 'missing', detail: `${field}: missing` }];
    const why = wellFormed(field, obj[field]);
    return why ? [{ field, problem: 'malformed', detail: `${field}: ${why}` }] : [];
  });
}
