import type { Queryable } from '../db/index.js';

/** Undecided cases per risk class: how many, the oldest one's age, how many are past due. */
export async function selectQueueGauges(
  q: Queryable,
  now: Date,
): Promise<{ risk_class: string; depth: number; oldest_age_s: number; overdue: number }[]> {
  const { rows } = await q.query<{
    risk_class: string;
    depth: number;
    oldest_age_s: number;
    overdue: number;
  }>(
    `select risk_class, count(*)::float8 as depth,
       coalesce(extract(epoch from $1 - min(entered_at)), 0)::float8 as oldest_age_s,
       (count(*) filter (where due_at < $1))::float8 as overdue
     from cases where status <> 'closed' group by risk_class order by risk_class`,
    [now],
  );
  return rows;
}
