import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;

/** The weekday keys of a calendar's `hours`, Monday first (ISO 8601 order). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A weekday key: `mon` … `sun`. */
export type Weekday = (typeof WEEKDAYS)[number];

/** One open interval of a local day, [open_minute, close_minute) in minutes after local midnight; close ≤ 1440. */
export interface OpenInterval {
  readonly open_minute: number;
  readonly close_minute: number;
}

/**
 * A business calendar: local wall-clock hours per weekday (sorted, non-overlapping; a missing or empty
 * day is closed) in an IANA time zone, and holidays (`YYYY-MM-DD` local dates, closed all day).
 * Build it with `parseCalendar`; `undefined` where a calendar is expected means 24×7 wall-clock time.
 */
export interface Calendar {
  readonly time_zone: string;
  readonly hours: Readonly<Record<Weekday, readonly OpenInterval[]>>;
  readonly holidays: readonly string[];
}

/**
 * Validates a calendar as written in a policy (`{time_zone, hours: {mon: ['09:00-17:00']}, holidays}`)
 * and returns it frozen; throws an Error naming the bad path under `at` (default `calendar`).
 */
export function parseCalendar(obj: unknown, at = 'calendar'): Calendar {
  if (!isRecord(obj)) fail(at, `expected an object, got ${show(obj)}`);
  for (const key of Object.keys(obj)) {
    if (key !== 'time_zone' && key !== 'hours' && key !== 'holidays') fail(`${at}.${key}`, 'unknown field');
  }
  const tz = obj.time_zone;
  if (typeof tz !== 'string' || !IANAZone.isValidZone(tz)) {
    fail(`${at}.time_zone`, `expected an IANA time zone such as "Europe/London", got ${show(tz)}`);
  }
  const hours = parseHours(obj.hours, `${at}.hours`);
  const holidays = parseHolidays(obj.holidays ?? [], `${at}.holidays`);
  return Object.freeze({ time_zone: tz, hours, holidays });
}

/**
 * The first instant at which `minutes` (≥ 0, 1 ms resolution) of business time have elapsed since
 * `start`: a start outside hours counts from the next opening, time running out at a closing is due at
 * that closing, and 0 minutes is `start` itself. `cal` undefined (or open 24×7) adds wall-clock time.
 */
export function addBusinessMinutes(cal: Calendar | undefined, start: Date, minutes: number): Date {
  const startMs = instantOf(start, 'start');
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new Error(`addBusinessMinutes: minutes must be a finite number ≥ 0, got ${show(minutes)}`);
  }
  let left = Math.round(minutes * MINUTE_MS);
  const c = cal && compile(cal);
  if (!c || c.alwaysOpen || left === 0) return new Date(startMs + left);
  for (const [from, to] of openSpans(c, startMs)) {
    // `<=` so that time running out exactly at a closing is due then, not at the next opening.
    if (left <= to - from) return new Date(from + left);
    left -= to - from;
  }
  throw new Error('unreachable: openSpans never ends');
}

/**
 * Business minutes in [a, b) under `cal` (negative when b is before a); `cal` undefined (or open 24×7)
 * gives wall-clock minutes. The inverse of `addBusinessMinutes`: between(s, add(s, m)) = m.
 */
export function businessMinutesBetween(cal: Calendar | undefined, a: Date, b: Date): number {
  const aMs = instantOf(a, 'a');
  const bMs = instantOf(b, 'b');
  if (bMs < aMs) return -businessMinutesBetween(cal, b, a);
  const c = cal && compile(cal);
  if (!c || c.alwaysOpen) return (bMs - aMs) / MINUTE_MS;
  let total = 0;
  for (const [from, to] of openSpans(c, aMs)) {
    if (from >= bMs) break;
    total += Math.min(to, bMs) - from;
  }
  return total / MINUTE_MS;
}

/** A calendar prepared for arithmetic: the zone object, hours by weekday index, holidays as day numbers. */
interface Compiled {
  readonly zone: IANAZone;
  readonly days: readonly (readonly OpenInterval[])[];
  readonly holidays: ReadonlySet<number>;
  readonly alwaysOpen: boolean;
}

// Calendars are immutable values, so their compiled form can be remembered without ever going stale.
const compiledCalendars = new WeakMap<Calendar, Compiled>();

function compile(cal: Calendar): Compiled {
  const known = compiledCalendars.get(cal);
  if (known) return known;
  if (!IANAZone.isValidZone(cal.time_zone)) throw new Error(`unknown time zone ${show(cal.time_zone)}`);
  const days = WEEKDAYS.map((d) => cal.hours[d] ?? []);
  // Without one open interval a week the span walk would never end; parseCalendar refuses this too.
  if (days.every((d) => d.length === 0)) throw new Error(`calendar in ${cal.time_zone} is never open`);
  const whole = (d: readonly OpenInterval[]) =>
    d.length === 1 && d[0]!.open_minute === 0 && d[0]!.close_minute === DAY_MINUTES;
  const compiled: Compiled = {
    zone: IANAZone.create(cal.time_zone),
    days,
    holidays: new Set(cal.holidays.map(dayNumberOf)),
    // Open all day every day with no holidays counts exactly the real elapsed time, DST or not.
    alwaysOpen: cal.holidays.length === 0 && days.every(whole),
  };
  compiledCalendars.set(cal, compiled);
  return compiled;
}

/**
 * The calendar's open spans [from, to) in epoch ms, in order, clipped to start at `fromMs`. Steps a
 * local day at a time (never minute by minute) and never ends: callers stop when they have enough.
 */
function* openSpans(c: Compiled, fromMs: number): Generator<readonly [number, number]> {
  // Offsets at day anchors (instant k × 1 day), each fetched once as the walk rolls forward: they
  // bracket a local day's switches, so a day costs about one zone look-up plus one per boundary.
  const anchors = new Map<number, number>();
  const anchor = (k: number): number => {
    let o = anchors.get(k);
    if (o === undefined) anchors.set(k, (o = offsetMs(c.zone, k * DAY_MS))).delete(k - 4);
    return o;
  };
  // Begin a day early: a span of the previous local day (closing at 24:00, or in a repeated hour
  // around midnight) may still be open at `fromMs`.
  for (let day = Math.floor((fromMs + offsetMs(c.zone, fromMs)) / DAY_MS) - 1; ; day++) {
    const intervals = c.holidays.has(day) ? [] : c.days[weekdayIndex(day)]!;
    for (const iv of intervals) {
      const at = (minute: number) =>
        toInstant(c.zone, day * DAY_MS + minute * MINUTE_MS, anchor(day - 1), anchor(day + 2));
      const open = at(iv.open_minute);
      const close = at(iv.close_minute);
      // A span lying wholly inside a spring-forward gap has close === open and holds no time.
      if (close > fromMs && close > open) yield [Math.max(open, fromMs), close];
    }
  }
}

/**
 * The first instant at which the local clock reads `local` (local wall time as epoch ms) or later: the
 * unique instant normally, the first occurrence in a fall-back repeated hour, and the switch itself
 * for a time skipped by spring-forward. Monotone in `local`, so consecutive spans never overlap.
 * `before` and `after` are the offsets in force over a day before and after `local`.
 */
function toInstant(zone: IANAZone, local: number, before: number, after: number): number {
  if (before === after && offsetMs(zone, local - before) === before) return local - before;
  const valid = [local - before, local - after].filter((t, i) => offsetMs(zone, t) === (i ? after : before));
  if (valid.length > 0) return Math.min(...valid);
  // In a gap: binary-search the switch, the first instant whose local time is at least `local`.
  let lo = local - Math.max(before, after);
  let hi = local - Math.min(before, after);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetMs(zone, mid) >= local) hi = mid;
    else lo = mid;
  }
  return hi;
}

function offsetMs(zone: IANAZone, ts: number): number {
  return Math.round(zone.offset(ts) * MINUTE_MS);
}

/** 0 = Monday for a local day number (days since 1970-01-01, a Thursday). */
function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function dayNumberOf(isoDate: string): number {
  return Date.UTC(...isoParts(isoDate)) / DAY_MS;
}

function isoParts(isoDate: string): [number, number, number] {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return [y, m - 1, d];
}

function parseHours(value: unknown, at: string): Record<Weekday, readonly OpenInterval[]> {
  if (!isRecord(value)) fail(at, `expected an object of weekdays (mon … sun), got ${show(value)}`);
  for (const key of Object.keys(value)) {
    if (!(WEEKDAYS as readonly string[]).includes(key))
      fail(`${at}.${key}`, 'unknown weekday, use mon … sun');
  }
  const hours = Object.fromEntries(
    WEEKDAYS.map((d) => [d, parseDay(value[d] ?? [], `${at}.${d}`)]),
  ) as Record<Weekday, readonly OpenInterval[]>;
  if (WEEKDAYS.every((d) => hours[d].length === 0)) fail(at, 'the calendar is never open');
  return Object.freeze(hours);
}

function parseDay(value: unknown, at: string): readonly OpenInterval[] {
  if (!Array.isArray(value)) fail(at, `expected a list of "HH:MM-HH:MM" intervals, got ${show(value)}`);
  const parsed = value.map((v, i) => ({ iv: parseInterval(v, `${at}[${i}]`), at: `${at}[${i}]` }));
  parsed.sort((x, y) => x.iv.open_minute - y.iv.open_minute);
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i]!.iv.open_minute < parsed[i - 1]!.iv.close_minute) {
      fail(parsed[i]!.at, `overlaps ${parsed[i - 1]!.at}`);
    }
  }
  return Object.freeze(parsed.map((p) => p.iv));
}

const INTERVAL = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/;

function parseInterval(value: unknown, at: string): OpenInterval {
  const m = typeof value === 'string' ? INTERVAL.exec(value) : null;
  if (!m) fail(at, `expected "HH:MM-HH:MM" such as "09:00-17:00", got ${show(value)}`);
  const [oh, om, ch, cm] = m.slice(1).map(Number) as [number, number, number, number];
  if (oh > 23 || om > 59 || ch > 24 || cm > 59 || (ch === 24 && cm > 0)) {
    fail(at, `not a time of day in ${show(value)} (00:00 … 24:00)`);
  }
  const iv = { open_minute: oh * 60 + om, close_minute: ch * 60 + cm };
  // An overnight shift is written as two intervals, e.g. mon 22:00-24:00 and tue 00:00-06:00.
  if (iv.close_minute <= iv.open_minute) fail(at, `closes before it opens in ${show(value)}`);
  return Object.freeze(iv);
}

function parseHolidays(value: unknown, at: string): readonly string[] {
  if (!Array.isArray(value)) fail(at, `expected a list of "YYYY-MM-DD" dates, got ${show(value)}`);
  return Object.freeze(value.map((v, i) => parseLocalDate(v, `${at}[${i}]`)));
}

function parseLocalDate(value: unknown, at: string): string {
  // A YAML loader using the 1.1 timestamp type hands dates over as UTC midnights.
  const text = value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value;
  const iso =
    typeof text === 'string' ? /^(\d{4}-\d{2}-\d{2})(T00:00:00(\.000)?Z)?$/.exec(text)?.[1] : undefined;
  // Date.UTC rolls 2026-02-30 over to March, so a round trip catches impossible dates.
  if (iso === undefined || new Date(Date.UTC(...isoParts(iso))).toISOString().slice(0, 10) !== iso) {
    fail(at, `expected a date "YYYY-MM-DD", got ${show(value)}`);
  }
  return iso;
}

function instantOf(d: Date, name: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(ms)) throw new Error(`${name} must be a valid Date, got ${show(d)}`);
  return ms;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function show(v: unknown): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'an invalid Date' : v.toISOString();
  return JSON.stringify(v) ?? String(v);
}

function fail(path: string, problem: string): never {
  throw new Error(`${path}: ${problem}`);
}
