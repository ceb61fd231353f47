import { REFERENCE_WORDS, scan, type Candidate, type Recognizer } from '../recognizer.js';

// AAA-GG-SSSS with one consistent separator (dash, space, dot) or none; the backreference keeps
// "123-45 6789" out. Not glued to letters/digits, nor the middle of a longer dashed code.
const CANDIDATE = /(?<![\p{L}\p{N}_-])(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}_]|-\d)/gu;

/** Scores by how the number is written: SSNs are printed dashed; a bare 9-digit run needs context. */
const DASHED_SCORE = 0.6;
const SPACED_SCORE = 0.4;
const BARE_SCORE = 0.15;

// Numbers the SSA voided after they were printed in advertising (078-05-1120, the Woolworth
// wallet card; 219-09-9999) and the placeholder everyone types.
const VOIDED = new Set(['078051120', '219099999', '123456789']);

/**
 * SSA assignment rules (Social Security Administration, "SSN Randomization", 2011): area 000, 666
 * and 900–999 are never issued, group 00 and serial 0000 never either; one repeated digit is a
 * placeholder, not an SSN.
 */
function isValidSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  const digits = area + group + serial;
  return !VOIDED.has(digits) && !/^(\d)\1+$/.test(digits);
}

function toSsn(m: RegExpExecArray): Candidate | null {
  const [raw, area, sep, group, serial] = m;
  if (!isValidSsn(area!, group!, serial!)) return null;
  const score = sep === '-' ? DASHED_SCORE : sep === '' ? BARE_SCORE : SPACED_SCORE;
  return { entity_type: 'US_SSN', start: m.index, end: m.index + raw.length, score };
}

/** US_SSN: SSA area/group/serial rules; "SSN"/"social security" raise, "order"/"tracking" lower. */
export const usSsnRecognizer: Recognizer = {
  entities: ['US_SSN'],
  cues: {
    US_SSN: {
      support: ['ssn', 'ssns', 'ssid', 'social', 'taxpayer', 'tin'],
      against: REFERENCE_WORDS,
    },
  },
  detect: (text) => scan(text, CANDIDATE, toSsn),
};
