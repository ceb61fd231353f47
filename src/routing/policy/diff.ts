import { isDeepStrictEqual } from 'node:util';
import type { Policy } from './policy.js';

/** One difference between two policies: a rule or section added, removed, changed at a path, or moved. */
export type PolicyChange =
  | { kind: 'added'; what: string }
  | { kind: 'removed'; what: string }
  | { kind: 'changed'; what: string; path: string; from: unknown; to: unknown }
  | { kind: 'moved'; what: string; from: number; to: number };

/** What changed from policy `a` to policy `b`. */
export interface PolicyDiff {
  from: string;
  to: string;
  changes: PolicyChange[];
}

// Not part of what a policy says: its identity and derived forms.
const DERIVED = new Set(['version', 'source', 'file', 'business_calendars', 'rules']);

/** Compares two policies: rules by id (added, removed, moved, each changed field), other sections by path. */
export function diffPolicies(a: Policy, b: Policy): PolicyDiff {
  const changes: PolicyChange[] = [];
  const sections = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !DERIVED.has(k));
  for (const key of sections) {
    const [x, y] = [
      (a as unknown as Record<string, unknown>)[key],
      (b as unknown as Record<string, unknown>)[key],
    ];
    if (x === undefined) changes.push({ kind: 'added', what: key });
    else if (y === undefined) changes.push({ kind: 'removed', what: key });
    else leafChanges(key, '', x, y, changes);
  }
  const aIds = a.rules.map((r) => r.id);
  const bIds = b.rules.map((r) => r.id);
  for (const [i, r] of a.rules.entries()) {
    const j = bIds.indexOf(r.id);
    if (j < 0) {
      changes.push({ kind: 'removed', what: `rule ${r.id}` });
      continue;
    }
    const { id: _a, ...x } = r;
    const { id: _b, ...y } = b.rules[j]!;
    leafChanges(`rule ${r.id}`, '', x, y, changes);
    // Order breaks ties between equally risky rules, so a move can change routing.
    const before = aIds.filter((id) => bIds.includes(id)).indexOf(r.id);
    const after = bIds.filter((id) => aIds.includes(id)).indexOf(r.id);
    if (before !== after) changes.push({ kind: 'moved', what: `rule ${r.id}`, from: i, to: j });
  }
  for (const r of b.rules) if (!aIds.includes(r.id)) changes.push({ kind: 'added', what: `rule ${r.id}` });
  return { from: a.version, to: b.version, changes };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function leafChanges(what: string, path: string, x: unknown, y: unknown, out: PolicyChange[]): void {
  if (isDeepStrictEqual(x, y)) return;
  if (isObject(x) && isObject(y)) {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      leafChanges(what, path ? `${path}.${k}` : k, x[k], y[k], out);
    }
    return;
  }
  out.push({ kind: 'changed', what, path, from: x ?? null, to: y ?? null });
}

/** The diff as lines for a terminal: `+ added`, `- removed`, `~ changed path: from → to`, `↕ moved`. */
export function formatPolicyDiff(d: PolicyDiff): string[] {
  if (d.changes.length === 0) return [`${d.from} and ${d.to} route alike (no differences)`];
  return [
    `${d.from} → ${d.to}`,
    ...d.changes.map((c) => {
      if (c.kind === 'added') return `+ ${c.what}`;
      if (c.kind === 'removed') return `- ${c.what}`;
      if (c.kind === 'moved') return `↕ ${c.what}: position ${c.from + 1} → ${c.to + 1}`;
      return `~ ${c.what}${c.path ? ` ${c.path}` : ''}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`;
    }),
  ];
}
