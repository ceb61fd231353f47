import type { GateCommon } from './config-path.js';
import type { RedactKeys } from './pii/index.js';
import type { Prompt } from './text.js';
import type { Finding, GateOutcome, GateSignals } from './types.js';

/** What the gates read about one transaction. */
export interface GateInput {
  prompt: Prompt;
  output: string;
  /** The model's self-reported confidence sent with the transaction, when any. */
  confidence?: number | null;
  /** The policy workflow the transaction belongs to, when any. */
  workflow?: string | null;
  metadata?: Record<string, unknown>;
}

/** Per-tenant secrets some gates need: the `hash` key and, for `vault`, the vault hook. */
export type GateKeys = RedactKeys;

/** What one gate concluded, before the pipeline adds its name and time. */
export interface GateVerdict {
  outcome: Exclude<GateOutcome, 'error'>;
  score: number;
  findings: Finding[];
  signals?: GateSignals;
  /** The texts with this gate's remediation applied (redaction, an added label), when it changed them. */
  prompt?: Prompt;
  output?: string;
}

/** A deterministic gate the pipeline runs inline on every transaction. */
export interface InlineGate {
  name: string;
  common: GateCommon;
  run(input: GateInput, keys: GateKeys): GateVerdict;
}

/** A gate that waits on something outside the process (an HTTP classifier); `signal` ends its budget. */
export interface AsyncGate {
  name: string;
  common: GateCommon;
  run(input: GateInput, signal: AbortSignal): Promise<GateVerdict>;
}

/** The outcome for a score against two thresholds where lower is worse (safety, confidence). */
export function outcomeBelow(score: number, flagBelow: number, blockBelow: number): GateVerdict['outcome'] {
  if (score < blockBelow) return 'block';
  if (score < flagBelow) return 'flag';
  return 'pass';
}
