import { DateTime } from 'luxon';
import { businessMinutesBetween } from '../queue/clock/calendar.js';
import { conditionPaths, type Facts } from './condition.js';
import { DEFAULT_FINGERPRINT_FIELDS, factAt, fingerprintOf, promptTemplate } from './fingerprint.js';
import type { Policy } from './policy/policy.js';

/** What intake knows about a transaction before routing it. */
export interface TransactionFacts {
  prompt: string | { role: string; content: string }[];
  workflow?: string | null;
  confidence?: number | null;
  model?: unknown;
  parameters?: unknown;
  metadata?: Record<string, unknown>;
  telemetry?: Record<string, unknown>;
  /** `gates.<name>.{outcome, score, entities}` from `gateFacts`. */
  gates: Record<string, unknown>;
}

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * The facts rules test, without counters (filled in by `withCounters`): the transaction's fields,
 * gate summaries, `prompt_template`, `fingerprint`, and `time` — `time.hour`/`time.weekday` (UTC)
 * and, per calendar, `time.<calendar>.{hour, weekday, open}` in its zone.
 */
export function buildFacts(policy: Policy, t: TransactionFacts, now: Date): Facts {
  const facts: Facts = {
    workflow: t.workflow ?? null,
    confidence: t.confidence ?? null,
    model: t.model ?? null,
    parameters: t.parameters ?? null,
    metadata: t.metadata ?? {},
    telemetry: t.telemetry ?? {},
    gates: t.gates,
    prompt_template: promptTemplate(t.prompt),
    time: usesTime(policy) ? timeFacts(policy, now) : {},
    counters: {},
  };
  facts.fingerprint = fingerprintOf(policy.fingerprint?.fields ?? DEFAULT_FINGERPRINT_FIELDS, facts);
  return facts;
}

// Whether any rule tests `time.…`; remembered per (immutable) policy so most routes skip the zone maths.
const timeUse = new WeakMap<Policy, boolean>();

function usesTime(policy: Policy): boolean {
  let uses = timeUse.get(policy);
  if (uses === undefined) {
    uses = policy.rules.some((r) => conditionPaths(r.when, []).some((p) => p.path.split('.')[0] === 'time'));
    timeUse.set(policy, uses);
  }
  return uses;
}

function timeFacts(policy: Policy, now: Date): Record<string, unknown> {
  const utc = DateTime.fromJSDate(now, { zone: 'utc' });
  const out: Record<string, unknown> = { hour: utc.hour, weekday: WEEKDAY_KEYS[utc.weekday - 1] };
  for (const [name, cal] of Object.entries(policy.business_calendars)) {
    const local = DateTime.fromJSDate(now, { zone: cal.time_zone });
    out[name] = {
      hour: local.hour,
      weekday: WEEKDAY_KEYS[local.weekday - 1],
      open: businessMinutesBetween(cal, now, new Date(now.getTime() + 60_000)) > 0,
    };
  }
  return out;
}

/** A counter to look up: its name, the key value it counts by, and the start of its window. */
export interface CounterLookup {
  name: string;
  key: string;
  since: Date;
}

/** The counters a transaction's facts need, skipping those whose key fact is missing. */
export function counterLookups(policy: Policy, facts: Facts, now: Date): CounterLookup[] {
  const out: CounterLookup[] = [];
  for (const [name, c] of Object.entries(policy.counters ?? {})) {
    const key = factAt(facts, c.key);
    if (key === undefined || key === null || typeof key === 'object') continue;
    out.push({ name, key: String(key), since: new Date(now.getTime() - c.window_minutes * 60_000) });
  }
  return out;
}

/** The facts with `counters.<name>` set: every policy counter, 0 when not looked up. */
export function withCounters(policy: Policy, facts: Facts, counts: Record<string, number>): Facts {
  const counters: Record<string, number> = {};
  for (const name of Object.keys(policy.counters ?? {})) counters[name] = counts[name] ?? 0;
  return { ...facts, counters };
}

/** Whether a routed transaction counts for a counter: `all` always, `not_released` unless released. */
export function countsFor(kind: 'all' | 'not_released', verdict: string): boolean {
  return kind === 'all' || verdict !== 'released';
}
