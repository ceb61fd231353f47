import { describe, expect, it } from 'vitest';
import { compileGates, gateFacts, runGates, type GateSet } from './index.js';
import type { AsyncGate, InlineGate } from './gate.js';

const keys = { hmacKey: new Uint8Array(32) };
const common = { budget_ms: 50, on_error: 'fail_open' as const };

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const slow: InlineGate = {
  name: 'safety',
  common: { budget_ms: 1, on_error: 'fail_closed' },
  run: (input) => {
    busy(15);
    return { outcome: 'pass', score: 1, findings: [], output: input.output + ' [checked]' };
  },
};
const broken: InlineGate = {
  name: 'confidence',
  common,
  run: () => {
    throw new Error('lexicon missing');
  },
};
// Never answers by itself: only the pipeline's budget ends it.
const hanging: AsyncGate = {
  name: 'external.moderation',
  common: { budget_ms: 20, on_error: 'fail_closed' },
  run: (_input, signal) =>
    new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
};

describe('runGates', () => {
  it('runs the configured gates in order; later gates see earlier redactions and the label', async () => {
    const gates = compileGates({ pii: {}, safety: {}, ai_label: {} });
    const run = await runGates(
      gates,
      { prompt: 'Mail me at jane@example.com', output: 'Sent to jane@example.com.' },
      keys,
    );
    expect(run.results.map((r) => [r.name, r.outcome])).toEqual([
      ['pii', 'flag'],
      ['safety', 'pass'],
      ['ai_label', 'pass'],
    ]);
    expect(run.output).toBe('Sent to <EMAIL_ADDRESS>.\n\nAI-generated content');
    expect(run.prompt).toBe('Mail me at <EMAIL_ADDRESS>');
    expect(run.results.every((r) => r.duration_ms >= 0)).toBe(true);
  });
  it('records a throwing gate as error with its on_error, and goes on', async () => {
    const gates: GateSet = {
      budget_ms: 1000,
      inline: [broken, ...compileGates({ injection: {} }).inline],
      async: [],
    };
    const run = await runGates(gates, { prompt: 'hi', output: 'x' }, keys);
    expect(run.results[0]).toMatchObject({
      name: 'confidence',
      outcome: 'error',
      error: 'lexicon missing',
      on_error: 'fail_open',
    });
    expect(run.results[1]).toMatchObject({ name: 'injection', outcome: 'pass' });
  });
  it('records a gate over its own budget as error but keeps its remediation', async () => {
    const run = await runGates(
      { budget_ms: 1000, inline: [slow], async: [] },
      { prompt: 'p', output: 'o' },
      keys,
    );
    expect(run.results[0]).toMatchObject({ outcome: 'error', on_error: 'fail_closed' });
    expect(run.results[0]!.error).toMatch(/over its budget of 1 ms/);
    expect(run.output).toBe('o [checked]');
  });
  it('skips gates once the pipeline budget is spent', async () => {
    const fast = compileGates({ injection: {} }).inline[0]!;
    const run = await runGates(
      { budget_ms: 5, inline: [{ ...slow, common }, fast], async: [hanging] },
      { prompt: 'p', output: 'o' },
      keys,
    );
    expect(run.results.map((r) => [r.name, r.outcome, r.error])).toEqual([
      ['safety', 'error', expect.stringMatching(/over its budget of 5 ms/)],
      ['injection', 'error', 'the pipeline time budget was spent before this gate'],
      ['external.moderation', 'error', 'the pipeline time budget was spent before this gate'],
    ]);
  });
  it('aborts an async gate at its budget and records the error', async () => {
    const run = await runGates(
      { budget_ms: 1000, inline: [], async: [hanging] },
      { prompt: 'p', output: 'o' },
      keys,
    );
    expect(run.results).toMatchObject([
      {
        name: 'external.moderation',
        outcome: 'error',
        error: 'over its time budget',
        on_error: 'fail_closed',
      },
    ]);
  });
});

describe('gateFacts', () => {
  it('exposes outcome, score, entities, error and signals; errors read through on_error; external nests', async () => {
    const gates = compileGates({ pii: {}, safety: {}, confidence: {} });
    const run = await runGates(
      gates,
      { prompt: 'Q', output: 'I cannot help with your invoice. Mail a@example.com', confidence: 0.9 },
      keys,
    );
    const facts = gateFacts([
      ...run.results,
      {
        name: 'external.moderation',
        outcome: 'error',
        score: 0,
        findings: [],
        duration_ms: 1,
        error: 'HTTP 500',
        on_error: 'fail_closed',
      },
      {
        name: 'external.guard',
        outcome: 'error',
        score: 0,
        findings: [],
        duration_ms: 1,
        error: 'HTTP 500',
        on_error: 'fail_open',
      },
    ]);
    expect(facts).toMatchObject({
      pii: { outcome: 'flag', entities: ['EMAIL_ADDRESS'], error: false, count: 1 },
      safety: { outcome: 'flag', score: 1, topics: ['billing'], profanity: 0 },
      confidence: { outcome: 'flag', score: 0, refusal: true, self_reported: 0.9 },
      external: { moderation: { outcome: 'block', error: true }, guard: { outcome: 'pass', error: true } },
    });
  });
});

describe('compileGates', () => {
  it.each([
    [{ toxicity: {} }, /^gates\.toxicity: unknown gate/],
    [{ pipeline: { budget_ms: 0 } }, /^gates\.pipeline\.budget_ms: /],
    [{ pii: { budget_ms: 'fast' } }, /^gates\.pii\.budget_ms: /],
    [{ safety: { topics: { billing: ['ok', ''] } } }, /^gates\.safety\.topics\.billing\.1: /],
    [{ external: { moderation: { url: 'ftp://x' } } }, /^gates\.external\.moderation\.url: /],
    [{ external: { moderation: {} } }, /^gates\.external\.moderation\.url: is required/],
    [{ external: [{ url: 'http://x' }] }, /^gates\.external: /],
    [{ judge: { url: 'http://x' } }, /^gates\.judge\.model: /],
  ])('rejects %j as policy_invalid naming the path', (section, message) => {
    expect(() => compileGates(section as Record<string, unknown>)).toThrow(
      expect.objectContaining({ code: 'policy_invalid', message: expect.stringMatching(message) }),
    );
  });
  it('switches a gate on with defaults when its section is empty or null', () => {
    const set = compileGates({
      safety: null,
      confidence: {},
      external: { moderation: { url: 'http://127.0.0.1:9/x' } },
    });
    expect(set.inline.map((g) => g.name)).toEqual(['safety', 'confidence']);
    expect(set.async.map((g) => g.name)).toEqual(['external.moderation']);
    expect(set.budget_ms).toBe(2000);
  });
});
