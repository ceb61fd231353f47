/**
 * npm run bench:routing — routing cost per transaction under a 200-rule policy (p50/p99 in µs),
 * against a trivial 1-rule policy measured in the same run; prints the ratios. Two measures:
 * `route` alone (rules only) and `buildFacts + route` (adds the prompt template and fingerprint
 * hash intake computes once per transaction). Env: BENCH_ROUTES (default 200000 per case).
 */
import { buildFacts, parsePolicy, route, type Policy } from '../src/routing/index.js';
import { fmt } from './lib.js';
import { percentile } from './lib.js';

const ROUTES = Number(process.env.BENCH_ROUTES ?? 200_000);
const CATEGORIES = ['billing', 'legal', 'medical', 'shipping', 'returns', 'electronics', 'toys', 'food'];
const ENTITIES = ['CREDIT_CARD', 'IBAN_CODE', 'EMAIL_ADDRESS', 'PHONE_NUMBER', 'US_SSN', 'PERSON'];
const CLASSES = ['critical', 'high', 'medium', 'low'];

const HEAD = `name: bench
risk_classes:
  critical: { rank: 0, sla_minutes: 15 }
  high: { rank: 1, sla_minutes: 30 }
  medium: { rank: 2, sla_minutes: 480 }
  low: { rank: 3, sla_minutes: 1440 }
reasons: [policy_risk, pii_suspicion, low_confidence, incomplete_data]
gates: { pii: { min_score: 0.5 } }
`;
const TAIL = `default: { risk_class: low, action: release }
on_error: { risk_class: medium, reason: incomplete_data, action: review }
`;

// Rules of the shapes a real policy has: a threshold, a category list, a gate finding, a negation,
// nested two deep; each one distinct so none is unreachable.
function bigPolicy(n: number): Policy {
  const rules = Array.from({ length: n }, (_, i) => {
    const cat = CATEGORIES[i % CATEGORIES.length];
    const cat2 = CATEGORIES[(i + 3) % CATEGORIES.length];
    const entity = ENTITIES[i % ENTITIES.length];
    return `  - id: rule-${i}
    when:
      all:
        - { path: metadata.amount, gt: ${1000 + i * 250} }
        - any:
            - { path: metadata.category, in: [${cat}, ${cat2}] }
            - { path: gates.pii.entities, contains: ${entity} }
        - not: { path: metadata.region, eq: region-${i % 17} }
        - { path: confidence, lt: ${(0.5 + (i % 50) / 100).toFixed(2)} }
    then: { risk_class: ${CLASSES[i % 4]}, reason: policy_risk, action: review }
`;
  });
  return parsePolicy(`${HEAD}rules:\n${rules.join('')}${TAIL}`, 'bench-200.yaml');
}

const trivial = parsePolicy(
  `${HEAD}rules:\n  - id: only\n    when: { path: confidence, lt: 0.5 }\n    then: { risk_class: medium, reason: low_confidence, action: review }\n${TAIL}`,
  'bench-1.yaml',
);

function transactions(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    prompt: [
      { role: 'system', content: 'You are a support assistant for Acme. Be brief.' },
      {
        role: 'user',
        content: `Where is my refund for order ${100000 + i}? Write to me at user${i}@example.com.`,
      },
    ],
    workflow: 'returns',
    confidence: (i % 100) / 100,
    metadata: { amount: (i * 7919) % 60000, category: CATEGORIES[i % 8], region: `region-${i % 23}` },
    gates: { pii: { outcome: 'flag', score: 0.9, entities: [ENTITIES[i % 6], ENTITIES[(i + 1) % 6]] } },
  }));
}

const NOW = new Date('2026-03-02T09:00:00Z');

function measure(label: string, policy: Policy, withFacts: boolean): number {
  const txs = transactions(1000);
  const prepared = txs.map((t) => buildFacts(policy, t, NOW));
  const samples = new Float64Array(ROUTES);
  let sink = 0;
  for (let i = 0; i < ROUTES + 20_000; i++) {
    const t0 = process.hrtime.bigint();
    const facts = withFacts ? buildFacts(policy, txs[i % 1000]!, NOW) : prepared[i % 1000]!;
    sink += route(policy, facts).risk_rank;
    const dt = Number(process.hrtime.bigint() - t0) / 1000;
    // The first 20,000 warm the JIT up and are not counted.
    if (i >= 20_000) samples[i - 20_000] = dt;
  }
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  console.log(`${label.padEnd(34)} p50 ${fmt(p50, 2)} µs  p99 ${fmt(p99, 2)} µs  (checksum ${sink % 97})`);
  return p99;
}

const big = bigPolicy(200);
console.log(`routing, ${ROUTES} routes per case, ${big.rules.length}-rule policy vs 1-rule baseline\n`);
const baseRoute = measure('baseline: 1 rule, route', trivial, false);
const bigRoute = measure('200 rules, route', big, false);
const baseFull = measure('baseline: 1 rule, buildFacts+route', trivial, true);
const bigFull = measure('200 rules, buildFacts+route', big, true);
console.log(
  `\nratio p99 200 rules / 1 rule: route ${(bigRoute / baseRoute).toFixed(1)}x, ` +
    `buildFacts+route ${(bigFull / baseFull).toFixed(1)}x; target p99 < 50 µs: ${bigFull < 50 ? 'met' : 'NOT met'}`,
);
