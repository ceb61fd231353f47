import type { Queryable } from '../db/index.js';
import type { ClockEvent } from '../queue/clock/sla-clock.js';
import type { EscalationPolicy } from './config.js';
import { planCaseSteps, type CaseClock } from './ladder.js';
import { insertSchedules, upsertUnfiredSteps, type ScheduleRow } from './queries.js';

/** A just-opened case, as escalation needs it to plan its ladder. */
export interface OpenedCase {
  tenant_id: string;
  id: string;
  risk_class: string;
  sla_minutes: number;
  entered_at: Date | string;
}

/** The clock of a case that has only started: its SLA target under the class calendar, one start event. */
export function caseClock(
  policy: EscalationPolicy,
  c: OpenedCase,
  events?: readonly ClockEvent[],
): CaseClock {
  const entered = new Date(c.entered_at);
  return {
    risk_class: c.risk_class,
    entered_at: entered,
    target: { minutes: Number(c.sla_minutes), calendar: policy.sla_calendars[c.risk_class] },
    events: events ?? [{ kind: 'start', at: entered }],
  };
}

/**
 * Plans the ladder of each opened case and writes its due steps, in one statement. Idempotent: a
 * case already scheduled keeps its schedule. Call it where cases open (intake for now).
 */
export async function scheduleCaseEscalations(
  q: Queryable,
  policy: EscalationPolicy,
  cases: readonly OpenedCase[],
  now: Date,
): Promise<void> {
  if (cases.length === 0) return;
  const steps = cases.flatMap((c) => planRows(policy, c, caseClock(policy, c), now));
  const marks = cases.map((c) => ({ tenant_id: c.tenant_id, case_id: c.id, at: now.toISOString() }));
  await insertSchedules(q, marks, steps);
}

/**
 * Re-plans a case's ladder after its clock paused or resumed (call in the clock event's transaction):
 * steps not yet fired move to when their share is now reached; fired steps stay fired. While paused
 * nothing moves; the firing itself re-checks the clock, so a missed call only delays, never skips.
 */
export async function rescheduleCase(
  q: Queryable,
  policy: EscalationPolicy,
  c: OpenedCase,
  events: readonly ClockEvent[],
  now: Date,
): Promise<void> {
  const steps = planRows(policy, c, caseClock(policy, c, events), now);
  if (steps.length > 0) await upsertUnfiredSteps(q, steps);
}

function planRows(policy: EscalationPolicy, c: OpenedCase, clock: CaseClock, now: Date): ScheduleRow[] {
  return planCaseSteps(policy, clock, now).map((s) => ({
    tenant_id: c.tenant_id,
    case_id: c.id,
    step: s.step,
    repeat_n: s.repeat_n,
    share: s.share,
    due_at: s.due_at.toISOString(),
  }));
}
