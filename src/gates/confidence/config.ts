import {
  INLINE_BUDGET_MS,
  COMMON_KEYS,
  fail,
  readChoice,
  readCommon,
  readNumber,
  readSection,
  readString,
  readStrings,
  type GateCommon,
} from '../config-path.js';
import { DEFAULT_HEDGING, DEFAULT_REFUSAL } from './phrases.js';

/**
 * A policy's `gates.confidence` section. Defaults: `flag_below` 0.6, `block_below` 0 (never),
 * `hedging_weight` 0.15 per hedge, `refusal` `flag`, `field` `confidence` (read from JSON output),
 * `hedging_phrases` / `refusal_phrases` the built-in English and Russian lists.
 */
export interface ConfidenceConfig extends GateCommon {
  flag_below: number;
  block_below: number;
  hedging_weight: number;
  refusal: 'pass' | 'flag' | 'block';
  field: string;
  hedging_phrases: string[];
  refusal_phrases: string[];
}

const KEYS = [
  ...COMMON_KEYS,
  'flag_below',
  'block_below',
  'hedging_weight',
  'refusal',
  'field',
  'hedging_phrases',
  'refusal_phrases',
];

/** Validates `gates.confidence`; throws an Error whose message starts with the bad path. */
export function parseConfidenceConfig(value: unknown, path = 'gates.confidence'): ConfidenceConfig {
  const s = readSection(value, KEYS, path);
  const config: ConfidenceConfig = {
    ...readCommon(s, path, { budgetMs: INLINE_BUDGET_MS, onError: 'fail_open' }),
    flag_below: readNumber(s.flag_below, `${path}.flag_below`, { min: 0, max: 1, fallback: 0.6 }),
    block_below: readNumber(s.block_below, `${path}.block_below`, { min: 0, max: 1, fallback: 0 }),
    hedging_weight: readNumber(s.hedging_weight, `${path}.hedging_weight`, {
      min: 0,
      max: 1,
      fallback: 0.15,
    }),
    refusal: readChoice(s.refusal, `${path}.refusal`, ['pass', 'flag', 'block'], 'flag'),
    field: readString(s.field, `${path}.field`, 'confidence'),
    hedging_phrases: readStrings(s.hedging_phrases, `${path}.hedging_phrases`, DEFAULT_HEDGING),
    refusal_phrases: readStrings(s.refusal_phrases, `${path}.refusal_phrases`, DEFAULT_REFUSAL),
  };
  if (config.block_below > config.flag_below) fail(`${path}.block_below`, 'must not exceed flag_below');
  return config;
}
