import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICIES_DIR, resolveConfig } from '../src/config.js';
import { silentLogger } from '../src/ctx.js';
import { startServer } from '../src/server.js';
import { makeTransaction } from './helpers/factories.js';
import { ADMIN_KEY, startTestServer, type TestServer } from './helpers/server.js';
import { STORE } from './helpers/store.js';

const DEFAULT_YAML = readFileSync(POLICIES_DIR + 'default.yaml', 'utf8');
// The same policy, except low confidence is now blocked outright.
const STRICT_YAML = DEFAULT_YAML.replace(
  'then: { risk_class: medium, reason: low_confidence, action: review }',
  'then: { risk_class: high, reason: low_confidence, action: block }',
).replace('name: default', 'name: strict');

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { scheduler: false });
});
afterAll(async () => {
  await s?.stop();
});

const lowConfidence = () =>
  s.api('POST', '/v1/transactions', { body: makeTransaction({ confidence: 0.2, output: 'Maybe.' }) });

describe('policy versions over HTTP', () => {
  it('seeds the first version from the configured file', async () => {
    const active = await s.api('GET', '/v1/policies/active');
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ name: 'default', yaml: DEFAULT_YAML, workflows: [] });
    expect(active.body.version).toBe(s.ctx.policy().doc.version);
    const list = await s.api('GET', '/v1/policies');
    expect(list.body.versions).toEqual([
      expect.objectContaining({ version: active.body.version, active_as: 'primary' }),
    ]);
  });

  it('refuses a non-admin and an invalid policy, and the running one stays', async () => {
    const before = s.ctx.policy().doc.version;
    const reviewer = await s.key('reviewer');
    const forbidden = await s.api('POST', '/v1/policies', { key: reviewer, body: { yaml: STRICT_YAML } });
    expect(forbidden.status).toBe(403);
    const invalid = STRICT_YAML.replace(
      'risk_class: high, reason: low_confidence',
      'risk_class: severe, reason: low_confidence',
    );
    const res = await s.api('POST', '/v1/policies', { body: { yaml: invalid } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('policy_invalid');
    expect(res.body.detail).toMatch(
      /^policy:\d+:\d+: rules\.1\.then\.risk_class: unknown risk class "severe"/,
    );
    const badGate = STRICT_YAML.replace('min_score: 0.5', 'min_score: 7');
    const gateRes = await s.api('POST', '/v1/policies', { body: { yaml: badGate } });
    expect(gateRes.status).toBe(422);
    expect(gateRes.body.detail).toMatch(/^policy:\d+:\d+: /);
    expect(s.ctx.policy().doc.version).toBe(before);
    expect((await s.api('GET', '/v1/policies')).body.versions).toHaveLength(1);
  });

  it('activates a new policy for new transactions; earlier ones keep their version; rolls back', async () => {
    const seeded = s.ctx.policy().doc.version;
    const held = await lowConfidence();
    expect(held.body).toMatchObject({ verdict: 'held', policy_version: seeded });

    const act = await s.api('POST', '/v1/policies', { body: { yaml: STRICT_YAML } });
    expect(act.status).toBe(201);
    expect(act.body).toMatchObject({ name: 'strict', previous: seeded });
    const blocked = await lowConfidence();
    expect(blocked.body).toMatchObject({ verdict: 'blocked', policy_version: act.body.version });
    const earlier = await s.api('GET', `/v1/transactions/${held.body.id}`);
    expect(earlier.body).toMatchObject({ verdict: 'held', policy_version: seeded });

    const back = await s.api('POST', '/v1/policies', { body: { version: seeded } });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ version: seeded, previous: act.body.version });
    expect((await lowConfidence()).body).toMatchObject({ verdict: 'held', policy_version: seeded });

    const versions = (await s.api('GET', '/v1/policies')).body.versions;
    expect(
      versions.map((v: { version: string; active_as: string }) => [v.version, v.active_as]).sort(),
    ).toEqual(
      [
        [seeded, 'primary'],
        [act.body.version, null],
      ].sort(),
    );
    const audit = await s.ctx.db.query<{ body: { version: string } }>(
      `select body from audit_entries where kind = 'policy.activated' order by seq`,
    );
    expect(audit.rows.map((r) => r.body.version)).toEqual([seeded, act.body.version, seeded]);
    expect((await s.api('POST', '/v1/policies', { body: { version: 'nope@123' } })).status).toBe(404);
  });

  it('routes a workflow with its own policy, and every other workflow with the primary one', async () => {
    const primary = s.ctx.policy().doc.version;
    const returnsYaml = readFileSync(POLICIES_DIR + 'returns.yaml', 'utf8');
    const act = await s.api('POST', '/v1/policies', { body: { yaml: returnsYaml, as: 'workflow' } });
    expect(act.status).toBe(201);
    expect(act.body).toMatchObject({ name: 'returns', role: 'workflow', previous: null });
    const fraud = { workflow: 'returns', metadata: { amount: 5000, fraud_signal: true, customer_id: 'c-9' } };
    const ret = await s.api('POST', '/v1/transactions', { body: makeTransaction(fraud) });
    expect(ret.body).toMatchObject({
      policy_version: act.body.version,
      risk_class: 'critical',
      reason: 'fraud_signal',
    });
    const other = await lowConfidence();
    expect(other.body.policy_version).toBe(primary);
    const active = await s.api('GET', '/v1/policies/active');
    expect(active.body).toMatchObject({
      version: primary,
      workflows: [{ name: 'returns', version: act.body.version }],
    });
  });

  it('keeps the database’s active version over the configured file on restart', async () => {
    const act = await s.api('POST', '/v1/policies', { body: { yaml: STRICT_YAML } });
    expect(act.status).toBe(201);
    const config = resolveConfig(
      {
        port: 0,
        dataDir: join(s.store.dataDir, 'db'),
        databaseUrl: s.store.databaseUrl,
        adminKey: ADMIN_KEY,
      },
      {},
    );
    // PGlite is one process's store: stop this server before another opens it.
    const first = s;
    if (STORE === 'pglite') await first.close();
    const other = await startServer(config, silentLogger, { scheduler: false });
    try {
      expect(other.ctx.policy().doc.version).toBe(act.body.version);
    } finally {
      await other.close();
      if (STORE === 'pglite') {
        await first.store.drop();
        s = await startTestServer();
      }
    }
  });
});

describe.runIf(STORE === 'postgres')('several processes on one PostgreSQL server', () => {
  it('picks up an activation made by another process', async () => {
    const config = resolveConfig(
      {
        port: 0,
        dataDir: join(s.store.dataDir, 'db2'),
        databaseUrl: s.store.databaseUrl,
        adminKey: ADMIN_KEY,
      },
      {},
    );
    const second = await startServer(config, silentLogger, { scheduler: false });
    try {
      const yaml = STRICT_YAML.replace('name: strict', 'name: second');
      const act = await s.api('POST', '/v1/policies', { body: { yaml } });
      expect(act.status).toBe(201);
      // The NOTIFY reaches the other process asynchronously: wait for that event, not for a time.
      await expect.poll(() => second.ctx.policy().doc.version, { timeout: 10_000 }).toBe(act.body.version);
    } finally {
      await second.close();
    }
  });
});
