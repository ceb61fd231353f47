import { describe, expect, it } from 'vitest';
import { detectPii } from './index.js';

/** What was found, as [entity, exact text]; spans are checked separately where they matter. */
function found(text: string, entities?: string[]): [string, string][] {
  return detectPii(text, entities ? { entities } : {}).map((f) => [
    f.entity_type,
    text.slice(f.start, f.end),
  ]);
}

describe('CREDIT_CARD', () => {
  it('finds printed, dashed and bare numbers of real schemes (Visa, Mastercard, Amex, Mir)', () => {
    const text =
      'Visa 4111 1111 1111 1111, MC 5500-0000-0000-0004, Amex 378282246310005, Мир 2200 0000 0000 0004.';
    expect(found(text)).toEqual([
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['CREDIT_CARD', '5500-0000-0000-0004'],
      ['CREDIT_CARD', '378282246310005'],
      ['CREDIT_CARD', '2200 0000 0000 0004'],
    ]);
  });

  it('ignores Luhn-failing 16-digit order numbers and numbers outside card ranges', () => {
    expect(found('Order 4111111111111112 and 5500 0000 0000 0005 shipped.')).toEqual([]);
    // Luhn-valid, but no card scheme starts with 1 or 9.
    expect(found('Reference 1234567812345670, invoice 9000000000000008.')).toEqual([]);
  });

  it('lowers a Luhn-valid number after "order" below the threshold and raises one after "card"', () => {
    expect(found('Your order number 4532015112830366 has shipped.')).toEqual([]);
    const [f] = detectPii('Charged to card 4532015112830366 today.');
    expect(f).toMatchObject({ entity_type: 'CREDIT_CARD', score: 1 });
    expect(detectPii('Number 4532015112830366.')[0]?.score).toBe(0.8);
  });

  it('rejects mixed separators and repeated digits, and finds a card followed by a year', () => {
    expect(found('4111-1111 1111-1111 and 0000 0000 0000 0000')).toEqual([]);
    expect(found('card 4111 1111 1111 1111 2029')).toEqual([['CREDIT_CARD', '4111 1111 1111 1111']]);
    expect(found('qty 2 4111 1111 1111 1111')).toEqual([['CREDIT_CARD', '4111 1111 1111 1111']]);
    expect(found('cards 4111 1111 1111 1111 5500 0000 0000 0004')).toEqual([
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['CREDIT_CARD', '5500 0000 0000 0004'],
    ]);
  });
});

describe('IBAN_CODE', () => {
  it('finds print and electronic forms for DE, GB, FR and KZ', () => {
    const text =
      'DE89 3704 0044 0532 0130 00; GB82WEST12345698765432; FR14 2004 1010 0505 0001 3M02 606; KZ86125KZT5004100100.';
    expect(found(text)).toEqual([
      ['IBAN_CODE', 'DE89 3704 0044 0532 0130 00'],
      ['IBAN_CODE', 'GB82WEST12345698765432'],
      ['IBAN_CODE', 'FR14 2004 1010 0505 0001 3M02 606'],
      ['IBAN_CODE', 'KZ86125KZT5004100100'],
    ]);
  });

  it('ignores IBAN-shaped strings whose mod-97 check digits are wrong', () => {
    expect(
      found('GB82 WEST 1234 5698 7654 33 and DE89 3704 0044 0532 0130 01 and KZ87125KZT5004100100'),
    ).toEqual([]);
  });

  it('stops at the registered length, so a BIC after the IBAN stays outside the span', () => {
    const text = 'IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX';
    expect(detectPii(text)).toEqual([{ entity_type: 'IBAN_CODE', start: 5, end: 32, score: 1 }]);
    expect(found('DE89370400440532013000X')).toEqual([]);
    expect(found('Ref AB12 KZ86125KZT5004100100')).toEqual([['IBAN_CODE', 'KZ86125KZT5004100100']]);
  });
});

describe('US_SSN', () => {
  it('finds a dashed SSN and, with "SSN" near it, a bare one', () => {
    expect(detectPii('SSN 536-22-9076')).toEqual([{ entity_type: 'US_SSN', start: 4, end: 15, score: 0.95 }]);
    expect(detectPii('Applicant 536-22-9076')[0]?.score).toBe(0.6);
    expect(found('SSN: 536229076')).toEqual([['US_SSN', '536229076']]);
    expect(found('Count 536229076')).toEqual([]);
  });

  it('rejects areas 000, 666 and 900–999, group 00, serial 0000 and voided numbers', () => {
    for (const ssn of [
      '000-12-3456',
      '666-12-3456',
      '900-12-3456',
      '987-65-4321',
      '536-00-9076',
      '536-22-0000',
    ]) {
      expect(found(`SSN ${ssn}`), ssn).toEqual([]);
    }
    for (const ssn of ['078-05-1120', '219-09-9999', '123-45-6789', '111-11-1111']) {
      expect(found(`SSN ${ssn}`), ssn).toEqual([]);
    }
  });

  it('rejects mixed separators and longer dashed codes', () => {
    expect(found('SSN 536-22 9076, part 536-22-9076-01')).toEqual([]);
  });
});

describe('KZ_IIN', () => {
  it('finds checksum-valid IINs, raised by "ИИН" and lowered by "заказ"', () => {
    expect(detectPii('ИИН 900101300017.')).toEqual([{ entity_type: 'KZ_IIN', start: 4, end: 16, score: 1 }]);
    expect(detectPii('Клиент 061211600012.')).toEqual([
      { entity_type: 'KZ_IIN', start: 7, end: 19, score: 0.75 },
    ]);
    expect(found('Номер заказа 061211600012.')).toEqual([]);
  });

  it('rejects a wrong check digit, an impossible birth date or century digit, and tracking numbers', () => {
    // 900101300019: bad check digit; 901301300017: month 13; 900101700011: century digit 7;
    // 748912345678: a FedEx-style tracking number (month 89).
    expect(found('ИИН 900101300019 901301300017 900101700011 748912345678 123456789012')).toEqual([]);
  });
});

describe('CRYPTO', () => {
  it('finds Base58Check (P2PKH, P2SH) and Bech32/Bech32m addresses', () => {
    const text =
      'BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy or ' +
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 or bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0';
    expect(found(text).map(([, v]) => v)).toEqual([
      '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa',
      '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
      'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    ]);
  });

  it('rejects addresses whose checksum fails, and Bech32 used where BIP-350 needs Bech32m', () => {
    const text =
      '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5 ' +
      'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
    expect(found(text)).toEqual([]);
  });
});

describe('tracking numbers and other business references', () => {
  it('flags none of UPS, USPS, FedEx or DHL tracking numbers', () => {
    const text =
      'UPS 1Z999AA10123456784, USPS 9400 1000 0000 0000 0000 00, USPS 9400111899223197428490, ' +
      'FedEx 748912345678, FedEx 7489 1234 5678, DHL JD014600006281221830.';
    expect(found(text)).toEqual([]);
  });
});
