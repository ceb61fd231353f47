import type { Queryable } from '../db/index.js';

// SLA metrics over a window of one tenant, optionally one workflow ($4, null = all). Each function
// is one query; medians and p95 come from percentile_cont, never averages alone.

const TX_SCOPE = `t.tenant_id = $1 and t.created_at >= $2 and t.created_at < $3 and ($4::text is null or t.workflow = $4)`;
const CASE_SCOPE = `c.tenant_id = $1 and ($4::text is null or t.workflow = $4)`;

type Scope = [tenantId: string, from: Date, to: Date, workflow: string | null];

/** Per risk class: transactions, those every gate passed, those sent to review, and released ones. */
export async function selectFlow(q: Queryable, ...scope: Scope) {
  const { rows } = await q.query<{
    risk_class: string;
    transactions: number;
    gates_passed: number;
    reviewed: number;
    released: number;
  }>(
    `select t.risk_class, count(*)::float8 as transactions,
       (count(*) filter (where not exists (
         select 1 from jsonb_array_elements(case when jsonb_typeof(t.gates) = 'array' then t.gates else '[]' end) g
         where g->>'outcome' <> 'pass')))::float8 as gates_passed,
       (count(*) filter (where t.case_id is not null))::float8 as reviewed,
       (count(*) filter (where t.verdict = 'released'))::float8 as released
     from transactions t where ${TX_SCOPE} group by t.risk_class order by t.risk_class`,
    scope,
  );
  return rows;
}

/** Decisions made in the window, with their case's class, reason, SLA points and reviewer. */
export async function selectDecisions(q: Queryable, ...scope: Scope) {
  const { rows } = await q.query<{
    risk_class: string;
    case_reason: string | null;
    action: string;
    reason: string | null;
    reviewer_key_id: string;
    time_spent_ms: number;
    decided_at: Date;
    due_at: Date;
  }>(
    `select c.risk_class, c.reason as case_reason, d.action, d.reason, d.reviewer_key_id, d.time_spent_ms,
       d.decided_at, c.due_at
     from decisions d join cases c on c.tenant_id = d.tenant_id and c.id = d.case_id
     join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id
     where ${CASE_SCOPE} and d.decided_at >= $2 and d.decided_at < $3`,
    scope,
  );
  return rows;
}

/** Cases that entered in the window: their three SLA points and deadline. */
export async function selectCases(q: Queryable, ...scope: Scope) {
  const { rows } = await q.query<{
    risk_class: string;
    entered_at: Date;
    first_action_at: Date | null;
    closed_at: Date | null;
    due_at: Date;
  }>(
    `select c.risk_class, c.entered_at, c.first_action_at, c.closed_at, c.due_at
     from cases c join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id
     where ${CASE_SCOPE} and c.entered_at >= $2 and c.entered_at < $3`,
    scope,
  );
  return rows;
}

/** Undecided cases at `$2` per class: how many, and how many are past their SLA. */
export async function selectBacklog(q: Queryable, tenantId: string, now: Date, workflow: string | null) {
  const { rows } = await q.query<{ risk_class: string; open: number; overdue: number }>(
    `select c.risk_class, count(*)::float8 as open, (count(*) filter (where c.due_at < $2))::float8 as overdue
     from cases c join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id
     where c.tenant_id = $1 and c.status <> 'closed' and c.entered_at <= $2 and ($3::text is null or t.workflow = $3)
     group by c.risk_class order by c.risk_class`,
    [tenantId, now, workflow],
  );
  return rows;
}

/** Safety incidents reported in the window on released outputs. */
export async function countSafetyIncidents(q: Queryable, ...scope: Scope): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::float8 as n from feedback f
     join transactions t on t.tenant_id = f.tenant_id and t.id = f.transaction_id
     where f.kind = 'safety_incident' and ${TX_SCOPE}`,
    scope,
  );
  return rows[0]!.n;
}

/**
 * Audit completeness (seed 1: "full prompt-response-review metadata captured"): transactions of
 * the window with their received, gates and routed entries, a case.opened entry when held, and a
 * case.decided entry once their case closed. The audit issue (#8) may replace this with its own
 * `auditCompleteness`; this is the one query to swap.
 */
export async function countAuditComplete(
  q: Queryable,
  ...scope: Scope
): Promise<{ total: number; complete: number }> {
  const { rows } = await q.query<{ total: number; complete: number }>(
    `select count(*)::float8 as total, (count(*) filter (where complete))::float8 as complete from (
       select (
         select count(distinct a.kind) = 3 from audit_entries a
         where a.tenant_id = t.tenant_id and a.transaction_id = t.id
           and a.kind in ('transaction.received', 'gates.evaluated', 'transaction.routed')
       ) and (t.case_id is null or exists (
         select 1 from audit_entries a where a.tenant_id = t.tenant_id and a.transaction_id = t.id and a.kind = 'case.opened'
       )) and (t.case_id is null or c.status <> 'closed' or exists (
         select 1 from audit_entries a where a.tenant_id = t.tenant_id and a.transaction_id = t.id and a.kind = 'case.decided'
       )) as complete
       from transactions t left join cases c on c.tenant_id = t.tenant_id and c.id = t.case_id
       where ${TX_SCOPE}
     ) x`,
    scope,
  );
  return rows[0]!;
}

/** The latest golden-set evaluation of each set. */
export async function selectLatestGoldenRuns(q: Queryable, tenantId: string) {
  const { rows } = await q.query<{ set_name: string; items: number; matched: number; evaluated_at: Date }>(
    `select distinct on (set_name) set_name, items, matched, evaluated_at from golden_runs
     where tenant_id = $1 order by set_name, evaluated_at desc`,
    [tenantId],
  );
  return rows;
}

/** Policy versions, workflows and case reasons seen per day in [from, to), for deviation reasons. */
export async function selectDailyFacts(q: Queryable, tenantId: string, from: Date, to: Date) {
  const { rows } = await q.query<{
    day: string;
    policy_versions: string[];
    workflows: string[];
    reasons: string[];
  }>(
    `select to_char(date_trunc('day', t.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
       array_agg(distinct t.policy_version) as policy_versions,
       array_remove(array_agg(distinct t.workflow), null) as workflows,
       array_remove(array_agg(distinct t.reason), null) as reasons
     from transactions t where t.tenant_id = $1 and t.created_at >= $2 and t.created_at < $3
     group by 1 order by 1`,
    [tenantId, from, to],
  );
  return rows;
}

/** Decisions per reviewer per day in [from, to): who usually works and who was missing. */
export async function selectReviewerDays(q: Queryable, tenantId: string, from: Date, to: Date) {
  const { rows } = await q.query<{ day: string; reviewer_key_id: string; decisions: number }>(
    `select to_char(date_trunc('day', d.decided_at at time zone 'UTC'), 'YYYY-MM-DD') as day, d.reviewer_key_id,
       count(*)::float8 as decisions
     from decisions d where d.tenant_id = $1 and d.decided_at >= $2 and d.decided_at < $3 group by 1, 2`,
    [tenantId, from, to],
  );
  return rows;
}

/** Transactions, reviewed transactions and decisions per hour of [from, to) (hour index from `from`). */
export async function selectHourly(q: Queryable, tenantId: string, from: Date, to: Date) {
  const { rows } = await q.query<{ hour: number; transactions: number; reviewed: number; decisions: number }>(
    `select hour, sum(transactions)::float8 as transactions, sum(reviewed)::float8 as reviewed,
       sum(decisions)::float8 as decisions from (
       select floor(extract(epoch from t.created_at - $2::timestamptz) / 3600)::int as hour, count(*) as transactions,
         count(*) filter (where t.case_id is not null) as reviewed, 0 as decisions
       from transactions t where t.tenant_id = $1 and t.created_at >= $2 and t.created_at < $3 group by 1
       union all
       select floor(extract(epoch from d.decided_at - $2::timestamptz) / 3600)::int, 0, 0, count(*)
       from decisions d where d.tenant_id = $1 and d.decided_at >= $2 and d.decided_at < $3 group by 1
     ) x group by hour order by hour`,
    [tenantId, from, to],
  );
  return rows;
}
