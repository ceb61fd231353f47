import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALERT_RULES,
  alertDedupKey,
  buildAlertTable,
  evaluateAlerts,
  fractionToDecimal,
  nextAlertState,
  type WindowCounts,
} from './alerts.js';

const factors = (periodDays: number) =>
  buildAlertTable(periodDays).map((r) => ({ name: r.name, factor: r.factor, share: r.budget_share }));

describe('buildAlertTable', () => {
  it('gives the workbook factors for a 30-day period, as exact fractions', () => {
    expect(factors(30)).toEqual([
      { name: 'rollback', factor: { num: 72n, den: 5n }, share: { num: 1n, den: 50n } },
      { name: 'page', factor: { num: 6n, den: 1n }, share: { num: 1n, den: 20n } },
      { name: 'ticket', factor: { num: 3n, den: 1n }, share: { num: 1n, den: 10n } },
      { name: 'digest', factor: { num: 1n, den: 1n }, share: { num: 7n, den: 30n } },
    ]);
    expect(buildAlertTable().map((r) => fractionToDecimal(r.factor).toString())).toEqual([
      '14.4',
      '6',
      '3',
      '1',
    ]);
  });

  it('scales to 28 days by budget share: 13.44 / 5.6 / 2.8 / 14⁄15', () => {
    const rows = buildAlertTable(28);
    expect(rows.map((r) => r.factor)).toEqual([
      { num: 336n, den: 25n },
      { num: 28n, den: 5n },
      { num: 14n, den: 5n },
      { num: 14n, den: 15n },
    ]);
    expect(rows.map((r) => fractionToDecimal(r.factor).toString())).toEqual([
      '13.44',
      '5.6',
      '2.8',
      '0.9333333333333333333333333333333333333333',
    ]);
    // The budget share is what scaling preserves.
    expect(rows.map((r) => r.budget_share)).toEqual(factors(30).map((r) => r.share));
  });

  it('keeps windows, severities and the rollback hook from the rules', () => {
    expect(Object.isFrozen(DEFAULT_ALERT_RULES) && Object.isFrozen(DEFAULT_ALERT_RULES[0])).toBe(true);
    expect(
      buildAlertTable(30).map((r) => [r.long_minutes, r.short_minutes, r.severity, r.auto_rollback]),
    ).toEqual([
      [60, 5, 'page', true],
      [360, 30, 'page', false],
      [1440, 120, 'ticket', false],
      [10080, 360, 'digest', false],
    ]);
  });

  it('rejects bad periods and rules', () => {
    expect(() => buildAlertTable(0)).toThrow(/period_days/);
    expect(() => buildAlertTable(1.5)).toThrow(/period_days/);
    expect(() => buildAlertTable(5)).toThrow(/digest: windows/);
    const rule = { ...DEFAULT_ALERT_RULES[0]! };
    expect(() => buildAlertTable(30, [{ ...rule, short_minutes: 60 }])).toThrow(/short < long/);
    expect(() => buildAlertTable(30, [{ ...rule, factor_30d: '0' }])).toThrow(/factor_30d/);
    expect(() => buildAlertTable(30, [{ ...rule, factor_30d: '14.4x' }])).toThrow(/factor_30d/);
  });
});

// Counts per window with the given error ratio (bad per 1,000,000 events).
function windows(ppm: Record<number, number>): WindowCounts[] {
  return [5, 60, 30, 360, 120, 1440, 10080].map((m) => ({
    window_minutes: m,
    bad: ppm[m] ?? 0,
    total: 1_000_000,
  }));
}

describe('evaluateAlerts', () => {
  // Target 0.999: burn rate = ppm / 1000.
  it('fires only when both the long and the short window exceed the factor', () => {
    const spikeOnly = evaluateAlerts(windows({ 5: 20_000, 60: 1_000 }), '0.999');
    expect(spikeOnly[0]).toMatchObject({ name: 'rollback', firing: false });
    expect(spikeOnly[0]!.short_burn.toString()).toBe('20');
    expect(spikeOnly[0]!.long_burn.toString()).toBe('1');

    const sustained = evaluateAlerts(windows({ 5: 20_000, 60: 15_000 }), '0.999');
    expect(sustained.map((e) => e.firing)).toEqual([true, false, false, false]);
    expect(sustained[0]).toMatchObject({ severity: 'page', auto_rollback: true });

    const recovered = evaluateAlerts(windows({ 5: 0, 60: 15_000 }), '0.999');
    expect(recovered[0]!.firing).toBe(false);
  });

  it('needs the burn to be strictly above the factor', () => {
    const atFactor = evaluateAlerts(windows({ 5: 14_400, 60: 14_400 }), '0.999');
    expect(atFactor[0]!.firing).toBe(false);
    const justAbove = evaluateAlerts(windows({ 5: 14_401, 60: 14_401 }), '0.999');
    expect(justAbove[0]!.firing).toBe(true);
  });

  it('compares against the exact 28-day digest factor 14/15 with no rounding', () => {
    const table = buildAlertTable(28);
    // 1 − T = 0.001, 15,000,000 events: the threshold is exactly 14,000 bad.
    const at = (bad: number) => [360, 10080].map((m) => ({ window_minutes: m, bad, total: 15_000_000 }));
    const digest = table.filter((r) => r.name === 'digest');
    expect(evaluateAlerts(at(14_000), '0.999', digest)[0]!.firing).toBe(false);
    expect(evaluateAlerts(at(14_001), '0.999', digest)[0]!.firing).toBe(true);
  });

  it('treats empty windows as not burning and target 1 as firing on any bad event', () => {
    const empty = [5, 60].map((m) => ({ window_minutes: m, bad: 0, total: 0 }));
    const rollback = buildAlertTable().slice(0, 1);
    expect(evaluateAlerts(empty, '0.999', rollback)[0]!.firing).toBe(false);
    const one = [5, 60].map((m) => ({ window_minutes: m, bad: 1, total: 1_000_000 }));
    expect(evaluateAlerts(one, '1', rollback)[0]).toMatchObject({ firing: true });
    expect(evaluateAlerts(one, '1', rollback)[0]!.long_burn.toNumber()).toBe(Infinity);
  });

  it('rejects missing or duplicated windows and bad counts', () => {
    const rollback = buildAlertTable().slice(0, 1);
    expect(() => evaluateAlerts([{ window_minutes: 60, bad: 0, total: 1 }], '0.999', rollback)).toThrow(
      /5-minute window, got 0/,
    );
    const twice = [5, 60, 60].map((m) => ({ window_minutes: m, bad: 0, total: 1 }));
    expect(() => evaluateAlerts(twice, '0.999', rollback)).toThrow(/60-minute window, got 2/);
    const bad = [5, 60].map((m) => ({ window_minutes: m, bad: 2, total: 1 }));
    expect(() => evaluateAlerts(bad, '0.999', rollback)).toThrow(/exceed/);
    expect(() => evaluateAlerts(windows({}), '99.9%')).toThrow(/percentage/);
  });
});

describe('nextAlertState', () => {
  const t0 = new Date('2026-05-03T10:00:00Z');
  const t1 = new Date('2026-05-03T10:01:00Z');
  const t2 = new Date('2026-05-03T10:02:00Z');

  it('starts ok without notifying, and fires on the first firing evaluation', () => {
    expect(nextAlertState(null, { firing: false }, t0)).toEqual({ state: 'ok', since: t0, changed: false });
    expect(nextAlertState(null, { firing: true }, t0)).toEqual({ state: 'firing', since: t0, changed: true });
  });

  it('fires once, stays quiet while firing, and resolves once', () => {
    const fired = nextAlertState({ state: 'ok', since: t0 }, { firing: true }, t1);
    expect(fired).toEqual({ state: 'firing', since: t1, changed: true });
    const still = nextAlertState(fired, { firing: true }, t2);
    expect(still).toEqual({ state: 'firing', since: t1, changed: false });
    const resolved = nextAlertState(still, { firing: false }, t2);
    expect(resolved).toEqual({ state: 'ok', since: t2, changed: true });
    expect(nextAlertState(resolved, { firing: false }, t2).changed).toBe(false);
  });

  it('accepts an evaluation row directly', () => {
    const [row] = evaluateAlerts(windows({ 5: 20_000, 60: 15_000 }), '0.999');
    expect(nextAlertState(null, row!, t0).state).toBe('firing');
  });
});

describe('alertDedupKey', () => {
  it('is stable per SLO and rule, and escapes separators', () => {
    expect(alertDedupKey('chat-acceptance', 'rollback')).toBe('gatehouse/slo/chat-acceptance/rollback');
    expect(alertDedupKey('a/b', 'page')).toBe('gatehouse/slo/a%2Fb/page');
  });
});
