import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActivePolicy } from '../src/server.js';
import { makeTransaction } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-gates-'));
const POLICY = join(dir, 'gates.yaml');
writeFileSync(
  POLICY,
  `name: gates-test
risk_classes:
  critical: { rank: 0, sla_minutes: 15 }
  high: { rank: 1, sla_minutes: 30 }
  low: { rank: 2, sla_minutes: 1440 }
reasons: [policy_risk, low_confidence, pii_suspicion]
gates:
  pii:
    operators:
      EMAIL_ADDRESS: { type: vault }
  safety:
    forbidden_claims: [guaranteed returns]
  confidence: {}
  ai_label:
    workflows: [returns]
rules:
  - id: seed1-unsafe
    when: { path: gates.safety.score, lt: 0.2 }
    then: { risk_class: critical, reason: policy_risk, action: block, level: 2 }
  - id: refusal
    when: { path: gates.confidence.refusal, eq: true }
    then: { risk_class: high, reason: low_confidence, action: review }
  - id: billing-signoff
    when: { path: gates.safety.topics, contains: billing }
    then: { risk_class: high, reason: policy_risk, action: review }
default: { risk_class: low, reason: null, action: release }
on_error: { risk_class: high, reason: policy_risk, action: review }
`,
);

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ policy: POLICY }, { scheduler: false });
});
afterAll(async () => {
  await s?.stop();
});

async function count(table: string): Promise<number> {
  const { rows } = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return rows[0]!.n;
}

describe('gates on the intake path, routed by the policy', () => {
  it('seed 1: a safety score under 0.2 blocks and routes to Level 2', async () => {
    const res = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({ output: 'This plan has guaranteed returns of 20 %.', metadata: {} }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      verdict: 'blocked',
      risk_class: 'critical',
      matched_rules: ['seed1-unsafe'],
    });
    expect(res.body.gates.find((g: { name: string }) => g.name === 'safety')).toMatchObject({
      outcome: 'block',
      score: 0.15,
    });
  });

  it('holds a refusal and stores the refusal flag where the SLO reads it (transactions.gates)', async () => {
    const res = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({ output: "I'm sorry, but I can't help with that." }),
    });
    expect(res.body).toMatchObject({ verdict: 'held', reason: 'low_confidence' });
    const { rows } = await s.ctx.db.query<{ refusal: boolean }>(
      `select (g -> 'signals' ->> 'refusal')::boolean as refusal
       from transactions, jsonb_array_elements(gates) g where id = $1 and g ->> 'name' = 'confidence'`,
      [res.body.id],
    );
    expect(rows).toEqual([{ refusal: true }]);
  });

  it('adds the AI label to a returns reply it releases', async () => {
    const res = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({ workflow: 'returns', output: 'Your return is accepted.', metadata: {} }),
    });
    expect(res.body).toMatchObject({
      verdict: 'released',
      output: 'Your return is accepted.\n\nAI-generated content',
    });
  });
});

describe('the vault operator', () => {
  let id = '';
  let vaultId = '';
  beforeAll(async () => {
    const res = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({
        prompt: 'Write to jane.doe@example.com about her parcel',
        output: 'We wrote to jane.doe@example.com; the parcel ships today.',
      }),
    });
    expect(res.status).toBe(201);
    id = res.body.id;
    vaultId = /<EMAIL_ADDRESS:vault:([0-9a-f-]{36})>/.exec(res.body.output)![1]!;
  });

  it('stores the original only encrypted: never in the transaction row or its audit entries', async () => {
    const { rows } = await s.ctx.db.query<{ t: string }>(
      `select row_to_json(t)::text as t from transactions t where id = $1`,
      [id],
    );
    expect(rows[0]!.t).not.toContain('jane.doe@example.com');
    const audit = await s.ctx.db.query<{ b: string }>(
      `select body::text as b from audit_entries where transaction_id = $1`,
      [id],
    );
    expect(audit.rows.map((r) => r.b).join()).not.toContain('jane.doe@example.com');
    expect(audit.rows.some((r) => r.b.includes(vaultId))).toBe(true);
    const vault = await s.ctx.db.query<{ sealed: string }>(`select sealed from pii_vault`);
    expect(vault.rows).toHaveLength(2);
    expect(vault.rows.map((r) => r.sealed).join()).not.toContain('jane');
  });

  it('reveals it to a permitted role, with an audit entry; refuses others', async () => {
    const reviewer = await s.key('reviewer');
    expect((await s.api('POST', `/v1/vault/${vaultId}/reveal`, { key: reviewer })).status).toBe(403);
    const sme = await s.key('sme');
    const res = await s.api('POST', `/v1/vault/${vaultId}/reveal`, {
      key: sme,
      body: { reason: 'customer asked' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: vaultId,
      entity_type: 'EMAIL_ADDRESS',
      transaction_id: id,
      value: 'jane.doe@example.com',
    });
    const { rows } = await s.ctx.db.query<{ body: Record<string, unknown> }>(
      `select body from audit_entries where kind = 'pii.revealed' and transaction_id = $1`,
      [id],
    );
    expect(rows.map((r) => r.body)).toEqual([
      { vault_id: vaultId, entity_type: 'EMAIL_ADDRESS', reason: 'customer asked' },
    ]);
  });

  it('does not reveal across tenants', async () => {
    const other = await s.api('POST', '/v1/keys', { body: { roles: ['admin'], tenant: 'other' } });
    expect((await s.api('POST', `/v1/vault/${vaultId}/reveal`, { key: other.body.key })).status).toBe(404);
  });
});

describe('POST /v1/gates/evaluate (dry run)', () => {
  it('returns every gate’s findings and the route, and stores nothing', async () => {
    const before = await Promise.all(['transactions', 'audit_entries', 'pii_vault'].map(count));
    const res = await s.api('POST', '/v1/gates/evaluate', {
      body: { text: 'Your refund of the invoice went to jane@example.com.', workflow: 'returns' },
    });
    expect(res.status).toBe(200);
    expect(res.body.gates.map((g: { name: string; outcome: string }) => [g.name, g.outcome])).toEqual([
      ['pii', 'flag'],
      ['safety', 'flag'],
      ['confidence', 'pass'],
      ['ai_label', 'pass'],
    ]);
    expect(res.body.output).toBe(
      'Your refund of the invoice went to <EMAIL_ADDRESS:vault:dry-run>.\n\nAI-generated content',
    );
    expect(res.body.route).toMatchObject({ action: 'review', matched_rules: ['billing-signoff'] });
    expect(await Promise.all(['transactions', 'audit_entries', 'pii_vault'].map(count))).toEqual(before);
  });
  it('takes a whole transaction body as POST /v1/transactions would', async () => {
    const before = await count('transactions');
    const res = await s.api('POST', '/v1/gates/evaluate', {
      body: makeTransaction({ output: "I'm sorry, but I can't help with that." }),
    });
    expect(res.status).toBe(200);
    expect(res.body.route).toMatchObject({ action: 'review', matched_rules: ['refusal'] });
    expect(await count('transactions')).toBe(before);
  });
  it('rejects a body with neither text nor output, naming the field', async () => {
    const res = await s.api('POST', '/v1/gates/evaluate', { body: { workflow: 'x' } });
    expect(res.status).toBe(422);
    expect(res.body.pointer).toBe('/output');
  });
  it('is in the OpenAPI document', async () => {
    const doc = await s.api('GET', '/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/gates/evaluate', '/v1/vault/{id}/reveal']),
    );
  });
});

describe('policy load', () => {
  it('refuses a bad gate config, naming the YAML path', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      readPolicy().replace('forbidden_claims: [guaranteed returns]', 'topics: { billing: [invoice, 7] }'),
    );
    expect(() => loadActivePolicy(bad)).toThrow(
      expect.objectContaining({
        code: 'policy_invalid',
        message: expect.stringMatching(/:\d+:\d+: gates\.safety\.topics\.billing\.1: /),
      }),
    );
  });
});

describe('gatehouse gates eval', () => {
  const ENTRY = fileURLToPath(new URL('./helpers/cli-entry.ts', import.meta.url));
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { encoding: 'utf8' });
  it('prints the findings of the policy’s gates as JSON', () => {
    const file = join(dir, 'reply.txt');
    writeFileSync(file, 'I think the guaranteed returns are fine. Card 4111 1111 1111 1111.');
    const r = run(['gates', 'eval', '--file', file, '--policy', POLICY, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.gates.find((g: { name: string }) => g.name === 'safety')).toMatchObject({
      outcome: 'block',
      score: 0.15,
    });
    expect(out.output).toBe('I think the guaranteed returns are fine. Card <CREDIT_CARD>.');
  });
  it('fails with one stderr line for a missing file or a bad policy', () => {
    const missing = run(['gates', 'eval', '--file', join(dir, 'nope.txt'), '--policy', POLICY]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^gatehouse: --file /);
    const badPolicy = join(dir, 'bad-cli.yaml');
    writeFileSync(badPolicy, readPolicy().replace('confidence: {}', 'confidence: { refusal: ignore }'));
    const bad = run(['gates', 'eval', '--file', join(dir, 'reply.txt'), '--policy', badPolicy]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^gatehouse: gates\.confidence\.refusal: must be one of pass, flag, block/);
  });
});

function readPolicy(): string {
  return readFileSync(POLICY, 'utf8');
}
