import { compileConditions, EvaluationError, type CompiledConditions, type Facts } from './condition.js';
import { DEFAULT_FINGERPRINT_FIELDS, fingerprintOf } from './fingerprint.js';
import type { Policy, Remediation, RoutingAction, RoutingOutcome, SlaSpec } from './policy/policy.js';

export type { Facts } from './condition.js';

/** A resolved SLA: minutes to the deadline, counted on `calendar`'s business hours when named. */
export interface ResolvedSla {
  minutes: number;
  calendar?: string;
}

/**
 * Where a transaction goes: risk (class and rank) and deadline (SLA) as two explicit signals, the
 * reason, action and every queue instruction of the winning rule, every rule that matched, the rule
 * that won (null for `default` / `on_error`) and the incident fingerprint.
 */
export interface Route {
  risk_class: string;
  risk_rank: number;
  reason: string | null;
  action: RoutingAction;
  sample_rate: number | null;
  group: string | null;
  level: number;
  sla: ResolvedSla;
  /** `sla.minutes`, kept for readers of the first routing result. */
  sla_minutes: number;
  checklist: string | null;
  /** Skills a reviewer needs to take the case (the group's and their own, together). */
  skills: string[];
  reviewers: number;
  remediation: Remediation[];
  fold: { window_minutes: number } | null;
  safe_pattern: { after: number; sample_rate: number; enabled: boolean } | null;
  incident: boolean;
  notify: string[];
  matched_rules: string[];
  rule: string | null;
  fingerprint: string;
  /** True when a fact had the wrong type and the policy's `on_error` outcome applied. */
  evaluation_error: boolean;
}

interface CompiledPolicy {
  conditions: CompiledConditions;
  ids: string[];
  ranks: number[];
}

// Policies are immutable once parsed, so their compiled rules can be remembered without going stale.
const compiled = new WeakMap<Policy, CompiledPolicy>();

function compiledPolicy(policy: Policy): CompiledPolicy {
  let c = compiled.get(policy);
  if (!c) {
    c = {
      conditions: compileConditions(policy.rules.map((r) => r.when)),
      ids: policy.rules.map((r) => r.id),
      ranks: policy.rules.map((r) => policy.risk_classes[r.then.risk_class]!.rank),
    };
    compiled.set(policy, c);
  }
  return c;
}

/**
 * Applies the policy's rules to the facts; total and deterministic. The highest-risk matching rule
 * wins (lowest rank; the earlier rule on a tie) and every match is recorded. A fact of the wrong type
 * routes to the policy's `on_error` outcome (default: review for incomplete data), never an error.
 */
export function route(policy: Policy, facts: Facts): Route {
  const fingerprint =
    typeof facts.fingerprint === 'string'
      ? facts.fingerprint
      : fingerprintOf(policy.fingerprint?.fields ?? DEFAULT_FINGERPRINT_FIELDS, facts);
  const { conditions, ids, ranks } = compiledPolicy(policy);
  let hits: number[];
  try {
    hits = conditions.match(conditions.resolve(facts));
  } catch (err) {
    if (!(err instanceof EvaluationError)) throw err;
    return resolve(policy, policy.on_error, null, [], fingerprint, true);
  }
  let winner = -1;
  for (const i of hits) if (winner < 0 || ranks[i]! < ranks[winner]!) winner = i;
  const rule = winner < 0 ? undefined : policy.rules[winner]!;
  const matched = hits.map((i) => ids[i]!);
  return resolve(policy, rule?.then ?? policy.default, rule?.id ?? null, matched, fingerprint, false);
}

/** Minutes of an SLA spec (business hours become minutes of the same calendar). */
export function slaOf(spec: SlaSpec): ResolvedSla {
  if ('minutes' in spec) return { minutes: spec.minutes };
  if ('business_hours' in spec) return { minutes: spec.business_hours * 60, calendar: spec.calendar };
  return { minutes: spec.business_minutes, calendar: spec.calendar };
}

function lowestLevelGroup(policy: Policy): string | null {
  let best: [string, number] | null = null;
  for (const [name, g] of Object.entries(policy.groups ?? {})) {
    const level = (g as { level?: unknown } | null)?.level;
    const n = typeof level === 'number' ? level : 1;
    if (!best || n < best[1]) best = [name, n];
  }
  return best?.[0] ?? null;
}

function resolve(
  policy: Policy,
  o: RoutingOutcome,
  rule: string | null,
  matched: string[],
  fingerprint: string,
  evaluationError: boolean,
): Route {
  const cls = policy.risk_classes[o.risk_class]!;
  const sla = slaOf(o.sla ?? cls.sla ?? { minutes: cls.sla_minutes! });
  const group = o.group ?? lowestLevelGroup(policy);
  const groupLevel = group ? (policy.groups?.[group] as { level?: unknown } | undefined)?.level : undefined;
  // A group's level is the queue's to validate; routing only keeps it within L1–L3.
  const level =
    o.level ?? (typeof groupLevel === 'number' ? Math.min(3, Math.max(1, Math.round(groupLevel))) : 1);
  return {
    risk_class: o.risk_class,
    risk_rank: cls.rank,
    reason: o.reason,
    action: o.action,
    sample_rate: o.sample_rate ?? null,
    group,
    level,
    sla,
    sla_minutes: sla.minutes,
    checklist: o.checklist ?? null,
    skills: o.skills ?? [],
    reviewers: o.reviewers ?? cls.reviewers,
    remediation: o.remediation ?? [],
    fold: o.fold ?? null,
    safe_pattern: o.safe_pattern ?? null,
    incident: o.incident ?? false,
    notify: o.notify ?? [],
    matched_rules: matched,
    rule,
    fingerprint,
    evaluation_error: evaluationError,
  };
}
