import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../src/cli/demo-traffic.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
let demo: Demo;
beforeAll(async () => {
  s = await startTestServer({}, { scheduler: false });
  // A timer too slow to fire during the test: the test sends its own batch.
  demo = await startDemo(s.ctx, { everyMs: 3_600_000 });
});
afterAll(async () => {
  demo?.stop();
  await s?.stop();
});

describe('gatehouse start --demo', () => {
  it('activates the example workflow policies and feeds traffic into a live queue', async () => {
    expect(demo.activated).toContain('returns');
    await demo.sendBatch(40);
    const { rows } = await s.ctx.db.query<{ workflow: string; policy_version: string; n: number }>(
      `select workflow, policy_version, count(*)::int as n from transactions group by 1, 2 order by 1`,
    );
    const returns = rows.find((r) => r.workflow === 'returns');
    expect(returns?.policy_version).toBe(s.ctx.policy('returns').doc.version);
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(40);
    const card = await s.api('POST', '/v1/review/next', { key: demo.reviewerKey });
    expect(card.status).toBe(200);
    // A second start activates nothing new: the versions are already active.
    const again = await startDemo(s.ctx, { everyMs: 3_600_000 });
    again.stop();
    const versions = await s.api('GET', '/v1/policies');
    expect(versions.body.versions.length).toBe(1 + demo.activated.length);
  });
});
