import type { GateInput, GateVerdict, InlineGate } from '../gate.js';
import type { AiLabelConfig } from './config.js';

/**
 * Compiles the `ai_label` gate: for a customer-facing workflow (all, when `workflows` is empty)
 * the output must carry the label (case-insensitive). Missing: with `remediate` the label is
 * appended and the outcome is `pass` with `added: true`; without, the outcome is `missing`.
 */
export function createAiLabelGate(config: AiLabelConfig): InlineGate {
  const wanted = config.label.toLowerCase();
  const run = (input: GateInput): GateVerdict => {
    const required = config.workflows.length === 0 || config.workflows.includes(input.workflow ?? '');
    if (!required)
      return {
        outcome: 'pass',
        score: 1,
        findings: [],
        signals: { required: false, present: false, added: false },
      };
    const at = input.output.toLowerCase().indexOf(wanted);
    if (at >= 0) {
      return {
        outcome: 'pass',
        score: 1,
        findings: [
          { entity_type: 'AI_LABEL', start: at, end: at + wanted.length, score: 1, target: 'output' },
        ],
        signals: { required: true, present: true, added: false },
      };
    }
    const missing = {
      entity_type: 'AI_LABEL_MISSING',
      start: 0,
      end: 0,
      score: 1,
      target: 'output' as const,
      detail: config.label,
    };
    if (!config.remediate) {
      return {
        outcome: config.missing,
        score: 0,
        findings: [missing],
        signals: { required: true, present: false, added: false },
      };
    }
    const output =
      input.output.trimEnd() === '' ? config.label : `${input.output.trimEnd()}\n\n${config.label}`;
    return {
      outcome: 'pass',
      score: 1,
      findings: [missing],
      signals: { required: true, present: false, added: true },
      output,
    };
  };
  return { name: 'ai_label', common: config, run };
}
