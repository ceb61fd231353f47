import type { Queryable } from '../db/index.js';

/**
 * Puts a case back in the queue at `level`, in `group`; its due time stays, so handoffs never
 * reset the end-to-end clock (the stage clocks change in the caller).
 */
export async function raiseCaseLevel(
  q: Queryable,
  c: { tenantId: string; caseId: string; level: number; group: string; at: Date },
): Promise<void> {
  await q.query(
    `update cases set level = $3, group_name = $4, stage_entered_at = $5, status = 'open', assigned_to = null,
       claimed_by = null, claimed_at = null, lease_expires_at = null
     where tenant_id = $1 and id = $2`,
    [c.tenantId, c.caseId, c.level, c.group, c.at],
  );
}

/** Returns a case to its queue for the next blind reviewer. */
export async function reopenForReview(q: Queryable, tenantId: string, caseId: string): Promise<void> {
  await q.query(
    `update cases set status = 'open', assigned_to = null, claimed_by = null, claimed_at = null, lease_expires_at = null
     where tenant_id = $1 and id = $2`,
    [tenantId, caseId],
  );
}

/**
 * Closes a case and sets its transaction's final verdict, in one statement. A released
 * transaction releases `edited` when the reviewer edited it, else its own redacted output.
 */
export async function closeCase(
  q: Queryable,
  c: {
    tenantId: string;
    caseId: string;
    transactionId: string;
    decisionId: string;
    action: string;
    verdict: string;
    edited: string | null;
    at: Date;
  },
): Promise<void> {
  await q.query(
    `with closed as (
       update cases set status = 'closed', closed_at = $4, decision = $5, decision_id = $6, lease_expires_at = null
       where tenant_id = $1 and id = $2)
     update transactions
     set verdict = $7, decided_at = $4,
       released_output = case when $7 = 'released' then coalesce($8, redacted_output) end
     where tenant_id = $1 and id = $3`,
    [c.tenantId, c.caseId, c.transactionId, c.at, c.action, c.decisionId, c.verdict, c.edited],
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
  note: string | null;
  template_id: string | null;
  checklist: Record<string, boolean> | null;
  blind: boolean;
}

/** Inserts one decision. */
export async function insertDecision(q: Queryable, d: DecisionRow): Promise<void> {
  await q.query(
    `insert into decisions (tenant_id, id, case_id, action, reviewer_key_id, output, rationale, reason, edit_ratio,
                            time_spent_ms, decided_at, note, template_id, checklist, blind)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
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
      d.note,
      d.template_id,
      d.checklist === null ? null : JSON.stringify(d.checklist),
      d.blind,
    ],
  );
}

/** Records one blind review and returns every review action of the case so far, oldest first. */
export async function insertReview(
  q: Queryable,
  r: {
    tenantId: string;
    caseId: string;
    keyId: string;
    decisionId: string;
    action: string;
    rule: string | null;
    at: Date;
  },
): Promise<string[]> {
  await q.query(
    `insert into case_reviews (tenant_id, case_id, reviewer_key_id, decision_id, action, rule, reviewed_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [r.tenantId, r.caseId, r.keyId, r.decisionId, r.action, r.rule, r.at],
  );
  const { rows } = await q.query<{ action: string }>(
    `select action from case_reviews where tenant_id = $1 and case_id = $2 order by reviewed_at, reviewer_key_id`,
    [r.tenantId, r.caseId],
  );
  return rows.map((x) => x.action);
}

/** How many blind reviews a case has. */
export async function countReviews(q: Queryable, tenantId: string, caseId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from case_reviews where tenant_id = $1 and case_id = $2`,
    [tenantId, caseId],
  );
  return rows[0]!.n;
}

/** Whether `code` is one of the tenant's live rejection reasons. */
export async function isRejectionReason(q: Queryable, tenantId: string, code: string): Promise<boolean> {
  const { rows } = await q.query(
    `select 1 from rejection_reasons where tenant_id = $1 and code = $2 and archived_at is null`,
    [tenantId, code],
  );
  return rows.length > 0;
}

/** A live template's text, or undefined. */
export async function findTemplateBody(
  q: Queryable,
  tenantId: string,
  id: string,
): Promise<string | undefined> {
  const { rows } = await q.query<{ body: string }>(
    `select body from response_templates where tenant_id = $1 and id = $2 and archived_at is null`,
    [tenantId, id],
  );
  return rows[0]?.body;
}
