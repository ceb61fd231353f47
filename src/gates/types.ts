import type { OnError } from './config-path.js';

/** What a gate concluded about one transaction. `error` means the gate itself failed. */
export type GateOutcome = 'pass' | 'flag' | 'block' | 'error';

/** Which text of the transaction a finding points into. */
export type FindingTarget = 'output' | 'prompt';

/**
 * One thing a gate found. Spans are UTF-16 code-unit offsets into the target text, end exclusive
 * (the same convention as JavaScript's String.prototype.slice and Presidio's offsets). A finding
 * that points at no text (a missing field, a schema violation) has `start = end = 0` and says
 * what it is in `detail`.
 */
export interface Finding {
  entity_type: string;
  start: number;
  end: number;
  /** Confidence in [0, 1]. */
  score: number;
  /** Defaults to 'output' when absent. For a message-list prompt, `message` is the message index. */
  target?: FindingTarget;
  message?: number;
  /** What was found, for findings without a span or whose span alone does not say it. */
  detail?: string;
}

/** Gate-specific facts routing rules can test as `gates.<name>.<signal>`. */
export type GateSignals = Record<string, string | number | boolean | null | string[]>;

/** The result of one gate on one transaction. */
export interface GateResult {
  name: string;
  outcome: GateOutcome;
  /**
   * In [0, 1]; meaning depends on the gate: PII and injection give the risk (highest finding
   * score), safety and confidence give how safe / how sure (1 = safe, sure), structured output
   * how well-formed.
   */
  score: number;
  findings: Finding[];
  duration_ms: number;
  /** Gate-specific facts, e.g. confidence `{ refusal, hedging, self_reported }`. */
  signals?: GateSignals;
  /** Why the gate failed, when `outcome` is `error`. */
  error?: string;
  /** How routing reads an `error`: `fail_open` as pass, `fail_closed` as block. */
  on_error?: OnError;
}
