import { isDeepStrictEqual } from 'node:util';
import { parseCalendar, type Calendar } from '../../queue/clock/calendar.js';
import { conditionPaths, impossibility } from '../condition.js';
import type { PolicyDoc, RoutingOutcome, SlaSpec } from './schema.js';

type YamlPath = (string | number)[];
type Fail = (path: YamlPath, msg: string) => never;

/** The roots a rule's path may start with; `metadata` and `parameters` take any key below. */
export const FACT_ROOTS = [
  'workflow',
  'confidence',
  'model',
  'parameters',
  'metadata',
  'telemetry',
  'gates',
  'counters',
  'time',
  'prompt_template',
  'fingerprint',
] as const;

/**
 * The semantic checks `parsePolicy` and `gatehouse policy check` run after the schema: references
 * (classes, reasons, calendars, groups, checklists, channels, gates, counters), a class without an
 * SLA, conditions that can never hold, rules that can never win. Returns the parsed calendars.
 */
export function checkPolicy(p: PolicyDoc, fail: Fail): Record<string, Calendar> {
  const calendars = checkCalendars(p, fail);
  checkClasses(p, calendars, fail);
  const outcomes: [YamlPath, RoutingOutcome][] = [
    ...p.rules.map((r, i): [YamlPath, RoutingOutcome] => [['rules', i, 'then'], r.then]),
    [['default'], p.default],
    [['on_error'], p.on_error],
  ];
  for (const [at, o] of outcomes) checkOutcome(p, calendars, at, o, fail);
  checkCounters(p, fail);
  checkRules(p, fail);
  return calendars;
}

function checkCalendars(p: PolicyDoc, fail: Fail): Record<string, Calendar> {
  const out: Record<string, Calendar> = {};
  for (const [name, raw] of Object.entries(p.calendars ?? {})) {
    try {
      out[name] = parseCalendar(raw, `calendars.${name}`);
    } catch (err) {
      const m = /^([^:]+): (.*)$/.exec((err as Error).message);
      fail(m ? m[1]!.split('.') : ['calendars', name], m ? m[2]! : (err as Error).message);
    }
  }
  return out;
}

function checkSla(sla: SlaSpec | undefined, calendars: Record<string, Calendar>, at: YamlPath, fail: Fail) {
  if (sla && 'calendar' in sla && !calendars[sla.calendar]) {
    fail([...at, 'sla', 'calendar'], `unknown calendar "${sla.calendar}"`);
  }
}

function checkClasses(p: PolicyDoc, calendars: Record<string, Calendar>, fail: Fail): void {
  const entries = Object.entries(p.risk_classes);
  if (entries.length === 0) fail(['risk_classes'], 'at least one risk class is needed');
  for (const [name, c] of entries) {
    const at = ['risk_classes', name];
    if (c.sla === undefined && c.sla_minutes === undefined)
      fail(at, 'the class has no SLA (sla or sla_minutes)');
    if (c.sla !== undefined && c.sla_minutes !== undefined) fail(at, 'give sla or sla_minutes, not both');
    checkSla(c.sla, calendars, at, fail);
  }
  const ranks = entries.map(([, c]) => c.rank).sort((a, b) => a - b);
  ranks.forEach((r, i) => {
    if (r !== i)
      fail(['risk_classes'], `ranks must be consecutive from 0 (0 = costliest); got ${ranks.join(', ')}`);
  });
}

function keysOf(section: unknown, sub?: string): Set<string> | undefined {
  const obj = sub ? (section as Record<string, unknown> | undefined)?.[sub] : section;
  return obj && typeof obj === 'object' ? new Set(Object.keys(obj)) : undefined;
}

function checkOutcome(
  p: PolicyDoc,
  calendars: Record<string, Calendar>,
  at: YamlPath,
  o: RoutingOutcome,
  fail: Fail,
): void {
  if (!p.risk_classes[o.risk_class]) fail([...at, 'risk_class'], `unknown risk class "${o.risk_class}"`);
  if (o.reason !== null && !p.reasons.includes(o.reason)) {
    fail([...at, 'reason'], `"${o.reason}" is not in reasons`);
  }
  if (o.action === 'sample' && o.sample_rate === undefined) fail(at, 'action sample needs a sample_rate');
  if (o.action !== 'sample' && o.sample_rate !== undefined) {
    fail([...at, 'sample_rate'], 'sample_rate goes only with action: sample');
  }
  checkSla(o.sla, calendars, at, fail);
  const groups = keysOf(p.groups);
  if (o.group && groups && !groups.has(o.group)) fail([...at, 'group'], `unknown group "${o.group}"`);
  const checklists = keysOf(p.checklists);
  if (o.checklist && !checklists?.has(o.checklist)) {
    fail([...at, 'checklist'], `unknown checklist "${o.checklist}"`);
  }
  const channels = keysOf(p.notifications, 'channels');
  (o.notify ?? []).forEach((ch, i) => {
    if (!channels?.has(ch)) fail([...at, 'notify', i], `unknown notification channel "${ch}"`);
  });
  if ((o.fold || o.safe_pattern) && o.action !== 'review') {
    fail(at, 'fold and safe_pattern apply only to action: review');
  }
}

function checkFactPath(p: PolicyDoc, path: string, at: YamlPath, fail: Fail): void {
  const [root, second] = path.split('.');
  if (!(FACT_ROOTS as readonly string[]).includes(root!)) {
    fail(at, `unknown fact "${root}" (one of ${FACT_ROOTS.join(', ')})`);
  }
  if (root === 'gates' && second !== undefined && !Object.hasOwn(p.gates, second)) {
    fail(
      at,
      `unknown gate "${second}" (the policy's gates section configures: ${Object.keys(p.gates).join(', ')})`,
    );
  }
  if (root === 'counters' && second !== undefined && !Object.hasOwn(p.counters ?? {}, second)) {
    fail(at, `unknown counter "${second}"`);
  }
}

function checkCounters(p: PolicyDoc, fail: Fail): void {
  for (const [name, c] of Object.entries(p.counters ?? {})) {
    if (c.key !== 'fingerprint') checkFactPath(p, c.key, ['counters', name, 'key'], fail);
  }
  (p.fingerprint?.fields ?? []).forEach((f, i) => {
    if (f === 'fingerprint' || f.startsWith('counters'))
      fail(['fingerprint', 'fields', i], `"${f}" cannot be part of the fingerprint`);
    checkFactPath(p, f, ['fingerprint', 'fields', i], fail);
  });
}

function checkRules(p: PolicyDoc, fail: Fail): void {
  const ids = new Map<string, number>();
  p.rules.forEach((r, i) => {
    if (ids.has(r.id)) fail(['rules', i, 'id'], `duplicate rule id "${r.id}"`);
    ids.set(r.id, i);
    for (const { path, at } of conditionPaths(r.when, ['rules', i, 'when'])) checkFactPath(p, path, at, fail);
    const why = impossibility(r.when);
    if (why) fail(['rules', i, 'when'], `the condition can never hold: ${why}`);
    // With the same condition, an earlier rule of the same or higher risk always wins.
    const rank = p.risk_classes[r.then.risk_class]!.rank;
    const shadow = p.rules
      .slice(0, i)
      .find((e) => isDeepStrictEqual(e.when, r.when) && p.risk_classes[e.then.risk_class]!.rank <= rank);
    if (shadow)
      fail(['rules', i], `unreachable: rule "${shadow.id}" has the same condition and wins over it`);
  });
}
