import { computeSlaClock, type ClockEvent, type SlaTarget } from '../queue/clock/sla-clock.js';
import type { EscalationPolicy, LadderStep, StepAction } from './config.js';
import { ladderFor } from './config.js';

/** The step name of seed 1's "any review taking > 2 h → Level 2" rule; it is scheduled like a rung. */
export const REVIEW_TIME_LIMIT_STEP = 'review_time_limit';

/** One pending firing of a step: `share` of the SLA (null for a fixed-time step), due at `due_at`. */
export interface PlannedStep {
  step: string;
  repeat_n: number;
  share: number | null;
  due_at: Date;
}

/** What a case's schedule is computed from: its class, its SLA target and its clock events so far. */
export interface CaseClock {
  risk_class: string;
  entered_at: Date;
  target: SlaTarget;
  events: readonly ClockEvent[];
}

/**
 * Every step a case will climb, with its due time from the SLA clock's elapsed share (`pointAt`):
 * business time under the class calendar, pauses excluded. A paused clock yields no ladder steps
 * (nothing is due while nothing counts); they are planned again on resume.
 */
export function planCaseSteps(policy: EscalationPolicy, c: CaseClock, now: Date): PlannedStep[] {
  const clock = computeSlaClock(c.target, c.events, now);
  const planned: PlannedStep[] = [];
  if (clock.state === 'running') {
    for (const s of ladderFor(policy, c.risk_class)) {
      planned.push({ step: s.step, repeat_n: 0, share: s.at, due_at: clock.pointAt(s.at)! });
    }
  }
  const limit = policy.review_time_limit;
  if (limit && clock.state !== 'stopped') {
    const due = new Date(c.entered_at.getTime() + limit.minutes * 60_000);
    planned.push({ step: REVIEW_TIME_LIMIT_STEP, repeat_n: 0, share: null, due_at: due });
  }
  return planned;
}

/**
 * When a ladder step's share is actually reached given the clock now: the same time when nothing
 * paused it, later after a pause, null while paused or stopped (nothing to fire yet, or ever).
 */
export function reachedAt(c: CaseClock, share: number, now: Date): Date | null {
  const clock = computeSlaClock(c.target, c.events, now);
  return clock.state === 'running' ? clock.pointAt(share) : null;
}

/** The step's definition in the case's ladder, or undefined when the policy no longer has it. */
export function findStep(policy: EscalationPolicy, riskClass: string, step: string): LadderStep | undefined {
  return ladderFor(policy, riskClass).find((s) => s.step === step);
}

/** The next repeat of a fired step, or null when it does not repeat or has used up `max`. */
export function nextRepeat(step: LadderStep, fired: PlannedStep): PlannedStep | null {
  if (!step.repeat || fired.repeat_n >= step.repeat.max) return null;
  return {
    step: fired.step,
    repeat_n: fired.repeat_n + 1,
    share: fired.share,
    due_at: new Date(fired.due_at.getTime() + step.repeat.every_minutes * 60_000),
  };
}

/** The actions a firing runs: the rung's own, or seed 1's > 2 h rule (raise the level). */
export function actionsOf(policy: EscalationPolicy, riskClass: string, step: string): StepAction[] {
  if (step === REVIEW_TIME_LIMIT_STEP) return policy.review_time_limit ? ['raise_level'] : [];
  return findStep(policy, riskClass, step)?.actions ?? [];
}
