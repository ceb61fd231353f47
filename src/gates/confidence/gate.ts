import type { GateInput, GateVerdict, InlineGate } from '../gate.js';
import { outcomeBelow } from '../gate.js';
import { parseJsonOutput } from '../structured/json-output.js';
import { compilePhrases, type Phrases } from '../text.js';
import type { Finding } from '../types.js';
import type { ConfidenceConfig } from './config.js';

// "Confidence: 0.8", "confidence score = 80%", "Уверенность: 0,7".
const STATED = /(?:confidence(?:\s+(?:score|level))?|уверенность)\s*[:=]\s*(\d{1,3}(?:[.,]\d+)?)\s*(%)?/iu;

/** A confidence as a fraction: 0–1 as given, 1–100 read as a percentage; null when out of range. */
function asFraction(n: number, percent: boolean): number | null {
  const v = percent || n > 1 ? n / 100 : n;
  return Number.isFinite(v) && v >= 0 && v <= 1 ? v : null;
}

/**
 * The model's own confidence: the transaction's `confidence` field, else the output JSON's
 * `field`, else a "Confidence: 0.8" line in the text; null when none is given.
 */
export function selfReportedConfidence(input: GateInput, field: string): number | null {
  if (typeof input.confidence === 'number') return input.confidence;
  const json = parseJsonOutput(input.output);
  if (json.ok && typeof json.value === 'object' && json.value !== null && !Array.isArray(json.value)) {
    const v = (json.value as Record<string, unknown>)[field];
    if (typeof v === 'number') return asFraction(v, false);
  }
  const m = STATED.exec(input.output);
  return m ? asFraction(Number(m[1]!.replace(',', '.')), m[2] === '%') : null;
}

function phraseFindings(text: string, phrases: Phrases | null, type: string): Finding[] {
  if (!phrases) return [];
  return phrases.find(text).map((m) => ({
    entity_type: type,
    start: m.index,
    end: m.index + m[0].length,
    score: 1,
    target: 'output' as const,
  }));
}

/**
 * Compiles the `confidence` gate. Score: the self-reported confidence when given, else 1; minus
 * `hedging_weight` per hedging phrase (never below 0). A refusal scores 0 and takes the outcome
 * `refusal` says; otherwise the score is held against `flag_below` / `block_below`.
 */
export function createConfidenceGate(config: ConfidenceConfig): InlineGate {
  const hedging = compilePhrases(config.hedging_phrases);
  const refusal = compilePhrases(config.refusal_phrases);
  const run = (input: GateInput): GateVerdict => {
    const hedges = phraseFindings(input.output, hedging, 'HEDGING');
    const refusals = phraseFindings(input.output, refusal, 'REFUSAL');
    const selfReported = selfReportedConfidence(input, config.field);
    const hedgingLevel = Math.min(1, hedges.length * config.hedging_weight);
    const refused = refusals.length > 0;
    const score = refused ? 0 : Number(Math.max(0, (selfReported ?? 1) - hedgingLevel).toFixed(4));
    const outcome = refused ? config.refusal : outcomeBelow(score, config.flag_below, config.block_below);
    return {
      outcome,
      score,
      findings: [...refusals, ...hedges].sort((a, b) => a.start - b.start),
      signals: { refusal: refused, hedging: Number(hedgingLevel.toFixed(4)), self_reported: selfReported },
    };
  };
  return { name: 'confidence', common: config, run };
}
