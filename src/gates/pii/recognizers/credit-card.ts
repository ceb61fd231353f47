import { allMatches } from '../../text.js';
import { REFERENCE_WORDS, type Candidate, type Recognizer } from '../recognizer.js';

// A run of digit groups joined by single spaces or dashes, not glued to letters, digits or a
// decimal/grouping neighbour ("12,4111…" or "4111….5" are amounts, not cards). Cards are sought
// inside the run, so "qty 2 4111 1111 1111 1111" still yields the card.
const RUN = /(?<![\p{L}\p{N}_.,-])\d+(?:[ -]\d+)*(?![\p{L}\p{N}_]|[.,-]\d)/gu;

// The first group of a printed IBAN ("FR44 "): the digit groups after it are the account, and a
// Luhn-valid 16 of them is a coincidence, not a card.
const IBAN_HEAD = /[A-Z]{2}\d{2} $/;
const DIGITS = /\d+/g;

/** Scores: a card grouped the way it is printed (4-4-4-4) is likelier a card than a bare run. */
const GROUPED_SCORE = 0.9;
const BARE_SCORE = 0.8;

/** Luhn mod-10 (ISO/IEC 7812-1 Annex B): true when the check digit matches. */
function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * True when the leading digits and length belong to an issued card scheme (ISO/IEC 7812 IIN
 * ranges as the schemes publish them): Visa, Mastercard, Mir, Amex, Diners, JCB, Discover,
 * UnionPay, Maestro. Numbers starting with 0, 1, 7, 8 or 9 are not payment cards, which removes
 * most Luhn-passing order numbers.
 */
function isKnownScheme(p4: number, n: number): boolean {
  const p2 = Math.floor(p4 / 100);
  const p3 = Math.floor(p4 / 10);
  if (p2 >= 40 && p2 <= 49) return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p4 >= 2200 && p4 <= 2204) return n >= 16; // Mir (RU/KZ market)
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305)) return n >= 14; // Diners
  if (p4 >= 3528 && p4 <= 3589) return n >= 16; // JCB
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || p2 === 62) return n >= 16; // Discover, UnionPay
  if ([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(p4)) return n >= 13; // Maestro
  return false;
}

/** One digit group of a run: where it starts in the run, and where its digits start in `digits`. */
interface Group {
  at: number;
  length: number;
  digitAt: number;
}

/**
 * The longest card made of whole groups starting at group `i`: 13–19 digits joined by one kind of
 * separator ("4111-1111 1111-1111" mixes two, which is not how cards print), a known scheme for
 * its prefix and length, Luhn-valid, and not one repeated digit (0000… passes Luhn).
 */
function longestCardFrom(run: string, digits: string, groups: Group[], i: number) {
  const from = groups[i]!;
  if (!/[2-6]/.test(digits[from.digitAt]!)) return null; // no scheme starts with 0, 1, 7, 8 or 9
  const prefix = Number(digits.slice(from.digitAt, from.digitAt + 4));
  const separator = run[(groups[i + 1]?.at ?? 0) - 1];
  let found: { last: number; end: number; grouped: boolean } | null = null;
  for (let j = i; j < groups.length; j++) {
    const g = groups[j]!;
    if (j > i && run[g.at - 1] !== separator) break;
    const n = g.digitAt + g.length - from.digitAt;
    if (n > 19) break;
    if (n < 13 || !isKnownScheme(prefix, n)) continue;
    const number = digits.slice(from.digitAt, from.digitAt + n);
    if (!isLuhnValid(number) || /^(\d)\1+$/.test(number)) continue;
    found = { last: j, end: g.at + g.length, grouped: j > i };
  }
  return found;
}

/**
 * Cards inside one run of digit groups, never splitting a group: "1234 4111 1111 1111 1111"
 * yields the last four groups, "4111 1111 1111 1111 2029" the first four.
 */
function findCards(run: string, offset: number): Candidate[] {
  const groups: Group[] = [];
  let digitAt = 0;
  for (const g of allMatches(DIGITS, run)) {
    groups.push({ at: g.index, length: g[0].length, digitAt });
    digitAt += g[0].length;
  }
  const digits = run.replace(/\D/g, '');
  const out: Candidate[] = [];
  for (let i = 0; i < groups.length;) {
    const found = longestCardFrom(run, digits, groups, i);
    if (found) {
      const score = found.grouped ? GROUPED_SCORE : BARE_SCORE;
      out.push({ entity_type: 'CREDIT_CARD', start: offset + groups[i]!.at, end: offset + found.end, score });
    }
    i = found ? found.last + 1 : i + 1;
  }
  return out;
}

/** CREDIT_CARD: Luhn plus IIN ranges; "card"/"visa" raise, "order"/"tracking" lower. */
export const creditCardRecognizer: Recognizer = {
  entities: ['CREDIT_CARD'],
  cues: {
    CREDIT_CARD: {
      support: [
        'card',
        'credit',
        'debit',
        'visa',
        'mastercard',
        'amex',
        'cc',
        'pan',
        'карта',
        'карты',
        'карту',
        'картой',
        'карточк',
      ],
      against: REFERENCE_WORDS,
    },
  },
  detect(text) {
    const out: Candidate[] = [];
    for (const m of allMatches(RUN, text)) {
      if (m[0].length < 13 || IBAN_HEAD.test(text.slice(Math.max(0, m.index - 5), m.index))) continue;
      out.push(...findCards(m[0], m.index));
    }
    return out;
  },
};
