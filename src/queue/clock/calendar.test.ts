import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, parseCalendar, type Calendar } from './calendar.js';

const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Mon–Fri 09:00–17:00 in `zone`. */
function makeOffice(zone: string, holidays: string[] = []): Calendar {
  const day = ['09:00-17:00'];
  return parseCalendar({
    time_zone: zone,
    hours: { mon: day, tue: day, wed: day, thu: day, fri: day },
    holidays,
  });
}

/** Open all day on the given days (every day by default). */
function makeAllDay(zone: string, days: readonly string[] = WEEK): Calendar {
  return parseCalendar({ time_zone: zone, hours: Object.fromEntries(days.map((d) => [d, ['00:00-24:00']])) });
}

/** A local wall-clock time in `zone` as an instant. */
function local(iso: string, zone = LONDON): Date {
  return DateTime.fromISO(iso, { zone }).toJSDate();
}

/** Tiny seeded PRNG (mulberry32) so property tests are reproducible without extra libraries. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseCalendar', () => {
  it('reads a policy calendar into sorted minute intervals', () => {
    const cal = parseCalendar({
      time_zone: LONDON,
      hours: { mon: ['13:00-17:00', '09:00-12:00'], sat: [] },
      holidays: ['2026-12-25'],
    });
    expect(cal.hours.mon).toEqual([
      { open_minute: 540, close_minute: 720 },
      { open_minute: 780, close_minute: 1020 },
    ]);
    expect(cal.hours.tue).toEqual([]);
    expect(cal.holidays).toEqual(['2026-12-25']);
    expect(Object.isFrozen(cal)).toBe(true);
  });

  it.each([
    [null, /^calendar: expected an object/],
    [{ time_zone: 'Mars/Olympus', hours: { mon: ['09:00-17:00'] } }, /^calendar\.time_zone: /],
    [{ time_zone: LONDON }, /^calendar\.hours: expected an object/],
    [{ time_zone: LONDON, hours: { monday: ['09:00-17:00'] } }, /^calendar\.hours\.monday: unknown weekday/],
    [{ time_zone: LONDON, hours: { mon: '09:00-17:00' } }, /^calendar\.hours\.mon: expected a list/],
    [{ time_zone: LONDON, hours: { mon: ['9-17'] } }, /^calendar\.hours\.mon\[0\]: expected "HH:MM-HH:MM"/],
    [
      { time_zone: LONDON, hours: { tue: ['09:00-17:00', '25:00-26:00'] } },
      /^calendar\.hours\.tue\[1\]: not a time/,
    ],
    [
      { time_zone: LONDON, hours: { mon: ['17:00-09:00'] } },
      /^calendar\.hours\.mon\[0\]: closes before it opens/,
    ],
    [
      { time_zone: LONDON, hours: { mon: ['12:00-18:00', '09:00-13:00'] } },
      /^calendar\.hours\.mon\[0\]: overlaps/,
    ],
    [{ time_zone: LONDON, hours: { mon: [] } }, /^calendar\.hours: the calendar is never open/],
    [
      { time_zone: LONDON, hours: { mon: ['09:00-17:00'] }, holidays: ['2026-02-30'] },
      /^calendar\.holidays\[0\]/,
    ],
    [{ time_zone: LONDON, hours: { mon: ['09:00-17:00'] }, holidays: '2026-12-25' }, /^calendar\.holidays: /],
    [{ time_zone: LONDON, hours: { mon: ['09:00-17:00'] }, open: true }, /^calendar\.open: unknown field/],
  ])('refuses %j naming the bad path', (input, message) => {
    expect(() => parseCalendar(input)).toThrow(message);
  });

  it('names the path under the caller’s prefix and accepts YAML 1.1 dates', () => {
    expect(() => parseCalendar({ time_zone: 1 }, 'workflows.support.calendar')).toThrow(
      /^workflows\.support\.calendar\.time_zone: /,
    );
    const cal = parseCalendar({
      time_zone: LONDON,
      hours: { mon: ['09:00-17:00'] },
      holidays: [new Date('2026-12-25T00:00:00Z')],
    });
    expect(cal.holidays).toEqual(['2026-12-25']);
  });
});

describe('addBusinessMinutes on an office calendar', () => {
  const office = makeOffice(LONDON);

  it('carries a 4 h target from Fri 16:00 to Mon 12:00, with its 75 % point at Mon 11:00', () => {
    const start = local('2026-01-16T16:00');
    expect(addBusinessMinutes(office, start, 240)).toEqual(local('2026-01-19T12:00'));
    expect(addBusinessMinutes(office, start, 0.75 * 240)).toEqual(local('2026-01-19T11:00'));
  });

  it('starts a weekend case at the next opening: 2 h from Saturday 10:00 is Mon 11:00', () => {
    expect(addBusinessMinutes(office, local('2026-01-17T10:00'), 120)).toEqual(local('2026-01-19T11:00'));
  });

  it('walks uneven days: 16 h from Mon 11:00 with Wed closed is Thu 11:00', () => {
    const cal = parseCalendar({
      time_zone: LONDON,
      hours: { mon: ['09:00-17:00'], tue: ['09:00-16:00'], wed: [], thu: ['08:00-17:00'] },
    });
    expect(addBusinessMinutes(cal, local('2026-01-12T11:00'), 16 * 60)).toEqual(local('2026-01-15T11:00'));
  });

  it.each([
    ['before hours', '2026-01-12T07:00', 60, '2026-01-12T10:00'],
    ['inside hours', '2026-01-12T10:00', 60, '2026-01-12T11:00'],
    ['after hours', '2026-01-12T18:00', 60, '2026-01-13T10:00'],
    ['at closing', '2026-01-12T17:00', 60, '2026-01-13T10:00'],
    ['outside hours with no time to add', '2026-01-12T18:00', 0, '2026-01-12T18:00'],
    ['outside hours with a minute to add', '2026-01-12T18:00', 1, '2026-01-13T09:01'],
    ['inside hours with no time to add', '2026-01-12T10:00', 0, '2026-01-12T10:00'],
    ['running out exactly at closing', '2026-01-16T13:00', 240, '2026-01-16T17:00'],
  ])('starts %s', (_label, start, minutes, due) => {
    expect(addBusinessMinutes(office, local(start), minutes)).toEqual(local(due));
  });

  it('skips holidays', () => {
    const cal = makeOffice(LONDON, ['2026-01-16']);
    expect(addBusinessMinutes(cal, local('2026-01-15T15:00'), 240)).toEqual(local('2026-01-19T11:00'));
    const xmas = makeOffice(LONDON, ['2026-12-25', '2026-12-28']);
    expect(addBusinessMinutes(xmas, local('2026-12-24T16:00'), 120)).toEqual(local('2026-12-29T10:00'));
    expect(businessMinutesBetween(xmas, local('2026-12-24T09:00'), local('2026-12-30T09:00'))).toBe(16 * 60);
  });

  it('handles several intervals a day and a shift across midnight', () => {
    const split = parseCalendar({ time_zone: LONDON, hours: { mon: ['09:00-12:00', '13:00-17:00'] } });
    expect(addBusinessMinutes(split, local('2026-01-12T11:00'), 120)).toEqual(local('2026-01-12T14:00'));
    const night = parseCalendar({ time_zone: LONDON, hours: { mon: ['22:00-24:00'], tue: ['00:00-06:00'] } });
    expect(addBusinessMinutes(night, local('2026-01-12T23:00'), 120)).toEqual(local('2026-01-13T01:00'));
    expect(addBusinessMinutes(night, local('2026-01-12T12:00'), 180)).toEqual(local('2026-01-13T01:00'));
  });

  it('adds 10,000 business hours by stepping days, not minutes', () => {
    const start = local('2026-01-05T09:00');
    const t0 = performance.now();
    const due = addBusinessMinutes(office, start, 10_000 * 60);
    // A minute-by-minute walk over five years takes seconds; a day-stepping one, milliseconds.
    expect(performance.now() - t0).toBeLessThan(1000);
    // 10,000 h at 40 h a week is exactly 250 weeks, ending on the 250th Friday at closing.
    const fri = DateTime.fromISO('2026-01-05T17:00', { zone: LONDON }).plus({ weeks: 249, days: 4 });
    expect(due).toEqual(fri.toJSDate());
    expect(businessMinutesBetween(office, start, due)).toBe(10_000 * 60);
  });

  it('refuses negative or non-finite minutes and invalid dates', () => {
    expect(() => addBusinessMinutes(office, local('2026-01-12T10:00'), -1)).toThrow(/minutes must be/);
    expect(() => addBusinessMinutes(undefined, new Date(NaN), 1)).toThrow(/start must be a valid Date/);
    expect(() => businessMinutesBetween(office, new Date(NaN), new Date())).toThrow(/a must be a valid Date/);
  });
});

describe('24×7 time', () => {
  it('is wall-clock minutes without a calendar', () => {
    const a = new Date('2026-03-28T12:00:00Z');
    expect(addBusinessMinutes(undefined, a, 90)).toEqual(new Date('2026-03-28T13:30:00Z'));
    expect(businessMinutesBetween(undefined, a, new Date('2026-03-29T12:00:00Z'))).toBe(1440);
    expect(businessMinutesBetween(undefined, new Date('2026-03-29T12:00:00Z'), a)).toBe(-1440);
  });

  it('treats a calendar open every day all day like no calendar, unless it has holidays', () => {
    const cal = makeAllDay(LONDON);
    const a = local('2026-01-12T10:00');
    expect(addBusinessMinutes(cal, a, 3000)).toEqual(new Date(a.getTime() + 3000 * 60_000));
    const withHoliday: Calendar = { ...cal, holidays: ['2026-01-13'] };
    expect(businessMinutesBetween(withHoliday, a, local('2026-01-14T10:00'))).toBe(24 * 60);
  });
});

describe('DST', () => {
  // Sunday switches in 2026: London 29 Mar / 25 Oct, New York 8 Mar / 1 Nov.
  it.each([
    [LONDON, '2026-03-27', '2026-03-30', '2026-03-30T09:00:00Z'],
    [LONDON, '2026-10-23', '2026-10-26', '2026-10-26T10:00:00Z'],
    [NEW_YORK, '2026-03-06', '2026-03-09', '2026-03-09T14:00:00Z'],
    [NEW_YORK, '2026-10-30', '2026-11-02', '2026-11-02T15:00:00Z'],
  ])('keeps office hours on local wall time in %s around %s', (zone, fri, mon, monTenUtc) => {
    const office = makeOffice(zone);
    expect(addBusinessMinutes(office, local(`${fri}T16:00`, zone), 120)).toEqual(new Date(monTenUtc));
    expect(businessMinutesBetween(office, local(`${fri}T09:00`, zone), local(`${mon}T17:00`, zone))).toBe(
      960,
    );
  });

  it.each([
    [LONDON, '2026-03-28', '2026-03-30', 47],
    [LONDON, '2026-10-24', '2026-10-26', 49],
    [NEW_YORK, '2026-03-07', '2026-03-09', 47],
    [NEW_YORK, '2026-10-31', '2026-11-02', 49],
  ])('counts real elapsed time across the switch when open: %s weekend of %s', (zone, sat, mon, hours) => {
    const [from, to] = [local(`${sat}T00:00`, zone), local(`${mon}T00:00`, zone)];
    const wall = (to.getTime() - from.getTime()) / 60_000;
    expect(wall).toBe(hours * 60);
    // 24×7 (fast path), no calendar, and a weekend-only calendar (day-stepping path) all agree.
    for (const cal of [makeAllDay(zone), undefined, makeAllDay(zone, ['sat', 'sun'])]) {
      expect(businessMinutesBetween(cal, from, to)).toBe(wall);
      expect(addBusinessMinutes(cal, from, wall)).toEqual(to);
    }
    const noon = local(`${sat}T12:00`, zone);
    const dayLater = new Date(noon.getTime() + 86_400_000);
    expect(addBusinessMinutes(makeAllDay(zone, ['sat', 'sun']), noon, 1440)).toEqual(dayLater);
  });

  it.each([
    // New York springs 02:00 EST → 03:00 EDT: 00:00–03:00 holds 2 h; 02:30 does not exist, so
    // 02:30–04:00 opens at the switch (03:00 EDT) and holds 1 h.
    [NEW_YORK, '2026-03-08', '00:00-03:00', 120, '2026-03-08T05:00:00Z', '2026-03-08T07:00:00Z'],
    [NEW_YORK, '2026-03-08', '02:30-04:00', 60, '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z'],
    // New York falls 02:00 EDT → 01:00 EST: 00:00–03:00 holds 4 h; 01:30 happens twice and opens at
    // the first, so 01:30–03:00 holds 2.5 h.
    [NEW_YORK, '2026-11-01', '00:00-03:00', 240, '2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z'],
    [NEW_YORK, '2026-11-01', '01:30-03:00', 150, '2026-11-01T05:30:00Z', '2026-11-01T08:00:00Z'],
    [LONDON, '2026-03-29', '00:30-02:30', 60, '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z'],
    [LONDON, '2026-10-25', '00:30-02:30', 180, '2026-10-24T23:30:00Z', '2026-10-25T02:30:00Z'],
  ])('counts %s on %s open %s as %i real minutes', (zone, sun, hours, minutes, opens, closes) => {
    const cal = parseCalendar({ time_zone: zone, hours: { sun: [hours] } });
    const [from, to] = [local(`${sun}T00:00`, zone), local(`${sun}T12:00`, zone)];
    expect(businessMinutesBetween(cal, from, to)).toBe(minutes);
    expect(addBusinessMinutes(cal, from, 1)).toEqual(new Date(Date.parse(opens) + 60_000));
    expect(addBusinessMinutes(cal, from, minutes)).toEqual(new Date(closes));
  });
});

describe('businessMinutesBetween is the inverse of addBusinessMinutes', () => {
  const calendars: [string, Calendar | undefined][] = [
    ['London office with holidays', makeOffice(LONDON, ['2026-03-30', '2026-10-26', '2026-12-25'])],
    [
      'New York split shifts',
      parseCalendar({
        time_zone: NEW_YORK,
        hours: {
          mon: ['08:00-12:00', '13:00-18:30'],
          wed: ['00:00-03:00'],
          sat: ['22:00-24:00'],
          sun: ['00:00-06:00'],
        },
      }),
    ],
    ['London weekends', makeAllDay(LONDON, ['sat', 'sun'])],
    ['New York 24×7', makeAllDay(NEW_YORK)],
    ['wall clock', undefined],
  ];

  it.each(calendars)('holds for random starts and amounts on %s', (_name, cal) => {
    const random = mulberry32(20260329);
    const span = Date.UTC(2027, 11, 31) - Date.UTC(2026, 0, 1);
    for (let i = 0; i < 300; i++) {
      const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * span));
      const minutes = Math.floor(random() * 6000) + Math.floor(random() * 60_000) / 60_000;
      const due = addBusinessMinutes(cal, start, minutes);
      expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect(businessMinutesBetween(cal, start, due)).toBeCloseTo(minutes, 9);
      // The other way round: adding the business time up to any instant lands no later than it.
      const other = new Date(start.getTime() + Math.floor(random() * 30 * 86_400_000));
      const between = businessMinutesBetween(cal, start, other);
      const back = addBusinessMinutes(cal, start, between);
      expect(back.getTime()).toBeLessThanOrEqual(other.getTime());
      expect(businessMinutesBetween(cal, back, other)).toBe(0);
      // Additive over a split at any instant.
      const mid = new Date(start.getTime() + Math.floor(random() * (other.getTime() - start.getTime())));
      expect(businessMinutesBetween(cal, start, mid) + businessMinutesBetween(cal, mid, other)).toBeCloseTo(
        between,
        9,
      );
    }
  });
});
