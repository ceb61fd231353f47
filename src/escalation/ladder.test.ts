import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseCalendar } from '../queue/clock/calendar.js';
import { compileEscalation } from './config.js';
import { nextRepeat, planCaseSteps, reachedAt } from './ladder.js';
import { onShift } from './shifts.js';

const ZONE = 'Asia/Almaty';
const local = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const office = {
  time_zone: ZONE,
  hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['09:00-18:00']])),
};

describe('planCaseSteps on a business-hours SLA', () => {
  // An 8 business-hour SLA entered Friday 14:00: 4 h left on Friday, 4 h on Monday.
  const policy = compileEscalation({
    calendars: { support: office },
    risk_classes: { medium: { sla: { calendar: 'support' } } },
  });
  const entered = local('2026-01-16T14:00');
  const c = {
    risk_class: 'medium',
    entered_at: entered,
    target: { minutes: 480, calendar: policy.sla_calendars.medium },
    events: [{ kind: 'start' as const, at: entered }],
  };

  it('puts each rung at its share of business time, skipping the weekend', () => {
    const plan = planCaseSteps(policy, c, entered);
    const at = Object.fromEntries(plan.map((s) => [s.step, s.due_at]));
    expect(at.warn).toEqual(local('2026-01-16T18:00')); // 50 %: 4 business hours, Friday closing
    expect(at.pre_breach).toEqual(local('2026-01-19T11:00')); // 75 %: Monday 11:00
    expect(at.breach).toEqual(local('2026-01-19T13:00')); // 100 %
    expect(at.overdue).toEqual(local('2026-01-20T12:00')); // 200 %: 16 business hours
    // Seed 1's "> 2 h review" counts wall-clock time from entry.
    expect(at.review_time_limit).toEqual(local('2026-01-16T16:00'));
  });

  it('moves a rung by the business time a pause took, and has nothing due while paused', () => {
    const paused = [
      ...c.events,
      { kind: 'pause' as const, at: local('2026-01-16T15:00'), reason: 'waiting for customer' },
    ];
    expect(reachedAt({ ...c, events: paused }, 0.75, local('2026-01-16T16:00'))).toBeNull();
    expect(
      planCaseSteps(policy, { ...c, events: paused }, local('2026-01-16T16:00')).map((s) => s.step),
    ).toEqual(['review_time_limit']);
    const resumed = [...paused, { kind: 'resume' as const, at: local('2026-01-19T10:00') }];
    // Paused for 4 business hours (Fri 15–18, Mon 09–10): 75 % moves from Mon 11:00 to 15:00.
    expect(reachedAt({ ...c, events: resumed }, 0.75, local('2026-01-19T10:00'))).toEqual(
      local('2026-01-19T15:00'),
    );
  });

  it('bounds repeats by max', () => {
    const step = { at: 0.75, step: 'pre_breach', actions: [], repeat: { every_minutes: 10, max: 2 } };
    const first = { step: 'pre_breach', repeat_n: 0, share: 0.75, due_at: entered };
    const second = nextRepeat(step, first)!;
    expect(second).toMatchObject({ repeat_n: 1, due_at: new Date(entered.getTime() + 600_000) });
    expect(nextRepeat(step, nextRepeat(step, second)!)).toBeNull();
    expect(nextRepeat({ ...step, repeat: null }, first)).toBeNull();
  });
});

describe('onShift', () => {
  const day = parseCalendar({ time_zone: ZONE, hours: { mon: ['09:00-18:00'] } });
  const night = parseCalendar({ time_zone: ZONE, hours: { mon: ['18:00-24:00'], tue: ['00:00-09:00'] } });
  const group = {
    level: 1,
    backup: null,
    members: [],
    shifts: [
      { member: 'dana', role: 'lead', calendar: day },
      { member: 'nurlan', role: 'lead', calendar: night },
      { member: 'bob', role: 'member', calendar: undefined },
    ],
  };

  it('resolves "the shift lead" to the person on shift now', () => {
    expect(onShift(group, 'lead', local('2026-01-19T10:00'))).toEqual(['dana']);
    expect(onShift(group, 'lead', local('2026-01-19T23:30'))).toEqual(['nurlan']);
    expect(onShift(group, 'lead', local('2026-01-20T12:00'))).toEqual([]);
    expect(onShift(group, 'member', local('2026-01-20T12:00'))).toEqual(['bob']);
    expect(onShift({ ...group, shifts: [], members: ['x'] }, 'member', new Date())).toEqual(['x']);
  });
});
