import { describe, expect, it } from 'vitest';
import { buildAlertTable } from './alerts.js';
import { emptyCounts, windowRange, type Counts } from './counts.js';
import { parseSloSet } from './definition.js';
import { evaluateSlo, windowName } from './evaluate.js';
import { BUCKET_BOUNDS, countAbove, countAtOrBelow, quantile } from './signals.js';

const set = parseSloSet({
  apiVersion: 'gatehouse/v1',
  kind: 'SLOSet',
  slos: [
    {
      name: 'tail',
      category: 'cost',
      indicator: { kind: 'tail', signal: 'cost_usd', multiple: 10 },
      objective: '0.995',
      window: '24h',
    },
    {
      name: 'refusals',
      category: 'quality',
      indicator: {
        kind: 'drift',
        statistic: 'refusal_rate',
        baseline: '7d',
        max_change: 0.015,
        change: 'absolute',
      },
      window: '7d',
    },
  ],
});

describe('histogram figures', () => {
  it('interpolates quantiles inside a bucket like histogram_quantile', () => {
    const h = new Array(BUCKET_BOUNDS.ttft_ms.length + 1).fill(0);
    h[1] = 100; // 100 events in (100, 250]
    expect(quantile('ttft_ms', h, 0.5)).toBe(175);
    expect(quantile('ttft_ms', h, 1)).toBe(250);
    expect(countAtOrBelow('ttft_ms', h, 250)).toBe(100);
    expect(countAtOrBelow('ttft_ms', h, 100)).toBe(0);
    expect(() => countAtOrBelow('ttft_ms', h, 300)).toThrow(/bucket bound/);
    expect(countAbove('ttft_ms', h, 175)).toBe(50);
    expect(quantile('ttft_ms', h.fill(0), 0.5)).toBeNull();
  });
});

describe('windows', () => {
  it('reads the current bucket plus whole buckets covering the window', () => {
    const now = new Date('2026-03-02T10:07:00Z');
    expect(windowRange(now, { minutes: 5, offset_minutes: 0 })).toEqual({
      granularity: 5,
      from: new Date('2026-03-02T10:00:00Z'),
      to: new Date('2026-03-02T10:10:00Z'),
    });
    expect(windowRange(now, { minutes: 360, offset_minutes: 0 }).from).toEqual(
      new Date('2026-03-02T04:00:00Z'),
    );
    const week = windowRange(now, { minutes: 10080, offset_minutes: 10080 });
    expect(week).toEqual({
      granularity: 1440,
      from: new Date('2026-02-16T00:00:00Z'),
      to: new Date('2026-02-24T00:00:00Z'),
    });
  });
});

describe('evaluateSlo', () => {
  const table = buildAlertTable();
  const only = (counts: Record<string, Counts>) => (w: string) => counts[w] ?? emptyCounts();

  it('counts requests above 10× the median as the tail SLO’s bad events', () => {
    const c = emptyCounts();
    const bounds = BUCKET_BOUNDS.cost_usd;
    c.hist.cost_usd[bounds.indexOf(0.002)] = 990; // (0.001, 0.002]: median ≈ 0.0015
    c.hist.cost_usd[bounds.indexOf(0.03)] = 10; // (0.02, 0.03]: all above 10 × median
    const f = evaluateSlo(set.slos[0]!, only({ [windowName(1440)]: c }), table);
    expect(f.events.total).toBe(1000);
    expect(f.events.total - f.events.good).toBeCloseTo(10, 9);
    expect(f.budget_remaining).toBeCloseTo(1 - 0.01 / 0.005, 9);
    expect(f.status).toBe('breach');
  });

  it('judges refusal drift in absolute points against the baseline week', () => {
    const week = (requests: number, refusals: number) => ({ ...emptyCounts(), requests, refusals });
    const drift = (cur: number) =>
      evaluateSlo(
        set.slos[1]!,
        only({ [windowName(10080)]: week(1000, cur), [windowName(10080, 10080)]: week(1000, 20) }),
        table,
      );
    expect(drift(30).status).toBe('ok'); // 3.0 % vs 2.0 %: +1 point
    expect(drift(40).status).toBe('breach'); // 4.0 % vs 2.0 %: +2 points
    expect(drift(40).drift).toMatchObject({ baseline: 0.02, max_change: 0.015 });
    expect(drift(40).drift!.change).toBeCloseTo(0.02, 12);
  });
});
