import { describe, expect, it } from 'vitest';
import { runPiiGate } from './index.js';

const keys = { hmacKey: new Uint8Array(32) };

describe('runPiiGate', () => {
  it('flags findings in the output and every prompt message, and redacts both', () => {
    const prompt = [
      { role: 'system', content: 'You are a support assistant for Acme Bank.' },
      { role: 'user', content: 'Мой ИИН 900101300017, почта jane@example.com' },
    ];
    const output = 'Done: card 4111 1111 1111 1111 is now default.';
    const run = runPiiGate({ output, prompt }, { operators: { CREDIT_CARD: { type: 'mask' } } }, keys);

    expect(run.result).toMatchObject({ name: 'pii', outcome: 'flag', score: 1 });
    expect(run.result.findings).toEqual([
      { entity_type: 'CREDIT_CARD', start: 11, end: 30, score: 1, target: 'output' },
      { entity_type: 'KZ_IIN', start: 8, end: 20, score: 1, target: 'prompt', message: 1 },
      { entity_type: 'EMAIL_ADDRESS', start: 28, end: 44, score: 1, target: 'prompt', message: 1 },
    ]);
    expect(run.output).toBe('Done: card **** **** **** 1111 is now default.');
    expect(run.prompt).toEqual([
      prompt[0],
      { role: 'user', content: 'Мой ИИН <KZ_IIN>, почта <EMAIL_ADDRESS>' },
    ]);
    expect(prompt[1]!.content).toContain('jane@example.com'); // the input is not mutated
    expect(run.result.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('handles a string prompt without a message index', () => {
    const run = runPiiGate({ output: 'ok', prompt: 'Call +7 701 123 4567' }, {}, keys);
    expect(run.result.findings).toEqual([
      { entity_type: 'PHONE_NUMBER', start: 5, end: 20, score: 1, target: 'prompt' },
    ]);
    expect(run.prompt).toBe('Call <PHONE_NUMBER>');
    expect(run.output).toBe('ok');
  });

  it('passes with score 0 and unchanged texts when nothing is found', () => {
    const input = { output: 'Your statement arrives monthly.', prompt: [{ role: 'user', content: 'When?' }] };
    const run = runPiiGate(input, {}, keys);
    expect(run.result).toMatchObject({ name: 'pii', outcome: 'pass', score: 0, findings: [] });
    expect(run.output).toBe(input.output);
    expect(run.prompt).toEqual(input.prompt);
  });
});
