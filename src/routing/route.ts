import type { Condition, Policy, RoutingOutcome } from './policy.js';

/** The facts a policy can test: the transaction's fields and a summary of each gate. */
export type Facts = Record<string, unknown>;

/** Where a transaction goes: its class, reason, action and SLA, and every rule that matched. */
export interface Route extends RoutingOutcome {
  risk_rank: number;
  sla_minutes: number;
  matched_rules: string[];
}

class EvaluationError extends Error {}

/**
 * Applies the policy's rules to the facts. The highest-risk matching rule wins (lowest rank; the
 * earlier rule on a tie); every match is recorded. A fact of the wrong type routes to the policy's
 * `on_error` outcome (default: review for incomplete data) instead of failing the request.
 */
export function route(policy: Policy, facts: Facts): Route {
  const matched: string[] = [];
  let winner: RoutingOutcome | undefined;
  try {
    for (const rule of policy.rules) {
      if (!holds(rule.when, facts)) continue;
      matched.push(rule.id);
      if (!winner || rank(policy, rule.then) < rank(policy, winner)) winner = rule.then;
    }
  } catch (err) {
    if (!(err instanceof EvaluationError)) throw err;
    return withSla(policy, policy.on_error, matched);
  }
  return withSla(policy, winner ?? policy.default, matched);
}

function rank(policy: Policy, o: RoutingOutcome): number {
  return policy.risk_classes[o.risk_class]!.rank;
}

function withSla(policy: Policy, o: RoutingOutcome, matched: string[]): Route {
  const cls = policy.risk_classes[o.risk_class]!;
  return { ...o, risk_rank: cls.rank, sla_minutes: cls.sla_minutes, matched_rules: matched };
}

/** Whether a condition holds for the facts; throws EvaluationError on a type mismatch. */
export function holds(c: Condition, facts: Facts): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, facts));
  if ('any' in c) return c.any.some((x) => holds(x, facts));
  if ('not' in c) return !holds(c.not, facts);
  const value = lookup(facts, c.path);
  if (c.exists !== undefined) return (value !== undefined && value !== null) === c.exists;
  if (c.eq !== undefined) return value === c.eq;
  if (c.ne !== undefined) return value !== c.ne;
  if (c.in !== undefined) return c.in.includes(value);
  if (c.contains !== undefined) {
    if (value === undefined || value === null) return false;
    if (!Array.isArray(value)) throw new EvaluationError(`${c.path} is not a list`);
    return value.includes(c.contains);
  }
  if (value === undefined || value === null) return false;
  if (typeof value !== 'number') throw new EvaluationError(`${c.path} is not a number`);
  if (c.gt !== undefined) return value > c.gt;
  if (c.gte !== undefined) return value >= c.gte;
  if (c.lt !== undefined) return value < c.lt;
  if (c.lte !== undefined) return value <= c.lte;
  return false;
}

function lookup(facts: Facts, path: string): unknown {
  let cur: unknown = facts;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
