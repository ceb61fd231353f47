import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SloAlertEvent } from '../src/slo/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { scheduler: false });
});
afterAll(async () => {
  await s?.stop();
});

const event = (state: SloAlertEvent['state']): SloAlertEvent => ({
  tenant_id: 'default',
  slo: 'success',
  sub: '',
  rule: 'page',
  severity: 'page',
  auto_rollback: false,
  state,
  dedup_key: 'gatehouse/slo/success/page',
  at: '2026-03-02T10:00:00.000Z',
  detail: { burn_rates: { '1h': 20 }, budget_remaining: 0.4 },
});

describe('SLO alerts through the notification outbox', () => {
  it('queues a fire and its resolve for the policy’s ML-ops channels, in the alert’s transaction', async () => {
    // The default policy names no ML-ops channel, so ML ops gets every channel: `ops`.
    await s.ctx.db.transaction((tx) => s.ctx.slo.notify(tx, event('firing')));
    await expect(
      s.ctx.db.transaction(async (tx) => {
        await s.ctx.slo.notify(tx, event('ok'));
        throw new Error('the alert state failed to store');
      }),
    ).rejects.toThrow('the alert state failed to store');
    await s.ctx.db.transaction((tx) => s.ctx.slo.notify(tx, event('ok')));
    const { rows } = await s.ctx.db.query<{ channel: string; type: string; order_key: string; payload: any }>(
      `select channel, type, order_key, payload from notifications order by created_at, id`,
    );
    expect(rows.map((r) => [r.channel, r.type, r.order_key])).toEqual([
      ['ops', 'slo.alert.firing', 'slo:gatehouse/slo/success/page'],
      ['ops', 'slo.alert.resolved', 'slo:gatehouse/slo/success/page'],
    ]);
    expect(rows[0]!.payload.data).toMatchObject({ dedup_key: 'gatehouse/slo/success/page', state: 'firing' });
  });
});
