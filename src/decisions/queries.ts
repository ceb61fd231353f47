import type { Queryable } from '../db/index.js';

/** Puts a case back in the queue one level up; its due time stays, so handoffs never reset the clock. */
export async function raiseCaseLevel(
  q: Queryable,
  tenantId: string,
  caseId: string,
  level: number,
): Promise<void> {
  await q.query(
    `update cases set level = $3, status = 'open', claimed_by = null, claimed_at = null, lease_expires_at = null
     where tenant_id = $1 and id = $2`,
    [tenantId, caseId, level],
  );
}

/** Closes a case and sets its transaction's final verdict and released output. */
export async function closeCase(
  q: Queryable,
  c: {
    tenantId: string;
    caseId: string;
    transactionId: string;
    action: string;
    verdict: string;
    released: string | null;
    at: Date;
  },
): Promise<void> {
  await q.query(
    `update cases set status = 'closed', closed_at = $3, decision = $4, lease_expires_at = null
     where tenant_id = $1 and id = $2`,
    [c.tenantId, c.caseId, c.at, c.action],
  );
  await q.query(
    `update transactions set verdict = $3, released_output = $4, decided_at = $5 where tenant_id = $1 and id = $2`,
    [c.tenantId, c.transactionId, c.verdict, c.released, c.at],
  );
}

/** A decisions row. */
export interface DecisionRow {
  tenant_id: string;
  id: string;
  case_id: string;
  action: string;
  reviewer_key_id: string;
  output: string | null;
  rationale: string | null;
  reason: string | null;
  edit_ratio: number | null;
  time_spent_ms: number;
  decided_at: Date;
}

/** Inserts one decision. */
export async function insertDecision(q: Queryable, d: DecisionRow): Promise<void> {
  await q.query(
    `insert into decisions (tenant_id, id, case_id, action, reviewer_key_id, output, rationale, reason, edit_ratio,
                            time_spent_ms, decided_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      d.tenant_id,
      d.id,
      d.case_id,
      d.action,
      d.reviewer_key_id,
      d.output,
      d.rationale,
      d.reason,
      d.edit_ratio,
      d.time_spent_ms,
      d.decided_at,
    ],
  );
}
