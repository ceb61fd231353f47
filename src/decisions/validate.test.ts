import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors.js';
import { checkChecklist, checkDecisionShape, escalationTarget } from './validate.js';

function caught(fn: () => void): GatehouseError {
  try {
    fn();
  } catch (err) {
    return err as GatehouseError;
  }
  throw new Error('expected a throw');
}

describe('decision validation', () => {
  it('names every missing checklist item by JSON pointer, and lets an escalation through', () => {
    const items = ['confirm_facts', 'check_bias_tone_policy', 'write_rationale'];
    const err = caught(() =>
      checkChecklist('approve', items, { confirm_facts: true, write_rationale: false }),
    );
    expect(err.code).toBe('invalid_request');
    expect(err.fields.map((f) => f.pointer)).toEqual([
      '/checklist/check_bias_tone_policy',
      '/checklist/write_rationale',
    ]);
    expect(() => checkChecklist('escalate', items)).not.toThrow();
    expect(() =>
      checkChecklist('reject', items, Object.fromEntries(items.map((i) => [i, true]))),
    ).not.toThrow();
    expect(() => checkChecklist('approve', [])).not.toThrow();
  });

  it('needs an output for an edit, and a level only on an escalation', () => {
    expect(caught(() => checkDecisionShape({ caseId: 'c', action: 'edit' })).fields[0]!.pointer).toBe(
      '/output',
    );
    expect(() => checkDecisionShape({ caseId: 'c', action: 'reject' })).not.toThrow();
    expect(
      caught(() => checkDecisionShape({ caseId: 'c', action: 'approve', level: 2 })).fields[0]!.pointer,
    ).toBe('/level');
  });

  it('escalates one level up by default, never above 3 nor sideways', () => {
    expect(escalationTarget(1)).toBe(2);
    expect(escalationTarget(1, 3)).toBe(3);
    expect(caught(() => escalationTarget(3)).code).toBe('escalation_limit');
    expect(caught(() => escalationTarget(1, 4)).code).toBe('escalation_limit');
    expect(caught(() => escalationTarget(2, 2)).code).toBe('invalid_request');
  });
});
