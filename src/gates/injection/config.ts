import {
  INLINE_BUDGET_MS,
  COMMON_KEYS,
  fail,
  readBoolean,
  readCommon,
  readNumber,
  readSection,
  readStrings,
  type GateCommon,
} from '../config-path.js';

/**
 * A policy's `gates.injection` section. Defaults: `flag_at` 0.5, `block_at` 0.9 (scores are risk:
 * 1 = certainly an injection), `extra_phrases` [] added to the built-in override phrases,
 * `scan_system` false (the system message is the operator's own).
 */
export interface InjectionConfig extends GateCommon {
  flag_at: number;
  block_at: number;
  extra_phrases: string[];
  scan_system: boolean;
}

/** Validates `gates.injection`; throws an Error whose message starts with the bad path. */
export function parseInjectionConfig(value: unknown, path = 'gates.injection'): InjectionConfig {
  const s = readSection(value, [...COMMON_KEYS, 'flag_at', 'block_at', 'extra_phrases', 'scan_system'], path);
  const config: InjectionConfig = {
    ...readCommon(s, path, { budgetMs: INLINE_BUDGET_MS, onError: 'fail_open' }),
    flag_at: readNumber(s.flag_at, `${path}.flag_at`, { min: 0, max: 1, fallback: 0.5 }),
    block_at: readNumber(s.block_at, `${path}.block_at`, { min: 0, max: 1, fallback: 0.9 }),
    extra_phrases: readStrings(s.extra_phrases, `${path}.extra_phrases`),
    scan_system: readBoolean(s.scan_system, `${path}.scan_system`, false),
  };
  if (config.flag_at > config.block_at) fail(`${path}.flag_at`, 'must not exceed block_at');
  return config;
}
