import {
  INLINE_BUDGET_MS,
  COMMON_KEYS,
  fail,
  isRecord,
  readBoolean,
  readCommon,
  readNumber,
  readSection,
  readStrings,
  type GateCommon,
} from '../config-path.js';
import { DEFAULT_TOPICS } from './topics.js';

/** A disclaimer the output must carry, always or only when one of `when_topics` is found. */
export interface RequiredDisclaimer {
  text: string;
  when_topics: string[];
}

/**
 * A policy's `gates.safety` section. Defaults: `profanity` true (the `obscenity` English
 * dataset), `words` [], `topics` DEFAULT_TOPICS, `forbidden_claims` [], `required_disclaimers`
 * [], `flag_below` 0.8, `block_below` 0.2 (seed 1: "safety score < 0.2 → block").
 */
export interface SafetyConfig extends GateCommon {
  profanity: boolean;
  words: string[];
  topics: Record<string, string[]>;
  forbidden_claims: string[];
  required_disclaimers: RequiredDisclaimer[];
  flag_below: number;
  block_below: number;
}

const KEYS = [
  ...COMMON_KEYS,
  'profanity',
  'words',
  'topics',
  'forbidden_claims',
  'required_disclaimers',
  'flag_below',
  'block_below',
];

function parseTopics(value: unknown, path: string): Record<string, string[]> {
  if (value === undefined)
    return Object.fromEntries(Object.entries(DEFAULT_TOPICS).map(([k, v]) => [k, [...v]]));
  if (!isRecord(value)) fail(path, 'must be a mapping of topic name to a list of phrases');
  const out: Record<string, string[]> = {};
  for (const [name, phrases] of Object.entries(value)) {
    if (!/^[a-z][a-z0-9_]*$/.test(name))
      fail(`${path}.${name}`, 'topic names are lower-case words (a-z, 0-9, _)');
    out[name] = readStrings(phrases, `${path}.${name}`);
    if (out[name].length === 0) fail(`${path}.${name}`, 'needs at least one phrase');
  }
  return out;
}

function parseDisclaimers(
  value: unknown,
  path: string,
  topics: Record<string, string[]>,
): RequiredDisclaimer[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be a list of { text, when_topics }');
  return value.map((d, i) => {
    const at = `${path}.${i}`;
    const section = readSection(d, ['text', 'when_topics'], at);
    if (typeof section.text !== 'string' || section.text.trim() === '')
      fail(`${at}.text`, 'must be a non-empty string');
    const when = readStrings(section.when_topics, `${at}.when_topics`);
    when.forEach((t, j) => {
      if (!Object.hasOwn(topics, t)) fail(`${at}.when_topics.${j}`, `unknown topic "${t}"`);
    });
    return { text: section.text, when_topics: when };
  });
}

/** Validates `gates.safety`; throws an Error whose message starts with the bad path. */
export function parseSafetyConfig(value: unknown, path = 'gates.safety'): SafetyConfig {
  const s = readSection(value, KEYS, path);
  const topics = parseTopics(s.topics, `${path}.topics`);
  const config: SafetyConfig = {
    ...readCommon(s, path, { budgetMs: INLINE_BUDGET_MS, onError: 'fail_closed' }),
    profanity: readBoolean(s.profanity, `${path}.profanity`, true),
    words: readStrings(s.words, `${path}.words`),
    topics,
    forbidden_claims: readStrings(s.forbidden_claims, `${path}.forbidden_claims`),
    required_disclaimers: parseDisclaimers(s.required_disclaimers, `${path}.required_disclaimers`, topics),
    flag_below: readNumber(s.flag_below, `${path}.flag_below`, { min: 0, max: 1, fallback: 0.8 }),
    block_below: readNumber(s.block_below, `${path}.block_below`, { min: 0, max: 1, fallback: 0.2 }),
  };
  if (config.block_below > config.flag_below) fail(`${path}.block_below`, 'must not exceed flag_below');
  return config;
}
