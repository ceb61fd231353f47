import { describe, expect, it } from 'vitest';
import { comparePriority, priority, type PriorityInput, type PriorityKey } from './priority.js';

const NOW = new Date('2026-01-12T10:00:00Z');
const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** `minutes` after NOW (negative = before). */
function inMinutes(minutes: number): Date {
  return new Date(NOW.getTime() + minutes * 60_000);
}

function makeCase(over: Partial<PriorityInput> & { id: string }): PriorityInput {
  return { risk_rank: RANK.medium, due_at: inMinutes(60), entered_at: inMinutes(-10), bump: 0, ...over };
}

/** Ids in claim order. */
function order(cases: readonly PriorityInput[]): string[] {
  return cases
    .map((c) => ({ id: c.id, key: priority(c, NOW) }))
    .sort((a, b) => comparePriority(a.key, b.key))
    .map((c) => c.id);
}

/** Tiny seeded PRNG (mulberry32) so property tests are reproducible without extra libraries. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random cases with few distinct values per field, so ties on every field but id are common. */
function makeRandomCases(random: () => number, n: number): PriorityInput[] {
  const pick = (k: number) => Math.floor(random() * k);
  return Array.from({ length: n }, (_, i) =>
    makeCase({
      id: `case-${pick(1000).toString().padStart(3, '0')}-${i}`,
      risk_rank: pick(4),
      due_at: inMinutes(pick(7) * 10 - 20),
      entered_at: inMinutes(-pick(5) * 10),
      bump: pick(3) === 0 ? pick(3) : 0,
    }),
  );
}

describe('priority', () => {
  it('puts risk class first, whatever the deadline or arrival', () => {
    const cases = [
      makeCase({
        id: 'low-overdue',
        risk_rank: RANK.low,
        due_at: inMinutes(-120),
        entered_at: inMinutes(-500),
      }),
      makeCase({ id: 'medium', risk_rank: RANK.medium, due_at: inMinutes(5) }),
      makeCase({
        id: 'critical-late-arrival',
        risk_rank: RANK.critical,
        due_at: inMinutes(15),
        entered_at: NOW,
      }),
    ];
    expect(order(cases)).toEqual(['critical-late-arrival', 'medium', 'low-overdue']);
  });

  it('orders a class by time left, the most overdue first — not by arrival', () => {
    const cases = [
      makeCase({ id: 'first-in', due_at: inMinutes(30), entered_at: inMinutes(-60) }),
      makeCase({ id: 'overdue', due_at: inMinutes(-5), entered_at: inMinutes(-20) }),
      makeCase({ id: 'most-overdue', due_at: inMinutes(-15), entered_at: inMinutes(-10) }),
      makeCase({ id: 'last-in', due_at: inMinutes(10), entered_at: inMinutes(-1) }),
    ];
    expect(order(cases)).toEqual(['most-overdue', 'overdue', 'last-in', 'first-in']);
  });

  it('breaks ties by entry time, then id', () => {
    const cases = [
      makeCase({ id: 'b', entered_at: inMinutes(-5) }),
      makeCase({ id: 'c', entered_at: inMinutes(-9) }),
      makeCase({ id: 'a', entered_at: inMinutes(-5) }),
    ];
    expect(order(cases)).toEqual(['c', 'a', 'b']);
  });

  it('lifts a bumped case one class: ahead of its own class, into the next by deadline', () => {
    const bumped = makeCase({ id: 'medium-bumped', due_at: inMinutes(40), bump: 1 });
    const cases = [
      bumped,
      makeCase({ id: 'medium-sooner', due_at: inMinutes(5) }),
      makeCase({ id: 'high-sooner', risk_rank: RANK.high, due_at: inMinutes(30) }),
      makeCase({ id: 'high-tie', risk_rank: RANK.high, due_at: inMinutes(40) }),
      makeCase({ id: 'high-later', risk_rank: RANK.high, due_at: inMinutes(50) }),
      makeCase({ id: 'critical', risk_rank: RANK.critical, due_at: inMinutes(90) }),
    ];
    expect(order(cases)).toEqual([
      'critical',
      'high-sooner',
      'medium-bumped',
      'high-tie',
      'high-later',
      'medium-sooner',
    ]);
    expect(priority(bumped, NOW)).toEqual([
      RANK.high,
      40 * 60_000,
      -1,
      inMinutes(-10).getTime(),
      'medium-bumped',
    ]);
  });

  it('lifts a case one class per bump, never above the top class', () => {
    const cases = [
      makeCase({ id: 'low-bumped-twice', risk_rank: RANK.low, bump: 2, due_at: inMinutes(20) }),
      makeCase({ id: 'high', risk_rank: RANK.high, due_at: inMinutes(30) }),
      makeCase({ id: 'critical-bumped', risk_rank: RANK.critical, bump: 3, due_at: inMinutes(10) }),
      makeCase({ id: 'critical', risk_rank: RANK.critical, due_at: inMinutes(5) }),
    ];
    expect(order(cases)).toEqual(['critical', 'critical-bumped', 'low-bumped-twice', 'high']);
    expect(priority(cases[0]!, NOW)[0]).toBe(RANK.high);
  });

  it('refuses malformed cases', () => {
    expect(() => priority(makeCase({ id: 'x', bump: -1 }), NOW)).toThrow(/case x: bump/);
    expect(() => priority(makeCase({ id: 'x', bump: 0.5 }), NOW)).toThrow(/case x: bump/);
    expect(() => priority(makeCase({ id: 'x', risk_rank: 1.5 }), NOW)).toThrow(/case x: risk_rank/);
    expect(() => priority(makeCase({ id: 'x', due_at: new Date(NaN) }), NOW)).toThrow(/case x: due_at/);
  });
});

describe('comparePriority', () => {
  const random = mulberry32(75);
  const keys: PriorityKey[] = makeRandomCases(random, 60).map((c) => priority(c, NOW));

  it('is a total order: reflexive, antisymmetric, transitive, 0 only for equal keys', () => {
    for (const a of keys) {
      expect(comparePriority(a, a)).toBe(0);
      for (const b of keys) {
        const ab = comparePriority(a, b);
        expect(ab).toBe(-comparePriority(b, a) || 0);
        if (a !== b) expect(ab).not.toBe(0);
        for (const c of keys) {
          if (ab <= 0 && comparePriority(b, c) <= 0) expect(comparePriority(a, c)).toBeLessThanOrEqual(0);
        }
      }
    }
  });

  it('gives one order for any input order', () => {
    const cases = makeRandomCases(mulberry32(7), 200);
    const expected = order(cases);
    for (let i = 0; i < 20; i++) {
      const shuffled = [...cases].sort(() => random() - 0.5);
      expect(order(shuffled)).toEqual(expected);
    }
  });

  it('never degenerates to FIFO across classes: order follows class, then deadline', () => {
    for (let run = 0; run < 50; run++) {
      // Less urgent classes arrived first, so FIFO would put the least urgent first.
      const cases = makeRandomCases(random, 40).map((c) => ({
        ...c,
        entered_at: inMinutes(-10 * c.risk_rank - random() * 10 - 1),
      }));
      const byId = new Map(cases.map((c) => [c.id, priority(c, NOW)]));
      const ids = order(cases);
      for (let i = 1; i < ids.length; i++) {
        const [prev, next] = [byId.get(ids[i - 1]!)!, byId.get(ids[i]!)!];
        expect(prev[0]).toBeLessThanOrEqual(next[0]);
        if (prev[0] === next[0]) expect(prev[1]).toBeLessThanOrEqual(next[1]);
      }
      const fifo = [...cases].sort((a, b) => a.entered_at.getTime() - b.entered_at.getTime());
      const classes = new Set(cases.map((c) => priority(c, NOW)[0]));
      if (classes.size > 1) expect(ids).not.toEqual(fifo.map((c) => c.id));
    }
  });
});
