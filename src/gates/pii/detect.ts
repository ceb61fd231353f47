import type { Finding } from '../types.js';
import type { PiiConfig } from './config.js';
import {
  compileCues,
  DEFAULT_CONTEXT_WINDOW,
  indexWords,
  scoreWithContext,
  type CueMatcher,
  type WordIndex,
} from './context.js';
import { creditCardRecognizer } from './recognizers/credit-card.js';
import { cryptoRecognizer } from './recognizers/crypto.js';
import { dateTimeRecognizer } from './recognizers/date-time.js';
import { emailRecognizer } from './recognizers/email.js';
import { ibanRecognizer } from './recognizers/iban.js';
import { ipAddressRecognizer } from './recognizers/ip-address.js';
import { kzIinRecognizer } from './recognizers/kz-iin.js';
import { namesRecognizer } from './recognizers/names.js';
import { phoneRecognizer } from './recognizers/phone.js';
import { DEFAULT_ENTITIES, type Candidate, type EntityType, type Recognizer } from './recognizer.js';
import { urlRecognizer } from './recognizers/url.js';
import { usSsnRecognizer } from './recognizers/us-ssn.js';

/** Findings scoring below this are dropped; default of `PiiConfig.min_score`. */
export const DEFAULT_MIN_SCORE = 0.5;

const RECOGNIZERS: readonly Recognizer[] = [
  emailRecognizer,
  phoneRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  usSsnRecognizer,
  ipAddressRecognizer,
  urlRecognizer,
  dateTimeRecognizer,
  cryptoRecognizer,
  kzIinRecognizer,
  namesRecognizer,
];

// Each entity's cue words compiled once; a recognizer only ever proposes its own entities.
const CUES = new Map<EntityType, CueMatcher>(
  RECOGNIZERS.flatMap((r) => Object.entries(r.cues).map(([e, cues]) => [e as EntityType, compileCues(cues)])),
);

/** The best of mutually overlapping spans: higher score, then longer span, then earlier start. */
function keepBest(cluster: Candidate[]): Candidate[] {
  if (cluster.length === 1) return cluster;
  const ranked = cluster.sort(
    (a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: Candidate[] = [];
  for (const c of ranked) {
    if (kept.every((k) => c.end <= k.start || c.start >= k.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Resolves overlaps so a card number is not also reported as a phone, nor an e-mail's domain as a
 * URL. Spans are grouped into clusters that overlap transitively, and only inside a cluster are
 * they ranked, so a text with hundreds of findings costs O(n log n), not O(n²).
 */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const byStart = [...candidates].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Candidate[] = [];
  let cluster: Candidate[] = [];
  let clusterEnd = -1;
  for (const c of byStart) {
    if (c.start >= clusterEnd && cluster.length > 0) {
      out.push(...keepBest(cluster));
      cluster = [];
    }
    cluster.push(c);
    clusterEnd = Math.max(clusterEnd, c.end);
  }
  if (cluster.length > 0) out.push(...keepBest(cluster));
  return out;
}

/**
 * The PII in `text`: spans (UTF-16 offsets, end exclusive) sorted by start, overlaps resolved,
 * each score in [0, 1] after context; entities default to DEFAULT_ENTITIES, min_score to 0.5.
 */
export function detectPii(text: string, config: PiiConfig = {}): Finding[] {
  const enabled = new Set((config.entities ?? DEFAULT_ENTITIES) as EntityType[]);
  const minScore = config.min_score ?? DEFAULT_MIN_SCORE;
  const window = config.context_window ?? DEFAULT_CONTEXT_WINDOW;
  const candidates: Candidate[] = [];
  let words: WordIndex | undefined; // built on the first candidate that needs context
  for (const recognizer of RECOGNIZERS) {
    if (!recognizer.entities.some((e) => enabled.has(e))) continue;
    for (const c of recognizer.detect(text, enabled)) {
      if (!enabled.has(c.entity_type)) continue;
      const cues = CUES.get(c.entity_type);
      let score = c.score;
      if (cues && window > 0) score = scoreWithContext(text, (words ??= indexWords(text)), c, cues, window);
      if (score >= minScore) candidates.push({ ...c, score });
    }
  }
  return resolveOverlaps(candidates).map(({ entity_type, start, end, score }) => ({
    entity_type,
    start,
    end,
    score,
  }));
}
