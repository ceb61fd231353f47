import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneCounterHits } from '../src/routing/index.js';
import { makeTransaction } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

// Rules exercising routing state: a counter over the fingerprint, a fold window, a safe pattern.
const POLICY = `
name: routing-state
risk_classes:
  critical: { rank: 0, sla_minutes: 15 }
  high: { rank: 1, sla_minutes: 30 }
  low: { rank: 2, sla_minutes: 1440 }
reasons: [low_confidence, policy_risk, incomplete_data]
gates:
  pii: { min_score: 0.5 }
fingerprint: { fields: [workflow, prompt_template] }
counters:
  prompt_failures_24h: { key: fingerprint, window_minutes: 1440, count: not_released }
rules:
  - id: keeps-failing
    when: { all: [ { path: counters.prompt_failures_24h, gte: 2 }, { path: confidence, lt: 0.5 } ] }
    then: { risk_class: critical, reason: low_confidence, action: review, incident: true }
  - id: low-confidence
    when: { path: confidence, lt: 0.5 }
    then: { risk_class: high, reason: low_confidence, action: review }
  - id: billing
    when: { path: metadata.category, eq: billing }
    then: { risk_class: high, reason: policy_risk, action: review, safe_pattern: { after: 2, sample_rate: 1 } }
  - id: forbidden
    when: { path: metadata.category, eq: forbidden }
    then: { risk_class: critical, reason: policy_risk, action: block, level: 2 }
  - id: big-amount
    when: { path: metadata.amount, gt: 1000 }
    then: { risk_class: high, reason: policy_risk, action: review, fold: { window_minutes: 60 } }
default: { risk_class: low, action: release }
on_error: { risk_class: high, reason: incomplete_data, action: review }
`;

let s: TestServer;
let now = new Date('2026-03-02T09:00:00Z');
let reviewer: string;
beforeAll(async () => {
  s = await startTestServer({}, { clock: () => now, scheduler: false });
  const activated = await s.api('POST', '/v1/policies', { body: { yaml: POLICY } });
  expect(activated.status).toBe(201);
  reviewer = await s.key('reviewer');
});
afterAll(async () => {
  await s?.stop();
});

const send = async (prompt: string, extra: Record<string, unknown> = {}) => {
  const res = await s.api('POST', '/v1/transactions', {
    body: makeTransaction({
      prompt: [{ role: 'user', content: prompt }],
      output: 'Here is what I found.',
      metadata: {},
      ...extra,
    }),
  });
  expect(res.status).toBe(201);
  return res.body;
};

const decideNext = async (action: 'approve' | 'reject') => {
  const card = await s.api('POST', '/v1/review/next', { key: reviewer });
  expect(card.status).toBe(200);
  const d = await s.api('POST', `/v1/cases/${card.body.case.id}/decisions`, {
    key: reviewer,
    body: { action },
  });
  expect(d.status).toBe(201);
  return card.body.case.id as string;
};

describe('folding repeats into one case', () => {
  it('folds a repeat within the window, opens a new case after it, and settles folded transactions', async () => {
    // The numbers differ, the template is the same: one incident.
    const big = { metadata: { amount: 5000 } };
    const first = await send('Summarise order 1001 for me', big);
    const repeat = await send('Summarise order 2002 for me', big);
    expect(first).toMatchObject({ verdict: 'held', matched_rules: ['big-amount'] });
    expect(repeat).toMatchObject({ verdict: 'held', case_id: first.case_id });
    const other = await send('Something else entirely', big);
    expect(other.case_id).not.toBe(first.case_id);
    const { rows } = await s.ctx.db.query<{ fold_count: number }>(
      `select fold_count from case_routes where case_id = $1`,
      [first.case_id],
    );
    expect(rows[0]!.fold_count).toBe(2);

    now = new Date(now.getTime() + 61 * 60_000);
    const late = await send('Summarise order 3003 for me', big);
    expect(late).toMatchObject({ verdict: 'held', matched_rules: ['big-amount'] });
    expect(late.case_id).not.toBe(first.case_id);

    // Approving the folded case releases each folded transaction's own output.
    const decided: string[] = [];
    for (let i = 0; i < 3; i++) decided.push(await decideNext('approve'));
    expect(decided).toContain(first.case_id);
    const after = await s.api('GET', `/v1/transactions/${repeat.id}`);
    expect(after.body).toMatchObject({ verdict: 'released', output: 'Here is what I found.' });
  });
});

describe('counters', () => {
  it('opens an incident case when the same prompt fails a third time in 24 hours', async () => {
    const a = await send('Why was card 4000 declined?', { confidence: 0.2 });
    now = new Date(now.getTime() + 90 * 60_000); // past the fold window, within the counter window
    const b = await send('Why was card 5000 declined?', { confidence: 0.2 });
    expect([a.matched_rules, b.matched_rules]).toEqual([['low-confidence'], ['low-confidence']]);
    const c = await send('Why was card 6000 declined?', { confidence: 0.2 });
    expect(c).toMatchObject({ risk_class: 'critical', matched_rules: ['keeps-failing', 'low-confidence'] });
    const audit = await s.ctx.db.query<{ body: { incident: boolean; rule: string } }>(
      `select body from audit_entries where transaction_id = $1 and kind = 'transaction.routed'`,
      [c.id],
    );
    expect(audit.rows[0]!.body).toMatchObject({ incident: true, rule: 'keeps-failing' });
    // A day later the earlier failures have left the window.
    now = new Date(now.getTime() + 25 * 60 * 60_000);
    const d = await send('Why was card 7000 declined?', { confidence: 0.2 });
    expect(d.risk_class).toBe('high');
    for (let i = 0; i < 4; i++) await decideNext('approve');
  });
});

describe('safe patterns', () => {
  it('auto-releases a pattern after N unchanged approvals, with QA, until a reviewer reverses one', async () => {
    const billing = { metadata: { category: 'billing' } };
    for (let i = 0; i < 2; i++) {
      const held = await send('Explain invoice 42', billing);
      expect(held).toMatchObject({ verdict: 'held', action: 'review' });
      expect(await decideNext('approve')).toBe(held.case_id);
    }
    const visible = await s.api('GET', '/v1/safe-patterns');
    expect(visible.status).toBe(200);
    // Every rule's approvals are counted (rule health); only a rule with safe_pattern releases.
    const byRule = (body: { patterns: { rule_id: string }[] }, id: string) =>
      body.patterns.find((p) => p.rule_id === id);
    expect(byRule(visible.body, 'billing')).toMatchObject({
      approvals: 2,
      after: 2,
      enabled: true,
      auto_release: true,
    });
    expect(byRule(visible.body, 'low-confidence')).toMatchObject({ after: null, auto_release: false });
    const learned = await send('Explain invoice 43', billing);
    expect(learned).toMatchObject({ verdict: 'released', action: 'sample', matched_rules: ['billing'] });
    expect(learned.output).toBe('Here is what I found.');
    // sample_rate 1: every auto-released one still gets a QA case; the reviewer reverses it.
    expect(learned.case_id).toEqual(expect.any(String));
    expect(await decideNext('reject')).toBe(learned.case_id);
    const { rows } = await s.ctx.db.query<{ approvals: number; reversals: number }>(
      `select approvals, reversals from safe_patterns where rule_id = 'billing'`,
    );
    expect(rows[0]).toEqual({ approvals: 0, reversals: 1 });
    const reversed = byRule((await s.api('GET', '/v1/safe-patterns')).body, 'billing');
    expect(reversed).toMatchObject({ approvals: 0, reversals: 1, auto_release: false });
    const again = await send('Explain invoice 44', billing);
    expect(again).toMatchObject({ verdict: 'held', action: 'review' });
    await decideNext('approve');
  });
});

describe('block and route to Level 2', () => {
  it('blocks at once, opens an SME case that may release it, and replays the first answer', async () => {
    const sme = await s.key('sme');
    const body = makeTransaction({ output: 'Here is what I found.', metadata: { category: 'forbidden' } });
    const headers = { 'idempotency-key': 'blocked-1' };
    const first = await s.api('POST', '/v1/transactions', { body, headers });
    expect(first.body).toMatchObject({ verdict: 'blocked', output: null, action: 'block' });
    expect(first.body.case_id).toEqual(expect.any(String));
    const card = await s.api('POST', '/v1/review/next', { key: sme });
    expect(card.body.case).toMatchObject({ id: first.body.case_id, level: 2 });
    await s.api('POST', `/v1/cases/${first.body.case_id}/decisions`, {
      key: sme,
      body: { action: 'approve' },
    });
    expect((await s.api('GET', `/v1/transactions/${first.body.id}`)).body.verdict).toBe('released');
    const replay = await s.api('POST', '/v1/transactions', { body, headers });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
  });
});

describe('bad input at request time', () => {
  it('routes a metadata field of the wrong type to review for incomplete data, not a 500', async () => {
    const res = await send('Refund please', { metadata: { amount: 'a lot' } });
    expect(res).toMatchObject({ verdict: 'held', reason: 'incomplete_data', risk_class: 'high' });
    await decideNext('approve');
  });
});

describe('counter retention', () => {
  it('prunes counter hits older than every window, and keeps newer ones', async () => {
    const count = async () =>
      (await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from counter_hits`)).rows[0]!.n;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await pruneCounterHits.run(s.ctx);
    expect(await count()).toBe(before);
    now = new Date(now.getTime() + 32 * 24 * 60 * 60_000);
    await send('A fresh question', { confidence: 0.3 });
    await pruneCounterHits.run(s.ctx);
    expect(await count()).toBe(1);
    await decideNext('approve');
  });
});
