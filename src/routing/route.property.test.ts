import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POLICIES_DIR } from '../config.js';
import { GatehouseError } from '../errors.js';
import { inSample } from './fingerprint.js';
import { loadPolicyFile, parsePolicy, type Condition, type Policy } from './policy/policy.js';
import { route } from './route.js';

const EXAMPLES = ['default', 'customer-replies', 'returns'].map((n) =>
  loadPolicyFile(`${POLICIES_DIR}${n}.yaml`),
);
const ACTIONS = ['release', 'review', 'sample', 'block'];

// Values of every JSON type, so rules meet numbers, strings, lists, objects and nulls alike.
const value = fc.oneof(
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
  fc.integer({ min: 0, max: 300_000 }),
  fc.constantFrom('billing', 'legal', 'electronics', 'unusual', 'pass', 'flag', 'block', 'CREDIT_CARD'),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom('CREDIT_CARD', 'EMAIL_ADDRESS', 'billing', 'medical'), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const metadataKeys = fc.constantFrom(
  'amount',
  'category',
  'customer_id',
  'fraud_signal',
  'disputed',
  'serial_number_match',
  'account_activity',
  'return_reason',
  'warehouse_support_conflict',
);
const gate = fc.record(
  { outcome: value, score: value, entities: value, topics: value },
  { requiredKeys: [] },
);
const facts = fc.record({
  workflow: fc.oneof(fc.string(), fc.constant(null)),
  confidence: value,
  metadata: fc.dictionary(metadataKeys, value),
  gates: fc.record({ pii: gate, safety: gate }, { requiredKeys: [] }),
  counters: fc.dictionary(fc.constantFrom('prompt_failures_24h', 'customer_returns_30d'), value),
  prompt_template: fc.string(),
});

/** The condition language read literally (the reference the compiled matcher must agree with). */
function holds(c: Condition, facts: Record<string, unknown>): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, facts));
  if ('any' in c) return c.any.some((x) => holds(x, facts));
  if ('not' in c) return !holds(c.not, facts);
  const v = c.path
    .split('.')
    .reduce<unknown>(
      (o, k) =>
        o !== null && typeof o === 'object' && Object.hasOwn(o, k)
          ? (o as Record<string, unknown>)[k]
          : undefined,
      facts,
    );
  if (c.exists !== undefined) return (v !== undefined && v !== null) === c.exists;
  if ('eq' in c) return v === c.eq;
  if ('ne' in c) return v !== c.ne;
  if (c.in !== undefined) return c.in.includes(v);
  if ('contains' in c) {
    if (v === undefined || v === null) return false;
    if (Array.isArray(v)) return v.includes(c.contains);
    if (typeof v === 'string' && typeof c.contains === 'string') return v.includes(c.contains);
    throw new Error('type');
  }
  if (v === undefined || v === null) return false;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new Error('type');
  if (c.gt !== undefined) return v > c.gt;
  if (c.gte !== undefined) return v >= c.gte;
  if (c.lt !== undefined) return v < c.lt;
  return v <= c.lte!;
}

function checkTotal(policy: Policy, f: Record<string, unknown>): void {
  const r = route(policy, f);
  expect(Object.keys(policy.risk_classes)).toContain(r.risk_class);
  expect(ACTIONS).toContain(r.action);
  expect(r.risk_rank).toBe(policy.risk_classes[r.risk_class]!.rank);
  expect(r.sla.minutes).toBeGreaterThan(0);
  // Deterministic: the same facts (even a structural copy) route the same way.
  expect(route(policy, structuredClone(f))).toEqual(r);
  if (!r.evaluation_error) {
    // Highest risk wins: no matched rule is riskier than the outcome.
    const ranks = r.matched_rules.map(
      (id) => policy.risk_classes[policy.rules.find((x) => x.id === id)!.then.risk_class]!.rank,
    );
    if (ranks.length > 0) expect(r.risk_rank).toBe(Math.min(...ranks));
    else expect(r.rule).toBeNull();
  }
}

describe('routing is total and deterministic', () => {
  it('gives every transaction exactly one class and action under each example policy', () => {
    fc.assert(
      fc.property(facts, (f) => {
        for (const p of EXAMPLES) checkTotal(p, f);
      }),
      { numRuns: 400 },
    );
  });

  it('holds for generated policies too', () => {
    const leaf = fc.oneof(
      fc.record({
        path: fc.constantFrom('metadata.amount', 'confidence'),
        gt: fc.integer({ min: 0, max: 100 }),
      }),
      fc.record({
        path: fc.constantFrom('metadata.amount', 'confidence'),
        lte: fc.integer({ min: 0, max: 100 }),
      }),
      fc.record({ path: fc.constantFrom('metadata.category', 'workflow'), eq: fc.constantFrom('a', 'b') }),
      fc.record({ path: fc.constant('metadata.tags'), contains: fc.constantFrom('a', 'b') }),
      fc.record({ path: fc.constant('metadata.category'), exists: fc.boolean() }),
      fc.record({ path: fc.constantFrom('metadata.category', 'workflow'), ne: fc.constantFrom('a', 'b') }),
      fc.record({
        path: fc.constantFrom('metadata.category', 'metadata.amount'),
        in: fc.array(fc.constantFrom('a', 'b', 1, 50), { minLength: 1, maxLength: 3 }),
      }),
    );
    const condition = fc.letrec<{ c: unknown }>((tie) => ({
      c: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ all: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ not: tie('c') }),
      ),
    })).c;
    const rules = fc.array(
      fc.record({
        when: condition,
        then: fc.record({
          risk_class: fc.constantFrom('critical', 'high', 'low'),
          action: fc.constantFrom('release', 'review', 'block'),
        }),
      }),
      { maxLength: 8 },
    );
    const txFacts = fc.record({
      confidence: value,
      workflow: value,
      metadata: fc.record({ amount: value, category: value, tags: value }, { requiredKeys: [] }),
    });
    let routed = 0;
    fc.assert(
      fc.property(rules, fc.array(txFacts, { minLength: 1, maxLength: 5 }), (rs, many) => {
        const doc = {
          name: 'gen',
          risk_classes: {
            critical: { rank: 0, sla_minutes: 5 },
            high: { rank: 1, sla_minutes: 30 },
            low: { rank: 2, sla_minutes: 60 },
          },
          reasons: ['incomplete_data'],
          rules: rs.map((r, i) => ({ id: `r${i}`, ...r })),
          default: { risk_class: 'low', action: 'release' },
          on_error: { risk_class: 'high', reason: 'incomplete_data', action: 'review' },
        };
        let policy: Policy;
        try {
          policy = parsePolicy(JSON.stringify(doc), 'gen.yaml');
        } catch (err) {
          // A generated policy the checks refuse (impossible or unreachable rule) is not a routing case.
          if (err instanceof GatehouseError) return;
          throw err;
        }
        for (const f of many) {
          checkTotal(policy, f);
          // The generated matcher agrees with a plain reading of the condition language.
          let expected: string[] | 'error';
          try {
            expected = policy.rules.filter((r) => holds(r.when, f)).map((r) => r.id);
          } catch {
            expected = 'error';
          }
          const r = route(policy, f);
          expect(r.evaluation_error ? 'error' : r.matched_rules).toEqual(expected);
        }
        routed++;
      }),
      { numRuns: 300 },
    );
    // Most generated policies pass the checks, so the property is not vacuous.
    expect(routed).toBeGreaterThan(150);
  });
});

describe('sampling', () => {
  it('is stable per key and close to the rate', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (k, rate) => inSample(k, rate) === inSample(k, rate),
      ),
    );
    const inside = Array.from({ length: 4000 }, (_, i) => inSample(`tx-${i}`, 0.05)).filter(Boolean).length;
    expect(inside).toBeGreaterThan(120);
    expect(inside).toBeLessThan(280);
    expect(inSample('x', 0)).toBe(false);
    expect(inSample('x', 1)).toBe(true);
  });
});
