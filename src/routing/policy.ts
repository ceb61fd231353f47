import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { GatehouseError } from '../errors.js';

/** A leaf test on one fact, addressed by a dotted path (`metadata.amount`, `gates.pii.entities`). */
const Leaf = z
  .object({
    path: z.string().min(1),
    eq: z.unknown().optional(),
    ne: z.unknown().optional(),
    in: z.array(z.unknown()).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    contains: z.unknown().optional(),
    exists: z.boolean().optional(),
  })
  .strict()
  .refine((l) => Object.keys(l).length === 2, { message: 'a condition names a path and exactly one test' });

/** A rule condition: a leaf, or all / any / not of conditions, to any depth. */
export type Condition =
  z.infer<typeof Leaf> | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ any: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ not: ConditionSchema }).strict(),
    Leaf,
  ]),
);

const Action = z.enum(['release', 'review', 'block']);
export type RoutingAction = z.infer<typeof Action>;

const Outcome = z
  .object({
    risk_class: z.string(),
    reason: z.string().nullable().default(null),
    action: Action,
    level: z.number().int().min(1).max(3).default(1),
  })
  .strict();

/** The policy file's shape (first cut; the full language grows in the policy issue). */
export const PolicySchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    risk_classes: z.record(
      z.string(),
      z.object({ rank: z.number().int().min(0), sla_minutes: z.number().positive() }).strict(),
    ),
    reasons: z.array(z.string().min(1)).min(1),
    gates: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    rules: z.array(
      z
        .object({
          id: z.string().min(1),
          description: z.string().optional(),
          when: ConditionSchema,
          then: Outcome,
        })
        .strict(),
    ),
    default: Outcome,
    // Sections other domains validate (escalation #7 reads these raw until the policy issue lands).
    calendars: z.unknown().optional(),
    groups: z.unknown().optional(),
    escalation: z.unknown().optional(),
    notifications: z.unknown().optional(),
    on_error: Outcome.default({
      risk_class: 'medium',
      reason: 'incomplete_data',
      action: 'review',
      level: 1,
    }),
  })
  .strict();

export type PolicyDoc = z.infer<typeof PolicySchema>;
export type RoutingOutcome = z.infer<typeof Outcome>;

/** A validated policy with its version: `<name>@<first 12 hex of SHA-256 of the file>`. */
export interface Policy extends PolicyDoc {
  version: string;
}

/** Parses and validates policy YAML; errors name the file, line and column and the YAML path. */
export function parsePolicy(text: string, file = 'policy'): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new GatehouseError(
      'policy_invalid',
      `${file}:${e.linePos?.[0].line ?? 0}:${e.linePos?.[0].col ?? 0}: ${e.message}`,
    );
  }
  const parsed = PolicySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GatehouseError(
      'policy_invalid',
      `${file}:${where(doc, lines, issue.path)}: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const policy = parsed.data;
  checkReferences(policy, file);
  const version = `${policy.name}@${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  return { ...policy, version };
}

/** Reads a policy file from disk. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatehouseError('policy_invalid', `cannot read policy ${path}: ${(err as Error).message}`);
  }
  return parsePolicy(text, path);
}

function where(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: PropertyKey[]): string {
  // The deepest node that exists on the path gives the position to report.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as { range?: [number] } | undefined;
    if (node?.range) {
      const pos = lines.linePos(node.range[0]);
      return `${pos.line}:${pos.col}`;
    }
  }
  return '1:1';
}

function checkReferences(policy: PolicyDoc, file: string): void {
  const outcomes: [string, RoutingOutcome][] = [
    ...policy.rules.map((r, i): [string, RoutingOutcome] => [`rules.${i}.then`, r.then]),
    ['default', policy.default],
    ['on_error', policy.on_error],
  ];
  for (const [at, o] of outcomes) {
    if (!policy.risk_classes[o.risk_class]) {
      throw new GatehouseError(
        'policy_invalid',
        `${file}: ${at}.risk_class: unknown risk class "${o.risk_class}"`,
      );
    }
    if (o.reason !== null && !policy.reasons.includes(o.reason)) {
      throw new GatehouseError('policy_invalid', `${file}: ${at}.reason: "${o.reason}" is not in reasons`);
    }
  }
  const ids = new Set<string>();
  policy.rules.forEach((r, i) => {
    if (ids.has(r.id))
      throw new GatehouseError('policy_invalid', `${file}: rules.${i}.id: duplicate rule id "${r.id}"`);
    ids.add(r.id);
  });
}
