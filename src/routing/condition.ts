import type { Condition, LeafCondition } from './policy/schema.js';

/** The facts a policy can test: the transaction's fields, gate summaries, counters and time. */
export type Facts = Record<string, unknown>;

/** A fact had the wrong type for the test applied to it (e.g. `gt` on a string). */
export class EvaluationError extends Error {}

/** A policy's rule conditions compiled together: resolve the facts once, then match every rule. */
export interface CompiledConditions {
  /** The value of every distinct path the conditions test, in slot order. */
  resolve(facts: Facts): unknown[];
  /** The indexes of the conditions that hold, in order; throws EvaluationError on a wrong type. */
  match(values: readonly unknown[]): number[];
}

// What generated code calls for the tests that can meet a fact of the wrong type.
const helpers = {
  num(x: unknown, path: string): number {
    if (typeof x !== 'number' || Number.isNaN(x)) throw new EvaluationError(`${path} is not a number`);
    return x;
  },
  contains(x: unknown, item: unknown, path: string): boolean {
    if (x === undefined || x === null) return false;
    if (Array.isArray(x)) return x.includes(item);
    if (typeof x === 'string' && typeof item === 'string') return x.includes(item);
    throw new EvaluationError(`${path} is not a list`);
  },
};

/**
 * Compiles conditions into one generated function (`new Function`) that tests them all in order:
 * one straight-line expression per rule that V8 optimises as a whole, ~10x faster than a tree of
 * closures (bench:routing). Safe by construction: the code holds only operators and indexes into
 * `v` (resolved fact values) and `k` (the policy's constants, paths and sets) — never policy text.
 */
export function compileConditions(conditions: Condition[]): CompiledConditions {
  const slots = new Map<string, number>();
  const keys: string[][] = [];
  const k: unknown[] = [];
  const constant = (x: unknown): string => `k[${k.push(x) - 1}]`;
  const slot = (path: string): string => {
    let i = slots.get(path);
    if (i === undefined) {
      i = keys.push(path.split('.')) - 1;
      slots.set(path, i);
    }
    return `v[${i}]`;
  };
  const expr = (c: Condition): string => {
    if ('all' in c) return `(${c.all.map(expr).join(' && ')})`;
    if ('any' in c) return `(${c.any.map(expr).join(' || ')})`;
    if ('not' in c) return `!${expr(c.not)}`;
    const v = slot(c.path);
    if (c.exists !== undefined)
      return `((${v} !== undefined && ${v} !== null) === ${c.exists ? 'true' : 'false'})`;
    if ('eq' in c) return `(${v} === ${constant(c.eq)})`;
    if ('ne' in c) return `(${v} !== ${constant(c.ne)})`;
    if (c.in !== undefined) return `${constant(new Set(c.in))}.has(${v})`;
    if ('contains' in c) return `h.contains(${v}, ${constant(c.contains)}, ${constant(c.path)})`;
    const [op, bound] = numericTest(c);
    return `(${v} != null && h.num(${v}, ${constant(c.path)}) ${op} ${constant(bound)})`;
  };
  const body = conditions.map((c, i) => `if (${expr(c)}) m.push(${i});`).join('\n');
  const match = new Function('v', 'k', 'h', `'use strict'; const m = []; ${body} return m;`) as (
    v: readonly unknown[],
    k: unknown[],
    h: typeof helpers,
  ) => number[];
  return {
    resolve: (facts) => keys.map((p) => lookup(facts, p)),
    match: (values) => match(values, k, helpers),
  };
}

function numericTest(c: LeafCondition): ['>' | '>=' | '<' | '<=', number] {
  if (c.gt !== undefined) return ['>', c.gt];
  if (c.gte !== undefined) return ['>=', c.gte];
  if (c.lt !== undefined) return ['<', c.lt];
  return ['<=', c.lte!];
}

function lookup(facts: Facts, keys: string[]): unknown {
  let cur: unknown = facts;
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Every path a condition tests, with the YAML path of its leaf (for checks that name the spot). */
export function conditionPaths(
  c: Condition,
  at: (string | number)[],
): { path: string; at: (string | number)[] }[] {
  if ('all' in c) return c.all.flatMap((x, i) => conditionPaths(x, [...at, 'all', i]));
  if ('any' in c) return c.any.flatMap((x, i) => conditionPaths(x, [...at, 'any', i]));
  if ('not' in c) return conditionPaths(c.not, [...at, 'not']);
  return [{ path: c.path, at }];
}

/**
 * Why a condition can never hold, or undefined when it may. Looks at conjunctions of leaves on one
 * path (contradicting bounds, two different `eq`, `exists: false` beside another test, empty `in`)
 * and at `any` whose every branch is impossible; a sound but incomplete check.
 */
export function impossibility(c: Condition): string | undefined {
  if ('any' in c) {
    const why = c.any.map(impossibility);
    return why.every((w) => w !== undefined) ? `every branch of any can never hold (${why[0]})` : undefined;
  }
  if ('not' in c) return undefined;
  const leaves = 'all' in c ? c.all : [c];
  for (const part of leaves) {
    if (!('path' in part)) {
      const why = impossibility(part);
      if (why) return why;
    }
  }
  const byPath = new Map<string, LeafCondition[]>();
  for (const l of leaves) if ('path' in l) byPath.set(l.path, [...(byPath.get(l.path) ?? []), l]);
  for (const [path, tests] of byPath) {
    const why = contradiction(tests);
    if (why) return `${path}: ${why}`;
  }
  return undefined;
}

function contradiction(tests: LeafCondition[]): string | undefined {
  let lo = -Infinity;
  let loOpen = false;
  let hi = Infinity;
  let hiOpen = false;
  const eqs = new Set<unknown>();
  for (const t of tests) {
    if (t.in !== undefined && t.in.length === 0) return 'in [] matches nothing';
    if (t.exists === false && tests.length > 1) return 'exists: false beside another test of the same path';
    if ('eq' in t) eqs.add(t.eq);
    if (t.gt !== undefined && (t.gt > lo || (t.gt === lo && !loOpen))) [lo, loOpen] = [t.gt, true];
    if (t.gte !== undefined && t.gte > lo) [lo, loOpen] = [t.gte, false];
    if (t.lt !== undefined && (t.lt < hi || (t.lt === hi && !hiOpen))) [hi, hiOpen] = [t.lt, true];
    if (t.lte !== undefined && t.lte < hi) [hi, hiOpen] = [t.lte, false];
  }
  if (eqs.size > 1) return 'two different eq values';
  if (lo > hi || (lo === hi && (loOpen || hiOpen))) return `no number is above ${lo} and below ${hi}`;
  const [only] = eqs;
  if (eqs.size === 1 && typeof only === 'number' && (only < lo || only > hi))
    return `eq ${only} is outside the bounds`;
  return undefined;
}
