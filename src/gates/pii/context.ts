import { allMatches } from '../text.js';
import type { Candidate, Cues } from './recognizer.js';

/** What a cue word adds to (or takes from) a score: 0.35, Presidio's context_similarity_factor. */
const CONTEXT_BOOST = 0.35;
/** The least score a supported candidate gets: 0.4, Presidio's min_score_with_context_similarity. */
const MIN_SCORE_WITH_CONTEXT = 0.4;

/** How many words on each side are read for cues; default 5 (Presidio's prefix count). */
export const DEFAULT_CONTEXT_WINDOW = 5;

// Latin, Greek and Cyrillic (incl. Kazakh letters) words: every cue is in one of these scripts, and
// an explicit class runs ~3× faster than \p{L} on the hot path. `isLetter` is the same class.
const LETTER = 'A-Za-z\\u00C0-\\u024F\\u0370-\\u03FF\\u0400-\\u052F';

function isLetter(c: number): boolean {
  return (
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    (c >= 0xc0 && c <= 0x24f) ||
    (c >= 0x370 && c <= 0x3ff) ||
    (c >= 0x400 && c <= 0x52f)
  );
}
const WORD = new RegExp(`[${LETTER}][${LETTER}0-9]*`, 'g');

/**
 * Cue lists compiled to one sticky, case-insensitive regex each, tested at a word's start without
 * slicing it out: an entry of 4+ letters matches as a prefix (so "телефона" matches "телефон"),
 * a shorter one only as the whole word.
 */
export interface CueMatcher {
  support: RegExp | null;
  against: RegExp | null;
  /**
   * By a word's first UTF-16 unit, lower-cased: true when some cue begins with it. Most words
   * begin with no cue's letter and then skip both regex tests (~260 per 4 KB of dense PII).
   */
  opens: (code: number) => boolean;
}

function compileList(words: readonly string[]): RegExp | null {
  if (words.length === 0) return null;
  const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const prefixes = words.filter((w) => w.length >= 4).map(escape);
  const exact = words.filter((w) => w.length < 4).map(escape);
  const parts = [];
  if (prefixes.length > 0) parts.push(`(?:${prefixes.join('|')})`);
  if (exact.length > 0) parts.push(`(?:${exact.join('|')})(?![${LETTER}0-9])`);
  return new RegExp(parts.join('|'), 'iy');
}

/**
 * The unit the `i` flag compares without `u` (ECMA-262 Canonicalize): its upper case, unless that
 * is not one unit or would make a non-ASCII unit ASCII.
 */
function canonical(code: number): number {
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const u = upper.charCodeAt(0);
  return u < 128 ? code : u;
}

/** Compiles a recognizer's cue words once, at module load. */
export function compileCues(cues: Cues): CueMatcher {
  const firsts = new Set([...cues.support, ...cues.against].map((w) => canonical(w.charCodeAt(0))));
  return {
    support: compileList(cues.support),
    against: compileList(cues.against),
    opens: (code) => firsts.has(canonical(code)),
  };
}

/** Where the words of a text are: parallel arrays of start and end offsets, in text order. */
export interface WordIndex {
  starts: number[];
  ends: number[];
  /** Offsets of the characters that end a sentence, ascending. */
  breaks: number[];
}

/** One pass over the text; built once per text and only when some candidate needs context. */
export function indexWords(text: string): WordIndex {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of allMatches(WORD, text)) {
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  const breaks: number[] = [];
  for (const m of allMatches(SENTENCE_END, text)) if (endsSentence(text, m.index)) breaks.push(m.index);
  return { starts, ends, breaks };
}

/** The first index whose value is ≥ x in an ascending array (its length when none is). */
function lowerBound(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function matchesAt(re: RegExp | null, text: string, at: number): boolean {
  if (!re) return false;
  re.lastIndex = at;
  return re.test(text);
}

/** Two decimals, so 0.6 − 0.35 reads 0.25 in findings and tests, not 0.24999999999999997. */
function round(score: number): number {
  return Math.round(score * 100) / 100;
}

/**
 * True for a sentence end found by SENTENCE_END: `!`, `?`, a newline, or a `.` not after a word of
 * three letters or fewer ("Mr.", "Dr.", "No.", "Mrs." keep their cue), unless a digit precedes it.
 */
function endsSentence(text: string, i: number): boolean {
  if (text[i] !== '.') return true;
  let j = i - 1;
  while (j >= 0 && isLetter(text.charCodeAt(j))) j--;
  return i - 1 - j > 3 || (j === i - 1 && j >= 0 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57);
}

const SENTENCE_END = /[.!?](?=\s)|\n/g;

/** The sentence around [start, end) from the text's sentence ends: cues outside it say nothing about the span. */
function sentenceAround(breaks: number[], textLength: number, start: number, end: number): [number, number] {
  const before = lowerBound(breaks, start) - 1;
  const after = lowerBound(breaks, end);
  return [before >= 0 ? breaks[before]! + 1 : 0, after < breaks.length ? breaks[after]! : textLength];
}

/** The score a cue word at `at` gives the candidate; null when the word is no cue. */
function cueAt(text: string, at: number, c: Candidate, cues: CueMatcher): number | null {
  if (!cues.opens(text.charCodeAt(at))) return null;
  if (matchesAt(cues.support, text, at)) {
    return round(Math.max(Math.min(1, c.score + CONTEXT_BOOST), MIN_SCORE_WITH_CONTEXT));
  }
  if (matchesAt(cues.against, text, at)) return round(Math.max(0, c.score - CONTEXT_BOOST));
  return null;
}

/**
 * The candidate's score after context: the nearest cue word before the span decides (failing
 * that, the nearest after it), so "IP 10.0.0.1 and version 1.2.3.4" raises the first address and
 * lowers the second. Only words in the span's own sentence count: "… the parcel. SSN 536-…" is
 * not lowered by "parcel". A supporting word raises the score as Presidio does; an opposing word
 * ("order", "version") lowers it by the same amount. No cue leaves the score as it is.
 */
export function scoreWithContext(
  text: string,
  words: WordIndex,
  c: Candidate,
  cues: CueMatcher,
  window: number,
): number {
  const last = lowerBound(words.ends, c.start + 1) - 1; // the last word ending at or before the span
  const next = lowerBound(words.starts, c.end); // the first word starting at or after its end
  const [from, to] = sentenceAround(words.breaks, text.length, c.start, c.end);
  // The words before the span, nearest first, then those after it.
  for (let i = last; i >= 0 && i > last - window && words.starts[i]! >= from; i--) {
    const cue = cueAt(text, words.starts[i]!, c, cues);
    if (cue !== null) return cue;
  }
  for (let i = next; i < words.starts.length && i < next + window && words.starts[i]! < to; i++) {
    const cue = cueAt(text, words.starts[i]!, c, cues);
    if (cue !== null) return cue;
  }
  return c.score;
}
