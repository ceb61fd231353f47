import type { Queryable } from '../../db/index.js';

/** A judge job claimed for a run, with the texts to judge. */
export interface ClaimedJudgeJob {
  tenant_id: string;
  transaction_id: string;
  attempts: number;
  redacted_prompt: unknown;
  redacted_output: string;
}

/** Queues a transaction for the judge; a second enqueue of the same one does nothing. */
export async function insertJudgeJob(
  q: Queryable,
  tenantId: string,
  transactionId: string,
  at: Date,
): Promise<void> {
  await q.query(
    `insert into judge_jobs (tenant_id, transaction_id, status, run_after, created_at)
     values ($1, $2, 'pending', $3, $3) on conflict do nothing`,
    [tenantId, transactionId, at],
  );
}

/**
 * Claims up to `limit` due jobs by pushing their `run_after` out by the lease, so another process
 * skips them (SKIP LOCKED) and a crashed run is retried when the lease ends; counts the attempt.
 */
export async function claimJudgeJobs(
  q: Queryable,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedJudgeJob[]> {
  const { rows } = await q.query<ClaimedJudgeJob>(
    `with due as (
       select tenant_id, transaction_id from judge_jobs
       where status = 'pending' and run_after <= $1
       order by run_after limit $3 for update skip locked
     ), claimed as (
       update judge_jobs j set attempts = j.attempts + 1, run_after = $2
       from due where j.tenant_id = due.tenant_id and j.transaction_id = due.transaction_id
       returning j.tenant_id, j.transaction_id, j.attempts
     )
     select c.tenant_id, c.transaction_id, c.attempts, t.redacted_prompt, t.redacted_output
     from claimed c join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id`,
    [now, leaseUntil, limit],
  );
  return rows;
}

/** Stores a judge score (first one wins) and marks its job done. */
export async function insertJudgeScore(
  q: Queryable,
  row: {
    tenant_id: string;
    transaction_id: string;
    score: number;
    rationale: string | null;
    model: string;
    judged_at: Date;
  },
): Promise<void> {
  await q.query(
    `insert into judge_scores (tenant_id, transaction_id, score, rationale, model, judged_at)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
    [row.tenant_id, row.transaction_id, row.score, row.rationale, row.model, row.judged_at],
  );
  await q.query(
    `update judge_jobs set status = 'done', last_error = null where tenant_id = $1 and transaction_id = $2`,
    [row.tenant_id, row.transaction_id],
  );
}

/** Records a failed attempt: retried at `retryAt`, or `failed` for good when `final`. */
export async function recordJudgeFailure(
  q: Queryable,
  job: { tenant_id: string; transaction_id: string },
  error: string,
  retryAt: Date,
  final: boolean,
): Promise<void> {
  await q.query(
    `update judge_jobs set status = $3, last_error = $4, run_after = $5 where tenant_id = $1 and transaction_id = $2`,
    [job.tenant_id, job.transaction_id, final ? 'failed' : 'pending', error.slice(0, 1000), retryAt],
  );
}
