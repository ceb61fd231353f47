import nlp from 'compromise';
import type { Candidate, EntityType, Recognizer } from '../recognizer.js';

/**
 * compromise tags with a lexicon and rules, not a statistical model, so it is weaker than
 * Presidio's spaCy NER (0.85): a full name scores 0.7, a lone given or family name 0.5, a place 0.6.
 */
const FULL_NAME_SCORE = 0.7;
const SINGLE_NAME_SCORE = 0.5;
const PLACE_SCORE = 0.6;

interface TermJson {
  offset: { start: number; length: number };
}
interface MatchJson {
  terms: TermJson[];
}

/**
 * Spans from the first term's start to the last term's end, so punctuation compromise keeps on
 * a match ("New York.") stays outside. compromise offsets are UTF-16 indexes into the input.
 */
function toCandidates(
  matches: MatchJson[],
  entity: EntityType,
  score: (terms: number) => number,
): Candidate[] {
  return matches.flatMap(({ terms }) => {
    const first = terms[0];
    const last = terms.at(-1);
    if (!first || !last) return [];
    const end = last.offset.start + last.offset.length;
    return [{ entity_type: entity, start: first.offset.start, end, score: score(terms.length) }];
  });
}

/**
 * PERSON and LOCATION from one compromise parse (opt-in: ~16–26 ms per 4 KB, see DEFAULT_ENTITIES);
 * English text only, and no model is downloaded at run time.
 */
function detectNames(text: string, enabled: ReadonlySet<EntityType>): Candidate[] {
  const doc = nlp(text);
  const options = { offset: true, terms: { offset: true } };
  const out: Candidate[] = [];
  if (enabled.has('PERSON')) {
    const people = doc.people().json(options) as MatchJson[];
    out.push(...toCandidates(people, 'PERSON', (n) => (n > 1 ? FULL_NAME_SCORE : SINGLE_NAME_SCORE)));
  }
  if (enabled.has('LOCATION')) {
    out.push(...toCandidates(doc.places().json(options) as MatchJson[], 'LOCATION', () => PLACE_SCORE));
  }
  return out;
}

/** PERSON, LOCATION via compromise; "name"/"Mr" raise a person, "address"/"city" a place. */
export const namesRecognizer: Recognizer = {
  entities: ['PERSON', 'LOCATION'],
  cues: {
    PERSON: {
      support: ['name', 'mr', 'mrs', 'ms', 'dr', 'dear', 'signed', 'contact', 'имя', 'фио'],
      against: [],
    },
    LOCATION: {
      support: ['address', 'street', 'city', 'lives', 'live', 'located', 'адрес', 'город', 'улица'],
      against: [],
    },
  },
  detect: detectNames,
};
