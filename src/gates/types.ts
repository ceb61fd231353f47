/** What a gate concluded about one transaction. `error` means the gate itself failed. */
export type GateOutcome = 'pass' | 'flag' | 'block' | 'error';

/** Which text of the transaction a finding points into. */
export type FindingTarget = 'output' | 'prompt';

/**
 * One thing a gate found. Spans are UTF-16 code-unit offsets into the target text, end exclusive
 * (the same convention as JavaScript's String.prototype.slice and Presidio's offsets).
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
}

/** The result of one gate on one transaction. */
export interface GateResult {
  name: string;
  outcome: GateOutcome;
  /** In [0, 1]; meaning depends on the gate (for PII: the highest finding score, 0 when none). */
  score: number;
  findings: Finding[];
  duration_ms: number;
}
