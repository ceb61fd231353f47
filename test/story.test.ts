import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.stop();
});

describe('the walking-skeleton story', () => {
  it('holds a transaction with card data, lets a reviewer edit it, and releases the edit', async () => {
    const ingest = await s.key('ingest');
    const reviewer = await s.key('reviewer');

    const sent = await s.api('POST', '/v1/transactions', {
      key: ingest,
      body: makeTransaction({ output: STORY_OUTPUT }),
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      verdict: 'held',
      risk_class: 'high',
      reason: 'pii_suspicion',
      output: null,
    });
    expect(sent.body.case_id).toEqual(expect.any(String));
    const pii = sent.body.gates.find((g: { name: string }) => g.name === 'pii');
    const types = pii.findings
      .filter((f: { target?: string }) => f.target !== 'prompt')
      .map((f: { entity_type: string }) => f.entity_type);
    expect(types).toEqual(expect.arrayContaining(['EMAIL_ADDRESS', 'CREDIT_CARD']));
    const email = pii.findings.find((f: { entity_type: string }) => f.entity_type === 'EMAIL_ADDRESS');
    expect(STORY_OUTPUT.slice(email.start, email.end)).toBe('jane.doe@example.com');

    const pending = await s.api('GET', `/v1/transactions/${sent.body.id}`, { key: ingest });
    expect(pending.body.verdict).toBe('held');

    const card = await s.api('POST', '/v1/review/next', { key: reviewer });
    expect(card.status).toBe(200);
    expect(card.body.case.id).toBe(sent.body.case_id);
    expect(card.body.transaction.output).not.toContain('jane.doe@example.com');
    expect(card.body.transaction.output).not.toContain('4111 1111 1111 1111');

    // The long-poll starts before the decision and is woken by it.
    const waited = s.api('GET', `/v1/transactions/${sent.body.id}?wait=20`, { key: ingest });
    const edited = 'I have updated your profile. Your new default card ends in 1111.';
    const decision = await s.api('POST', `/v1/cases/${sent.body.case_id}/decisions`, {
      key: reviewer,
      body: { action: 'edit', output: edited, rationale: 'Never repeat card numbers to customers.' },
    });
    expect(decision.status).toBe(201);
    expect(decision.body).toMatchObject({ verdict: 'released', action: 'edit' });
    expect(decision.body.edit_ratio).toBeGreaterThan(0.3);

    const after = await waited;
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ verdict: 'released', output: edited });

    const auditor = await s.key('auditor');
    const audit = await s.api('GET', `/v1/transactions/${sent.body.id}/audit`, { key: auditor });
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((e: { kind: string }) => e.kind)).toEqual([
      'transaction.received',
      'gates.evaluated',
      'transaction.routed',
      'case.opened',
      'case.claimed',
      'case.decided',
      // The reviewer rewrote more than 30 %: seed 1's quality flag (escalation #7).
      'case.quality_flagged',
    ]);
    const received = audit.body.entries[0].body;
    // The policy redacts PII, so not even the audit log keeps it unredacted (#4).
    expect(received.output).toBe(
      'I have updated your profile. We will write to <EMAIL_ADDRESS>; the card **** **** **** 1111 is now your default.',
    );
    expect(received.model).toEqual({ name: 'gpt-4o-mini', version: '2024-07-18' });
    expect(received.parameters).toEqual({ temperature: 0.2, max_tokens: 400 });
    expect(audit.body.entries[5].body).toMatchObject({ action: 'edit', output: edited, verdict: 'released' });
    expect((await s.api('GET', `/v1/transactions/${sent.body.id}/audit`, { key: ingest })).status).toBe(403);
    expect((await s.api('POST', '/v1/review/next', { key: reviewer })).status).toBe(204);
  });

  it('redacts contact details and releases at once when nothing needs a human', async () => {
    const res = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({ output: 'Write to help@acme.example and we will answer within a day.' }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ verdict: 'released', risk_class: 'low', case_id: null });
    expect(res.body.output).toBe('Write to <EMAIL_ADDRESS> and we will answer within a day.');
  });

  it('routes low confidence to review with its reason', async () => {
    const res = await s.api('POST', '/v1/transactions', { body: makeTransaction({ confidence: 0.3 }) });
    expect(res.body).toMatchObject({ verdict: 'held', risk_class: 'medium', reason: 'low_confidence' });
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const body = makeTransaction({ output: 'Your balance is visible in the app.' });
    const headers = { 'idempotency-key': 'order-77' };
    const first = await s.api('POST', '/v1/transactions', { body, headers });
    const again = await s.api('POST', '/v1/transactions', { body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await s.api('POST', '/v1/transactions', { body: { ...body, output: 'changed' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_conflict');
    const { rows } = await s.ctx.db.query(`select id from transactions where idempotency_key = 'order-77'`);
    expect(rows).toHaveLength(1);
  });

  it('escalates to Level 2 without resetting the deadline; an SME then decides', async () => {
    const reviewer = await s.key('reviewer');
    const sme = await s.key('sme');
    const sent = await s.api('POST', '/v1/transactions', { body: makeTransaction({ output: STORY_OUTPUT }) });
    const card = await s.api('POST', '/v1/review/next', { key: reviewer });
    expect(card.body.case.id).toBe(sent.body.case_id);
    const esc = await s.api('POST', `/v1/cases/${sent.body.case_id}/decisions`, {
      key: reviewer,
      body: { action: 'escalate', rationale: 'legal wording' },
    });
    expect(esc.body).toMatchObject({ verdict: 'held', level: 2 });
    // Level-1 reviewers no longer see it (other tests' cases may still wait for them).
    const l1 = await s.api('POST', '/v1/review/next', { key: reviewer });
    expect(l1.body?.case?.id).not.toBe(sent.body.case_id);
    const smeCard = await s.api('POST', '/v1/review/next', { key: sme });
    expect(smeCard.body.case).toMatchObject({
      id: sent.body.case_id,
      level: 2,
      due_at: card.body.case.due_at,
    });
    const rejected = await s.api('POST', `/v1/cases/${sent.body.case_id}/decisions`, {
      key: sme,
      body: { action: 'reject', reason: 'policy_risk' },
    });
    expect(rejected.body.verdict).toBe('blocked');
    const tx = await s.api('GET', `/v1/transactions/${sent.body.id}`);
    expect(tx.body).toMatchObject({ verdict: 'blocked', output: null });
  });
});
