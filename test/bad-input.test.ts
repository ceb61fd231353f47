import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ bodyLimitBytes: 64 * 1024 });
});
afterAll(async () => {
  await s?.stop();
});

async function countTransactions(): Promise<number> {
  const { rows } = await s.ctx.db.query<{ n: number }>('select count(*)::int as n from transactions');
  return rows[0]!.n;
}

describe('bad input gets a problem naming the field, and loses nothing accepted before', () => {
  it.each([
    [
      'missing output',
      (() => {
        const t = makeTransaction();
        delete t.output;
        return t;
      })(),
      422,
      '/output',
    ],
    ['output of the wrong type', makeTransaction({ output: 42 }), 422, '/output'],
    ['confidence 1.7', makeTransaction({ confidence: 1.7 }), 422, '/confidence'],
    ['an unknown field', makeTransaction({ ouput: 'typo' }), 422, '/ouput'],
    ['a prompt message without role', makeTransaction({ prompt: [{ content: 'hi' }] }), 422, '/prompt'],
    ['a negative latency', makeTransaction({ telemetry: { latency_ms: -1 } }), 422, '/telemetry/latency_ms'],
  ])('%s', async (_name, body, status, pointer) => {
    const before = await countTransactions();
    const res = await s.api('POST', '/v1/transactions', { body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, code: 'invalid_request' });
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(res.body.detail).toContain(pointer.split('/')[1]);
    expect(await countTransactions()).toBe(before);
  });

  it('bad JSON is 400 malformed_json', async () => {
    const res = await s.api('POST', '/v1/transactions', { body: '{"output": "x",' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed_json');
  });

  it('an oversize body is 413', async () => {
    const res = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({ output: 'x'.repeat(70 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('body_too_large');
  });

  it('no key is 401, an unknown key is 401, a wrong role is 403', async () => {
    expect((await s.api('POST', '/v1/transactions', { key: '', body: makeTransaction() })).status).toBe(401);
    const unknown = await s.api('POST', '/v1/transactions', { key: 'gh_nope', body: makeTransaction() });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('unauthorized');
    const reviewer = await s.key('reviewer');
    const wrong = await s.api('POST', '/v1/transactions', { key: reviewer, body: makeTransaction() });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('forbidden');
    const ingest = await s.key('ingest');
    expect((await s.api('POST', '/v1/keys', { key: ingest, body: { roles: ['admin'] } })).status).toBe(403);
    expect((await s.api('POST', '/v1/review/next', { key: ingest })).status).toBe(403);
  });

  it('a key with an unknown role is refused, naming the field', async () => {
    const res = await s.api('POST', '/v1/keys', { body: { roles: ['superuser'] } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].pointer).toBe('/roles/0');
  });

  it('decisions: not held, closed, edit without output, above Level 3', async () => {
    const a = await s.key('reviewer');
    const b = await s.key('reviewer');
    const lead = await s.key('lead');
    const sent = await s.api('POST', '/v1/transactions', { body: makeTransaction({ output: STORY_OUTPUT }) });
    const caseId = sent.body.case_id;
    expect(
      (await s.api('POST', `/v1/cases/${caseId}/decisions`, { key: a, body: { action: 'approve' } })).body
        .code,
    ).toBe('case_not_held');
    await s.api('POST', '/v1/review/next', { key: a });
    const notMine = await s.api('POST', `/v1/cases/${caseId}/decisions`, {
      key: b,
      body: { action: 'approve' },
    });
    expect(notMine.status).toBe(409);
    const noOutput = await s.api('POST', `/v1/cases/${caseId}/decisions`, {
      key: a,
      body: { action: 'edit' },
    });
    expect(noOutput.status).toBe(422);
    expect(noOutput.body.errors[0].pointer).toBe('/output');
    const badAction = await s.api('POST', `/v1/cases/${caseId}/decisions`, {
      key: a,
      body: { action: 'shrug' },
    });
    expect(badAction.status).toBe(422);
    expect(badAction.body.errors[0].pointer).toBe('/action');
    // Up the ladder to Level 3, then one more is refused.
    await s.api('POST', `/v1/cases/${caseId}/decisions`, { key: a, body: { action: 'escalate' } });
    const sme = await s.key('sme');
    await s.api('POST', '/v1/review/next', { key: sme });
    await s.api('POST', `/v1/cases/${caseId}/decisions`, { key: sme, body: { action: 'escalate' } });
    const l3 = await s.api('POST', '/v1/review/next', { key: lead });
    expect(l3.body.case.level).toBe(3);
    const tooHigh = await s.api('POST', `/v1/cases/${caseId}/decisions`, {
      key: lead,
      body: { action: 'escalate' },
    });
    expect(tooHigh.status).toBe(422);
    expect(tooHigh.body.code).toBe('escalation_limit');
    expect(
      (await s.api('POST', `/v1/cases/${caseId}/decisions`, { key: lead, body: { action: 'approve' } }))
        .status,
    ).toBe(201);
    const twice = await s.api('POST', `/v1/cases/${caseId}/decisions`, {
      key: lead,
      body: { action: 'reject' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('case_closed');
    expect((await s.api('GET', `/v1/transactions/${sent.body.id}`)).body.verdict).toBe('released');
  });

  it('an unknown transaction is 404 problem', async () => {
    const res = await s.api('GET', '/v1/transactions/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('health, readiness and the OpenAPI document need no key', async () => {
    expect((await s.api('GET', '/healthz', { key: '' })).status).toBe(200);
    expect((await s.api('GET', '/readyz', { key: '' })).body.status).toBe('ready');
    const doc = await s.api('GET', '/v1/openapi.json', { key: '' });
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/transactions',
        '/v1/transactions/{id}',
        '/v1/review/next',
        '/v1/cases/{id}/decisions',
        '/v1/keys',
      ]),
    );
  });
});
