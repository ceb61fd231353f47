import { describe, expect, it } from 'vitest';
import { parsePiiConfig } from './index.js';

describe('parsePiiConfig', () => {
  it('accepts a full policy section and gives defaults for null/undefined', () => {
    const section = {
      entities: ['EMAIL_ADDRESS', 'CREDIT_CARD', 'KZ_IIN'],
      min_score: 0.6,
      context_window: 3,
      operators: {
        DEFAULT: { type: 'replace' },
        CREDIT_CARD: { type: 'mask', keep_last: 4, char: '•' },
        EMAIL_ADDRESS: { type: 'hash' },
        KZ_IIN: { type: 'vault' },
      },
    };
    expect(parsePiiConfig(section)).toEqual(section);
    expect(parsePiiConfig(undefined)).toEqual({});
    expect(parsePiiConfig(null)).toEqual({});
  });

  it.each([
    [{ operators: { EMAIL_ADDRESS: { type: 'blur' } } }, 'gates.pii.operators.EMAIL_ADDRESS.type'],
    [{ operators: { EMAIL_ADDRESS: { type: 'toString' } } }, 'gates.pii.operators.EMAIL_ADDRESS.type'],
    [{ operators: { EMAIL_ADDRESS: 'replace' } }, 'gates.pii.operators.EMAIL_ADDRESS'],
    [{ operators: { EMAIL: { type: 'replace' } } }, 'gates.pii.operators.EMAIL'],
    [
      { operators: { CREDIT_CARD: { type: 'mask', keep_last: -1 } } },
      'gates.pii.operators.CREDIT_CARD.keep_last',
    ],
    [{ operators: { CREDIT_CARD: { type: 'mask', char: '**' } } }, 'gates.pii.operators.CREDIT_CARD.char'],
    [
      { operators: { CREDIT_CARD: { type: 'hash', keep_last: 4 } } },
      'gates.pii.operators.CREDIT_CARD.keep_last',
    ],
    [{ operators: [] }, 'gates.pii.operators'],
    [{ entities: 'EMAIL_ADDRESS' }, 'gates.pii.entities'],
    [{ entities: ['EMAIL_ADDRESS', 'SSN'] }, 'gates.pii.entities[1]'],
    [{ min_score: 1.5 }, 'gates.pii.min_score'],
    [{ min_score: '0.5' }, 'gates.pii.min_score'],
    [{ context_window: 2.5 }, 'gates.pii.context_window'],
    [{ threshold: 0.5 }, 'gates.pii.threshold'],
    ['replace', 'gates.pii'],
  ])('rejects %j naming %s', (section, path) => {
    expect(() => parsePiiConfig(section)).toThrow(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: `));
  });
});
