import type { GateResult } from './types.js';

/** The outcome routing reads: an `error` counts as `pass` under fail_open, as `block` under fail_closed. */
function effectiveOutcome(r: GateResult): string {
  if (r.outcome !== 'error') return r.outcome;
  return r.on_error === 'fail_closed' ? 'block' : 'pass';
}

/**
 * The facts routing rules can test about gates, as `gates.<name>.<fact>`: `outcome` (an error
 * read through its `on_error`), `score`, `entities` (the finding types), `error` (true when the
 * gate failed), and each of the gate's `signals` (`gates.confidence.refusal`,
 * `gates.safety.topics`). An external gate `external.moderation` nests:
 * `gates.external.moderation.score`.
 */
export function gateFacts(results: GateResult[]): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const r of results) {
    const own: Record<string, unknown> = {
      ...r.signals,
      outcome: effectiveOutcome(r),
      score: r.score,
      entities: [...new Set(r.findings.map((f) => f.entity_type))],
      error: r.outcome === 'error',
    };
    const path = r.name.split('.');
    let into = facts;
    for (const key of path.slice(0, -1)) {
      const next = (into[key] ??= {}) as Record<string, unknown>;
      into = next;
    }
    into[path.at(-1)!] = own;
  }
  return facts;
}
