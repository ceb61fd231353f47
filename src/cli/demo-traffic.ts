import { readFileSync } from 'node:fs';
import { POLICIES_DIR } from '../config.js';
import type { Ctx } from '../ctx.js';
import { acceptTransaction, type TransactionInput } from '../intake/index.js';
import { createKey, DEFAULT_TENANT, type Principal } from '../keys/index.js';
import { activatePolicy } from '../routing/index.js';

/** The example policies `--demo` activates for their workflows (the primary one stays as configured). */
export const DEMO_WORKFLOW_POLICIES = ['customer-replies', 'returns'] as const;

const SYSTEM: Principal = { keyId: 'demo', tenantId: DEFAULT_TENANT, roles: ['admin', 'ingest'] };

/** A running demo: stop ends its traffic; sendBatch sends n transactions now (tests use it). */
export interface Demo {
  reviewerKey: string;
  activated: string[];
  skipped: string[];
  sendBatch(n: number): Promise<void>;
  stop(): void;
}

// A small deterministic generator (mulberry32), so a demo run is the same every time.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLIES: [string, string, string][] = [
  [
    'billing',
    'Why was I charged twice this month?',
    'You were charged once; the second line is a pending hold.',
  ],
  ['shipping', 'Where is my parcel 48213?', 'Your parcel ships tomorrow; tracking follows by e-mail.'],
  ['legal', 'Can I cancel the contract early?', 'Yes, with 30 days notice under clause 7.'],
  [
    'medical',
    'Is it safe to take this with ibuprofen?',
    'Please ask your doctor; I cannot give medical advice.',
  ],
  ['account', 'Update my card please', 'Done: the card 4111 1111 1111 1111 is now your default.'],
  ['account', 'What e-mail do you have for me?', 'We write to jane.doe@example.com.'],
];
const CATEGORIES = ['clothing', 'electronics', 'toys', 'books'];
const REASONS = ['size', 'changed_mind', 'defective', 'not_as_described', 'other'];

function replyTransaction(r: () => number): TransactionInput {
  const [category, question, answer] = REPLIES[Math.floor(r() * REPLIES.length)]!;
  return {
    prompt: [
      { role: 'system', content: 'You are the support assistant of Acme. Answer briefly and politely.' },
      { role: 'user', content: question },
    ],
    output: answer,
    model: { name: 'gpt-4o-mini', version: '2024-07-18' },
    confidence: Math.round((0.3 + r() * 0.7) * 100) / 100,
    workflow: 'customer-replies',
    metadata: { category, customer_id: `c-${1000 + Math.floor(r() * 40)}` },
    telemetry: { latency_ms: Math.round(400 + r() * 1600), tokens_out: Math.round(20 + r() * 200) },
  };
}

function returnTransaction(r: () => number): TransactionInput {
  const category = CATEGORIES[Math.floor(r() * CATEGORIES.length)]!;
  const amount = Math.round(r() < 0.7 ? 2000 + r() * 18000 : 20000 + r() * 300000);
  return {
    prompt: `Decide on return request for order ${Math.floor(r() * 1e6)}: ${category}, ${amount} KZT.`,
    output: amount <= 20000 ? 'Approve the return.' : 'Approve the return after inspection.',
    workflow: 'returns',
    confidence: 0.9,
    metadata: {
      amount,
      currency: 'KZT',
      category,
      customer_id: `c-${2000 + Math.floor(r() * 25)}`,
      return_reason: REASONS[Math.floor(r() * REASONS.length)],
      fraud_signal: r() < 0.03,
      serial_number_match: r() > 0.04,
      disputed: r() < 0.04,
    },
  };
}

/**
 * Starts `gatehouse start --demo`: activates the example policies for their workflows (those that
 * fail validation are skipped and named), creates a reviewer key (reviewer, SME and lead roles) and
 * sends one synthetic transaction every `everyMs` (customer replies and returns), so a newcomer
 * sees a live queue.
 */
export async function startDemo(ctx: Ctx, opts: { everyMs: number; seed?: number }): Promise<Demo> {
  const activated: string[] = [];
  const skipped: string[] = [];
  for (const name of DEMO_WORKFLOW_POLICIES) {
    const file = `${POLICIES_DIR}${name}.yaml`;
    try {
      const current = ctx.policies.current().workflows.get(name)?.doc.source;
      const yaml = readFileSync(file, 'utf8');
      if (current !== yaml) await activatePolicy(ctx, SYSTEM, { yaml, as: 'workflow' });
      activated.push(name);
    } catch (err) {
      skipped.push(`${name}: ${(err as Error).message}`);
    }
  }
  const { key } = await createKey(ctx, SYSTEM, {
    roles: ['reviewer', 'sme', 'lead'],
    name: 'demo-reviewer',
  });
  const r = random(opts.seed ?? 20261206);
  const sendOne = () =>
    acceptTransaction(ctx, SYSTEM, r() < 0.5 ? replyTransaction(r) : returnTransaction(r)).then(
      () => undefined,
    );
  const timer = setInterval(() => {
    sendOne().catch((err: unknown) => ctx.log.error('demo transaction failed', { error: String(err) }));
  }, opts.everyMs);
  return {
    reviewerKey: key,
    activated,
    skipped,
    async sendBatch(n) {
      for (let i = 0; i < n; i++) await sendOne();
    },
    stop: () => clearInterval(timer),
  };
}
