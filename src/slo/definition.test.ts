import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors.js';
import { calcBurnRate, calcQuality } from './calc.js';
import { durationMinutes, loadSloFile, parseSloSet } from './definition.js';

const minimal = (slo: Record<string, unknown>) => ({
  apiVersion: 'gatehouse/v1',
  kind: 'SLOSet',
  slos: [slo],
});
const latency = {
  name: 'ttft',
  category: 'latency',
  indicator: { kind: 'threshold', signal: 'ttft_ms', le: 600 },
  objective: '0.95',
};

describe('the SLO file', () => {
  it('loads the shipped example: all four categories, the seed tables', () => {
    const set = loadSloFile();
    expect(set.period_days).toBe(30);
    expect(new Set(set.slos.map((s) => s.category))).toEqual(
      new Set(['latency', 'quality', 'cost', 'availability']),
    );
    const acceptance = set.slos.find((s) => s.name === 'acceptance')!;
    expect(acceptance).toMatchObject({ objective: '0.88', window: '7d', alerting: 'significance' });
    expect(set.slos.find((s) => s.name === 'success')).toMatchObject({
      objective: '0.9995',
      alerting: 'burn_rate',
    });
    expect(set.slos.find((s) => s.name === 'refusal-drift')!.alerting).toBe('none');
  });

  it('names the JSON pointer of a bad field', () => {
    const bad = (doc: unknown) => {
      try {
        parseSloSet(doc);
      } catch (err) {
        expect(err).toBeInstanceOf(GatehouseError);
        return (err as GatehouseError).fields[0]!.pointer;
      }
      throw new Error('accepted');
    };
    expect(bad(minimal({ ...latency, objective: '95%' }))).toBe('/slos/0/objective');
    expect(bad(minimal({ ...latency, indicator: { kind: 'threshold', signal: 'ttft_ms', le: 650 } }))).toBe(
      '/slos/0/indicator/le',
    );
    expect(bad(minimal({ ...latency, split_by: ['region'] }))).toBe('/slos/0/split_by/0');
    expect(bad(minimal({ ...latency, objective: undefined }))).toBe('/slos/0/objective');
    expect(bad({ ...minimal(latency), slos: [latency, latency] })).toBe('/slos/1/name');
    expect(bad({ ...minimal(latency), period: '36h' })).toBe('/period');
  });

  it('reads durations in minutes', () => {
    expect([durationMinutes('5m'), durationMinutes('6h'), durationMinutes('7d')]).toEqual([5, 360, 10080]);
    expect(() => durationMinutes('1w')).toThrow(/duration/);
  });
});

describe('the calculators', () => {
  it('prints 1.05 for the seed example (the article prints 1.575, which needs 630 failures)', () => {
    const f = calcBurnRate({ failures: 420, total: 80_000, target: '0.995', window: '1h' });
    expect(f.burn_rate).toBe(1.05);
    expect(f.budget_consumed).toBeCloseTo(1.05 / 720, 15);
    expect(calcBurnRate({ failures: 630, total: 80_000, target: '0.995', window: '1h' }).burn_rate).toBe(
      1.575,
    );
    expect(
      calcBurnRate({ failures: 420, total: 80_000, target: '0.995', window: '1h', period: '28d' })
        .budget_consumed,
    ).toBeCloseTo(1.05 / 672, 15);
  });

  it('tests quality exactly: 176/200 is noise, 160/200 a breach at 0.92', () => {
    const noise = calcQuality({ passes: 176, total: 200, target: '0.92' });
    expect(noise).toMatchObject({ breach: false, critical_k: 174, verdict: 'ok' });
    expect(noise.p_value).toBeCloseTo(0.0306365099511463, 14);
    const drop = calcQuality({ passes: 160, total: 200, target: '0.92' });
    expect(drop.breach).toBe(true);
    expect(drop.p_value / 6.58050648539082e-8).toBeCloseTo(1, 12);
    expect(calcQuality({ passes: 30, total: 49, target: '0.92' }).verdict).toBe('insufficient_data');
  });
});
