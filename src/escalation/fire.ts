import { appendAudit, type AuditInput } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { raiseIncident } from '../incidents/index.js';
import { enqueueNotifications, type NotificationInput } from '../notify/outbox.js';
import type { ClockEvent } from '../queue/clock/sla-clock.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { planFiring, type CaseState, type FiringPlan } from './actions.js';
import { loadClockEvents } from './clock-events.js';
import type { EscalationPolicy } from './config.js';
import { actionsOf, findStep, nextRepeat, reachedAt } from './ladder.js';
import { escalationPolicy } from './policy.js';
import {
  findDueSteps,
  findUnscheduledCases,
  firingKey,
  insertFirings,
  lockEscalatingCases,
  rescheduleSteps,
  takeSteps,
  updateEscalatedCases,
  type EscalatingCase,
  type ScheduleRow,
} from './queries.js';
import { caseClock, scheduleCaseEscalations } from './schedule.js';

// A paused clock has nothing due; its steps are looked at again this much later (or on resume).
const PAUSED_RECHECK_MS = 5 * 60_000;
// Steps one run takes at most, all in one transaction; the task runs again at once while full.
const BATCH = 500;

/**
 * Fires the steps due at `ctx.clock()` (at most `limit`) in one transaction with their actions,
 * audit entries and notifications; returns how many fired. Safe to run anywhere, any number of times:
 * taking the schedule row and the unique firing key make each (case, step, repeat) fire at most once.
 * If the batch fails, each step is tried alone so one bad step cannot hold up the rest.
 */
export async function fireDueSteps(ctx: Ctx, limit = BATCH): Promise<number> {
  const now = ctx.clock();
  const policy = escalationPolicy(ctx);
  const due = await findDueSteps(ctx.db, now, limit);
  if (due.length === 0) return 0;
  const events = await loadClockEvents(ctx.db, due);
  try {
    return await ctx.db.transaction((tx) => fireBatch(tx, policy, due, events, now));
  } catch (err) {
    ctx.log.error('escalation batch failed; firing one by one', { error: String(err) });
    let fired = 0;
    for (const step of due) {
      try {
        fired += await ctx.db.transaction((tx) => fireBatch(tx, policy, [step], events, now));
      } catch (one) {
        ctx.log.error('escalation step failed', {
          case_id: step.case_id,
          step: step.step,
          error: String(one),
        });
      }
    }
    return fired;
  }
}

async function fireBatch(
  tx: Queryable,
  policy: EscalationPolicy,
  due: readonly ScheduleRow[],
  events: Map<string, ClockEvent[]>,
  now: Date,
): Promise<number> {
  const cases = await lockEscalatingCases(tx, due);
  // Steps of one case fire in due order, each seeing what the one before did.
  const taken = (await takeSteps(tx, due)).sort((a, b) => +new Date(a.due_at) - +new Date(b.due_at));
  const later: ScheduleRow[] = [];
  const firing: { row: ScheduleRow; kase: EscalatingCase; actions: ReturnType<typeof actionsOf> }[] = [];
  for (const row of taken) {
    const kase = cases.get(`${row.tenant_id} ${row.case_id}`);
    // A decided case climbs no further: its steps just leave the schedule.
    if (!kase || kase.status === 'closed') continue;
    const clock = events.get(`${row.tenant_id} ${row.case_id}`);
    if (clock && row.share !== null && row.repeat_n === 0) {
      // The clock was paused since the step was planned: fire when the share is really reached.
      const reached = reachedAt(caseClock(policy, kase, clock), row.share, now);
      if (!reached || reached > now) {
        later.push({ ...row, due_at: reached ?? new Date(now.getTime() + PAUSED_RECHECK_MS) });
        continue;
      }
    }
    firing.push({ row, kase, actions: actionsOf(policy, kase.risk_class, row.step) });
  }
  const recorded = await insertFirings(
    tx,
    firing.map(({ row, actions }) => ({ ...row, due_at: new Date(row.due_at), fired_at: now, actions })),
  );
  const states = new Map<string, CaseState>();
  const notifications: NotificationInput[] = [];
  const audit: AuditInput[] = [];
  const incidents: { plan: FiringPlan; entry: AuditInput }[] = [];
  for (const { row, kase, actions } of firing) {
    if (!recorded.has(firingKey(row))) continue;
    const key = `${kase.tenant_id} ${kase.id}`;
    const before = states.get(key) ?? { ...kase, requeue: false };
    const step = { step: row.step, repeat_n: row.repeat_n, share: row.share, due_at: new Date(row.due_at) };
    const plan = planFiring(policy, before, step, actions, now);
    states.set(key, plan.state);
    notifications.push(...plan.notifications);
    const entry: AuditInput = {
      tenantId: kase.tenant_id,
      kind: 'case.escalated',
      transactionId: kase.transaction_id,
      caseId: kase.id,
      actor: 'system',
      at: now,
      body: { ...step, due_at: step.due_at.toISOString(), actions, effects: plan.effects },
    };
    if (plan.incident) incidents.push({ plan, entry });
    audit.push(entry);
    // Acknowledging stops repeats (PagerDuty semantics); `max` bounds them otherwise.
    const def = findStep(policy, kase.risk_class, row.step);
    const next = def && !kase.acknowledged_at ? nextRepeat(def, step) : null;
    if (next) later.push({ tenant_id: kase.tenant_id, case_id: kase.id, ...next });
  }
  for (const { plan, entry } of incidents) {
    const { incident } = await raiseIncident(tx, plan.incident!);
    (entry.body.effects as Record<string, unknown>).incident_id = incident.id;
  }
  await updateEscalatedCases(tx, [...states.values()]);
  await enqueueNotifications(tx, notifications);
  await appendAudit(tx, audit);
  await rescheduleSteps(tx, later);
  return audit.length;
}

/** Schedules undecided cases that have no ladder yet: an intake that died between its two writes. */
export async function scheduleMissedCases(ctx: Ctx, limit = 1000): Promise<number> {
  const missed = await findUnscheduledCases(ctx.db, limit);
  await scheduleCaseEscalations(ctx.db, escalationPolicy(ctx), missed, ctx.clock());
  return missed.length;
}

/**
 * Fires due escalation steps four times a second, on the leader only: an idle tick is one indexed
 * query (about 1 ms with 100k open cases), and the interval bounds how late a step fires.
 */
export const fireEscalationsTask: ScheduledTask = {
  name: 'escalation-fire',
  everyMs: 250,
  leaderOnly: true,
  run: async (ctx) => {
    // Keep going while whole batches come back, so a burst is not spread over many seconds.
    while ((await fireDueSteps(ctx)) >= BATCH);
  },
};

/** Once a minute, gives a ladder to any undecided case that lacks one. */
export const scheduleMissedCasesTask: ScheduledTask = {
  name: 'escalation-repair',
  everyMs: 60_000,
  leaderOnly: true,
  run: async (ctx) => {
    await scheduleMissedCases(ctx);
  },
};
