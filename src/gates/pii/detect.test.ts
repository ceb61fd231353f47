import { describe, expect, it } from 'vitest';
import { DEFAULT_ENTITIES, detectPii, ENTITY_TYPES } from './index.js';

describe('detectPii spans', () => {
  it('gives UTF-16 offsets, end exclusive, after emoji and Cyrillic', () => {
    // 😀 is two UTF-16 code units: "😀 Привет! " is 11 units long.
    expect(detectPii('😀 Привет! jane@example.com')).toEqual([
      { entity_type: 'EMAIL_ADDRESS', start: 11, end: 27, score: 1 },
    ]);
    // 👩‍💻 is 👩 (2) + ZWJ (1) + 💻 (2) = 5 units.
    const text = '👩‍💻 Ответ: карта 4111 1111 1111 1111, почта jane@example.com';
    const findings = detectPii(text);
    expect(findings).toEqual([
      { entity_type: 'CREDIT_CARD', start: 19, end: 38, score: 1 },
      { entity_type: 'EMAIL_ADDRESS', start: 46, end: 62, score: 1 },
    ]);
    expect(findings.map((f) => text.slice(f.start, f.end))).toEqual([
      '4111 1111 1111 1111',
      'jane@example.com',
    ]);
  });

  it('sorts by start across entity types', () => {
    const text = 'IP 10.0.0.1, mail a@acme.kz, phone +7 701 123 4567, IBAN KZ86125KZT5004100100';
    expect(detectPii(text).map((f) => [f.entity_type, f.start])).toEqual([
      ['IP_ADDRESS', 3],
      ['EMAIL_ADDRESS', 18],
      ['PHONE_NUMBER', 35],
      ['IBAN_CODE', 57],
    ]);
  });
});

describe('detectPii overlaps', () => {
  it('keeps one finding where recognizers overlap: the higher score, then the longer span', () => {
    // The scheme URL (0.6) and the bare host (0.5) cover "www.acme.com"; the IPv4 (0.6) sits
    // inside the IPv4-mapped IPv6 address (0.6), which is longer.
    expect(detectPii('Go to www.acme.com')).toEqual([{ entity_type: 'URL', start: 6, end: 18, score: 0.6 }]);
    expect(detectPii('Peer ::ffff:192.0.2.1')).toEqual([
      { entity_type: 'IP_ADDRESS', start: 5, end: 21, score: 0.6 },
    ]);
  });
});

describe('detectPii config', () => {
  it('detects DEFAULT_ENTITIES unless told: everything but PERSON, LOCATION and DATE_TIME', () => {
    expect([...DEFAULT_ENTITIES].sort()).toEqual(
      ENTITY_TYPES.filter((e) => !['PERSON', 'LOCATION', 'DATE_TIME'].includes(e)).sort(),
    );
  });

  it('detects only the listed entities', () => {
    const text = 'Mail a@acme.kz or call +7 701 123 4567';
    expect(detectPii(text, { entities: ['PHONE_NUMBER'] }).map((f) => f.entity_type)).toEqual([
      'PHONE_NUMBER',
    ]);
  });

  it('drops findings below min_score (default 0.5) and keeps scores in [0, 1]', () => {
    const text = 'Batch 536229076 was printed on the old press; see acme.com; SSN 536-22-9076';
    expect(detectPii(text).map((f) => [f.entity_type, f.score])).toEqual([
      ['URL', 0.5],
      ['US_SSN', 0.95],
    ]);
    expect(detectPii(text, { min_score: 0.9 }).map((f) => f.entity_type)).toEqual(['US_SSN']);
    const all = detectPii(text, { min_score: 0 });
    expect(all.map((f) => [f.entity_type, f.score])).toEqual([
      ['US_SSN', 0.15],
      ['URL', 0.5],
      ['US_SSN', 0.95],
    ]);
    expect(all.every((f) => f.score >= 0 && f.score <= 1)).toBe(true);
  });

  it('reads cue words only within context_window words (default 5; 0 turns context off)', () => {
    expect(detectPii('Call 4155550132')).toHaveLength(1);
    expect(detectPii('Call 4155550132', { context_window: 0 })).toEqual([]);
    const far = 'Call us any time you like, 4155550132';
    expect(detectPii(far)).toEqual([]);
    expect(detectPii(far, { context_window: 7 })).toHaveLength(1);
  });

  it('returns nothing for empty text and text without PII', () => {
    expect(detectPii('')).toEqual([]);
    expect(detectPii('Your statement arrives on the 3rd business day of each month.')).toEqual([]);
  });
});
