import type { Finding, GateResult } from '../types.js';
import type { PiiConfig } from './config.js';
import { detectPii } from './detect.js';
import { redactText, type RedactKeys } from './redact.js';

/** A chat message as the prompt carries it. */
export interface PromptMessage {
  role: string;
  content: string;
}

/** The texts the PII gate reads: the model output and the prompt (one string, or messages). */
export interface PiiGateInput {
  output: string;
  prompt: string | PromptMessage[];
}

/** The gate's result and the same texts with every finding redacted. */
export interface PiiGateRun {
  result: GateResult;
  output: string;
  prompt: string | PromptMessage[];
}

/** Detects and redacts one text, tagging findings with where they were found. */
function scanText(
  text: string,
  where: Pick<Finding, 'target' | 'message'>,
  config: PiiConfig,
  keys: RedactKeys,
): { findings: Finding[]; redacted: string } {
  const found = detectPii(text, config);
  return {
    findings: found.map((f) => ({ ...f, ...where })),
    redacted: found.length === 0 ? text : redactText(text, found, config, keys),
  };
}

/**
 * Runs the PII gate over the output and every prompt message: outcome `flag` when anything is
 * found, else `pass`; score the highest finding score (0 when none); findings carry `target` and,
 * for a message list, `message` (its index). Message roles and order are kept. Throws when a
 * `vault` operator applies and `keys.vault` is missing.
 */
export function runPiiGate(input: PiiGateInput, config: PiiConfig, keys: RedactKeys): PiiGateRun {
  const started = performance.now();
  const output = scanText(input.output, { target: 'output' }, config, keys);
  const findings = [...output.findings];
  let prompt: string | PromptMessage[];
  if (typeof input.prompt === 'string') {
    const scanned = scanText(input.prompt, { target: 'prompt' }, config, keys);
    findings.push(...scanned.findings);
    prompt = scanned.redacted;
  } else {
    prompt = input.prompt.map((m, message) => {
      const scanned = scanText(m.content, { target: 'prompt', message }, config, keys);
      findings.push(...scanned.findings);
      return { ...m, content: scanned.redacted };
    });
  }
  const score = findings.reduce((max, f) => Math.max(max, f.score), 0);
  const result: GateResult = {
    name: 'pii',
    outcome: findings.length > 0 ? 'flag' : 'pass',
    score,
    findings,
    duration_ms: performance.now() - started,
  };
  return { result, output: output.redacted, prompt };
}
