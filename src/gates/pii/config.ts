import { COMMON_KEYS, fail, isRecord, readStrings, rejectUnknownKeys } from '../config-path.js';
import { ENTITY_TYPES, type EntityType } from './recognizer.js';

/**
 * How one entity is redacted: `replace` → `<ENTITY_TYPE>`; `mask` keeps the last `keep_last`
 * (default 4) characters and masks the rest with `char` (default '*'); `hash` → keyed HMAC tag,
 * stable per tenant; `vault` → a token from the caller's vault hook (the original is kept there).
 */
export type RedactOperator =
  | { type: 'replace' }
  | { type: 'mask'; keep_last?: number; char?: string }
  | { type: 'hash' }
  | { type: 'vault' };

/**
 * A policy's `gates.pii` section. Defaults: `entities` DEFAULT_ENTITIES (all but PERSON, LOCATION,
 * DATE_TIME), `min_score` 0.5, `operators` `{ DEFAULT: { type: 'replace' } }`, `context_window` 5.
 */
export interface PiiConfig {
  entities?: string[];
  min_score?: number;
  /** Keyed by entity type, or 'DEFAULT' for every entity without its own. */
  operators?: Record<string, RedactOperator>;
  /** Words read on each side of a span for context cues. */
  context_window?: number;
  /** API-key roles that may reveal a vaulted original (default `sme`, `admin`). */
  reveal_roles?: string[];
}

/** Roles that may reveal vaulted originals when the policy names none. */
export const DEFAULT_REVEAL_ROLES: readonly string[] = ['sme', 'admin'];

const KNOWN_ENTITIES: ReadonlySet<string> = new Set(ENTITY_TYPES);
const OPERATOR_KEYS: Record<RedactOperator['type'], readonly string[]> = {
  replace: ['type'],
  mask: ['type', 'keep_last', 'char'],
  hash: ['type'],
  vault: ['type'],
};

function parseEntities(value: unknown, path: string): EntityType[] {
  if (!Array.isArray(value)) fail(path, 'must be a list of entity types');
  return value.map((e, i) => {
    if (typeof e !== 'string' || !KNOWN_ENTITIES.has(e)) {
      fail(`${path}[${i}]`, `unknown entity type ${JSON.stringify(e)} (known: ${ENTITY_TYPES.join(', ')})`);
    }
    return e as EntityType;
  });
}

function parseOperator(value: unknown, path: string): RedactOperator {
  if (!isRecord(value)) fail(path, 'must be a mapping with a `type`');
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(OPERATOR_KEYS, type)) {
    fail(`${path}.type`, `must be one of ${Object.keys(OPERATOR_KEYS).join(', ')}`);
  }
  const op = type as RedactOperator['type'];
  rejectUnknownKeys(value, OPERATOR_KEYS[op], path);
  if (op !== 'mask') return { type: op };
  const mask: RedactOperator = { type: 'mask' };
  if (value.keep_last !== undefined) {
    const n = value.keep_last;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      fail(`${path}.keep_last`, 'must be an integer ≥ 0');
    mask.keep_last = n;
  }
  if (value.char !== undefined) {
    if (typeof value.char !== 'string' || [...value.char].length !== 1)
      fail(`${path}.char`, 'must be one character');
    mask.char = value.char;
  }
  return mask;
}

function parseOperators(value: unknown, path: string): Record<string, RedactOperator> {
  if (!isRecord(value)) fail(path, 'must be a mapping of entity type (or DEFAULT) to operator');
  const out: Record<string, RedactOperator> = {};
  for (const [key, op] of Object.entries(value)) {
    if (key !== 'DEFAULT' && !KNOWN_ENTITIES.has(key)) fail(`${path}.${key}`, 'unknown entity type');
    out[key] = parseOperator(op, `${path}.${key}`);
  }
  return out;
}

/**
 * Validates a plain object (a policy's `gates.pii`, from YAML) into a PiiConfig; throws an Error
 * whose message starts with the bad path (`gates.pii.operators.EMAIL_ADDRESS.type: …`). `null`
 * or `undefined` give the defaults.
 */
export function parsePiiConfig(obj: unknown, path = 'gates.pii'): PiiConfig {
  if (obj === undefined || obj === null) return {};
  if (!isRecord(obj)) fail(path, 'must be a mapping');
  rejectUnknownKeys(
    obj,
    ['entities', 'min_score', 'operators', 'context_window', 'reveal_roles', ...COMMON_KEYS],
    path,
  );
  const config: PiiConfig = {};
  if (obj.entities !== undefined) config.entities = parseEntities(obj.entities, `${path}.entities`);
  if (obj.min_score !== undefined) {
    const s = obj.min_score;
    if (typeof s !== 'number' || !(s >= 0 && s <= 1)) fail(`${path}.min_score`, 'must be a number in [0, 1]');
    config.min_score = s;
  }
  if (obj.operators !== undefined) config.operators = parseOperators(obj.operators, `${path}.operators`);
  if (obj.context_window !== undefined) {
    const w = obj.context_window;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 50) {
      fail(`${path}.context_window`, 'must be an integer in [0, 50]');
    }
    config.context_window = w;
  }
  if (obj.reveal_roles !== undefined)
    config.reveal_roles = readStrings(obj.reveal_roles, `${path}.reveal_roles`);
  return config;
}
