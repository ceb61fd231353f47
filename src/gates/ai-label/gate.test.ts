import { describe, expect, it } from 'vitest';
import { parseAiLabelConfig } from './config.js';
import { createAiLabelGate } from './gate.js';

const keys = { hmacKey: new Uint8Array(32) };
function run(output: string, workflow: string | null, section: unknown = {}) {
  return createAiLabelGate(parseAiLabelConfig(section)).run({ prompt: 'Q', output, workflow }, keys);
}

describe('ai_label gate', () => {
  it('finds the label case-insensitively, with its span', () => {
    const out = 'Your refund is approved.\n\n[ai-generated content]';
    expect(run(out, 'returns')).toMatchObject({
      outcome: 'pass',
      findings: [{ entity_type: 'AI_LABEL', start: 27, end: 47 }],
      signals: { required: true, present: true, added: false },
    });
  });
  it('adds a missing label as L0 remediation', () => {
    const r = run('Your refund is approved.  ', 'returns');
    expect(r.output).toBe('Your refund is approved.\n\nAI-generated content');
    expect(r.signals).toEqual({ required: true, present: false, added: true });
  });
  it('flags or blocks a missing label when remediation is off', () => {
    expect(run('Hi', 'x', { remediate: false }).outcome).toBe('flag');
    const blocked = run('Hi', 'x', { remediate: false, missing: 'block' });
    expect(blocked).toMatchObject({ outcome: 'block', score: 0 });
    expect(blocked.output).toBeUndefined();
  });
  it('only requires the label on the listed customer-facing workflows', () => {
    const section = { workflows: ['customer-replies'], remediate: false };
    expect(run('Internal note', 'ops-summary', section)).toMatchObject({
      outcome: 'pass',
      signals: { required: false },
    });
    expect(run('Hello', 'customer-replies', section).outcome).toBe('flag');
  });
  it('rejects a bad config naming the path', () => {
    expect(() => parseAiLabelConfig({ label: '' })).toThrow(/^gates\.ai_label\.label: /);
    expect(() => parseAiLabelConfig({ workflows: 'all' })).toThrow(/^gates\.ai_label\.workflows: /);
  });
});
