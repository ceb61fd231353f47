import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { allMatches } from '../../text.js';
import { REFERENCE_WORDS, type Candidate, type Recognizer } from '../recognizer.js';

/**
 * Regions whose national formats (no "+") are recognised: Kazakhstan (seed 2's market; its plan
 * also covers Russian +7 numbers), the US and the UK. International "+…" numbers are recognised
 * for every region. KZ and UK numbers must carry their trunk prefix ("8 701…", "020…") as they
 * are written at home; without it almost any 10 digits (an IBAN's tail) would parse as one.
 *
 * `plausible` is a necessary condition on the digits, checked before libphonenumber (whose miss on
 * a US number tries all 25 NANP countries, ~20 µs). The numbers of the +1 and +7 plans that a run
 * of 9–11 digits can hold have 10 national digits, so unless it starts with something
 * libphonenumber may strip other than this trunk (a country code or trunk "1", the international
 * prefixes "011" and "810"), a run of another length is no number there. The UK plan's numbers
 * have 7, 9 or 10 national digits and none starts with 0, so 9 digits after the trunk "0" are no
 * UK number, unless "00" opens an international one.
 */
export const NATIONAL_REGIONS: readonly {
  region: CountryCode;
  trunk: string;
  plausible: (digits: string) => boolean;
}[] = [
  { region: 'KZ', trunk: '8', plausible: (d) => d.length === 10 || d.length === 11 || d.startsWith('810') },
  { region: 'US', trunk: '', plausible: (d) => d.length === 10 || d[0] === '0' || d[0] === '1' },
  { region: 'GB', trunk: '0', plausible: (d) => d.length !== 9 || d.startsWith('00') },
];

// A cheap pre-filter: a run of digits and phone punctuation, at least 7 characters. libphonenumber
// then parses these short runs only (~10 µs each) instead of scanning the whole text (~1 ms per
// 4 KB per region with its own matcher).
const CANDIDATE =
  /(?<![\p{L}\p{N}_+/.-])(?:\+ ?)?(?:\(\d{1,5}\)|\d)[\d ().\u00a0-]{5,24}\d(?![\p{L}\p{N}_])/gu;

const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Scores by how the number is written: "+7 701 …" is surely a phone, a bare digit run may not be. */
const INTERNATIONAL_SCORE = 0.75;
const FORMATTED_SCORE = 0.6;
const BARE_SCORE = 0.4;

/**
 * True when `raw` is a whole phone number valid in a real numbering plan: full (max) metadata
 * checks the digits, not only the length (Google libphonenumber's VALID leniency). E.164 allows 15
 * digits at most; a national number here has 9–11 with its trunk prefix, so cards, dates and
 * IINs are not parsed at all.
 */
function isPhoneNumber(raw: string): boolean {
  // A dotted quad is an IPv4 address ("151.63.126.227" parses as a valid US number otherwise).
  if (DOTTED_QUAD.test(raw)) return false;
  const digits = raw.replace(/\D/g, '');
  if (raw.startsWith('+')) {
    const n = digits.length;
    return n >= 7 && n <= 15 && !!parsePhoneNumberFromString(raw, { extract: false })?.isValid();
  }
  if (digits.length < 9 || digits.length > 11) return false;
  return NATIONAL_REGIONS.some(
    ({ region, trunk, plausible }) =>
      digits.startsWith(trunk) &&
      plausible(digits) &&
      !!parsePhoneNumberFromString(raw, { defaultCountry: region, extract: false })?.isValid(),
  );
}

function toPhone(raw: string, start: number): Candidate {
  const score = raw.startsWith('+')
    ? INTERNATIONAL_SCORE
    : /[ ().\u00a0-]/.test(raw)
      ? FORMATTED_SCORE
      : BARE_SCORE;
  return { entity_type: 'PHONE_NUMBER', start, end: start + raw.length, score };
}

/**
 * The phone number in one pre-filtered run: the whole run, else the run without its first or
 * last space-separated group ("room 12 415-555-0132", "+7 701 123 4567 2024").
 */
function findPhone(run: string, start: number): Candidate | null {
  if (isPhoneNumber(run)) return toPhone(run, start);
  const first = run.indexOf(' ');
  if (first === -1) return null;
  const rest = run.slice(first + 1).trimStart();
  if (isPhoneNumber(rest)) return toPhone(rest, start + run.length - rest.length);
  const head = run.slice(0, run.lastIndexOf(' ')).trimEnd();
  return /\d$/.test(head) && isPhoneNumber(head) ? toPhone(head, start) : null;
}

/** PHONE_NUMBER: libphonenumber validation (KZ, US, GB national; any "+"); "phone"/"call" raise, "order" lowers. */
export const phoneRecognizer: Recognizer = {
  entities: ['PHONE_NUMBER'],
  cues: {
    PHONE_NUMBER: {
      support: [
        'phone',
        'telephone',
        'tel',
        'mobile',
        'cell',
        'call',
        'fax',
        'whatsapp',
        'telegram',
        'sms',
        'телефон',
        'тел',
        'звоните',
        'позвоните',
        'мобильный',
        'номер',
      ],
      against: REFERENCE_WORDS,
    },
  },
  detect(text) {
    const out: Candidate[] = [];
    for (const m of allMatches(CANDIDATE, text)) {
      const found = findPhone(m[0], m.index);
      if (found) out.push(found);
    }
    return out;
  },
};
