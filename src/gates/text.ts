import type { FindingTarget } from './types.js';

/** A prompt: one string, or chat messages including the system message. */
export type Prompt = string | { role: string; content: string }[];

/** One piece of text a gate scans, and where its findings point. */
export interface Segment {
  text: string;
  target: FindingTarget;
  /** The message index, for a message-list prompt. */
  message?: number;
  /** The message role, for a message-list prompt. */
  role?: string;
}

/** The prompt's texts as segments: one for a string, one per message for a list. */
export function promptSegments(prompt: Prompt): Segment[] {
  if (typeof prompt === 'string') return [{ text: prompt, target: 'prompt' }];
  return prompt.map((m, message) => ({ text: m.content, target: 'prompt', message, role: m.role }));
}

/** Every text the prompt carries, joined with newlines (for "was this supplied?" checks). */
export function promptText(prompt: Prompt): string {
  return typeof prompt === 'string' ? prompt : prompt.map((m) => m.content).join('\n');
}

/**
 * Every match of a global regex over `text`, as `matchAll` gives them, without the copy of the
 * regex `matchAll` makes per call (~1.5 µs; the inline gates scan some twenty times per text).
 * lastIndex is 0 again on return, so a shared pattern is never left mid-scan.
 */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  if (!re.global) throw new TypeError(`allMatches needs a global regex, got ${String(re)}`);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++; // an empty match would be found again
  }
  re.lastIndex = 0;
  return out;
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Word characters of the scripts the phrase lists use (Latin, Greek, Cyrillic incl. Kazakh, digits,
 * `_`), spelt out: without the `u` flag and `\\p{L}` V8 scans ~3× faster, and `i` still folds
 * Cyrillic case. Phrases are compiled with flags `gi`.
 */
export const WORD_CHARS = 'A-Za-z0-9_\\u00C0-\\u024F\\u0370-\\u03FF\\u0400-\\u052F';

/**
 * The regex source matching any of `phrases` (no boundaries): a phrase ending in `*` matches as a
 * stem ("refund*" → "refunds", "refunded"); spaces match any run of whitespace. Longest first, so
 * "credit card" wins over "card" at the same position.
 */
export function phraseSource(phrases: readonly string[]): string {
  const parts = phrases.map((p) => {
    const stem = p.endsWith('*');
    const body = (stem ? p.slice(0, -1) : p).trim().split(/\s+/).map(escapeRegExp).join('\\s+');
    return stem ? `${body}[${WORD_CHARS}]*` : body;
  });
  parts.sort((a, b) => b.length - a.length);
  return parts.join('|');
}

/** Wraps a regex source so it matches whole words only (Unicode letters, digits and `_` around it). */
export function wholeWords(source: string): string {
  return `(?<![${WORD_CHARS}])(?:${source})(?![${WORD_CHARS}])`;
}

/** Phrases compiled for whole-word, case-insensitive matching. */
export interface Phrases {
  /** Every match in `text`, in order, as the whole-word regex (`wholeWords`) finds them. */
  find(text: string): RegExpExecArray[];
}

const WORD_CHAR = new RegExp(`[${WORD_CHARS}]`, 'i');

/**
 * Compiles phrases (see `phraseSource`); null for none. The start boundary is checked on each match
 * instead of by a leading lookbehind, which keeps V8 from skipping ahead to a phrase's first letter
 * (twice as slow on 4 KB of text); a match inside a word is retried one character on, so the
 * matches are those of the whole-word regex.
 */
export function compilePhrases(phrases: readonly string[]): Phrases | null {
  if (phrases.length === 0) return null;
  const re = new RegExp(`(?:${phraseSource(phrases)})(?![${WORD_CHARS}])`, 'gi');
  return {
    find(text) {
      const out: RegExpExecArray[] = [];
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m.index > 0 && WORD_CHAR.test(text[m.index - 1]!)) re.lastIndex = m.index + 1;
        else {
          out.push(m);
          if (m[0] === '') re.lastIndex++; // an empty match would be found again
        }
      }
      re.lastIndex = 0;
      return out;
    },
  };
}

/** Combines independent risk weights: 1 − Π(1 − wᵢ), in [0, 1]. */
export function combineRisk(weights: readonly number[]): number {
  return 1 - weights.reduce((keep, w) => keep * (1 - w), 1);
}
