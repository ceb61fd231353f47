import type { GateCommon } from '../config-path.js';
import type { GateInput, GateKeys, GateVerdict, InlineGate } from '../gate.js';
import type { PiiConfig } from './config.js';
import { runPiiGate } from './gate.js';

/** The PII gate as a pipeline step: detects and redacts over the output and the prompt. */
export function createPiiGate(config: PiiConfig, common: GateCommon): InlineGate {
  const run = (input: GateInput, keys: GateKeys): GateVerdict => {
    const { result, prompt, output } = runPiiGate(
      { prompt: input.prompt, output: input.output },
      config,
      keys,
    );
    const entities = [...new Set(result.findings.map((f) => f.entity_type))].sort();
    return {
      outcome: result.outcome === 'flag' ? 'flag' : 'pass',
      score: result.score,
      findings: result.findings,
      signals: { count: result.findings.length, entities },
      prompt,
      output,
    };
  };
  return { name: 'pii', common, run };
}
