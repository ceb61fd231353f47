import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import type { GateInput, GateVerdict, InlineGate } from '../gate.js';
import { outcomeBelow } from '../gate.js';
import { combineRisk, compilePhrases, promptSegments, type Segment } from '../text.js';
import type { Finding } from '../types.js';
import type { SafetyConfig } from './config.js';
import { NEGATIONS } from './topics.js';

/** How much one finding of each kind takes from the safety score (combined as independent risks). */
const WEIGHT = { profanity: 0.3, word: 0.5, claim: 0.85, disclaimer: 0.5 } as const;

// Built once: the dataset compiles to a few hundred regexes.
const PROFANITY = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

const NEGATION = new RegExp(
  `(?:^|[^\\p{L}'])(?:${NEGATIONS.map((n) => n.replace(/'/g, "['’]")).join('|')})(?:[\\s\\p{P}]+[\\p{L}\\p{N}'’-]+){0,2}[\\s\\p{P}]*$`,
  'iu',
);

const LETTER = /\p{L}/u;

/** True when one of NEGATIONS is within the three words before `start`. */
function negated(text: string, start: number): boolean {
  return NEGATION.test(text.slice(Math.max(0, start - 40), start));
}

function spanFinding(seg: Segment, type: string, start: number, end: number, detail?: string): Finding {
  const f: Finding = { entity_type: type, start, end, score: 1, target: seg.target };
  if (seg.message !== undefined) f.message = seg.message;
  if (detail !== undefined) f.detail = detail;
  return f;
}

function matchAll(seg: Segment, re: RegExp | null, type: string, detail?: (m: string) => string): Finding[] {
  if (!re) return [];
  return [...seg.text.matchAll(re)].map((m) =>
    spanFinding(seg, type, m.index, m.index + m[0].length, detail?.(m[0])),
  );
}

function profanity(seg: Segment): Finding[] {
  const seen = new Set<string>();
  return PROFANITY.getAllMatches(seg.text, true).flatMap((m) => {
    // The dataset matches stems ("fuck" in "fucking"); the finding covers the whole word.
    let start = m.startIndex;
    let end = m.endIndex + 1;
    while (start > 0 && LETTER.test(seg.text[start - 1]!)) start--;
    while (end < seg.text.length && LETTER.test(seg.text[end]!)) end++;
    // obscenity can report one word twice (two patterns of one term); endIndex is inclusive.
    const key = `${start}:${end}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [spanFinding(seg, 'PROFANITY', start, end)];
  });
}

/** Compiles a safety config into the inline gate `safety`. */
export function createSafetyGate(config: SafetyConfig): InlineGate {
  const topics = Object.entries(config.topics).map(([name, phrases]) => ({
    name,
    re: compilePhrases(phrases),
  }));
  const words = compilePhrases(config.words);
  const claims = compilePhrases(config.forbidden_claims);
  const run = (input: GateInput): GateVerdict => {
    const output: Segment = { text: input.output, target: 'output' };
    const userSegments = promptSegments(input.prompt).filter((s) => s.role !== 'system');
    const findings: Finding[] = [];
    const found = new Set<string>();
    for (const seg of [output, ...userSegments]) {
      for (const { name, re } of topics) {
        for (const f of matchAll(seg, re, 'TOPIC', () => name)) {
          if (negated(seg.text, f.start)) continue;
          findings.push(f);
          found.add(name);
        }
      }
    }
    const unsafe: Finding[] = [
      ...(config.profanity ? profanity(output) : []),
      ...matchAll(output, words, 'BLOCKED_WORD'),
      ...matchAll(output, claims, 'FORBIDDEN_CLAIM', (m) => m),
    ];
    const normalised = input.output.replace(/\s+/g, ' ').toLowerCase();
    const missing = config.required_disclaimers.filter(
      (d) =>
        (d.when_topics.length === 0 || d.when_topics.some((t) => found.has(t))) &&
        !normalised.includes(d.text.replace(/\s+/g, ' ').toLowerCase()),
    );
    for (const d of missing) {
      unsafe.push({
        entity_type: 'MISSING_DISCLAIMER',
        start: 0,
        end: 0,
        score: 1,
        target: 'output',
        detail: d.text,
      });
    }
    const weights = unsafe.map((f) =>
      f.entity_type === 'PROFANITY'
        ? WEIGHT.profanity
        : f.entity_type === 'BLOCKED_WORD'
          ? WEIGHT.word
          : f.entity_type === 'FORBIDDEN_CLAIM'
            ? WEIGHT.claim
            : WEIGHT.disclaimer,
    );
    const score = Number((1 - combineRisk(weights)).toFixed(4));
    let outcome = outcomeBelow(score, config.flag_below, config.block_below);
    if (outcome === 'pass' && found.size > 0) outcome = 'flag';
    return {
      outcome,
      score,
      findings: [...unsafe, ...findings],
      signals: {
        topics: [...found].sort(),
        profanity: unsafe.filter((f) => f.entity_type === 'PROFANITY').length,
        forbidden_claims: unsafe.filter((f) => f.entity_type === 'FORBIDDEN_CLAIM').length,
        missing_disclaimers: missing.map((d) => d.text),
      },
    };
  };
  return { name: 'safety', common: config, run };
}
