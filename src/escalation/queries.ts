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

/** Removes a due step from the schedule; undefined when another run took it first. */
export async function takeStep(q: Queryable, s: ScheduleRow): Promise<ScheduleRow | undefined> {
  const { rows } = await q.query<ScheduleRow>(
    `delete from escalation_schedule where tenant_id = $1 and case_id = $2 and step = $3 and repeat_n = $4
     returning tenant_id, case_id, step, repeat_n, share, due_at`,
    [s.tenant_id, s.case_id, s.step, s.repeat_n],
  );
  return rows[0];
}

/**
 * Claims the one firing of (case, step, repeat): true only the first time ever. The primary key is
 * what makes a failover or a restart never fire a step twice.
 */
export async function insertFiring(
  q: Queryable,
  f: {
    tenant_id: string;
    case_id: string;
    step: string;
    repeat_n: number;
    due_at: Date;
    fired_at: Date;
    actions: string[];
  },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `insert into escalation_firings (tenant_id, case_id, step, repeat_n, due_at, fired_at, actions)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
    [f.tenant_id, f.case_id, f.step, f.repeat_n, f.due_at, f.fired_at, f.actions],
  );
  return rowCount > 0;
}

/** Locks a case for a firing and reads what escalation needs of it. */
export async function lockEscalatingCase(
  q: Queryable,
  tenantId: string,
  caseId: string,
): Promise<EscalatingCase | undefined> {
  const { rows } = await q.query<EscalatingCase>(
    `select c.tenant_id, c.id, c.transaction_id, c.status, c.level, c.risk_class, c.sla_minutes, c.entered_at,
            c.due_at, c.claimed_by, c.group_name, c.bump, e.acknowledged_at
     from cases c left join case_escalations e on e.tenant_id = c.tenant_id and e.case_id = c.id
     where c.tenant_id = $1 and c.id = $2 for update of c`,
    [tenantId, caseId],
  );
  return rows[0];
}

/** Lifts a case one risk class in the queue order (see `priority`). */
export async function bumpCase(q: Queryable, tenantId: string, caseId: string): Promise<void> {
  await q.query(`update cases set bump = bump + 1 where tenant_id = $1 and id = $2`, [tenantId, caseId]);
}

/** Hands a case to another group; a claim stays with its reviewer. */
export async function moveCaseToGroup(
  q: Queryable,
  tenantId: string,
  caseId: string,
  group: string,
): Promise<void> {
  await q.query(`update cases set group_name = $3 where tenant_id = $1 and id = $2`, [
    tenantId,
    caseId,
    group,
  ]);
}

/**
 * Moves an undecided case up to `level` (and `group`, when given) and back into the queue for that
 * level. `due_at` and `entered_at` stay: moving up never resets the end-to-end clock.
 */
export async function raiseLevel(
  q: Queryable,
  c: { tenantId: string; caseId: string; level: number; group: string | null },
): Promise<void> {
  await q.query(
    `update cases set level = $3, group_name = coalesce($4, group_name), status = 'open', claimed_by = null,
       claimed_at = null, lease_expires_at = null
     where tenant_id = $1 and id = $2 and status <> 'closed'`,
    [c.tenantId, c.caseId, c.level, c.group],
  );
}

/** Puts a step back on the schedule at a new due time (the clock was paused in between). */
export async function rescheduleStep(q: Queryable, s: ScheduleRow): Promise<void> {
  await q.query(
    `insert into escalation_schedule (tenant_id, case_id, step, repeat_n, share, due_at)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (tenant_id, case_id, step, repeat_n) do update set due_at = excluded.due_at`,
    [s.tenant_id, s.case_id, s.step, s.repeat_n, s.share, s.due_at],
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
