import type { GateInput, GateVerdict, InlineGate } from '../gate.js';
import { outcomeBelow } from '../gate.js';
import {
  allMatches,
  combineRisk,
  compilePhrases,
  phraseSource,
  promptSegments,
  wholeWords,
  type Phrases,
  type Segment,
} from '../text.js';
import type { Finding } from '../types.js';
import type { SafetyConfig } from './config.js';
import { findProfanity } from './profanity.js';
import { NEGATIONS } from './topics.js';

/** How much one finding of each kind takes from the safety score (combined as independent risks). */
const WEIGHT = { profanity: 0.3, word: 0.5, claim: 0.85, disclaimer: 0.5 } as const;

const NEGATION = new RegExp(
  `(?:^|[^\\p{L}'])(?:${NEGATIONS.map((n) => n.replace(/'/g, "['’]")).join('|')})(?:[\\s\\p{P}]+[\\p{L}\\p{N}'’-]+){0,2}[\\s\\p{P}]*$`,
  'iu',
);

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

function matchAll(
  seg: Segment,
  phrases: Phrases | null,
  type: string,
  detail?: (m: string) => string,
): Finding[] {
  if (!phrases) return [];
  return phrases
    .find(seg.text)
    .map((m) => spanFinding(seg, type, m.index, m.index + m[0].length, detail?.(m[0])));
}

/** Compiles a safety config into the inline gate `safety`. */
export function createSafetyGate(config: SafetyConfig): InlineGate {
  // One regex for every topic, a named group per topic: one scan of the text instead of one per topic.
  const names = Object.keys(config.topics);
  const topics =
    names.length === 0
      ? null
      : new RegExp(
          wholeWords(names.map((n) => `(?<${n}>${phraseSource(config.topics[n]!)})`).join('|')),
          'gi',
        );
  const words = compilePhrases(config.words);
  const claims = compilePhrases(config.forbidden_claims);
  const run = (input: GateInput): GateVerdict => {
    const output: Segment = { text: input.output, target: 'output' };
    const userSegments = promptSegments(input.prompt).filter((s) => s.role !== 'system');
    const findings: Finding[] = [];
    const found = new Set<string>();
    for (const seg of [output, ...userSegments]) {
      if (!topics) continue;
      for (const m of allMatches(topics, seg.text)) {
        const name = names.find((n) => m.groups?.[n] !== undefined)!;
        if (negated(seg.text, m.index)) continue;
        findings.push(spanFinding(seg, 'TOPIC', m.index, m.index + m[0].length, name));
        found.add(name);
      }
    }
    const unsafe: Finding[] = [
      ...(config.profanity
        ? findProfanity(output.text).map((p) => spanFinding(output, 'PROFANITY', p.start, p.end))
        : []),
      ...matchAll(output, words, 'BLOCKED_WORD'),
      ...matchAll(output, claims, 'FORBIDDEN_CLAIM', (m) => m),
    ];
    const normalised =
      config.required_disclaimers.length === 0 ? '' : input.output.replace(/\s+/g, ' ').toLowerCase();
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
