import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateStaleGoldenSets } from '../src/golden/evaluate.js';
import { makeTransaction } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const T = new Date('2026-03-10T09:00:00Z');
let now = T;
let s: TestServer;
let lead: string;
const ids: string[] = [];

beforeAll(async () => {
  s = await startTestServer({}, { clock: () => now, scheduler: false });
  lead = await s.key('lead');
  const ingest = await s.key('ingest');
  for (const output of ['Your refund is on its way.', 'Statements arrive on the 3rd.', 'We cannot help.']) {
    const r = await s.api('POST', '/v1/transactions', { key: ingest, body: makeTransaction({ output }) });
    expect(r.body.verdict).toBe('released');
    ids.push(r.body.id);
  }
});
afterAll(async () => {
  await s?.stop();
});

describe('golden sets', () => {
  it('are uploaded, evaluated on demand against released outputs, and feed the SLA accuracy', async () => {
    const up = await s.api('PUT', '/v1/golden/replies', {
      key: lead,
      body: {
        items: [
          { transaction_id: ids[0], expected_output: '  Your refund is   on its way.' },
          { transaction_id: ids[1], expected_output: 'Statements arrive on the 3rd.' },
          { transaction_id: ids[2], expected_output: 'Here is how to reset your PIN.' },
        ],
      },
    });
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ set: 'replies', written: 3 });
    const run = await s.api('POST', '/v1/golden/replies/evaluations', { key: lead });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ items: 3, matched: 2, mismatches: [ids[2]] });
    expect(run.body.accuracy).toBeCloseTo(2 / 3, 12);
    const sla = await s.api('GET', '/v1/metrics/sla', { key: lead });
    expect(sla.body.sla.golden_accuracy).toMatchObject({ target: 0.92, met: false });
    expect(sla.body.sla.golden_accuracy.value).toBeCloseTo(2 / 3, 12);
  });

  it('are evaluated on a schedule once a day', async () => {
    const runs = async () =>
      (await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from golden_runs`)).rows[0]!.n;
    await evaluateStaleGoldenSets(s.ctx);
    expect(await runs()).toBe(1);
    now = new Date(T.getTime() + 25 * 3_600_000);
    await evaluateStaleGoldenSets(s.ctx);
    await evaluateStaleGoldenSets(s.ctx);
    expect(await runs()).toBe(2);
  });

  it('refuses unknown transactions with the pointer of the item', async () => {
    const r = await s.api('PUT', '/v1/golden/replies', {
      key: lead,
      body: {
        items: [
          { transaction_id: ids[0], expected_output: 'x' },
          { transaction_id: 'nope', expected_output: 'y' },
        ],
      },
    });
    expect(r.status).toBe(404);
    expect(r.body.pointer).toBe('/items/1/transaction_id');
    expect((await s.api('POST', '/v1/golden/none/evaluations', { key: lead })).status).toBe(404);
  });
});
