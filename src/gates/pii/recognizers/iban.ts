import { getCountrySpecifications, isValidIBAN } from 'ibantools';
import type { Candidate, Recognizer } from '../recognizer.js';

// Country code, two check digits, then the BBAN in print (groups of four) or electronic form.
const CANDIDATE = /(?<![\p{L}\p{N}_])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){8,30}/gu;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const COUNTRIES = getCountrySpecifications();

/**
 * Cuts the candidate to the IBAN length its country registers (ISO 13616-1 registry), so a BIC or
 * word after it is not swallowed, then validates BBAN format and the ISO 7064 mod-97-10 check
 * digits with ibantools. A valid IBAN is near-certain, hence score 1.
 */
function findIban(text: string, raw: string, start: number): Candidate | null {
  const length = COUNTRIES[raw.slice(0, 2)]?.chars;
  if (!length) return null;
  let taken = 0;
  let end = 0;
  while (end < raw.length && taken < length) {
    if (raw[end] !== ' ') taken++;
    end++;
  }
  if (taken < length) return null;
  // The IBAN must end where a group ends: "DE89 3704 0044 0532 0130 00X" is a longer code, not one.
  const next = text[start + end];
  if (next !== undefined && WORD_CHAR.test(next)) return null;
  const electronic = raw.slice(0, end).replace(/ /g, '');
  if (!isValidIBAN(electronic)) return null;
  return { entity_type: 'IBAN_CODE', start, end: start + end, score: 1 };
}

/** IBAN_CODE: registry length, BBAN format and mod-97 (ISO 13616); "IBAN"/"account" raise. */
export const ibanRecognizer: Recognizer = {
  entities: ['IBAN_CODE'],
  cues: {
    IBAN_CODE: {
      support: ['iban', 'bank', 'account', 'transfer', 'wire', 'sepa', 'счет', 'счёт', 'банк', 'шот'],
      against: [],
    },
  },
  detect(text) {
    const out: Candidate[] = [];
    const re = CANDIDATE; // lastIndex is moved by hand below, and left at 0
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const iban = findIban(text, m[0], m.index);
      if (iban) out.push(iban);
      // After a miss, resume just past its start: "AB12 KZ86125KZT5004100100" holds an IBAN
      // that the failed candidate swallowed.
      re.lastIndex = iban ? iban.end : m.index + 1;
    }
    re.lastIndex = 0;
    return out;
  },
};
