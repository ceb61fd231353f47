import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialTest, criticalK } from './binomial.js';

// Oracle: P[X ≤ k] for all k as exact rationals Σ C(n,i) a^i b^(n−i) / d^n with p = a/d, in bigint.
function exactCdfs(n: number, a: bigint, d: bigint): (k: number) => number {
  const b = d - a;
  const qPow = [1n];
  for (let i = 1; i <= n; i++) qPow.push(qPow[i - 1]! * b);
  const prefix: bigint[] = [];
  let c = 1n;
  let pPow = 1n;
  let sum = 0n;
  for (let i = 0; i <= n; i++) {
    if (i > 0) {
      c = (c * BigInt(n - i + 1)) / BigInt(i);
      pPow *= a;
    }
    sum += c * pPow * qPow[n - i]!;
    prefix.push(sum);
  }
  const den = d ** BigInt(n);
  return (k) => toNumber(prefix[k]!, den);
}

// num/den to the nearest double, via 25+ exact decimal digits.
function toNumber(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const digits = den.toString().length - num.toString().length + 25;
  return Number(`${(num * 10n ** BigInt(digits)) / den}e-${digits}`);
}

function relErr(got: number, want: number): number {
  return Math.abs(got - want) / want;
}

const pValue = (passes: number, total: number, target: string) =>
  binomialTest({ passes, total, target, minSamples: 0 }).p_value;

describe('binomialTest: the seed vectors (n = 200, target 0.92)', () => {
  it('176 passes: p = 0.0306365099511463, not a breach at α = 0.01', () => {
    const r = binomialTest({ passes: 176, total: 200, target: '0.92' });
    expect(relErr(r.p_value, 0.0306365099511463)).toBeLessThanOrEqual(1e-12);
    expect(r).toMatchObject({ breach: false, verdict: 'ok', critical_k: 174 });
  });

  it('160 passes: p = 6.58050648539082e-8, a breach', () => {
    const r = binomialTest({ passes: 160, total: 200, target: '0.92' });
    expect(relErr(r.p_value, 6.58050648539082e-8)).toBeLessThanOrEqual(1e-12);
    expect(r).toMatchObject({ breach: true, verdict: 'breach' });
  });

  it('critical values: α 0.05 → 176, 0.01 → 174, 0.001 → 170', () => {
    expect([0.05, 0.01, 0.001].map((a) => criticalK(200, 0.92, a))).toEqual([176, 174, 170]);
    expect(binomialTest({ passes: 176, total: 200, target: '0.92', alpha: 0.05 }).verdict).toBe('breach');
    expect(binomialTest({ passes: 177, total: 200, target: '0.92', alpha: 0.05 }).verdict).toBe('ok');
  });

  it('breach ⇔ p ≤ α ⇔ passes ≤ critical_k, for every pass count', () => {
    for (let k = 0; k <= 200; k++) {
      const r = binomialTest({ passes: k, total: 200, target: '0.92' });
      expect(r.breach, `k=${k}`).toBe(k <= r.critical_k);
      expect(r.breach, `k=${k}`).toBe(r.p_value <= 0.01);
    }
  });
});

describe('binomial p-values against exact rational sums', () => {
  // Worst relative error over ks: everywhere, and where P ≥ 1e-30 (deep tails are evaluated in log
  // space, so a p-value near 1e-250 carries about 250 × 2⁻⁵³ of error in its logarithm).
  function maxRelErr(n: number, a: bigint, d: bigint, got: (k: number) => number, ks: number[]): number[] {
    const exact = exactCdfs(n, a, d);
    const worst = [0, 0];
    for (const k of ks) {
      const want = exact(k);
      if (want < 1e-290) continue;
      const e = relErr(got(k), want);
      worst[0] = Math.max(worst[0]!, e);
      if (want >= 1e-30) worst[1] = Math.max(worst[1]!, e);
    }
    return worst;
  }
  const range = (n: number, step = 1) => Array.from({ length: Math.floor(n / step) + 1 }, (_, i) => i * step);
  function expectAccurate(worst: number[], label: string): void {
    expect(worst[0], label).toBeLessThanOrEqual(1e-12);
    expect(worst[1], label).toBeLessThanOrEqual(5e-14);
  }

  it('n = 200, every k, decimal targets 0.92 / 0.5 / 0.3 / 0.999', () => {
    for (const [t, a, d] of [
      ['0.92', 92n, 100n],
      ['0.5', 1n, 2n],
      ['0.3', 3n, 10n],
      ['0.999', 999n, 1000n],
    ] as const) {
      expectAccurate(
        maxRelErr(200, a, d, (k) => pValue(k, 200, t), range(200)),
        t,
      );
    }
  });

  it('n = 2,000 at p = 15/16 and 1/2 (exact in binary), through binomialCdf', () => {
    expectAccurate(
      maxRelErr(2000, 15n, 16n, (k) => binomialCdf(k, 2000, 0.9375), range(2000, 7)),
      '15/16',
    );
    expectAccurate(
      maxRelErr(2000, 1n, 2n, (k) => binomialCdf(k, 2000, 0.5), range(2000, 7)),
      '1/2',
    );
  });

  it('small n, every k, including the tabulated Stirling terms', () => {
    for (const n of [1, 2, 10, 15, 16, 40]) {
      for (const [t, a] of [
        ['0.1', 1n],
        ['0.5', 5n],
        ['0.9', 9n],
      ] as const) {
        expectAccurate(
          maxRelErr(n, a, 10n, (k) => pValue(k, n, t), range(n)),
          `${n} ${t}`,
        );
      }
    }
  });

  it('criticalK agrees with the exact CDF at small n', () => {
    const exact = exactCdfs(60, 9n, 10n);
    for (const alpha of [0.05, 0.01, 0.001]) {
      const want =
        range(60)
          .filter((k) => exact(k) <= alpha)
          .pop() ?? -1;
      expect(criticalK(60, 0.9, alpha)).toBe(want);
    }
  });
});

describe('large n (1,000,000, p0 = 0.92)', () => {
  // P[X ≤ k] for p = the double nearest 0.92, by a 40-digit log-space sum in mpmath.
  const reference: [number, number][] = [
    [911_861, 2.903344978831171e-192],
    [914_574, 1.5318623787546724e-87],
    [917_287, 1.2856453509674227e-23],
    [918_643, 3.053053529339633e-7],
    [919_457, 0.022850779051560553],
    [919_864, 0.308591456118305],
    [920_135, 0.6911357500687952],
    [920_542, 0.9773164281931757],
    [921_356, 0.9999997315081578],
  ];

  it('matches a high-precision reference from far tail to the bulk', () => {
    for (const [k, want] of reference) {
      expect(relErr(binomialCdf(k, 1_000_000, 0.92), want), `k=${k}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('stays finite and fast for a full test, including its critical value', () => {
    const started = performance.now();
    const r = binomialTest({ passes: 919_300, total: 1_000_000, target: '0.92' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(Number.isFinite(r.p_value)).toBe(true);
    expect(r.critical_k).toBe(criticalK(1_000_000, 0.92, 0.01));
    expect(r.breach).toBe(919_300 <= r.critical_k);
  });

  it('both tails agree: P[X ≤ k | p] + P[X ≤ n−k−1 | 1−p] = 1', () => {
    for (const k of [918_000, 919_500, 920_000, 920_500, 921_000]) {
      const sum = binomialCdf(k, 1_000_000, 0.9375) + binomialCdf(1_000_000 - k - 1, 1_000_000, 0.0625);
      expect(Math.abs(sum - 1), `k=${k}`).toBeLessThan(1e-14);
    }
  });

  it('k = n gives 1 and k = 0 underflows to 0, not NaN', () => {
    expect(binomialCdf(1_000_000, 1_000_000, 0.92)).toBe(1);
    expect(binomialCdf(0, 1_000_000, 0.92)).toBe(0);
  });
});

describe('edges', () => {
  it('k = n → p = 1; k = 0 → qⁿ', () => {
    expect(pValue(200, 200, '0.92')).toBe(1);
    expect(relErr(pValue(0, 200, '0.92'), 0.08 ** 200)).toBeLessThan(1e-13);
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(11, 10, 0.5)).toBe(1);
  });

  it('target 1 breaches on any failure and never otherwise', () => {
    expect(binomialTest({ passes: 99, total: 100, target: '1' })).toEqual({
      p_value: 0,
      breach: true,
      critical_k: 99,
      verdict: 'breach',
    });
    expect(binomialTest({ passes: 100, total: 100, target: '1' })).toMatchObject({
      p_value: 1,
      verdict: 'ok',
    });
  });

  it('p0 = 0 is never significant; p0 = 1 makes every k < n significant', () => {
    expect(binomialCdf(0, 50, 0)).toBe(1);
    expect(criticalK(50, 0, 0.01)).toBe(-1);
    expect(binomialCdf(49, 50, 1)).toBe(0);
    expect(criticalK(50, 1, 0.01)).toBe(49);
  });

  it('tiny targets stay finite', () => {
    const r = binomialTest({ passes: 0, total: 1_000_000, target: '0.000001' });
    expect(relErr(r.p_value, Math.exp(1_000_000 * Math.log1p(-0.000001)))).toBeLessThan(1e-13);
    expect(r.verdict).toBe('ok');
  });

  it('gives no verdict under minSamples (default 50), but still reports the numbers', () => {
    const r = binomialTest({ passes: 0, total: 49, target: '0.92' });
    expect(r).toMatchObject({ verdict: 'insufficient_data', breach: false });
    expect(r.p_value).toBeGreaterThan(0);
    expect(binomialTest({ passes: 0, total: 50, target: '0.92' }).verdict).toBe('breach');
    expect(binomialTest({ passes: 0, total: 0, target: '0.92', minSamples: 0 })).toMatchObject({
      p_value: 1,
      critical_k: -1,
      verdict: 'ok',
    });
  });

  it('rejects invalid input', () => {
    expect(() => binomialTest({ passes: 201, total: 200, target: '0.92' })).toThrow(/exceed/);
    expect(() => binomialTest({ passes: 1.5, total: 200, target: '0.92' })).toThrow(/integer/);
    expect(() => binomialTest({ passes: 1, total: 200, target: '92%' })).toThrow(/percentage/);
    expect(() => binomialTest({ passes: 1, total: 200, target: '0.92', alpha: 1 })).toThrow(/alpha/);
    expect(() => binomialTest({ passes: 1, total: 200, target: '0.92', minSamples: -1 })).toThrow(
      /minSamples/,
    );
    expect(() => criticalK(10, 1.1, 0.01)).toThrow(/p0/);
    expect(() => binomialCdf(1, 10, NaN)).toThrow(/p0/);
  });
});
