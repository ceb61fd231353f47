import type { GateSet } from './compile.js';
import type { GateInput } from './gate.js';
import { runGates } from './pipeline.js';
import type { Prompt } from './text.js';
import type { GateResult } from './types.js';
import { vaultToken } from './vault/index.js';

/** What a dry run shows: each gate's result and the texts as they would be released. */
export interface Evaluation {
  gates: GateResult[];
  prompt: Prompt;
  output: string;
}

/**
 * Runs the gates on one text or transaction and stores nothing: the `vault` operator shows a
 * `<ENTITY:vault:dry-run>` token instead of keeping the original. External classifiers are
 * called, since what they say is the point of the dry run.
 */
export async function evaluateGates(
  gates: GateSet,
  input: GateInput,
  hmacKey: Uint8Array,
): Promise<Evaluation> {
  const run = await runGates(gates, input, { hmacKey, vault: (entity) => vaultToken(entity, 'dry-run') });
  return { gates: run.results, prompt: run.prompt, output: run.output };
}
