import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseCalendar } from './calendar.js';
import { computeSlaClock, type ClockEvent, type ClockEventKind } from './sla-clock.js';

const LONDON = 'Europe/London';
const day = ['09:00-17:00'];
const office = parseCalendar({
  time_zone: LONDON,
  hours: { mon: day, tue: day, wed: day, thu: day, fri: day },
});

/** Monday 12 January 2026, `hhmm` London time (GMT, so equal to UTC). */
function mon(hhmm: string): Date {
  return new Date(`2026-01-12T${hhmm}:00Z`);
}

/** A local wall-clock time in London as an instant. */
function local(iso: string): Date {
  return DateTime.fromISO(iso, { zone: LONDON }).toJSDate();
}

function makeEvent(kind: ClockEventKind, at: Date, reason?: string): ClockEvent {
  return { kind, at, reason };
}

const wall30 = { minutes: 30 };

describe('computeSlaClock', () => {
  it('counts a running wall-clock target', () => {
    const clock = computeSlaClock(wall30, [makeEvent('start', mon('10:00'))], mon('10:20'));
    expect(clock).toMatchObject({
      state: 'running',
      started_at: mon('10:00'),
      stopped_at: null,
      paused_since: null,
      elapsed_minutes: 20,
      paused_minutes: 0,
      remaining_minutes: 10,
      due_at: mon('10:30'),
      original_due_at: mon('10:30'),
      breached: false,
    });
    expect(clock.elapsed_share).toBeCloseTo(2 / 3, 12);
    expect(clock.pointAt(0.75)).toEqual(new Date('2026-01-12T10:22:30Z'));
    expect(clock.pointAt(1)).toEqual(clock.due_at);
  });

  it('shifts due_at by the paused time and keeps original_due_at', () => {
    const events = [
      makeEvent('start', mon('10:00')),
      makeEvent('pause', mon('10:10'), 'waiting for the customer'),
      makeEvent('resume', mon('10:25')),
    ];
    const clock = computeSlaClock(wall30, events, mon('10:30'));
    expect(clock).toMatchObject({
      state: 'running',
      elapsed_minutes: 15,
      paused_minutes: 15,
      due_at: mon('10:45'),
      original_due_at: mon('10:30'),
    });
    // 25 % was reached before the pause; 75 % (22.5 min) comes 12.5 min after the resume.
    expect(clock.pointAt(0.25)).toEqual(new Date('2026-01-12T10:07:30Z'));
    expect(clock.pointAt(0.75)).toEqual(new Date('2026-01-12T10:37:30Z'));
  });

  it('moves due_at on while paused, as if resumed now', () => {
    const events = [makeEvent('start', mon('10:00')), makeEvent('pause', mon('10:10'), 'legal hold')];
    const clock = computeSlaClock(wall30, events, mon('10:40'));
    expect(clock).toMatchObject({
      state: 'paused',
      paused_since: mon('10:10'),
      elapsed_minutes: 10,
      paused_minutes: 30,
      due_at: mon('11:00'),
      original_due_at: mon('10:30'),
    });
  });

  it('counts business time under a calendar: 4 h from Fri 16:00 is due Mon 12:00, 75 % at Mon 11:00', () => {
    const target = { minutes: 240, calendar: office };
    const start = makeEvent('start', local('2026-01-16T16:00'));
    const clock = computeSlaClock(target, [start], local('2026-01-19T10:00'));
    expect(clock).toMatchObject({ elapsed_minutes: 120, due_at: local('2026-01-19T12:00') });
    expect(clock.pointAt(0.75)).toEqual(local('2026-01-19T11:00'));
    // Paused Fri 16:30 → Mon 10:00 is 90 business minutes (30 on Friday, 60 on Monday), not 65 h.
    const paused = computeSlaClock(
      target,
      [
        start,
        makeEvent('pause', local('2026-01-16T16:30'), 'waiting'),
        makeEvent('resume', local('2026-01-19T10:00')),
      ],
      local('2026-01-19T10:00'),
    );
    expect(paused).toMatchObject({
      elapsed_minutes: 30,
      paused_minutes: 90,
      due_at: local('2026-01-19T13:30'),
      original_due_at: local('2026-01-19T12:00'),
    });
  });

  it('breaches only past the target, and keeps counting overdue', () => {
    const start = [makeEvent('start', mon('10:00'))];
    expect(computeSlaClock(wall30, start, mon('10:30'))).toMatchObject({ breached: false, elapsed_share: 1 });
    const late = computeSlaClock(wall30, start, mon('10:31'));
    expect(late).toMatchObject({ breached: true, remaining_minutes: -1, due_at: mon('10:30') });
    expect(late.elapsed_share).toBeCloseTo(31 / 30, 12);
  });

  it('flags a clock stopped late and freezes it at the stop', () => {
    const events = [makeEvent('start', mon('10:00')), makeEvent('stop', mon('10:45'))];
    const clock = computeSlaClock(wall30, events, mon('12:00'));
    expect(clock).toMatchObject({
      state: 'stopped',
      stopped_at: mon('10:45'),
      elapsed_minutes: 45,
      breached: true,
      due_at: mon('10:30'),
    });
  });

  it('does not flag a clock stopped in time, however late it is read', () => {
    const events = [makeEvent('start', mon('10:00')), makeEvent('stop', mon('10:20'))];
    const clock = computeSlaClock(wall30, events, mon('18:00'));
    expect(clock).toMatchObject({ elapsed_minutes: 20, remaining_minutes: 10, breached: false });
    expect(clock.due_at).toEqual(mon('10:30'));
  });

  it('stops while paused, and a pause after the deadline does not move it', () => {
    const stoppedPaused = computeSlaClock(
      wall30,
      [
        makeEvent('start', mon('10:00')),
        makeEvent('pause', mon('10:10'), 'waiting'),
        makeEvent('stop', mon('10:30')),
      ],
      mon('11:00'),
    );
    expect(stoppedPaused).toMatchObject({ state: 'stopped', elapsed_minutes: 10, paused_minutes: 20 });
    const pausedLate = computeSlaClock(
      wall30,
      [
        makeEvent('start', mon('10:00')),
        makeEvent('pause', mon('10:40'), 'waiting'),
        makeEvent('resume', mon('11:00')),
      ],
      mon('11:10'),
    );
    expect(pausedLate).toMatchObject({ elapsed_minutes: 50, breached: true, due_at: mon('10:30') });
  });

  it('records warn and breach events without moving the clock', () => {
    const events = [
      makeEvent('start', mon('10:00')),
      makeEvent('warn', mon('10:22')),
      makeEvent('warn', mon('10:25')),
      makeEvent('breach', mon('10:31')),
    ];
    const clock = computeSlaClock(wall30, events, mon('10:40'));
    expect(clock).toMatchObject({
      elapsed_minutes: 40,
      warned_at: mon('10:22'),
      breach_recorded_at: mon('10:31'),
    });
  });

  it('reports a clock with no events as not started', () => {
    const clock = computeSlaClock(wall30, [], mon('10:00'));
    expect(clock).toMatchObject({
      state: 'not_started',
      started_at: null,
      due_at: null,
      original_due_at: null,
      elapsed_minutes: 0,
      remaining_minutes: 30,
      elapsed_share: 0,
      breached: false,
    });
    expect(clock.pointAt(0.75)).toBeNull();
  });

  it('reads a `now` earlier than the last event as that event', () => {
    const clock = computeSlaClock(wall30, [makeEvent('start', mon('10:00'))], mon('09:59'));
    expect(clock).toMatchObject({ elapsed_minutes: 0, remaining_minutes: 30, due_at: mon('10:30') });
  });

  it('runs a stage clock from the stage’s own events while the end-to-end clock runs on', () => {
    const endToEnd = computeSlaClock(wall30, [makeEvent('start', mon('10:00'))], mon('10:25'));
    const stage = computeSlaClock({ minutes: 15 }, [makeEvent('start', mon('10:20'))], mon('10:25'));
    expect(endToEnd.elapsed_minutes).toBe(25);
    expect(stage).toMatchObject({ elapsed_minutes: 5, due_at: mon('10:35') });
  });

  it.each([
    [
      'resume without pause',
      [
        ['start', '10:00'],
        ['resume', '10:05'],
      ],
      /#1 \(resume .*\): resume without a pause/,
    ],
    [
      'pause twice',
      [
        ['start', '10:00'],
        ['pause', '10:05', 'x'],
        ['pause', '10:06', 'y'],
      ],
      /#2 .*already paused/,
    ],
    [
      'pause without reason',
      [
        ['start', '10:00'],
        ['pause', '10:05'],
      ],
      /#1 .*a pause needs a reason/,
    ],
    [
      'blank reason',
      [
        ['start', '10:00'],
        ['pause', '10:05', '  '],
      ],
      /#1 .*a pause needs a reason/,
    ],
    [
      'event after stop',
      [
        ['start', '10:00'],
        ['stop', '10:05'],
        ['resume', '10:06'],
      ],
      /#2 .*already stopped/,
    ],
    [
      'warn after stop',
      [
        ['start', '10:00'],
        ['stop', '10:05'],
        ['warn', '10:06'],
      ],
      /#2 .*already stopped/,
    ],
    [
      'start twice',
      [
        ['start', '10:00'],
        ['start', '10:05'],
      ],
      /#1 .*never restarts/,
    ],
    ['pause before start', [['pause', '10:00', 'x']], /#0 .*has not started/],
    ['warn before start', [['warn', '10:00']], /#0 .*has not started/],
    [
      'out of time order',
      [
        ['start', '10:00'],
        ['stop', '09:00'],
      ],
      /#1 .*earlier than the event before/,
    ],
    [
      'unknown kind',
      [
        ['start', '10:00'],
        ['reset', '10:05'],
      ],
      /#1 .*unknown event kind/,
    ],
  ])('refuses %s', (_label, rows, message) => {
    const events = rows.map(([kind, hhmm, reason]) => makeEvent(kind as ClockEventKind, mon(hhmm!), reason));
    expect(() => computeSlaClock(wall30, events, mon('11:00'))).toThrow(message);
  });

  it('refuses a target that is not a positive number and a negative share', () => {
    const start = [makeEvent('start', mon('10:00'))];
    expect(() => computeSlaClock({ minutes: 0 }, start, mon('10:00'))).toThrow(/target minutes/);
    expect(() => computeSlaClock({ minutes: NaN }, start, mon('10:00'))).toThrow(/target minutes/);
    expect(() => computeSlaClock(wall30, start, mon('10:00')).pointAt(-0.1)).toThrow(/share/);
    expect(() => computeSlaClock(wall30, start, new Date(NaN))).toThrow(/now must be a valid Date/);
  });
});
