import { z } from 'zod';
import { GatehouseError } from '../errors.js';
import { parseCalendar, type Calendar } from '../queue/clock/calendar.js';
import {
  AUDIENCES,
  Channel,
  EscalationSection,
  GroupSection,
  NotificationsSection,
  Step,
  type Audience,
  type StepAction,
} from './config-schema.js';
import { DEFAULT_ESCALATION, DEFAULT_LADDER, DEFAULT_RETRY } from './defaults.js';

export { AUDIENCES, STEP_ACTIONS, type Audience, type StepAction } from './config-schema.js';

/** One rung of a ladder: fires when the SLA clock's elapsed share reaches `at`. */
export interface LadderStep {
  at: number;
  step: string;
  actions: StepAction[];
  /** Fires again every `every_minutes` until acknowledged, at most `max` more times. */
  repeat: { every_minutes: number; max: number } | null;
}

/** One shift: who (`member`: key id or name) holds which role while `calendar` is open (always when none). */
export interface Shift {
  member: string;
  role: string;
  calendar: Calendar | undefined;
}

/** What escalation reads about a group: its level, backup group and shifts. */
export interface GroupInfo {
  level: number;
  backup: string | null;
  members: string[];
  shifts: Shift[];
}

/** A notification channel as configured; secrets are named by env var, read at delivery. */
export type ChannelConfig =
  | { type: 'webhook'; url: string; secret_env?: string }
  | { type: 'slack'; url: string }
  | { type: 'pagerduty'; url: string; routing_key_env: string }
  | { type: 'email'; smtp_url_env: string; to: string[]; from?: string };

/** The compiled `escalation` and `notifications` sections (and what they read of `groups`). */
export interface EscalationPolicy {
  ladders: Record<string, LadderStep[]>;
  /** Risk class → ladder name; a class not listed uses `standard`. */
  by_class: Record<string, string>;
  /** Seed 1: any review taking longer goes to `to_level`; null turns it off. */
  review_time_limit: { minutes: number; to_level: number } | null;
  /** Seed 1: reviewer edits over the ratio → quality flag; a `sample_rate` of them go to `to_group`. */
  edit_quality: { edit_ratio_over: number; sample_rate: number; to_group: string } | null;
  notify: Record<Audience, string[]>;
  channels: Record<string, ChannelConfig>;
  /** Workflow → channel told when a held transaction of it is decided. */
  callbacks: Record<string, string>;
  retry: { max_attempts: number; base_seconds: number; max_seconds: number };
  groups: Record<string, GroupInfo>;
  /** Risk class → the calendar its SLA counts in (absent: wall-clock time). */
  sla_calendars: Record<string, Calendar>;
}

/** Fails with the policy error shape every section uses: `<yaml.path>: <what>`. */
function fail(path: PropertyKey[] | string, what: string): never {
  const at = typeof path === 'string' ? path : path.map(String).join('.');
  throw new GatehouseError('policy_invalid', `${at}: ${what}`);
}

function parseSection<T>(schema: z.ZodType<T>, raw: unknown, at: string): T {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : [];
  fail([at, ...issue.path, ...keys], issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message);
}

type RawDoc = Record<string, unknown>;

/**
 * Validates the policy's `escalation` and `notifications` sections (and `groups.*.shifts`, `backup`,
 * `level`) and fills the seed defaults: warn at 50 %, pre-breach at 75 %, breach at 100 %, overdue at
 * 200 %; > 2 h review → L2; edits > 30 % → SME. Throws `policy_invalid` naming the YAML path.
 */
export function compileEscalation(doc: unknown): EscalationPolicy {
  const raw = (doc ?? {}) as RawDoc;
  const esc = parseSection(EscalationSection, raw.escalation, 'escalation');
  const notif = parseSection(NotificationsSection, raw.notifications, 'notifications');
  const calendars = compileCalendars(raw.calendars);
  const groups = compileGroups(raw.groups, calendars);
  const channels = notif.channels ?? {};
  const ladders = esc.ladders
    ? Object.fromEntries(
        Object.entries(esc.ladders).map(([name, steps]) => [name, compileLadder(name, steps)]),
      )
    : { standard: DEFAULT_LADDER };
  const byClass = esc.by_class ?? {};
  for (const [cls, ladder] of Object.entries(byClass)) {
    if (!ladders[ladder]) fail(`escalation.by_class.${cls}`, `unknown ladder "${ladder}"`);
  }
  if (!ladders.standard && Object.keys(byClass).length === 0) {
    fail('escalation.by_class', 'name a ladder per risk class, or define a ladder called "standard"');
  }
  const notify = Object.fromEntries(
    AUDIENCES.map((a) => [a, esc.notify?.[a] ?? defaultChannels(a, channels, notif.callbacks ?? {})]),
  ) as Record<Audience, string[]>;
  for (const [audience, names] of Object.entries(notify)) {
    names.forEach((name, i) => {
      if (!channels[name]) fail(`escalation.notify.${audience}.${i}`, `unknown channel "${name}"`);
    });
  }
  for (const [workflow, name] of Object.entries(notif.callbacks ?? {})) {
    if (!channels[name]) fail(`notifications.callbacks.${workflow}`, `unknown channel "${name}"`);
  }
  const editQuality =
    esc.edit_quality === undefined ? DEFAULT_ESCALATION.edit_quality : esc.edit_quality || null;
  return {
    ladders,
    by_class: byClass,
    review_time_limit:
      esc.review_time_limit === undefined
        ? DEFAULT_ESCALATION.review_time_limit
        : esc.review_time_limit || null,
    edit_quality: editQuality,
    notify,
    channels: channels as Record<string, ChannelConfig>,
    callbacks: notif.callbacks ?? {},
    retry: notif.retry ?? DEFAULT_RETRY,
    groups,
    sla_calendars: compileSlaCalendars(raw.risk_classes, calendars),
  };
}

/**
 * Channels an audience gets when `escalation.notify` does not say: every channel except those kept
 * for workflow callbacks, and PagerDuty (it pages someone) only for the ops manager and ML ops.
 */
function defaultChannels(
  audience: Audience,
  channels: Record<string, z.infer<typeof Channel>>,
  callbacks: Record<string, string>,
): string[] {
  const paging = audience === 'ops_manager' || audience === 'ml_ops';
  const forCallbacks = new Set(Object.values(callbacks));
  return Object.entries(channels)
    .filter(([name, c]) => !forCallbacks.has(name) && (paging || c.type !== 'pagerduty'))
    .map(([name]) => name);
}

function compileLadder(name: string, steps: z.infer<typeof Step>[]): LadderStep[] {
  const seen = new Set<string>();
  steps.forEach((s, i) => {
    const at = `escalation.ladders.${name}.${i}`;
    if (i > 0 && s.at <= steps[i - 1]!.at) fail(`${at}.at`, 'steps must be in increasing order of `at`');
    if (seen.has(s.step)) fail(`${at}.step`, `duplicate step "${s.step}"`);
    seen.add(s.step);
    // Seed 2: escalate when a case has lived through 70–80 % of its SLA.
    if (s.step === 'pre_breach' && (s.at < 0.7 || s.at > 0.8)) {
      fail(`${at}.at`, `pre_breach fires between 0.7 and 0.8 of the SLA, got ${s.at}`);
    }
  });
  return steps.map((s) => ({ at: s.at, step: s.step, actions: s.actions, repeat: s.repeat ?? null }));
}

function compileCalendars(raw: unknown): Record<string, Calendar> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object') fail('calendars', 'expected a map of calendars');
  return Object.fromEntries(
    Object.entries(raw as RawDoc).map(([name, c]) => [
      name,
      asPolicyError(() => parseCalendar(c, `calendars.${name}`)),
    ]),
  );
}

function compileGroups(raw: unknown, calendars: Record<string, Calendar>): Record<string, GroupInfo> {
  if (raw === undefined || raw === null) return {};
  const groups = parseSection(z.record(z.string(), GroupSection), raw, 'groups');
  const out: Record<string, GroupInfo> = {};
  for (const [name, g] of Object.entries(groups)) {
    if (g.backup !== undefined && !groups[g.backup])
      fail(`groups.${name}.backup`, `unknown group "${g.backup}"`);
    out[name] = {
      level: g.level ?? 1,
      backup: g.backup ?? null,
      members: g.members ?? [],
      shifts: (g.shifts ?? []).map((s, i) => ({
        member: s.member,
        role: s.role,
        calendar: shiftCalendar(s.calendar, calendars, `groups.${name}.shifts.${i}.calendar`),
      })),
    };
  }
  return out;
}

function shiftCalendar(
  raw: string | Record<string, unknown> | undefined,
  calendars: Record<string, Calendar>,
  at: string,
): Calendar | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return calendars[raw] ?? fail(at, `unknown calendar "${raw}"`);
  return asPolicyError(() => parseCalendar(raw, at));
}

function compileSlaCalendars(raw: unknown, calendars: Record<string, Calendar>): Record<string, Calendar> {
  const out: Record<string, Calendar> = {};
  if (raw === null || typeof raw !== 'object') return out;
  for (const [cls, def] of Object.entries(raw as RawDoc)) {
    const sla = (def as RawDoc | null)?.sla as RawDoc | undefined;
    const name = sla?.calendar;
    if (typeof name === 'string' && calendars[name]) out[cls] = calendars[name];
  }
  return out;
}

// parseCalendar throws plain Errors already naming the path; the policy loader wants its code.
function asPolicyError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof GatehouseError) throw err;
    throw new GatehouseError('policy_invalid', (err as Error).message);
  }
}

/** The ladder a risk class climbs. */
export function ladderFor(policy: EscalationPolicy, riskClass: string): LadderStep[] {
  return policy.ladders[policy.by_class[riskClass] ?? 'standard'] ?? [];
}
