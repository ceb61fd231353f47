import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAllAlerts, rollUp, type SloAlertEvent } from '../src/slo/index.js';
import { makeTransaction } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

// A small SLO file: availability with sub-SLOs per region, TTFT on chat, and a quality SLO at
// 0.92 so the seed's 176/200 and 160/200 vectors apply.
const SLO_FILE = `
apiVersion: gatehouse/v1
kind: SLOSet
period: 30d
cohorts: [region]
slos:
  - name: success
    category: availability
    indicator: { kind: ratio, good: success }
    objective: '0.999'
    window: 30d
    split_by: [region, provider]
  - name: ttft-chat
    category: latency
    filter: { surface: chat }
    indicator: { kind: threshold, signal: ttft_ms, le: 600 }
    objective: '0.95'
  - name: acceptance
    category: quality
    indicator: { kind: ratio, good: accepted }
    objective: '0.92'
    window: 7d
  - name: judge-high
    category: quality
    indicator: { kind: ratio, good: judge_high }
    objective: '0.92'
    window: 24h
`;

const T0 = new Date('2026-03-02T10:00:00Z');
let now = T0;
let s: TestServer;
let ingest: string;
let lead: string;
const notified: SloAlertEvent[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-slo-'));
  writeFileSync(join(dir, 'slos.yaml'), SLO_FILE);
  s = await startTestServer({ sloFile: join(dir, 'slos.yaml') }, { clock: () => now, scheduler: false });
  s.ctx.slo.notify = async (_tx, e) => void notified.push(e);
  ingest = await s.key('ingest');
  lead = await s.key('lead');
});
afterAll(async () => {
  await s?.stop();
});

/** Sends `n` transactions, the first `failures` of them failed, 10 at a time; returns their ids. */
async function send(
  n: number,
  opts: { failures?: number; region?: string; ttft?: number } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = Array.from({ length: Math.min(10, n - i) }, (_, j) => {
      const k = i + j;
      return s.api('POST', '/v1/transactions', {
        key: ingest,
        body: makeTransaction({
          metadata: { region: opts.region ?? (k % 2 ? 'eu' : 'us') },
          telemetry: {
            ttft_ms: opts.ttft ?? 200,
            latency_ms: 900,
            cost_usd: 0.004,
            provider: 'openai',
            surface: 'chat',
            success: k >= (opts.failures ?? 0),
          },
        }),
      });
    });
    for (const r of await Promise.all(batch)) {
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
  }
  return ids;
}

async function slo(name: string) {
  const r = await s.api('GET', '/v1/slo', { key: lead });
  expect(r.status).toBe(200);
  return r.body.slos.find((x: { name: string }) => x.name === name);
}

describe('SLOs from rollups', () => {
  it('counts transactions once, however often the rollup runs, with sub-SLOs per cohort', async () => {
    await send(100, { failures: 0 });
    await rollUp(s.ctx);
    await rollUp(s.ctx);
    const success = await slo('success');
    expect(success.events).toEqual({ good: 100, total: 100 });
    expect(success.budget_remaining).toBe(1);
    expect(success.status).toBe('ok');
    const subs = success.subs.map((x: { sub: string; events: { total: number } }) => [x.sub, x.events.total]);
    expect(subs).toEqual([
      ['region=eu', 50],
      ['region=us', 50],
      ['provider=openai', 100],
    ]);
    const ttft = await slo('ttft-chat');
    expect(ttft.events).toEqual({ good: 100, total: 100 });
    expect(ttft.quantile).toBeGreaterThan(100);
    expect(ttft.quantile).toBeLessThanOrEqual(250);
  });

  it('shows a regional regression the global number hides, and budget going negative', async () => {
    // 10 failures, all in eu: 10 / 200 = 5 % against 0.1 % allowed.
    await send(100, { failures: 10, region: 'eu' });
    await rollUp(s.ctx);
    const success = await slo('success');
    expect(success.events).toEqual({ good: 190, total: 200 });
    expect(success.budget_remaining).toBeCloseTo(1 - 0.05 / 0.001, 9);
    expect(success.status).toBe('breach');
    const eu = success.subs.find((x: { sub: string }) => x.sub === 'region=eu');
    const us = success.subs.find((x: { sub: string }) => x.sub === 'region=us');
    expect(eu.events).toEqual({ good: 140, total: 150 });
    expect(us.events).toEqual({ good: 50, total: 50 });
    expect(us.status).toBe('ok');
    expect(success.burn_rates['5m']).toBeCloseTo(50, 9);
  });
});

describe('multi-window burn-rate alerts with a fake clock', () => {
  it('fires every row once when both windows burn, and does not re-notify', async () => {
    const events = await evaluateAllAlerts(s.ctx);
    const fired = events.filter((e) => e.slo === 'success' && e.sub === '').map((e) => [e.rule, e.state]);
    expect(fired).toEqual(
      expect.arrayContaining([
        ['rollback', 'firing'],
        ['page', 'firing'],
        ['ticket', 'firing'],
        ['digest', 'firing'],
      ]),
    );
    expect(events.some((e) => e.sub === 'region=us')).toBe(false);
    const rollback = events.find((e) => e.slo === 'success' && e.sub === '' && e.rule === 'rollback')!;
    expect(rollback).toMatchObject({ auto_rollback: true, dedup_key: 'gatehouse/slo/success/rollback' });
    expect(notified).toEqual(events);
    expect(await evaluateAllAlerts(s.ctx)).toEqual([]);
    const stored = await slo('success');
    expect(stored.alert_state.find((a: { rule: string }) => a.rule === 'page')).toMatchObject({
      state: 'firing',
    });
  });

  it('resolves the fast rows once the short window is clean, the slow ones later', async () => {
    now = new Date(T0.getTime() + 40 * 60_000);
    await send(100);
    await rollUp(s.ctx);
    const after40m = await evaluateAllAlerts(s.ctx);
    const resolved = after40m.filter((e) => e.slo === 'success' && e.sub === '').map((e) => e.rule);
    // 5 min and 30 min short windows are clean now; 2 h and 6 h still see the failures.
    expect(resolved.sort()).toEqual(['page', 'rollback']);
    expect(after40m.every((e) => e.state === 'ok')).toBe(true);

    now = new Date(T0.getTime() + 8 * 3_600_000);
    await send(100);
    await rollUp(s.ctx);
    const after8h = await evaluateAllAlerts(s.ctx);
    expect(
      after8h
        .filter((e) => e.slo === 'success' && e.sub === '')
        .map((e) => e.rule)
        .sort(),
    ).toEqual(['digest', 'ticket']);
    const rollbackEvents = notified.filter((e) => e.dedup_key === 'gatehouse/slo/success/rollback');
    expect(rollbackEvents.map((e) => e.state)).toEqual(['firing', 'ok']);
  });
});

describe('quality breach by an exact binomial test', () => {
  async function feedback(ids: string[], accepted: number) {
    for (let i = 0; i < ids.length; i += 20) {
      const rs = await Promise.all(
        ids.slice(i, i + 20).map((id, j) =>
          s.api('POST', '/v1/feedback', {
            key: ingest,
            body: { transaction_id: id, kind: i + j < accepted ? 'accepted' : 'regenerated' },
          }),
        ),
      );
      for (const r of rs) expect(r.status).toBe(201);
    }
  }

  it('does not alert on noise (176 of 200 at 0.92) and does on a real drop (160 of 200)', async () => {
    now = new Date(T0.getTime() + 24 * 3_600_000);
    const ids = await send(200);
    await feedback(ids, 176);
    await rollUp(s.ctx);
    const noise = await slo('acceptance');
    expect(noise.events).toEqual({ good: 176, total: 200 });
    expect(noise.significance.p_value).toBeCloseTo(0.0306365099511463, 12);
    expect(noise.status).toBe('ok');
    expect((await evaluateAllAlerts(s.ctx)).filter((e) => e.slo === 'acceptance')).toEqual([]);

    // Eight days on, the first 200 have left the 7-day window; a real drop arrives.
    now = new Date(T0.getTime() + 9 * 24 * 3_600_000);
    await feedback(await send(200), 160);
    await rollUp(s.ctx);
    const drop = await slo('acceptance');
    expect(drop.events).toEqual({ good: 160, total: 200 });
    expect(drop.status).toBe('breach');
    const fired = (await evaluateAllAlerts(s.ctx)).filter((e) => e.slo === 'acceptance');
    expect(fired.map((e) => [e.rule, e.state])).toEqual([['significance', 'firing']]);
  });

  it('refuses a safety incident on an output that was not released, and unknown transactions', async () => {
    const r = await s.api('POST', '/v1/feedback', {
      key: ingest,
      body: { transaction_id: 'nope', kind: 'accepted' },
    });
    expect(r.status).toBe(404);
    expect(r.body.pointer).toBe('/transaction_id');
    const bad = await s.api('POST', '/v1/feedback', {
      key: ingest,
      body: { transaction_id: 'x', kind: 'liked' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.pointer).toBe('/kind');
  });
});

describe('the judge SLO', () => {
  it('reads no data before any judge score, then counts scores ≥ 4 in its 24 h window', async () => {
    expect((await slo('judge-high')).status).toBe('no_data');
    const ids = await send(200);
    const at = now.toISOString();
    await s.ctx.db.query(
      `insert into judge_scores (tenant_id, transaction_id, score, model, judged_at)
       select 'default', id, case when n <= 160 then 5 else 2 end, 'judge-test', $2::timestamptz
       from unnest($1::text[]) with ordinality as x(id, n)`,
      [ids, at],
    );
    const judge = await slo('judge-high');
    expect(judge.events).toEqual({ good: 160, total: 200 });
    expect(judge.status).toBe('breach');
    expect(judge.significance.p_value / 6.58050648539082e-8).toBeCloseTo(1, 9);
  });
});
