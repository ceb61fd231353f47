import { z } from 'zod';

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

/** A leaf test: one path and exactly one of its operators. */
export type LeafCondition = z.infer<typeof Leaf>;

/** A rule condition: a leaf, or all / any / not of conditions, to any depth. */
export type Condition = LeafCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ any: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ not: ConditionSchema }).strict(),
    Leaf,
  ]),
);

/** An SLA target: wall-clock minutes, or business hours/minutes of a named calendar. */
const Sla = z.union([
  z.object({ minutes: z.number().positive() }).strict(),
  z.object({ business_hours: z.number().positive(), calendar: z.string().min(1) }).strict(),
  z.object({ business_minutes: z.number().positive(), calendar: z.string().min(1) }).strict(),
]);
export type SlaSpec = z.infer<typeof Sla>;

const Action = z.enum(['release', 'review', 'sample', 'block']);
/** What routing does with a transaction: release it, hold it for review, release with a QA sample, block it. */
export type RoutingAction = z.infer<typeof Action>;

const Remediation = z.union([
  z.enum(['redact', 'add_label']),
  z
    .object({
      rerun: z
        .object({
          instruction: z.string().min(1),
          parameters: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
    })
    .strict(),
]);
/** A Level-0 remediation: redact then release, add the AI-content label, or ask the caller to re-run. */
export type Remediation = z.infer<typeof Remediation>;

const SafePattern = z
  .object({
    after: z.number().int().min(1),
    sample_rate: z.number().min(0).max(1).default(0.05),
    enabled: z.boolean().default(true),
  })
  .strict();

const Outcome = z
  .object({
    risk_class: z.string(),
    reason: z.string().nullable().default(null),
    action: Action,
    sample_rate: z.number().min(0).max(1).optional(),
    group: z.string().min(1).optional(),
    level: z.number().int().min(1).max(3).optional(),
    sla: Sla.optional(),
    checklist: z.string().min(1).optional(),
    skills: z.array(z.string().min(1)).optional(),
    reviewers: z.number().int().min(1).optional(),
    remediation: z.array(Remediation).optional(),
    fold: z.object({ window_minutes: z.number().positive() }).strict().optional(),
    safe_pattern: SafePattern.optional(),
    incident: z.boolean().optional(),
    notify: z.array(z.string().min(1)).optional(),
  })
  .strict();
/** A rule's `then` (and the policy's `default` / `on_error`). */
export type RoutingOutcome = z.infer<typeof Outcome>;

const RiskClass = z
  .object({
    rank: z.number().int().min(0),
    sla: Sla.optional(),
    sla_minutes: z.number().positive().optional(),
    reviewers: z.number().int().min(1).default(1),
    on_breach: z.enum(['none', 'fail_closed', 'fail_open']).default('none'),
  })
  .strict();

const Counter = z
  .object({
    key: z.string().min(1),
    window_minutes: z.number().positive(),
    count: z.enum(['all', 'not_released']).default('all'),
  })
  .strict();
/** A counter: how many earlier transactions with the same key (within the window) counted. */
export type CounterSpec = z.infer<typeof Counter>;

/**
 * The policy file's shape (docs: POLICY-SHAPE). `groups`, `checklists`, `gates`, `escalation` and
 * `notifications` belong to other domains, which validate them with their own compilers.
 */
export const PolicySchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -'),
    description: z.string().optional(),
    retention: z.object({ days: z.number().int().positive() }).strict().optional(),
    calendars: z.record(z.string(), z.unknown()).optional(),
    risk_classes: z.record(z.string(), RiskClass),
    reasons: z.array(z.string().min(1)).min(1),
    groups: z.record(z.string(), z.unknown()).optional(),
    checklists: z.record(z.string(), z.unknown()).optional(),
    gates: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    fingerprint: z
      .object({ fields: z.array(z.string().min(1)).min(1) })
      .strict()
      .optional(),
    counters: z.record(z.string().regex(/^[a-z0-9_]+$/), Counter).optional(),
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
    escalation: z.record(z.string(), z.unknown()).optional(),
    notifications: z.record(z.string(), z.unknown()).optional(),
    default: Outcome,
    on_error: Outcome.default({ risk_class: 'medium', reason: 'incomplete_data', action: 'review' }),
  })
  .strict();

/** A parsed policy document, before versioning. */
export type PolicyDoc = z.infer<typeof PolicySchema>;

/** One rule of a policy. */
export type Rule = PolicyDoc['rules'][number];

/** The JSON Schema of the policy file (draft 2020-12), for editors and `gatehouse policy schema`. */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicySchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
