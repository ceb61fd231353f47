import { describe, expect, it } from 'vitest';
import { detectPii } from './index.js';

function found(text: string): [string, string, number][] {
  return detectPii(text).map((f) => [f.entity_type, text.slice(f.start, f.end), f.score]);
}

describe('context stays inside the sentence', () => {
  it('a reference word in the previous or next sentence does not lower the score', () => {
    expect(found('The courier has your parcel. Applicant 536-22-9076 is verified.')).toEqual([
      ['US_SSN', '536-22-9076', 0.6],
    ]);
    expect(found('Applicant 536-22-9076 is verified. Your order ships today.')).toEqual([
      ['US_SSN', '536-22-9076', 0.6],
    ]);
  });
  it('a reference word in the same sentence still does', () => {
    expect(found('The parcel for applicant 536-22-9076 ships today.')).toEqual([]);
  });
  it('short abbreviations do not end a sentence, so "SSN no. 536…" keeps its cue', () => {
    expect(found('SSN no. 536-22-9076')).toEqual([['US_SSN', '536-22-9076', 0.95]]);
  });
});

describe('hard negatives found by the benchmark', () => {
  it('a dotted-quad IPv4 address is not a US phone number', () => {
    expect(found('Login from 151.63.126.227 at noon.')).toEqual([['IP_ADDRESS', '151.63.126.227', 0.6]]);
    expect(found('Call 415.555.0132 today.')).toEqual([['PHONE_NUMBER', '415.555.0132', 0.95]]);
  });
  it('a Luhn-valid 16-digit run inside a printed IBAN is not a card', () => {
    // FR44 4391 3476 1324 1227 3945 …: an IBAN-shaped reference whose middle passes Luhn.
    expect(found('Reference FR44 4391 3476 1324 1227 3945 was closed.')).toEqual([]);
    expect(found('Card 4391 3476 1324 1227 was closed.')).toEqual([
      ['CREDIT_CARD', '4391 3476 1324 1227', 1],
    ]);
  });
});
