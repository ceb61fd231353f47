import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors.js';
import { budgetConsumed, budgetRemaining, burnRate, errorBudget, parseTarget } from './error-budget.js';

describe('parseTarget', () => {
  it('reads decimal strings exactly, with no float drift in 1 − T', () => {
    expect(parseTarget('0.999').toString()).toBe('0.999');
    expect(parseTarget('0.999').neg().plus(1).toString()).toBe('0.001');
    expect(parseTarget('1').toString()).toBe('1');
    expect(parseTarget('.95').toString()).toBe('0.95');
  });

  it('rejects percentages with a message that shows the accepted form', () => {
    expect(() => parseTarget('99.9%')).toThrow(/percentage.*'0\.999'/);
    expect(() => parseTarget('99.9%')).toThrow(GatehouseError);
  });

  it('rejects targets outside (0, 1] and anything that is not a plain decimal string', () => {
    for (const bad of ['0', '0.0', '1.0001', '99.9', '-0.5']) {
      expect(() => parseTarget(bad), bad).toThrow(/outside \(0, 1\]|not a plain decimal/);
    }
    for (const bad of ['', ' 0.9', '9e-1', '0.9.9', 'abc', '0,999']) {
      expect(() => parseTarget(bad), bad).toThrow(/not a plain decimal/);
    }
    expect(() => parseTarget(0.999 as unknown as string)).toThrow(/decimal string.*got number/);
  });
});

describe('errorBudget', () => {
  it('is (1 − T) × events, exact', () => {
    expect(errorBudget('0.995', 10_000_000).toString()).toBe('50000');
    expect(errorBudget('0.999', 10_000_000).toString()).toBe('10000');
    expect(errorBudget('0.9999', 3).toString()).toBe('0.0003');
  });

  it('is zero with no events and with a 100 % target', () => {
    expect(errorBudget('0.999', 0).toNumber()).toBe(0);
    expect(errorBudget('1', 1_000_000).toNumber()).toBe(0);
  });
});

describe('burnRate', () => {
  it('gives 1.05 exactly for 420 of 80,000 at 0.995 (the seed article prints 1.575, wrongly)', () => {
    expect(burnRate(420, 80_000, '0.995').toString()).toBe('1.05');
    expect(burnRate(630, 80_000, '0.995').toString()).toBe('1.575');
  });

  it('is 1 when bad events use the budget at exactly the sustainable pace', () => {
    expect(burnRate(10, 10_000, '0.999').toString()).toBe('1');
    expect(burnRate(144, 10_000, '0.999').toString()).toBe('14.4');
  });

  it('is 0 with no traffic or no bad events, and infinite for any bad event at target 1', () => {
    expect(burnRate(0, 0, '0.999').toNumber()).toBe(0);
    expect(burnRate(0, 500, '1').toNumber()).toBe(0);
    expect(burnRate(1, 500, '1').toNumber()).toBe(Infinity);
  });

  it('rejects impossible counts', () => {
    expect(() => burnRate(5, 4, '0.99')).toThrow(/exceed/);
    expect(() => burnRate(-1, 4, '0.99')).toThrow(/≥ 0/);
    expect(() => burnRate(1, NaN, '0.99')).toThrow(/finite/);
    expect(() => burnRate(1, Infinity, '0.99')).toThrow(/finite/);
  });

  it('accepts fractional counts from extrapolated rates', () => {
    expect(burnRate(0.5, 1000, '0.999').toString()).toBe('0.5');
  });
});

describe('budgetRemaining and budgetConsumed', () => {
  it('reads 1 / 0.6 / 0 / −0.2 for 0 / 4k / 10k / 12k bad of 10M at 0.999, unclamped', () => {
    const total = 10_000_000;
    const remaining = [0, 4_000, 10_000, 12_000].map((bad) =>
      budgetRemaining(bad, total, '0.999').toString(),
    );
    expect(remaining).toEqual(['1', '0.6', '0', '-0.2']);
    const consumed = [0, 4_000, 10_000, 12_000].map((bad) => budgetConsumed(bad, total, '0.999').toString());
    expect(consumed).toEqual(['0', '0.4', '1', '1.2']);
  });

  it('leaves the whole budget with no traffic', () => {
    expect(budgetRemaining(0, 0, '0.999').toNumber()).toBe(1);
    expect(budgetConsumed(0, 0, '0.999').toNumber()).toBe(0);
  });

  it('goes to −Infinity at target 1 on the first bad event, and stays 1 without one', () => {
    expect(budgetRemaining(0, 100, '1').toNumber()).toBe(1);
    expect(budgetRemaining(1, 100, '1').toNumber()).toBe(-Infinity);
  });

  it('gives a number form for dashboards', () => {
    expect(budgetRemaining(4_000, 10_000_000, '0.999').toNumber()).toBe(0.6);
  });
});
