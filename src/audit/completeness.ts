import type { Queryable } from '../db/index.js';

// Seed 1's "audit completeness: percent of transactions with full prompt-response-review metadata
// captured — target 100 %". A transaction counts as complete when the log holds its receipt (full
// prompt incl. system context, model version, generation parameters, raw output), its gate results
// and its routing; when it opened a case, the case's opening; and when that case is closed, the
// decision that closed it. Entries count from the moment they commit to the outbox, which the
// integrator is bound to take into the signed log.

/** Complete transactions out of those created in a window; `ratio` is null when there were none. */
export interface AuditCompleteness {
  total: number;
  complete: number;
  ratio: number | null;
}

const REQUIRED = ['transaction.received', 'gates.evaluated', 'transaction.routed'];

/** Audit completeness of `tenantId`'s transactions created in [from, to), for the SLO engine. */
export async function auditCompleteness(
  q: Queryable,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<AuditCompleteness> {
  const { rows } = await q.query<{ total: number; complete: number }>(
    `with t as (
       select t.id, t.case_id, c.status as case_status
       from transactions t left join cases c on c.tenant_id = t.tenant_id and c.id = t.case_id
       where t.tenant_id = $1 and t.created_at >= $2 and t.created_at < $3
     ), k as (
       select e.transaction_id, array_agg(distinct e.kind) as kinds
       from audit_entries e join t on t.id = e.transaction_id
       where e.tenant_id = $1 group by e.transaction_id
     )
     select count(*)::int as total,
       count(*) filter (where k.kinds @> $4::text[]
         and (t.case_id is null or 'case.opened' = any(k.kinds))
         and (t.case_status is distinct from 'closed' or 'case.decided' = any(k.kinds)))::int as complete
     from t left join k on k.transaction_id = t.id`,
    [tenantId, from, to, REQUIRED],
  );
  const { total, complete } = rows[0]!;
  return { total, complete, ratio: total === 0 ? null : complete / total };
}
