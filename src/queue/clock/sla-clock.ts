import { addBusinessMinutes, businessMinutesBetween, type Calendar } from './calendar.js';

const MINUTE_MS = 60_000;

/** The kinds of clock event, in the order a clock may see them: start, then pause/resume, warn, breach, stop. */
export const CLOCK_EVENT_KINDS = ['start', 'pause', 'resume', 'stop', 'warn', 'breach'] as const;

/** One kind of clock event. `warn` and `breach` record that escalation fired; they do not move the clock. */
export type ClockEventKind = (typeof CLOCK_EVENT_KINDS)[number];

/** One entry of a case's append-only clock log; `reason` is required for `pause`, ignored otherwise. */
export interface ClockEvent {
  readonly kind: ClockEventKind;
  readonly at: Date;
  readonly reason?: string | undefined;
}

/** Where a clock stands: never started, counting, paused (not counting), or stopped for good. */
export type ClockState = 'not_started' | 'running' | 'paused' | 'stopped';

/** An SLA target: `minutes` (> 0) of business time under `calendar`, or wall-clock minutes without one. */
export interface SlaTarget {
  readonly minutes: number;
  readonly calendar?: Calendar | undefined;
}

/** An SLA clock as derived from its events at one instant; minutes are business minutes of the target's calendar. */
export interface SlaClock {
  readonly state: ClockState;
  /** The first `start`; null when not started. */
  readonly started_at: Date | null;
  /** The `stop`; null unless stopped. */
  readonly stopped_at: Date | null;
  /** The open `pause`; null unless paused. */
  readonly paused_since: Date | null;
  /** Counted time so far, pauses excluded. */
  readonly elapsed_minutes: number;
  /** Business time spent paused so far. */
  readonly paused_minutes: number;
  /** Target minus elapsed: negative once overdue. */
  readonly remaining_minutes: number;
  /** Elapsed over target, 0 … ∞ (1 = due now). */
  readonly elapsed_share: number;
  /** When elapsed reaches the target: later by the business time paused before then; null when not started. */
  readonly due_at: Date | null;
  /** The due time as computed at start, never moved by pauses; null when not started. */
  readonly original_due_at: Date | null;
  /** Elapsed > target, whether still open or stopped late. */
  readonly breached: boolean;
  /** The first `warn` event; null when none. */
  readonly warned_at: Date | null;
  /** The first `breach` event; null when none. */
  readonly breach_recorded_at: Date | null;
  /**
   * When elapsed reaches `share` (≥ 0) of the target, e.g. 0.75 for pre-breach escalation: in the past
   * if already reached, else assuming no further pauses (a paused clock resumes now, a stopped one runs
   * on from its stop). `pointAt(1)` equals `due_at`; null when not started.
   */
  pointAt(share: number): Date | null;
}

/**
 * Derives an SLA clock from a case's (or one stage's) append-only events at `now`; throws on an
 * invalid sequence. Events must be in time order; `now` earlier than the last event is read as it.
 */
export function computeSlaClock(target: SlaTarget, events: readonly ClockEvent[], now: Date): SlaClock {
  if (!Number.isFinite(target.minutes) || target.minutes <= 0) {
    throw new Error(`SLA target minutes must be a finite number > 0, got ${target.minutes}`);
  }
  const cal = target.calendar;
  const targetMs = Math.round(target.minutes * MINUTE_MS);
  const t = replay(events, now);
  // Business ms are whole: spans start and end on whole ms and zone offsets are whole minutes.
  const businessMs = ([a, b]: Span) =>
    Math.round(businessMinutesBetween(cal, new Date(a), new Date(b)) * MINUTE_MS);
  const add = (from: number, ms: number) => addBusinessMinutes(cal, new Date(from), ms / MINUTE_MS);
  // Each running span as [its start, its business ms]: enough to find when any share was reached.
  const running = t.running.map((span) => [span[0], businessMs(span)] as const);
  const elapsedMs = running.reduce((sum, [, ms]) => sum + ms, 0);
  const pausedMs = t.paused.reduce((sum, span) => sum + businessMs(span), 0);
  const reach = (ms: number): Date => {
    for (const [from, spanMs] of running) {
      if (ms <= spanMs) return add(from, ms);
      ms -= spanMs;
    }
    return add(t.end, ms);
  };
  const started = t.startedAt !== null;
  return {
    state: t.state,
    started_at: dateOrNull(t.startedAt),
    stopped_at: t.state === 'stopped' ? new Date(t.end) : null,
    paused_since: dateOrNull(t.pausedSince),
    elapsed_minutes: elapsedMs / MINUTE_MS,
    paused_minutes: pausedMs / MINUTE_MS,
    remaining_minutes: (targetMs - elapsedMs) / MINUTE_MS,
    elapsed_share: elapsedMs / targetMs,
    due_at: started ? reach(targetMs) : null,
    original_due_at: t.startedAt === null ? null : add(t.startedAt, targetMs),
    breached: elapsedMs > targetMs,
    warned_at: dateOrNull(t.warnedAt),
    breach_recorded_at: dateOrNull(t.breachRecordedAt),
    pointAt(share: number): Date | null {
      if (!Number.isFinite(share) || share < 0) {
        throw new Error(`pointAt: share must be a finite number ≥ 0, got ${share}`);
      }
      return started ? reach(Math.round(share * targetMs)) : null;
    },
  };
}

/** [from, to) in epoch ms. */
type Span = readonly [number, number];

/** What the events say, as spans of wall-clock time; `end` is `now` (or the stop) where observation ends. */
interface Timeline {
  state: ClockState;
  startedAt: number | null;
  pausedSince: number | null;
  warnedAt: number | null;
  breachRecordedAt: number | null;
  running: Span[];
  paused: Span[];
  /** When the current running or paused span began. */
  since: number;
  end: number;
}

/** Replays the events through the clock's state machine, refusing any sequence it does not allow. */
function replay(events: readonly ClockEvent[], now: Date): Timeline {
  const t: Timeline = {
    state: 'not_started',
    startedAt: null,
    pausedSince: null,
    warnedAt: null,
    breachRecordedAt: null,
    running: [],
    paused: [],
    since: 0,
    end: validMs(now, 'now'),
  };
  let last = -Infinity;
  events.forEach((e, i) => {
    const at = validMs(e.at, `clock event #${i} (${e.kind}) at`);
    const bad = (problem: string) =>
      new Error(`clock event #${i} (${e.kind} at ${new Date(at).toISOString()}): ${problem}`);
    if (at < last) throw bad('is earlier than the event before it; clock events must be in time order');
    last = at;
    if (t.state === 'stopped')
      throw bad('the clock is already stopped; a stopped clock takes no more events');
    if (t.state === 'not_started' && e.kind !== 'start') throw bad('the clock has not started');
    applyEvent(t, e, at, bad);
  });
  // A reader whose clock lags the writer's must not see negative time: observe no earlier than the log.
  if (t.state === 'running' || t.state === 'paused') t.end = Math.max(t.end, last);
  if (t.state === 'running') t.running.push([t.since, t.end]);
  if (t.state === 'paused') t.paused.push([t.since, t.end]);
  return t;
}

/** Moves the timeline through one event of a started, unstopped clock (or the start itself). */
function applyEvent(t: Timeline, e: ClockEvent, at: number, bad: (problem: string) => Error): void {
  switch (e.kind) {
    case 'start':
      // The end-to-end clock never resets; a stage that restarts gets its own clock and events.
      if (t.state !== 'not_started') throw bad('the clock already started; a clock never restarts');
      t.state = 'running';
      t.startedAt = at;
      t.since = at;
      return;
    case 'pause':
      if (t.state === 'paused') throw bad('the clock is already paused');
      if (!e.reason?.trim()) throw bad('a pause needs a reason');
      t.running.push([t.since, at]);
      t.state = 'paused';
      t.pausedSince = at;
      t.since = at;
      return;
    case 'resume':
      if (t.state !== 'paused') throw bad('resume without a pause');
      t.paused.push([t.since, at]);
      t.state = 'running';
      t.pausedSince = null;
      t.since = at;
      return;
    case 'stop':
      (t.state === 'paused' ? t.paused : t.running).push([t.since, at]);
      t.state = 'stopped';
      t.pausedSince = null;
      t.end = at;
      return;
    case 'warn':
      t.warnedAt ??= at;
      return;
    case 'breach':
      t.breachRecordedAt ??= at;
      return;
    default:
      throw bad(`unknown event kind; expected one of ${CLOCK_EVENT_KINDS.join(', ')}`);
  }
}

function validMs(d: Date, name: string): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (Number.isNaN(ms)) throw new Error(`${name} must be a valid Date`);
  return ms;
}

function dateOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
