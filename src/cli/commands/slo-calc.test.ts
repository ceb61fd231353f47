import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('gatehouse slo calc', () => {
  it('burn-rate prints 1.05 for the seed example, and --json has burn_rate and budget_consumed', async () => {
    const args = [
      'slo',
      'calc',
      'burn-rate',
      '--failures',
      '420',
      '--total',
      '80000',
      '--target',
      '0.995',
      '--window',
      '1h',
    ];
    const text = await run(args);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^burn rate\s+1\.05 /m);
    const json = JSON.parse((await run([...args, '--json', '--period', '28d'])).out);
    expect(json.burn_rate).toBe(1.05);
    expect(json.budget_consumed).toBeCloseTo(1.05 / 672, 15);
  });

  it('quality prints the exact test; --json has p_value, breach and critical_k', async () => {
    const noise = JSON.parse(
      (
        await run([
          'slo',
          'calc',
          'quality',
          '--passes',
          '176',
          '--total',
          '200',
          '--target',
          '0.92',
          '--json',
        ])
      ).out,
    );
    expect(noise).toMatchObject({ breach: false, critical_k: 174 });
    expect(noise.p_value).toBeCloseTo(0.0306365099511463, 14);
    const drop = await run([
      'slo',
      'calc',
      'quality',
      '--passes',
      '160',
      '--total',
      '200',
      '--target',
      '0.92',
      '--alpha',
      '0.01',
    ]);
    expect(drop.out).toMatch(/verdict\s+breach/);
  });

  it('bad input is one stderr line and a non-zero exit', async () => {
    const pct = await run(['slo', 'calc', 'quality', '--passes', '1', '--total', '2', '--target', '92%']);
    expect(pct.code).toBe(1);
    expect(pct.err.trim().split('\n')).toHaveLength(1);
    expect(pct.err).toMatch(/percentage/);
    const bad = await run([
      'slo',
      'calc',
      'burn-rate',
      '--failures',
      'x',
      '--total',
      '1',
      '--target',
      '0.9',
      '--window',
      '1h',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--failures must be an integer/);
  });
});
