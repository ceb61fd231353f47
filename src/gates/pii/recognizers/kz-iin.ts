import { REFERENCE_WORDS, scan, type Candidate, type Recognizer } from '../recognizer.js';

// Twelve digits standing alone (an IIN is printed unbroken on Kazakh ID cards).
const CANDIDATE = /(?<![\p{L}\p{N}_.,-])\d{12}(?![\p{L}\p{N}_]|[.,-]\d)/gu;

/** A checksum-valid IIN with a real birth date is strong but still 12 bare digits; context settles it. */
const IIN_SCORE = 0.75;

const WEIGHTS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

function weightedMod11(digits: number[], weights: number[]): number {
  return weights.reduce((sum, w, i) => sum + w * digits[i]!, 0) % 11;
}

/**
 * Kazakhstan IIN (Law No. 223-III "On national registers of identification numbers", 2007; the
 * check-digit rule in Government Decree P070000406 on adilet.zan.kz): digits 1–6 are the birth
 * date YYMMDD, digit 7 the century and sex (1–2: 1800s, 3–4: 1900s, 5–6: 2000s), digit 12 a
 * mod-11 check over weights 1..11, or 3..11,1,2 when the first sum gives 10 (a second 10 means the
 * number is never issued).
 */
function isValidIin(iin: string): boolean {
  if (!/^\d{12}$/.test(iin)) return false;
  const d = [...iin].map(Number);
  const century = d[6]!;
  if (century < 1 || century > 6) return false;
  const year = 1800 + 100 * Math.floor((century - 1) / 2) + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  let check = weightedMod11(d, WEIGHTS_1);
  if (check === 10) check = weightedMod11(d, WEIGHTS_2);
  return check !== 10 && check === d[11];
}

function toIin(m: RegExpExecArray): Candidate | null {
  if (!isValidIin(m[0])) return null;
  return { entity_type: 'KZ_IIN', start: m.index, end: m.index + m[0].length, score: IIN_SCORE };
}

/** KZ_IIN: birth date, century digit and mod-11 checksum; "ИИН"/"IIN"/"ЖСН" raise, "order" lowers. */
export const kzIinRecognizer: Recognizer = {
  entities: ['KZ_IIN'],
  cues: {
    KZ_IIN: {
      support: ['iin', 'иин', 'жсн', 'identification', 'individual', 'идентификационный'],
      against: REFERENCE_WORDS,
    },
  },
  detect: (text) => scan(text, CANDIDATE, toIin),
};
