import { describe, expect, it } from 'vitest';
import { parseStructuredConfig } from './config.js';
import { createStructuredGate } from './gate.js';

const keys = { hmacKey: new Uint8Array(32) };
const SECTION = {
  workflows: {
    'bank-replies': {
      schema: {
        type: 'object',
        required: ['answer'],
        properties: { answer: { type: 'string', minLength: 1 }, amount: { type: 'number', minimum: 0 } },
      },
      self_check: ['assumptions', 'citations', 'confidence'],
    },
  },
};
const PROMPT = [
  {
    role: 'system',
    content:
      'Answer from the sources. Sources: [kb-12] Fees table; [kb-40] Card limits; https://acme.kz/terms',
  },
  { role: 'user', content: 'What is the fee?' },
];
function run(output: string, workflow: string | null = 'bank-replies', section: unknown = SECTION) {
  return createStructuredGate(parseStructuredConfig(section)).run({ prompt: PROMPT, output, workflow }, keys);
}
const good = {
  answer: 'The fee is 500 KZT.',
  assumptions: ['standard card'],
  citations: ['kb-12', { url: 'https://acme.kz/terms' }],
  confidence: 0.8,
};

describe('structured gate', () => {
  it('passes JSON that fits the schema with well-formed self-checks citing supplied sources (fence allowed)', () => {
    const r = run('```json\n' + JSON.stringify(good) + '\n```');
    expect(r).toMatchObject({
      outcome: 'pass',
      score: 1,
      findings: [],
      signals: { valid: true, insufficient_data: false },
    });
  });
  it('reports schema violations by JSON pointer', () => {
    const r = run(JSON.stringify({ ...good, answer: '', amount: -1 }));
    expect(r.findings.map((f) => [f.entity_type, f.detail])).toEqual([
      ['SCHEMA_VIOLATION', '/answer must NOT have fewer than 1 characters'],
      ['SCHEMA_VIOLATION', '/amount must be >= 0'],
    ]);
    expect(r.outcome).toBe('flag');
    expect(r.score).toBe(0.5);
  });
  it('reports non-JSON output once', () => {
    expect(run('The fee is 500 KZT.').findings.map((f) => f.entity_type)).toEqual(['INVALID_JSON']);
  });
  it('reports missing and malformed self-check fields', () => {
    const r = run(JSON.stringify({ answer: 'x', assumptions: 'none', confidence: 3 }));
    expect(r.findings.map((f) => [f.entity_type, f.detail])).toEqual([
      ['SELF_CHECK_MALFORMED', 'assumptions: must be a list of strings'],
      ['SELF_CHECK_MISSING', 'citations: missing'],
      ['SELF_CHECK_MALFORMED', 'confidence: must be a number in [0, 1]'],
    ]);
  });
  it('flags citations the prompt never supplied, with the span of the reference in the output', () => {
    const out = JSON.stringify({ ...good, citations: ['kb-12', 'kb-99'] });
    const r = run(out);
    expect(r.findings).toEqual([
      {
        entity_type: 'CITATION_UNSUPPORTED',
        start: out.indexOf('kb-99'),
        end: out.indexOf('kb-99') + 5,
        score: 1,
        target: 'output',
        detail: 'kb-99',
      },
    ]);
    expect(r.signals?.unsupported_citations).toBe(1);
  });
  it('recognises the INSUFFICIENT_DATA sentinel in any workflow, as a whole word', () => {
    expect(run('INSUFFICIENT_DATA', null)).toMatchObject({
      outcome: 'flag',
      score: 0,
      findings: [{ entity_type: 'INSUFFICIENT_DATA', start: 0, end: 17 }],
      signals: { insufficient_data: true },
    });
    expect(run('{"answer":"INSUFFICIENT_DATA"}').signals?.insufficient_data).toBe(true);
    expect(run('MY_INSUFFICIENT_DATA_FLAG', null).signals?.insufficient_data).toBe(false);
  });
  it('passes a workflow without a contract, and uses `*` for any other workflow', () => {
    expect(run('plain text', 'returns').outcome).toBe('pass');
    const star = { workflows: { '*': { self_check: ['confidence'] } }, invalid: 'block' };
    expect(run('plain text', 'returns', star).outcome).toBe('block');
  });
  it.each([
    [{ workflows: { x: { schema: { type: 'strin' } } } }, 'gates.structured.workflows.x.schema'],
    [{ workflows: { x: { schema: 'object' } } }, 'gates.structured.workflows.x.schema'],
    [{ workflows: { x: { self_check: ['sources', 'mood'] } } }, 'gates.structured.workflows.x.self_check.1'],
    [{ workflows: { x: { schemas: {} } } }, 'gates.structured.workflows.x.schemas'],
    [{ invalid: 'pass' }, 'gates.structured.invalid'],
  ])('rejects %j naming %s', (section, path) => {
    expect(() => parseStructuredConfig(section)).toThrow(new RegExp(`^${path.replace(/[.*]/g, '\\$&')}: `));
  });
});
