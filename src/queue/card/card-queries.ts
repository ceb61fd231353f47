import type { Queryable } from '../../db/index.js';

/** The transaction fields a card shows (already redacted). */
export interface CardTransaction {
  workflow: string | null;
  redacted_prompt: unknown;
  redacted_output: string;
  gates: unknown;
  matched_rules: string[];
  metadata: unknown;
  policy_version: string;
  telemetry: unknown;
  model: unknown;
}

/** Loads the card's view of a transaction. */
export async function findCardTransaction(
  q: Queryable,
  tenantId: string,
  id: string,
): Promise<CardTransaction> {
  const { rows } = await q.query<CardTransaction>(
    `select workflow, redacted_prompt, redacted_output, gates, matched_rules, metadata, policy_version, telemetry, model
     from transactions where tenant_id = $1 and id = $2`,
    [tenantId, id],
  );
  return rows[0]!;
}

/** A decided case similar by rule, with its final decision and its (redacted) output. */
export interface PastDecision {
  case_id: string;
  action: string;
  reason: string | null;
  rationale: string | null;
  decided_at: Date;
  text: string;
}

const PAST = `select c.id as case_id, c.closed_at, d.action, d.reason, d.rationale, d.decided_at, t.redacted_output as text
  from cases c
  join decisions d on d.tenant_id = c.tenant_id and d.id = c.decision_id and not d.blind
  join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id`;

const RECENT = 50;

/**
 * Up to 50 recently closed cases of the same rule (or, for cases no rule sent, of the same
 * workflow), and up to 50 of the same prompt fingerprint, newest first, without repeats.
 */
export async function listPastDecisions(
  q: Queryable,
  p: {
    tenantId: string;
    caseId: string;
    rule: string | null;
    fingerprint: string | null;
    workflow: string | null;
  },
): Promise<PastDecision[]> {
  // One statement text per shape, each with a plan of its own: an `or` on whether a parameter is
  // null cannot be planned once, so PostgreSQL would plan it again on every card.
  const sameRule =
    p.rule !== null ? 'c.matched_rule = $3' : 'c.matched_rule is null and t.workflow is not distinct from $3';
  const recent = (match: string) =>
    `(${PAST} where c.tenant_id = $1 and c.status = 'closed' and c.id <> $2 and ${match}
      order by c.closed_at desc limit ${RECENT})`;
  const params: unknown[] = [p.tenantId, p.caseId, p.rule ?? p.workflow];
  let sql = recent(sameRule);
  if (p.fingerprint !== null) {
    sql = `${sql} union ${recent('c.fingerprint = $4')} order by closed_at desc`;
    params.push(p.fingerprint);
  }
  const { rows } = await q.query<PastDecision & { closed_at: Date }>(sql, params);
  return rows;
}

/** One blind review of a case. */
export interface ReviewRow {
  reviewer_key_id: string;
  action: string;
  rationale: string | null;
  reviewed_at: Date;
}

/** The blind reviews of a case, oldest first. */
export async function listReviews(q: Queryable, tenantId: string, caseId: string): Promise<ReviewRow[]> {
  const { rows } = await q.query<ReviewRow>(
    `select r.reviewer_key_id, r.action, d.rationale, r.reviewed_at from case_reviews r
     join decisions d on d.tenant_id = r.tenant_id and d.id = r.decision_id
     where r.tenant_id = $1 and r.case_id = $2 order by r.reviewed_at, r.reviewer_key_id`,
    [tenantId, caseId],
  );
  return rows;
}

/** A ready-made response or rejection text. */
export interface TemplateRow {
  id: string;
  kind: 'response' | 'rejection';
  name: string;
  body: string;
  reason: string | null;
}

/** The tenant's live templates, by name. */
export async function listTemplates(q: Queryable, tenantId: string): Promise<TemplateRow[]> {
  const { rows } = await q.query<TemplateRow>(
    `select id, kind, name, body, reason from response_templates
     where tenant_id = $1 and archived_at is null order by name`,
    [tenantId],
  );
  return rows;
}
