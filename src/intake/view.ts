import type { StoredTransaction } from './queries.js';
import type { TransactionView } from './schema.js';

/** A transaction as the API shows it now: the output only once released. */
export function present(row: StoredTransaction): TransactionView {
  return {
    id: row.id,
    verdict: row.verdict,
    output: row.verdict === 'released' ? row.released_output : null,
    gates: row.gates as TransactionView['gates'],
    risk_class: row.risk_class,
    reason: row.reason,
    action: row.action as TransactionView['action'],
    case_id: row.case_id,
    policy_version: row.policy_version,
    matched_rules: row.matched_rules,
    remediation: row.remediation,
    created_at: new Date(row.created_at).toISOString(),
    decided_at: row.decided_at ? new Date(row.decided_at).toISOString() : null,
  };
}

/**
 * The transaction as intake first answered it, for replaying an Idempotency-Key: routing's action
 * fixed the first verdict (review → held, block → blocked, release and sample → released with the
 * redacted output), whatever a reviewer decided since (an SME may release a blocked one, a QA
 * reviewer may reject a sampled one).
 */
export function presentAsFirstSent(row: StoredTransaction): TransactionView {
  const view = present(row);
  if (row.action === 'review') return { ...view, verdict: 'held', output: null, decided_at: null };
  if (row.action === 'block')
    return { ...view, verdict: 'blocked', output: null, decided_at: view.created_at };
  return { ...view, verdict: 'released', output: row.redacted_output, decided_at: view.created_at };
}
