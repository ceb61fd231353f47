import { describe, expect, it } from 'vitest';
import { groupBy, percentile, share, spread } from './stats.js';

describe('stats', () => {
  it('takes medians and p95 by interpolation, not averages', () => {
    // One stuck case: the mean (≈ 22) would hide that most cases take 2 minutes.
    const minutes = [2, 2, 2, 2, 3, 3, 3, 4, 4, 200];
    expect(percentile(minutes, 0.5)).toBe(3);
    expect(percentile(minutes, 0.95)).toBeCloseTo(4 + (200 - 4) * 0.55, 9);
    expect(spread([])).toEqual({ median: null, p95: null, n: 0 });
    expect(share(1, 0)).toBeNull();
    expect(share(1, 4)).toBe(0.25);
    expect([...groupBy([1, 2, 3, 4], (n) => (n % 2 ? 'odd' : 'even'))]).toEqual([
      ['odd', [1, 3]],
      ['even', [2, 4]],
    ]);
  });
});
