import type { Queryable } from '../db/index.js';

/** A transaction's verdict, or null when the tenant has no such transaction. */
export async function selectTransactionVerdict(
  q: Queryable,
  tenantId: string,
  id: string,
): Promise<string | null> {
  const { rows } = await q.query<{ verdict: string }>(
    `select verdict from transactions where tenant_id = $1 and id = $2`,
    [tenantId, id],
  );
  return rows[0]?.verdict ?? null;
}

/** Inserts one feedback row. */
export async function insertFeedback(
  q: Queryable,
  r: {
    tenant_id: string;
    id: string;
    transaction_id: string;
    kind: string;
    detail: string | null;
    actor: string;
    at: Date;
  },
): Promise<void> {
  await q.query(
    `insert into feedback (tenant_id, id, transaction_id, kind, detail, actor, at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [r.tenant_id, r.id, r.transaction_id, r.kind, r.detail, r.actor, r.at],
  );
}

/** Inserts one rating row. */
export async function insertRating(
  q: Queryable,
  r: {
    tenant_id: string;
    id: string;
    transaction_id: string;
    score: number;
    comment: string | null;
    rater_key_id: string;
    at: Date;
  },
): Promise<void> {
  await q.query(
    `insert into ratings (tenant_id, id, transaction_id, score, comment, rater_key_id, at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [r.tenant_id, r.id, r.transaction_id, r.score, r.comment, r.rater_key_id, r.at],
  );
}
