import type { Queryable } from '../db/index.js';

/** One row of `escalation_schedule`: a step of a case, due at `due_at`. */
export interface ScheduleRow {
  tenant_id: string;
  case_id: string;
  step: string;
  repeat_n: number;
  share: number | null;
  due_at: Date | string;
}

/** What a firing needs to know about its case, read under a row lock. */
export interface EscalatingCase {
  tenant_id: string;
  id: string;
  transaction_id: string;
  status: 'open' | 'claimed' | 'closed';
  level: number;
  risk_class: string;
  sla_minutes: number;
  entered_at: Date;
  due_at: Date;
  claimed_by: string | null;
  group_name: string | null;
  bump: number;
  acknowledged_at: Date | null;
}

/**
 * Records that cases are scheduled and inserts their steps, in one statement. Already scheduled
 * steps stay as they are, so scheduling twice (intake, then the repair sweep) changes nothing.
 */
export async function insertSchedules(
  q: Queryable,
  cases: { tenant_id: string; case_id: string; at: string }[],
  steps: ScheduleRow[],
): Promise<void> {
  await q.query(
    `with c as (
       insert into case_escalations (tenant_id, case_id, scheduled_at)
       select tenant_id, case_id, at from jsonb_to_recordset($1::jsonb) as x(tenant_id text, case_id text, at timestamptz)
       on conflict do nothing)
     insert into escalation_schedule (tenant_id, case_id, step, repeat_n, share, due_at)
     select tenant_id, case_id, step, repeat_n, share, due_at
     from jsonb_to_recordset($2::jsonb)
       as x(tenant_id text, case_id text, step text, repeat_n int, share double precision, due_at timestamptz)
     on conflict do nothing`,
    [JSON.stringify(cases), JSON.stringify(steps)],
  );
}

/** The earliest due steps at `now` (read without locks; each is taken in its own transaction). */
export async function findDueSteps(q: Queryable, now: Date, limit: number): Promise<ScheduleRow[]> {
  const { rows } = await q.query<ScheduleRow>(
    `select tenant_id, case_id, step, repeat_n, share, due_at from escalation_schedule
     where due_at <= $1 order by due_at limit $2`,
    [now, limit],
  );
  return rows;
}

const STEP_COLUMNS = `tenant_id text, case_id text, step text, repeat_n int, share double precision, due_at timestamptz`;

/** Removes due steps from the schedule, returning those this run took (another run may have taken some). */
export async function takeSteps(q: Queryable, steps: readonly ScheduleRow[]): Promise<ScheduleRow[]> {
  const { rows } = await q.query<ScheduleRow>(
    `delete from escalation_schedule s using jsonb_to_recordset($1::jsonb) as x(${STEP_COLUMNS})
     where s.tenant_id = x.tenant_id and s.case_id = x.case_id and s.step = x.step and s.repeat_n = x.repeat_n
     returning s.tenant_id, s.case_id, s.step, s.repeat_n, s.share, s.due_at`,
    [JSON.stringify(steps)],
  );
  return rows;
}

/** A firing to record: (case, step, repeat) with when it was due and what it does. */
export interface FiringRow {
  tenant_id: string;
  case_id: string;
  step: string;
  repeat_n: number;
  due_at: Date;
  fired_at: Date;
  actions: string[];
}

/**
 * Claims firings of (case, step, repeat): returns the keys recorded now, never one recorded before.
 * The primary key is what makes a failover or a restart never fire a step twice.
 */
export async function insertFirings(q: Queryable, firings: readonly FiringRow[]): Promise<Set<string>> {
  if (firings.length === 0) return new Set();
  const { rows } = await q.query<{ k: string }>(
    `insert into escalation_firings (tenant_id, case_id, step, repeat_n, due_at, fired_at, actions)
     select tenant_id, case_id, step, repeat_n, due_at, fired_at, actions
     from jsonb_to_recordset($1::jsonb)
       as x(tenant_id text, case_id text, step text, repeat_n int, due_at timestamptz, fired_at timestamptz, actions text[])
     on conflict do nothing
     returning tenant_id || ' ' || case_id || ' ' || step || ' ' || repeat_n as k`,
    [JSON.stringify(firings)],
  );
  return new Set(rows.map((r) => r.k));
}

/** The key `insertFirings` reports a firing by. */
export function firingKey(f: { tenant_id: string; case_id: string; step: string; repeat_n: number }): string {
  return `${f.tenant_id} ${f.case_id} ${f.step} ${f.repeat_n}`;
}

/** Locks the cases of a batch of firings, in a fixed order so two runs never deadlock. */
export async function lockEscalatingCases(
  q: Queryable,
  keys: readonly { tenant_id: string; case_id: string }[],
): Promise<Map<string, EscalatingCase>> {
  const { rows } = await q.query<EscalatingCase>(
    `select c.tenant_id, c.id, c.transaction_id, c.status, c.level, c.risk_class, c.sla_minutes, c.entered_at,
            c.due_at, c.claimed_by, c.group_name, c.bump, e.acknowledged_at
     from cases c left join case_escalations e on e.tenant_id = c.tenant_id and e.case_id = c.id
     where (c.tenant_id, c.id) in (select tenant_id, case_id from jsonb_to_recordset($1::jsonb) as x(tenant_id text, case_id text))
     order by c.tenant_id, c.id
     for update of c`,
    [JSON.stringify(keys)],
  );
  return new Map(rows.map((r) => [`${r.tenant_id} ${r.id}`, r]));
}

/**
 * Writes what firings did to their cases: bump, group, level; a case moved up a level goes back to the
 * queue for it. `due_at` and `entered_at` stay: moving up never resets the end-to-end clock.
 */
export async function updateEscalatedCases(
  q: Queryable,
  cases: readonly {
    tenant_id: string;
    id: string;
    bump: number;
    group_name: string | null;
    level: number;
    requeue: boolean;
  }[],
): Promise<void> {
  if (cases.length === 0) return;
  await q.query(
    `update cases c set bump = x.bump, group_name = x.group_name, level = x.level,
       status = case when x.requeue then 'open' else c.status end,
       claimed_by = case when x.requeue then null else c.claimed_by end,
       claimed_at = case when x.requeue then null else c.claimed_at end,
       lease_expires_at = case when x.requeue then null else c.lease_expires_at end
     from jsonb_to_recordset($1::jsonb) as x(tenant_id text, id text, bump int, group_name text, level int, requeue boolean)
     where c.tenant_id = x.tenant_id and c.id = x.id and c.status <> 'closed'`,
    [JSON.stringify(cases)],
  );
}

/** Puts steps (back) on the schedule at their due times: repeats, and steps a pause moved. */
export async function rescheduleSteps(q: Queryable, steps: readonly ScheduleRow[]): Promise<void> {
  if (steps.length === 0) return;
  await q.query(
    `insert into escalation_schedule (tenant_id, case_id, step, repeat_n, share, due_at)
     select tenant_id, case_id, step, repeat_n, share, due_at from jsonb_to_recordset($1::jsonb) as x(${STEP_COLUMNS})
     on conflict (tenant_id, case_id, step, repeat_n) do update set due_at = excluded.due_at`,
    [JSON.stringify(steps)],
  );
}

/**
 * Acknowledges a case's escalation: its pending repeats are dropped and no more are scheduled.
 * False when the case has no escalation record (not held, or another tenant's).
 */
export async function acknowledgeCase(
  q: Queryable,
  a: { tenantId: string; caseId: string; by: string; at: Date },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `update case_escalations set acknowledged_at = coalesce(acknowledged_at, $3), acknowledged_by = coalesce(acknowledged_by, $4)
     where tenant_id = $1 and case_id = $2`,
    [a.tenantId, a.caseId, a.at, a.by],
  );
  if (rowCount === 0) return false;
  await q.query(`delete from escalation_schedule where tenant_id = $1 and case_id = $2 and repeat_n > 0`, [
    a.tenantId,
    a.caseId,
  ]);
  return true;
}

/** Undecided cases that have no escalation schedule yet (an intake that died between its two writes). */
export async function findUnscheduledCases(
  q: Queryable,
  limit: number,
): Promise<{ tenant_id: string; id: string; risk_class: string; sla_minutes: number; entered_at: Date }[]> {
  const { rows } = await q.query<{
    tenant_id: string;
    id: string;
    risk_class: string;
    sla_minutes: number;
    entered_at: Date;
  }>(
    `select c.tenant_id, c.id, c.risk_class, c.sla_minutes, c.entered_at from cases c
     where c.status <> 'closed'
       and not exists (select 1 from case_escalations e where e.tenant_id = c.tenant_id and e.case_id = c.id)
     limit $1`,
    [limit],
  );
  return rows;
}

/** The steps a case has fired, in order: what `GET /v1/cases/{id}/escalations` shows. */
export async function listFirings(
  q: Queryable,
  tenantId: string,
  caseId: string,
): Promise<{ step: string; repeat_n: number; due_at: Date; fired_at: Date; actions: string[] }[]> {
  const { rows } = await q.query<{
    step: string;
    repeat_n: number;
    due_at: Date;
    fired_at: Date;
    actions: string[];
  }>(
    `select step, repeat_n, due_at, fired_at, actions from escalation_firings
     where tenant_id = $1 and case_id = $2 order by fired_at, due_at`,
    [tenantId, caseId],
  );
  return rows;
}

/** Sets the due time of steps that have not fired yet (inserting them when missing). */
export async function upsertUnfiredSteps(q: Queryable, steps: ScheduleRow[]): Promise<void> {
  await q.query(
    `insert into escalation_schedule (tenant_id, case_id, step, repeat_n, share, due_at)
     select x.tenant_id, x.case_id, x.step, x.repeat_n, x.share, x.due_at
     from jsonb_to_recordset($1::jsonb)
       as x(tenant_id text, case_id text, step text, repeat_n int, share double precision, due_at timestamptz)
     where not exists (
       select 1 from escalation_firings f
       where f.tenant_id = x.tenant_id and f.case_id = x.case_id and f.step = x.step and f.repeat_n = x.repeat_n)
     on conflict (tenant_id, case_id, step, repeat_n) do update set due_at = excluded.due_at`,
    [JSON.stringify(steps)],
  );
}
