import { describe, expect, it } from 'vitest';
import { isSampled } from './sample.js';
import { readJudgeVerdict } from './verdict.js';

const answer = (content: unknown) => ({ choices: [{ message: { role: 'assistant', content } }] });

describe('readJudgeVerdict', () => {
  it('reads JSON, also inside prose or a code fence', () => {
    expect(readJudgeVerdict(answer('{"score": 4, "rationale": "Minor omission."}'))).toEqual({
      score: 4,
      rationale: 'Minor omission.',
    });
    expect(readJudgeVerdict(answer('Here:\n```json\n{"score":2}\n```'))).toEqual({
      score: 2,
      rationale: null,
    });
  });
  it('falls back to the first standalone digit 1–5, ignoring 10, 3.5 and 0', () => {
    expect(readJudgeVerdict(answer('Out of 10 points, 3.5 is wrong; I give it 5.')).score).toBe(5);
  });
  it('throws without a score or content', () => {
    expect(() => readJudgeVerdict(answer('{"score": 9}'))).toThrow(/no score/);
    expect(() => readJudgeVerdict({ choices: [] })).toThrow(/choices\[0\]/);
  });
});

describe('isSampled', () => {
  it('samples about the configured rate, deterministically', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `tx-${i}`);
    const hits = ids.filter((id) => isSampled(id, 0.05)).length;
    expect(hits / ids.length).toBeGreaterThan(0.045);
    expect(hits / ids.length).toBeLessThan(0.055);
    expect(ids.filter((id) => isSampled(id, 0.05))).toEqual(ids.filter((id) => isSampled(id, 0.05)));
    expect(ids.some((id) => isSampled(id, 0))).toBe(false);
    expect(ids.every((id) => isSampled(id, 1))).toBe(true);
  });
});
