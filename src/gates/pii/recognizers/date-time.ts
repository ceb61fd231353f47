import { scan, type Candidate, type Recognizer } from '../recognizer.js';

const MONTHS_EN =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
// Russian month names in the genitive ("15 марта 2024"), the form a date takes in a sentence.
const MONTHS_RU = 'января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const TIME = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?(?:\\s?[ap]\\.?m\\.?)?';

/** A numeric d.m.y or m/d/y is a date when either reading is a real day and month. */
function isPlausibleNumericDate(raw: string): boolean {
  const [a = 0, b = 0] = raw.split(/[./-]/).map(Number);
  const isDay = (n: number) => n >= 1 && n <= 31;
  const isMonth = (n: number) => n >= 1 && n <= 12;
  return (isDay(a) && isMonth(b)) || (isMonth(a) && isDay(b));
}

/** One pattern per written form; each carries the score its form deserves. */
const FORMS: { pattern: RegExp; score: number; valid?: (raw: string) => boolean }[] = [
  // ISO 8601 calendar date, optionally with time and offset (ISO 8601-1:2019 §5.4).
  {
    pattern:
      /(?<![\p{L}\p{N}_.-])\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\p{L}\p{N}_]|[.-]\d)/gu,
    score: 0.6,
  },
  // Numeric day.month.year (RU/KZ/EU) or month/day/year (US); four-digit years, or two-digit
  // years with two-digit day and month so "1.2.34" stays a version number.
  {
    pattern:
      /(?<![\p{L}\p{N}_./-])(?:\d{1,2}([./-])\d{1,2}\1\d{4}|\d{2}([./])\d{2}\2\d{2})(?![\p{L}\p{N}_]|[./-]\d)/gu,
    score: 0.6,
    valid: isPlausibleNumericDate,
  },
  // "March 3, 2024", "Mar 3rd", "3 March 2024", "the 3rd of March".
  {
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}_])(?:(?:${MONTHS_EN})\\.? ${DAY}(?:,? \\d{4})?|${DAY} (?:of )?(?:${MONTHS_EN})\\.?(?:,? \\d{4})?)(?![\\p{L}\\p{N}_])`,
      'giu',
    ),
    score: 0.6,
  },
  {
    pattern: new RegExp(`(?<![\\p{L}\\p{N}_])${DAY} (?:${MONTHS_RU})(?: \\d{4})?(?![\\p{L}\\p{N}_])`, 'giu'),
    score: 0.6,
  },
  // A clock time alone says little; it needs a cue ("at", "appointment") to pass 0.5.
  { pattern: new RegExp(`(?<![\\p{L}\\p{N}_:.])${TIME}(?![\\p{L}\\p{N}_]|:\\d)`, 'giu'), score: 0.4 },
];

function detectDates(text: string): Candidate[] {
  return FORMS.flatMap(({ pattern, score, valid }) =>
    scan(text, pattern, (m) =>
      valid && !valid(m[0])
        ? null
        : { entity_type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score },
    ),
  );
}

/** DATE_TIME (opt-in): ISO 8601, numeric, English and Russian month-name dates, clock times; "born"/"DOB" raise. */
export const dateTimeRecognizer: Recognizer = {
  entities: ['DATE_TIME'],
  cues: {
    DATE_TIME: {
      support: ['born', 'birth', 'birthday', 'dob', 'date', 'expires', 'expiry', 'at', 'рождения', 'дата'],
      against: ['version', 'build', 'v'],
    },
  },
  detect: (text) => detectDates(text),
};
