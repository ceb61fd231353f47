import type { GateSet } from './compile.js';
import type { GateCommon } from './config-path.js';
import type { GateInput, GateKeys, GateVerdict } from './gate.js';
import type { Prompt } from './text.js';
import type { GateResult } from './types.js';

/** What running the gates gave: each gate's result, and the texts with remediation applied. */
export interface GateRun {
  results: GateResult[];
  prompt: Prompt;
  output: string;
  /** The texts as they may be stored: PII redacted (when the gate is on), nothing else changed. */
  stored: { prompt: Prompt; output: string };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function errored(name: string, common: GateCommon, message: string, ms: number): GateResult {
  return {
    name,
    outcome: 'error',
    score: 0,
    findings: [],
    duration_ms: round(ms),
    error: message,
    on_error: common.on_error,
  };
}

function finished(name: string, v: GateVerdict, ms: number): GateResult {
  const r: GateResult = {
    name,
    outcome: v.outcome,
    score: v.score,
    findings: v.findings,
    duration_ms: round(ms),
  };
  if (v.signals) r.signals = v.signals;
  return r;
}

/**
 * Runs every configured gate: the inline ones in order (each sees the texts as the previous left
 * them, so classifiers never see redacted PII), then the external ones together. A gate that
 * throws, or takes longer than its `budget_ms` or what is left of the pipeline's, is recorded as
 * `error` with its `on_error`. An inline gate over budget keeps its findings and remediation:
 * dropping a redaction because it was slow would leak what it found.
 */
export async function runGates(gates: GateSet, input: GateInput, keys: GateKeys): Promise<GateRun> {
  const started = performance.now();
  const deadline = started + gates.budget_ms;
  const results: GateResult[] = [];
  let current: GateInput = { ...input };
  let stored = { prompt: input.prompt, output: input.output };
  for (const gate of gates.inline) {
    const t0 = performance.now();
    if (t0 >= deadline && results.length > 0) {
      results.push(errored(gate.name, gate.common, 'the pipeline time budget was spent before this gate', 0));
      continue;
    }
    try {
      const v = gate.run(current, keys);
      current = { ...current, prompt: v.prompt ?? current.prompt, output: v.output ?? current.output };
      if (gate.name === 'pii') stored = { prompt: current.prompt, output: current.output };
      const ms = performance.now() - t0;
      const over =
        ms > gate.common.budget_ms ? gate.common.budget_ms : t0 + ms > deadline ? gates.budget_ms : null;
      const result = finished(gate.name, v, ms);
      if (over !== null) {
        // What the gate found still stands (routing may read its entities); only the outcome is an error.
        result.outcome = 'error';
        result.error = `took ${ms.toFixed(1)} ms, over its budget of ${over} ms`;
        result.on_error = gate.common.on_error;
      }
      results.push(result);
    } catch (err) {
      // A PII gate that fails must not let the text through unredacted.
      if (gate.name === 'pii') throw err;
      results.push(errored(gate.name, gate.common, (err as Error).message, performance.now() - t0));
    }
  }
  const asyncResults = await Promise.all(
    gates.async.map(async (gate) => {
      const t0 = performance.now();
      const budget = Math.max(0, Math.min(gate.common.budget_ms, deadline - t0));
      if (budget === 0)
        return errored(gate.name, gate.common, 'the pipeline time budget was spent before this gate', 0);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('over its time budget')), budget);
      try {
        return finished(gate.name, await gate.run(current, controller.signal), performance.now() - t0);
      } catch (err) {
        return errored(gate.name, gate.common, (err as Error).message, performance.now() - t0);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  results.push(...asyncResults);
  return { results, prompt: current.prompt, output: current.output, stored };
}
