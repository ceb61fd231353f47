import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { detectPii } from './index.js';
import { NATIONAL_REGIONS } from './recognizers/phone.js';

function found(text: string, entities?: string[]): [string, string][] {
  return detectPii(text, entities ? { entities } : {}).map((f) => [
    f.entity_type,
    text.slice(f.start, f.end),
  ]);
}

describe('EMAIL_ADDRESS', () => {
  it('finds addresses with tags, sub-domains and hyphens, without surrounding punctuation', () => {
    const text =
      "Write to 'jane.doe@example.com', first.last+billing@mail.acme-corp.co.uk or ops_team@acme.kz.";
    expect(found(text)).toEqual([
      ['EMAIL_ADDRESS', 'jane.doe@example.com'],
      ['EMAIL_ADDRESS', 'first.last+billing@mail.acme-corp.co.uk'],
      ['EMAIL_ADDRESS', 'ops_team@acme.kz'],
    ]);
  });

  it('ignores handles, hosts without a TLD and malformed local parts', () => {
    expect(found('Ping @jane, root@localhost, a@b.c, x.@example.com, a..b@example.com, x@-acme.com')).toEqual(
      [],
    );
  });
});

describe('PHONE_NUMBER', () => {
  it('finds KZ, US and UK numbers in international and home formats', () => {
    const text =
      'KZ +7 701 123 4567 or 8 (701) 123-45-67; US +1 (415) 555-0132 or (415) 555-0132; UK +44 20 7946 0958 or 020 7946 0958.';
    expect(found(text)).toEqual([
      ['PHONE_NUMBER', '+7 701 123 4567'],
      ['PHONE_NUMBER', '8 (701) 123-45-67'],
      ['PHONE_NUMBER', '+1 (415) 555-0132'],
      ['PHONE_NUMBER', '(415) 555-0132'],
      ['PHONE_NUMBER', '+44 20 7946 0958'],
      ['PHONE_NUMBER', '020 7946 0958'],
    ]);
  });

  it('scores by form and context: bare digits need a cue, "order" lowers', () => {
    expect(found('Reach me: 4155550132')).toEqual([]);
    expect(found('Call 4155550132')).toEqual([['PHONE_NUMBER', '4155550132']]);
    expect(found('Order 415-555-0132 is packed.')).toEqual([]);
  });

  it('ignores dates, amounts, short codes and numbers invalid in their numbering plan', () => {
    expect(found('On 2024-03-15 we paid 20 000 000 tenge; code 12345; +1 (099) 555-0132; 555-0132')).toEqual(
      [],
    );
  });

  it('skips libphonenumber only for digit runs that are no number in the region', () => {
    const run = fc.tuple(fc.constantFrom(...NATIONAL_REGIONS), fc.stringMatching(/^\d{8,11}$/));
    fc.assert(
      fc.property(run, ([{ region, trunk, plausible }, rest]) => {
        const digits = (trunk + rest).slice(0, 11);
        if (digits.length < 9 || plausible(digits)) return;
        const parsed = parsePhoneNumberFromString(digits, { defaultCountry: region, extract: false });
        expect(parsed?.isValid() ?? false).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('IP_ADDRESS', () => {
  it('finds IPv4 and IPv6 addresses, including compressed and IPv4-mapped forms', () => {
    const text = 'Hosts 192.168.1.20, 2001:db8:85a3::8a2e:370:7334, fe80::1%eth0 and ::ffff:192.0.2.1.';
    expect(found(text)).toEqual([
      ['IP_ADDRESS', '192.168.1.20'],
      ['IP_ADDRESS', '2001:db8:85a3::8a2e:370:7334'],
      ['IP_ADDRESS', 'fe80::1'],
      ['IP_ADDRESS', '::ffff:192.0.2.1'],
    ]);
  });

  it('ignores version strings, out-of-range octets, times, MAC addresses and C++ scopes', () => {
    const text =
      'Update to version 1.2.3.4 (v1.2.3.4, build 10.0.19041.1); 256.1.1.1; at 12:30:45; MAC 00:1A:2B:3C:4D:5E; std::vector';
    expect(found(text)).toEqual([]);
  });

  it('lets the nearest cue decide: "IP" raises the first address, "version" lowers the second', () => {
    const text = 'IP 10.0.0.1 and version 1.2.3.4';
    expect(detectPii(text)).toEqual([{ entity_type: 'IP_ADDRESS', start: 3, end: 11, score: 0.95 }]);
  });
});

describe('URL', () => {
  it('finds scheme, www and bare-host URLs, leaving out closing brackets and sentence dots', () => {
    const text =
      'See https://acme.kz/help?id=42. Docs: [guide](https://en.wikipedia.org/wiki/Android_(operating_system)) or www.acme.com, or acme.com/pricing.';
    expect(found(text)).toEqual([
      ['URL', 'https://acme.kz/help?id=42'],
      ['URL', 'https://en.wikipedia.org/wiki/Android_(operating_system)'],
      ['URL', 'www.acme.com'],
      ['URL', 'acme.com/pricing'],
    ]);
  });

  it('ignores file names and an e-mail address’s domain', () => {
    expect(found('Edit index.ts in Node.js, e.g. config.yaml; mail jane@acme.com')).toEqual([
      ['EMAIL_ADDRESS', 'jane@acme.com'],
    ]);
  });
});

describe('DATE_TIME (opt-in)', () => {
  it('is off by default', () => {
    expect(found('Born 15.03.1985')).toEqual([]);
  });

  it('finds ISO, numeric, English and Russian dates and clock times when enabled', () => {
    const text = 'Born 15.03.1985; due 2024-03-15T10:00:00Z; on March 3, 2024 at 10:30 am; с 15 марта 2024.';
    expect(found(text, ['DATE_TIME'])).toEqual([
      ['DATE_TIME', '15.03.1985'],
      ['DATE_TIME', '2024-03-15T10:00:00Z'],
      ['DATE_TIME', 'March 3, 2024'],
      ['DATE_TIME', '10:30 am'],
      ['DATE_TIME', '15 марта 2024'],
    ]);
  });

  it('ignores impossible dates and version numbers', () => {
    expect(found('13.13.2024, 2024-13-01, version 1.2.34', ['DATE_TIME'])).toEqual([]);
  });
});

describe('PERSON and LOCATION (opt-in, compromise)', () => {
  it('are off by default', () => {
    expect(found('John Smith moved to Paris.')).toEqual([]);
  });

  it('finds full names and places when enabled, without trailing punctuation', () => {
    const text = 'John Smith moved to Paris, France. Call Mary Johnson in New York.';
    expect(found(text, ['PERSON', 'LOCATION'])).toEqual([
      ['PERSON', 'John Smith'],
      ['LOCATION', 'Paris, France'],
      ['PERSON', 'Mary Johnson'],
      ['LOCATION', 'New York'],
    ]);
  });

  it('gives UTF-16 offsets after emoji and Cyrillic', () => {
    // "😀 Привет! " is 11 UTF-16 units (😀 counts two).
    expect(detectPii('😀 Привет! John Smith', { entities: ['PERSON'] })).toEqual([
      { entity_type: 'PERSON', start: 11, end: 21, score: 0.7 },
    ]);
  });
});
