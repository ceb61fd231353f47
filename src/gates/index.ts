import { GatehouseError } from '../errors.js';
import { parsePiiConfig, runPiiGate, type PiiConfig } from './pii/index.js';
import type { GateResult } from './types.js';

export type { Finding, GateOutcome, GateResult } from './types.js';

/** A prompt: one string, or chat messages including the system message. */
export type Prompt = string | { role: string; content: string }[];

/** The texts the gates read. */
export interface GateInput {
  prompt: Prompt;
  output: string;
}

/** The gates a policy configures, validated once when the policy loads. */
export interface GateSet {
  pii?: PiiConfig;
}

/** Per-tenant secrets some gates need. */
export interface GateKeys {
  hmacKey: Uint8Array;
}

/** What running the gates gave: each gate's result, and the texts with redactions applied. */
export interface GateRun {
  results: GateResult[];
  prompt: Prompt;
  output: string;
}

const KNOWN_GATES = new Set(['pii']);

/** Validates a policy's `gates` section; throws `policy_invalid` naming the bad path. */
export function compileGates(config: Record<string, Record<string, unknown>>): GateSet {
  for (const name of Object.keys(config)) {
    if (!KNOWN_GATES.has(name)) throw new GatehouseError('policy_invalid', `gates.${name}: unknown gate`);
  }
  try {
    return config.pii ? { pii: parsePiiConfig(config.pii) } : {};
  } catch (err) {
    throw new GatehouseError('policy_invalid', (err as Error).message);
  }
}

/** Runs every configured gate in order; later gates see the earlier gates' redactions. */
export function runGates(gates: GateSet, input: GateInput, keys: GateKeys): GateRun {
  const results: GateResult[] = [];
  let { prompt, output } = input;
  if (gates.pii) {
    const pii = runPiiGate({ prompt, output }, gates.pii, keys);
    results.push(pii.result);
    prompt = pii.prompt;
    output = pii.output;
  }
  return { results, prompt, output };
}

/** The facts routing rules can test about gates: `gates.<name>.{outcome, score, entities}`. */
export function gateFacts(results: GateResult[]): Record<string, unknown> {
  return Object.fromEntries(
    results.map((r) => [
      r.name,
      { outcome: r.outcome, score: r.score, entities: [...new Set(r.findings.map((f) => f.entity_type))] },
    ]),
  );
}
