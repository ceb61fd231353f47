import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import type { ClockEvent } from '../queue/sla-clock.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { applyStepActions } from './actions.js';
import { loadClockEvents } from './clock-events.js';
import type { EscalationPolicy } from './config.js';
import { actionsOf, findStep, nextRepeat, reachedAt } from './ladder.js';
import { escalationPolicy } from './policy.js';
import {
  findDueSteps,
  findUnscheduledCases,
  insertFiring,
  lockEscalatingCase,
  rescheduleStep,
  takeStep,
  type ScheduleRow,
} from './queries.js';
import { caseClock, scheduleCaseEscalations } from './schedule.js';

// A paused clock has nothing due; its steps are looked at again this much later (or on resume).
const PAUSED_RECHECK_MS = 5 * 60_000;
// Steps one run takes at most; the next run (a second later) goes on with the rest.
const BATCH = 500;

/**
 * Fires every step due at `ctx.clock()`, each in its own transaction with its actions, audit entry
 * and notifications. Safe to run anywhere, any number of times: removing the schedule row and the
 * unique firing key make each (case, step, repeat) fire at most once. Returns how many fired.
 */
export async function fireDueSteps(ctx: Ctx, limit = BATCH): Promise<number> {
  const now = ctx.clock();
  const policy = escalationPolicy(ctx);
  let fired = 0;
  for (const due of await findDueSteps(ctx.db, now, limit)) {
    const events = due.share === null ? null : await loadClockEvents(ctx.db, due.tenant_id, due.case_id);
    if (await ctx.db.transaction((tx) => fireStep(tx, policy, due, events, now))) fired++;
  }
  return fired;
}

async function fireStep(
  tx: Queryable,
  policy: EscalationPolicy,
  due: ScheduleRow,
  events: ClockEvent[] | null,
  now: Date,
): Promise<boolean> {
  const taken = await takeStep(tx, due);
  if (!taken) return false;
  const kase = await lockEscalatingCase(tx, due.tenant_id, due.case_id);
  // A decided case climbs no further; its remaining steps leave the schedule as they come due.
  if (!kase || kase.status === 'closed') return false;
  const dueAt = new Date(taken.due_at);
  if (events && taken.share !== null && taken.repeat_n === 0) {
    // The clock was paused since the step was planned: fire when the share is really reached.
    const reached = reachedAt(caseClock(policy, kase, events), taken.share, now);
    if (!reached || reached > now) {
      const later = reached ?? new Date(now.getTime() + PAUSED_RECHECK_MS);
      await rescheduleStep(tx, { ...taken, due_at: later });
      return false;
    }
  }
  const actions = actionsOf(policy, kase.risk_class, taken.step);
  const firing = { step: taken.step, repeat_n: taken.repeat_n, share: taken.share, due_at: dueAt };
  const first = await insertFiring(tx, {
    ...firing,
    tenant_id: kase.tenant_id,
    case_id: kase.id,
    fired_at: now,
    actions,
  });
  if (!first) return false;
  const effects = await applyStepActions(tx, policy, kase, firing, actions, now);
  await appendAudit(tx, [
    {
      tenantId: kase.tenant_id,
      kind: 'case.escalated',
      transactionId: kase.transaction_id,
      caseId: kase.id,
      actor: 'system',
      at: now,
      body: { ...firing, due_at: dueAt.toISOString(), actions, effects },
    },
  ]);
  // Acknowledging stops repeats (PagerDuty semantics); `max` bounds them otherwise.
  const step = findStep(policy, kase.risk_class, taken.step);
  const next = step && !kase.acknowledged_at ? nextRepeat(step, firing) : null;
  if (next) await rescheduleStep(tx, { tenant_id: kase.tenant_id, case_id: kase.id, ...next });
  return true;
}

/** Schedules undecided cases that have no ladder yet: an intake that died between its two writes. */
export async function scheduleMissedCases(ctx: Ctx, limit = 1000): Promise<number> {
  const missed = await findUnscheduledCases(ctx.db, limit);
  await scheduleCaseEscalations(ctx.db, escalationPolicy(ctx), missed, ctx.clock());
  return missed.length;
}

/** Fires due escalation steps every second, on the leader only. */
export const fireEscalationsTask: ScheduledTask = {
  name: 'escalation-fire',
  everyMs: 1_000,
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
