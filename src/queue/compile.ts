import { GatehouseError } from '../errors.js';
import { parseCalendar, type Calendar } from './clock/calendar.js';

/** A reviewer group as the policy's `groups` section defines it. */
export interface Group {
  readonly name: string;
  /** The escalation level it works: 1 reviewers, 2 SME/policy/senior, 3 incidents. */
  readonly level: number;
  /** API key ids or key names; empty = every key whose role works the level (see `memberOf`). */
  readonly members: readonly string[];
  readonly skills: readonly string[];
  /** How many cases one member may hold at once; undefined = no cap. */
  readonly max_claims_per_reviewer?: number | undefined;
  /** The group that takes its cases when it cannot (escalation #7 reads it). */
  readonly backup?: string | undefined;
}

/** The queue's part of a policy: groups, checklists and the calendars SLA targets count in. */
export interface QueueConfig {
  readonly groups: ReadonlyMap<string, Group>;
  readonly checklists: Readonly<Record<string, readonly string[]>>;
  readonly calendars: Readonly<Record<string, Calendar>>;
}

/** The groups a policy without a `groups` section gets: one open group per level. */
const DEFAULT_GROUPS: Group[] = [1, 2, 3].map((level) => ({
  name: `l${level}`,
  level,
  members: [],
  skills: [],
}));

const GROUP_KEYS = new Set(['level', 'members', 'skills', 'max_claims_per_reviewer', 'backup', 'shifts']);
const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * Validates the policy's `groups` and `checklists` sections (and reads its `calendars`) into the
 * queue's config; throws `policy_invalid` whose message starts with the YAML path (`groups.l1.level: …`).
 * Missing sections give one open group per level (`l1`, `l2`, `l3`) and no checklists.
 */
export function compileQueue(doc: unknown): QueueConfig {
  const d = isRecord(doc) ? doc : {};
  // The policy loader (#5) keeps its parsed calendars as `business_calendars`; raw ones are read here.
  const calendars = compileCalendars(d.business_calendars ?? d.calendars);
  const checklists = compileChecklists(d.checklists);
  const groups = d.groups === undefined ? DEFAULT_GROUPS : compileGroups(d.groups);
  const byName = new Map(groups.map((g) => [g.name, g]));
  for (const g of groups) {
    if (g.backup !== undefined && !byName.has(g.backup)) {
      fail(`groups.${g.name}.backup`, `unknown group "${g.backup}"`);
    }
  }
  checkRuleReferences(d.rules, byName, checklists);
  return Object.freeze({ groups: byName, checklists, calendars });
}

/** The group a case at `level` goes to when its rule names none: the first group of that level. */
export function defaultGroup(config: QueueConfig, level: number): Group {
  const groups = [...config.groups.values()];
  return (
    groups.find((g) => g.level === level) ??
    groups.filter((g) => g.level >= level).sort((a, b) => a.level - b.level)[0] ??
    groups.sort((a, b) => b.level - a.level)[0]!
  );
}

function compileGroups(value: unknown): Group[] {
  if (!isRecord(value)) fail('groups', `expected a map of group name to settings, got ${show(value)}`);
  const names = Object.keys(value);
  if (names.length === 0) fail('groups', 'define at least one group');
  return names.map((name) => compileGroup(name, value[name]));
}

function compileGroup(name: string, value: unknown): Group {
  const at = `groups.${name}`;
  if (!NAME.test(name)) fail(at, 'a group name is lower-case letters, digits, "_" or "-"');
  if (!isRecord(value)) fail(at, `expected an object such as { level: 1 }, got ${show(value)}`);
  for (const key of Object.keys(value)) if (!GROUP_KEYS.has(key)) fail(`${at}.${key}`, 'unknown field');
  const level = value.level;
  if (level !== 1 && level !== 2 && level !== 3)
    fail(`${at}.level`, `expected 1, 2 or 3, got ${show(level)}`);
  const cap = value.max_claims_per_reviewer;
  if (cap !== undefined && !(Number.isInteger(cap) && (cap as number) >= 1)) {
    fail(`${at}.max_claims_per_reviewer`, `expected an integer ≥ 1, got ${show(cap)}`);
  }
  const backup = value.backup;
  if (backup !== undefined && typeof backup !== 'string') fail(`${at}.backup`, 'expected a group name');
  return Object.freeze({
    name,
    level,
    members: strings(value.members ?? [], `${at}.members`),
    skills: strings(value.skills ?? [], `${at}.skills`),
    max_claims_per_reviewer: cap as number | undefined,
    backup,
  });
}

function compileChecklists(value: unknown): Record<string, readonly string[]> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail('checklists', `expected a map of checklist name to items, got ${show(value)}`);
  const out: Record<string, readonly string[]> = {};
  for (const [name, items] of Object.entries(value)) {
    const list = strings(items, `checklists.${name}`);
    if (list.length === 0) fail(`checklists.${name}`, 'a checklist needs at least one item');
    const dup = list.find((x, i) => list.indexOf(x) !== i);
    if (dup !== undefined) fail(`checklists.${name}`, `duplicate item "${dup}"`);
    out[name] = list;
  }
  return Object.freeze(out);
}

// The policy loader (policy #5) may already have parsed calendars; raw ones are parsed here.
function compileCalendars(value: unknown): Record<string, Calendar> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail('calendars', `expected a map of calendar name to calendar, got ${show(value)}`);
  const out: Record<string, Calendar> = {};
  for (const [name, cal] of Object.entries(value)) {
    try {
      out[name] = isParsedCalendar(cal) ? cal : parseCalendar(cal, `calendars.${name}`);
    } catch (err) {
      throw new GatehouseError('policy_invalid', (err as Error).message);
    }
  }
  return out;
}

function isParsedCalendar(v: unknown): v is Calendar {
  if (!isRecord(v) || !isRecord(v.hours)) return false;
  return Object.values(v.hours).some((d) => Array.isArray(d) && d.some((x) => isRecord(x)));
}

function checkRuleReferences(
  rules: unknown,
  groups: ReadonlyMap<string, Group>,
  checklists: Record<string, readonly string[]>,
): void {
  if (!Array.isArray(rules)) return;
  rules.forEach((rule, i) => {
    const then = isRecord(rule) && isRecord(rule.then) ? rule.then : {};
    if (then.group !== undefined && !groups.has(String(then.group))) {
      fail(`rules.${i}.then.group`, `unknown group "${String(then.group)}"`);
    }
    if (then.checklist !== undefined && !Object.hasOwn(checklists, String(then.checklist))) {
      fail(`rules.${i}.then.checklist`, `unknown checklist "${String(then.checklist)}"`);
    }
  });
}

function strings(value: unknown, at: string): readonly string[] {
  if (!Array.isArray(value)) fail(at, `expected a list of strings, got ${show(value)}`);
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v.length === 0) fail(`${at}[${i}]`, `expected a string, got ${show(v)}`);
  });
  return Object.freeze([...(value as string[])]);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function fail(path: string, problem: string): never {
  throw new GatehouseError('policy_invalid', `${path}: ${problem}`);
}
