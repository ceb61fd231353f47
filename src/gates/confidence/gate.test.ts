import { describe, expect, it } from 'vitest';
import { parseConfidenceConfig } from './config.js';
import { createConfidenceGate } from './gate.js';

const keys = { hmacKey: new Uint8Array(32) };
function run(output: string, confidence: number | null = null, section: unknown = {}) {
  return createConfidenceGate(parseConfidenceConfig(section)).run({ prompt: 'Q', output, confidence }, keys);
}

describe('confidence gate', () => {
  it('uses the transaction’s confidence and passes a sure, unhedged answer', () => {
    expect(run('Your order ships on Monday.', 0.92)).toMatchObject({
      outcome: 'pass',
      score: 0.92,
      signals: { refusal: false, hedging: 0, self_reported: 0.92 },
    });
  });
  it('reads the confidence from JSON output, or from a "Confidence: 80%" line', () => {
    expect(run('{"answer": "yes", "confidence": 0.35}').signals?.self_reported).toBe(0.35);
    expect(run('Yes.\nConfidence: 80%').signals?.self_reported).toBe(0.8);
    expect(run('Yes.\nconfidence score = 0.7').signals?.self_reported).toBe(0.7);
    expect(run('Yes, with full confidence in the team.').signals?.self_reported).toBeNull();
  });
  it('lowers the score per hedging phrase, with exact spans, and flags below flag_below', () => {
    const out = 'I think it is probably the courier. Maybe wait a day.';
    const r = run(out, 0.9);
    expect(r.findings.map((f) => out.slice(f.start, f.end))).toEqual(['I think', 'probably', 'Maybe']);
    expect(r.signals).toEqual({ refusal: false, hedging: 0.45, self_reported: 0.9 });
    expect(r.score).toBe(0.45);
    expect(r.outcome).toBe('flag');
  });
  it('does not read "likelihood" or "maybelline" as hedges (whole words only)', () => {
    expect(run('The likelihood table is in the Maybelline catalogue.').findings).toEqual([]);
  });
  it('detects a refusal: score 0, refusal flag for the SLO, outcome from `refusal`', () => {
    const out = "I'm sorry, but I can't help with that request.";
    expect(run(out)).toMatchObject({ outcome: 'flag', score: 0, signals: { refusal: true } });
    expect(run(out, null, { refusal: 'block' }).outcome).toBe('block');
    expect(run('Не могу помочь с этим.').signals?.refusal).toBe(true);
  });
  it('blocks below block_below', () => {
    expect(run('Answer.', 0.1, { block_below: 0.2 }).outcome).toBe('block');
  });
  it.each([
    [{ flag_below: 2 }, 'gates.confidence.flag_below'],
    [{ refusal: 'ignore' }, 'gates.confidence.refusal'],
    [{ hedging_phrases: 'maybe' }, 'gates.confidence.hedging_phrases'],
    [{ block_below: 0.7 }, 'gates.confidence.block_below'],
  ])('rejects %j naming %s', (section, path) => {
    expect(() => parseConfidenceConfig(section)).toThrow(new RegExp(`^${path.replace(/\./g, '\\.')}: `));
  });
});
