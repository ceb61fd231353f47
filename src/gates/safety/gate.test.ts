import { describe, expect, it } from 'vitest';
import { parseSafetyConfig } from './config.js';
import { createSafetyGate } from './gate.js';

const keys = { hmacKey: new Uint8Array(32) };
function run(output: string, section: unknown = {}, prompt: string = 'Hi') {
  return createSafetyGate(parseSafetyConfig(section)).run({ prompt, output }, keys);
}
function spans(output: string, section: unknown = {}) {
  return run(output, section).findings.map((f) => [
    f.entity_type,
    output.slice(f.start, f.end),
    f.detail ?? null,
  ]);
}

describe('safety gate: profanity', () => {
  it('finds profanity with exact spans and lowers the score per hit', () => {
    const out = 'This is fucking useless, total shit.';
    expect(spans(out)).toEqual([
      ['PROFANITY', 'fucking', null],
      ['PROFANITY', 'shit', null],
    ]);
    expect(run(out).score).toBe(0.49);
    expect(run(out).outcome).toBe('flag');
  });
  it('leaves words that merely contain a profane string alone (Scunthorpe, assessment, class)', () => {
    expect(run('The Scunthorpe office finished the assessment of the class.').findings).toEqual([]);
    expect(run('The Scunthorpe office finished the assessment of the class.').score).toBe(1);
  });
  it('adds per-policy words on word boundaries only', () => {
    const section = { words: ['competitorx'], topics: {} };
    expect(spans('Try CompetitorX instead; competitorxyz is fine.', section)).toEqual([
      ['BLOCKED_WORD', 'CompetitorX', null],
    ]);
  });
});

describe('safety gate: topics', () => {
  it('names the high-risk topics found in the reply and the user message, ignoring the system message', () => {
    const r = createSafetyGate(parseSafetyConfig({})).run(
      {
        prompt: [
          { role: 'system', content: 'Never discuss lawsuits.' },
          { role: 'user', content: 'I was overcharged on my invoice.' },
        ],
        output: 'Your refund for the double charge is on its way.',
      },
      keys,
    );
    expect(r.signals?.topics).toEqual(['billing']);
    expect(r.outcome).toBe('flag');
    expect(r.score).toBe(1);
    expect(r.findings.map((f) => [f.target, f.message ?? null, f.detail])).toEqual([
      ['output', null, 'billing'],
      ['prompt', 1, 'billing'],
      ['prompt', 1, 'billing'],
    ]);
  });
  it('is negation-aware: "no billing issue", "not a medical question" do not count', () => {
    expect(run('There is no billing issue here; this is not a medical diagnosis.').signals?.topics).toEqual(
      [],
    );
    expect(run('The billing issue is fixed.').signals?.topics).toEqual(['billing']);
  });
  it('matches whole words and stems: "bill" not in "billion", "refund*" in "refunded"', () => {
    const section = { topics: { billing: ['bill', 'refund*'] } };
    expect(spans('A billion users were refunded.', section)).toEqual([['TOPIC', 'refunded', 'billing']]);
  });
});

describe('safety gate: policy constraints', () => {
  it('blocks a forbidden claim: one claim scores 0.15 (< 0.2, seed 1 blocks)', () => {
    const r = run('This fund offers Guaranteed  returns every year.', {
      forbidden_claims: ['guaranteed returns'],
    });
    expect(r.findings[0]).toMatchObject({ entity_type: 'FORBIDDEN_CLAIM', start: 17, end: 36 });
    expect(r.score).toBe(0.15);
    expect(r.outcome).toBe('block');
  });
  it('requires a disclaimer only when its topic is present', () => {
    const section = {
      required_disclaimers: [{ text: 'This is not medical advice.', when_topics: ['medical'] }],
    };
    const missing = run('Take the medication twice a day.', section);
    expect(missing.signals?.missing_disclaimers).toEqual(['This is not medical advice.']);
    expect(missing.score).toBe(0.5);
    expect(
      run('Take the medication twice a day. This is not  medical advice.', section).signals
        ?.missing_disclaimers,
    ).toEqual([]);
    expect(run('Your parcel ships today.', section).signals?.missing_disclaimers).toEqual([]);
  });
});

describe('safety config', () => {
  it.each([
    [{ topics: { billing: ['ok', 7] } }, 'gates.safety.topics.billing.1'],
    [{ topics: { Billing: ['x'] } }, 'gates.safety.topics.Billing'],
    [{ topics: { billing: [] } }, 'gates.safety.topics.billing'],
    [
      { required_disclaimers: [{ text: 'x', when_topics: ['astrology'] }] },
      'gates.safety.required_disclaimers.0.when_topics.0',
    ],
    [{ block_below: 0.9, flag_below: 0.5 }, 'gates.safety.block_below'],
    [{ profanity: 'yes' }, 'gates.safety.profanity'],
    [{ on_error: 'ignore' }, 'gates.safety.on_error'],
    [{ toxicity: 1 }, 'gates.safety.toxicity'],
  ])('rejects %j naming %s', (section, path) => {
    expect(() => parseSafetyConfig(section)).toThrow(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: `));
  });
});

describe('findProfanity', () => {
  it('reads disguised words (leet, repeated letters) but not numbers or whitelisted words', async () => {
    const { findProfanity } = await import('./profanity.js');
    const text = 'Shiiit, sh1t and a$$hole; 455 items, 0.5 assessed, Dickens, cockney, analog.';
    expect(findProfanity(text).map((p) => text.slice(p.start, p.end))).toEqual(['Shiiit', 'sh1t', 'a$$hole']);
  });
});
