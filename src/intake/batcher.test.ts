import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.js';

describe('group commit batcher', () => {
  it('writes a lone item at once and gathers the rest while a batch is in flight', async () => {
    const batches: number[][] = [];
    const b = createBatcher<number, number>({
      write: async (items) => {
        batches.push(items);
        await new Promise((r) => setTimeout(r, 20));
        return items.map((i) => i * 10);
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => b.submit(i)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('retries a failed batch item by item so only the bad item fails', async () => {
    const b = createBatcher<number, string>({
      write: async (items) => {
        if (items.includes(3)) throw new Error('duplicate');
        return items.map(String);
      },
      maxBatch: 10,
    });
    const first = b.submit(0); // goes alone; the rest gather behind it
    const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => b.submit(i)));
    await first;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    await b.drain();
  });

  it('respects maxBatch and concurrency', async () => {
    let inFlight = 0;
    let maxSeen = 0;
    const sizes: number[] = [];
    const b = createBatcher<number, void>({
      write: async (items) => {
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return items.map(() => undefined);
      },
      maxBatch: 4,
      concurrency: 2,
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.submit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(maxSeen).toBe(2);
    expect(sizes.reduce((a, c) => a + c, 0)).toBe(20);
  });
});
