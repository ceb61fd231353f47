import {
  INLINE_BUDGET_MS,
  COMMON_KEYS,
  readBoolean,
  readChoice,
  readCommon,
  readSection,
  readString,
  readStrings,
  type GateCommon,
} from '../config-path.js';

/**
 * A policy's `gates.ai_label` section (seed 2: "Add AI-content labels"). Defaults: `label`
 * "AI-generated content", `workflows` [] (every workflow is customer-facing), `remediate` true
 * (L0: append the label, separated by a blank line), `missing` outcome `flag`.
 */
export interface AiLabelConfig extends GateCommon {
  label: string;
  workflows: string[];
  remediate: boolean;
  missing: 'flag' | 'block';
}

/** Validates `gates.ai_label`; throws an Error whose message starts with the bad path. */
export function parseAiLabelConfig(value: unknown, path = 'gates.ai_label'): AiLabelConfig {
  const s = readSection(value, [...COMMON_KEYS, 'label', 'workflows', 'remediate', 'missing'], path);
  return {
    ...readCommon(s, path, { budgetMs: INLINE_BUDGET_MS, onError: 'fail_open' }),
    label: readString(s.label, `${path}.label`, 'AI-generated content'),
    workflows: readStrings(s.workflows, `${path}.workflows`),
    remediate: readBoolean(s.remediate, `${path}.remediate`, true),
    missing: readChoice(s.missing, `${path}.missing`, ['flag', 'block'], 'flag'),
  };
}
