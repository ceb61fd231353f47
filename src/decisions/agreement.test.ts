import { describe, expect, it } from 'vitest';
import { cohenKappa, fleissKappa } from './agreement.js';
import { consensusOf } from './consensus.js';

describe("Fleiss' kappa", () => {
  it('reproduces the worked example of Fleiss (1971) as tabulated on Wikipedia: κ ≈ 0.210', () => {
    // 10 items, 14 raters, 5 categories: counts per item and category.
    const counts = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const items = counts.map((row) => row.flatMap((n, cat) => Array<string>(n).fill(`c${cat}`)));
    expect(fleissKappa(items)).toBeCloseTo(0.21, 3);
  });

  it('is 1 for full agreement and negative for systematic disagreement', () => {
    expect(
      fleissKappa([
        ['a', 'a'],
        ['b', 'b'],
        ['a', 'a'],
      ]),
    ).toBe(1);
    expect(
      fleissKappa([
        ['a', 'b'],
        ['b', 'a'],
        ['a', 'b'],
      ]),
    ).toBeLessThan(0);
  });

  it('refuses items with different numbers of ratings', () => {
    expect(() => fleissKappa([['a', 'b'], ['a']])).toThrow(/same number/);
    expect(fleissKappa([])).toBeNaN();
  });
});

describe("Cohen's kappa", () => {
  it('matches a textbook 2×2 example: p_o 0.7, p_e 0.5 → 0.4', () => {
    // 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no (Wikipedia "Cohen's kappa" example).
    const pairs: [string, string][] = [
      ...Array<[string, string]>(20).fill(['yes', 'yes']),
      ...Array<[string, string]>(5).fill(['yes', 'no']),
      ...Array<[string, string]>(10).fill(['no', 'yes']),
      ...Array<[string, string]>(15).fill(['no', 'no']),
    ];
    expect(cohenKappa(pairs)).toBeCloseTo(0.4, 10);
  });

  it('is 1 when both raters always agree on one label, NaN with no items', () => {
    expect(
      cohenKappa([
        ['a', 'a'],
        ['a', 'a'],
      ]),
    ).toBe(1);
    expect(cohenKappa([])).toBeNaN();
  });
});

describe('consensusOf', () => {
  it('waits for every blind review, then agrees only on one approve or reject', () => {
    expect(consensusOf(['approve'], 2)).toEqual({ state: 'pending', remaining: 1 });
    expect(consensusOf(['approve', 'approve'], 2)).toEqual({ state: 'agreed', action: 'approve' });
    expect(consensusOf(['reject', 'reject', 'reject'], 3)).toEqual({ state: 'agreed', action: 'reject' });
    expect(consensusOf(['approve', 'reject'], 2)).toEqual({ state: 'adjudication' });
    expect(consensusOf(['edit', 'edit'], 2)).toEqual({ state: 'adjudication' });
    expect(consensusOf(['escalate', 'escalate'], 2)).toEqual({ state: 'adjudication' });
  });
});
