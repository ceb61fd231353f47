import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detectPii, redactText, type PiiConfig } from './index.js';

const keys = { hmacKey: new TextEncoder().encode('tenant-a-secret') };
const TEXT = '😀 Mail jane@example.com, card 4111 1111 1111 1111.';

function redact(config: PiiConfig, k: Parameters<typeof redactText>[3] = keys): string {
  return redactText(TEXT, detectPii(TEXT, config), config, k);
}

describe('redactText operators', () => {
  it('replaces with <ENTITY_TYPE> by default, keeping the text around each span', () => {
    expect(redact({})).toBe('😀 Mail <EMAIL_ADDRESS>, card <CREDIT_CARD>.');
  });

  it('uses the entity’s own operator, else DEFAULT, else replace', () => {
    const config: PiiConfig = { operators: { DEFAULT: { type: 'mask' }, CREDIT_CARD: { type: 'replace' } } };
    expect(redact(config)).toBe('😀 Mail ************.com, card <CREDIT_CARD>.');
  });

  it('masks all but the last 4 characters, keeping spaces and dashes; keep_last and char configurable', () => {
    expect(redact({ operators: { CREDIT_CARD: { type: 'mask' } } })).toBe(
      '😀 Mail <EMAIL_ADDRESS>, card **** **** **** 1111.',
    );
    expect(redact({ operators: { CREDIT_CARD: { type: 'mask', keep_last: 2, char: '#' } } })).toBe(
      '😀 Mail <EMAIL_ADDRESS>, card #### #### #### ##11.',
    );
    expect(redact({ operators: { CREDIT_CARD: { type: 'mask', keep_last: 0 } } })).toBe(
      '😀 Mail <EMAIL_ADDRESS>, card **** **** **** ****.',
    );
  });

  it('hashes to <ENTITY_TYPE:first 16 hex of HMAC-SHA-256>, stable per key and different across keys', () => {
    const config: PiiConfig = { operators: { EMAIL_ADDRESS: { type: 'hash' } } };
    const mac = createHmac('sha256', keys.hmacKey).update('jane@example.com').digest('hex').slice(0, 16);
    expect(redact(config)).toBe(`😀 Mail <EMAIL_ADDRESS:${mac}>, card <CREDIT_CARD>.`);
    expect(redact(config)).toBe(redact(config));
    const other = redact(config, { hmacKey: new TextEncoder().encode('tenant-b-secret') });
    expect(other).not.toBe(redact(config));
  });

  it('vaults through the caller’s hook, and throws without one', () => {
    const config: PiiConfig = { operators: { EMAIL_ADDRESS: { type: 'vault' } } };
    const stored: [string, string][] = [];
    const vault = (entity: string, value: string) => {
      stored.push([entity, value]);
      return `<vault:${stored.length}>`;
    };
    expect(redact(config, { ...keys, vault })).toBe('😀 Mail <vault:1>, card <CREDIT_CARD>.');
    expect(stored).toEqual([['EMAIL_ADDRESS', 'jane@example.com']]);
    expect(() => redact(config)).toThrow(/vault.*EMAIL_ADDRESS/);
  });
});

describe('redactText spans', () => {
  it('applies findings right to left in any input order, skipping overlaps', () => {
    const text = 'abcdefghij';
    const findings = [
      { entity_type: 'A', start: 0, end: 2, score: 1 },
      { entity_type: 'C', start: 7, end: 10, score: 1 },
      { entity_type: 'B', start: 4, end: 6, score: 1 },
      { entity_type: 'X', start: 5, end: 8, score: 1 },
    ];
    expect(redactText(text, findings, {}, keys)).toBe('<A>cd<B>g<C>');
  });

  it('returns the text unchanged without findings and rejects spans outside it', () => {
    expect(redactText('hello', [], {}, keys)).toBe('hello');
    expect(() => redactText('hello', [{ entity_type: 'A', start: 3, end: 9, score: 1 }], {}, keys)).toThrow(
      RangeError,
    );
  });
});
