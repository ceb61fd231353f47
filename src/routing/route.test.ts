import { describe, expect, it } from 'vitest';
import { loadPolicyFile, parsePolicy } from './policy.js';
import { route } from './route.js';
import { POLICIES_DIR } from '../config.js';

const policy = loadPolicyFile(POLICIES_DIR + 'default.yaml');
const pii = (outcome: string, entities: string[]) => ({ pii: { outcome, score: 0.9, entities } });

describe('default policy', () => {
  it('holds card data as high risk and records every rule that matched', () => {
    const r = route(policy, { confidence: 0.9, gates: pii('flag', ['EMAIL_ADDRESS', 'CREDIT_CARD']) });
    expect(r).toMatchObject({
      risk_class: 'high',
      action: 'review',
      reason: 'pii_suspicion',
      sla_minutes: 30,
    });
    expect(r.matched_rules).toEqual(['payment-data-in-output', 'contact-details-redacted']);
  });

  it('releases redacted contact details', () => {
    expect(route(policy, { confidence: 0.9, gates: pii('flag', ['EMAIL_ADDRESS']) })).toMatchObject({
      action: 'release',
      risk_class: 'low',
    });
  });

  it('uses the default when nothing matches, with no reason', () => {
    const r = route(policy, { confidence: 0.9, gates: pii('pass', []) });
    expect(r).toMatchObject({ action: 'release', risk_class: 'low', reason: null, matched_rules: [] });
  });

  it('routes a fact of the wrong type to on_error (incomplete data) instead of failing', () => {
    const r = route(policy, { confidence: 'high', gates: pii('pass', []) });
    expect(r).toMatchObject({ action: 'review', reason: 'incomplete_data', risk_class: 'medium' });
  });
});

describe('policy validation', () => {
  const base = `name: t\nrisk_classes:\n  low: { rank: 3, sla_minutes: 60 }\nreasons: [x]\n`;
  it('names the line and path of a bad rule', () => {
    const text =
      base +
      `rules:\n  - id: a\n    when: { path: confidence, lt: 'low' }\n    then: { risk_class: low, action: review }\ndefault: { risk_class: low, action: release }\non_error: { risk_class: low, action: review }\n`;
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(/p\.yaml:7:\d+: rules\.0\.when/);
  });
  it('refuses an unknown risk class and a duplicate rule id', () => {
    const unknownClass =
      base +
      `rules: []\ndefault: { risk_class: critical, action: release }\non_error: { risk_class: low, action: review }\n`;
    expect(() => parsePolicy(unknownClass)).toThrow(/default\.risk_class: unknown risk class "critical"/);
    const rule = `  - id: a\n    when: { path: confidence, lt: 0.5 }\n    then: { risk_class: low, action: review }\n`;
    const dup =
      base +
      `rules:\n${rule}${rule}default: { risk_class: low, action: release }\non_error: { risk_class: low, action: review }\n`;
    expect(() => parsePolicy(dup)).toThrow(/duplicate rule id "a"/);
  });
  it('versions a policy by its content', () => {
    const text =
      base +
      `rules: []\ndefault: { risk_class: low, action: release }\non_error: { risk_class: low, action: review }\n`;
    expect(parsePolicy(text).version).toMatch(/^t@[0-9a-f]{12}$/);
    expect(parsePolicy(text + '# changed\n').version).not.toBe(parsePolicy(text).version);
  });
});
