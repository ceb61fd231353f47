import type { Queryable } from '../../db/index.js';
import { VERDICT_CHANNEL } from '../../intake/verdicts.js';
import { countPatternApproval, findCaseRoute, reversePattern, settleFoldedTransactions } from './queries.js';

/** A final decision on a case, as routing learns from it. */
export interface CaseOutcome {
  tenantId: string;
  caseId: string;
  action: 'approve' | 'edit' | 'reject' | 'escalate';
  at: Date;
}

/**
 * Tells routing a case was decided, inside the decision's transaction: an `approve` counts one
 * unchanged approval of the case's safe pattern (rule + fingerprint), an `edit` or `reject`
 * reverses it (approvals back to zero); the transactions folded into the case get the case's
 * verdict (approve releases each one's own redacted output, otherwise they are blocked).
 * Returns the ids of the folded transactions it settled, so the caller can wake their long-polls.
 * `escalate` changes nothing.
 */
export async function recordCaseOutcome(tx: Queryable, o: CaseOutcome): Promise<string[]> {
  if (o.action === 'escalate') return [];
  const routed = await findCaseRoute(tx, o.tenantId, o.caseId);
  if (!routed) return [];
  if (routed.rule_id) {
    const pattern = {
      tenantId: o.tenantId,
      ruleId: routed.rule_id,
      fingerprint: routed.fingerprint,
      at: o.at,
    };
    if (o.action === 'approve') await countPatternApproval(tx, pattern);
    else await reversePattern(tx, pattern);
  }
  if (routed.fold_count <= 1) return [];
  const settled = await settleFoldedTransactions(tx, {
    tenantId: o.tenantId,
    caseId: o.caseId,
    release: o.action === 'approve',
    at: o.at,
  });
  // Wakes long-polls on the folded transactions in every process, as the case's own one is woken.
  if (settled.length > 0) {
    await tx.query(`select pg_notify($1, $2 || ':' || x) from unnest($3::text[]) as x`, [
      VERDICT_CHANNEL,
      o.tenantId,
      settled,
    ]);
  }
  return settled;
}
