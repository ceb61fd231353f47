import {
  COMMON_KEYS,
  fail,
  isRecord,
  readChoice,
  readCommon,
  readNumber,
  readSection,
  type GateCommon,
} from '../config-path.js';

/**
 * How the endpoint is spoken to. `generic`: POST `{ text, prompt, workflow }` → `{ score,
 * outcome?, findings? }` (score = risk in [0, 1]); `presidio`: a Presidio analyzer's `/analyze`
 * (`{ text, language }` → recognizer results); `openai_moderation`: `{ input }` → `results[0]`.
 */
export type ExternalFormat = 'generic' | 'presidio' | 'openai_moderation';

/**
 * One entry of a policy's `gates.external` mapping (the key names the gate: `external.<key>`).
 * Defaults: `format` generic, `timeout_ms` 300 per attempt, `retries` 1, `backoff_ms` 50,
 * `circuit_failures` 5 failed calls in a row open the circuit for `circuit_reset_ms` 30 000,
 * `flag_at` 0.5, `block_at` 0.9, `budget_ms` 1 000, `on_error` fail_open, `language` en.
 */
export interface ExternalConfig extends GateCommon {
  url: string;
  format: ExternalFormat;
  timeout_ms: number;
  retries: number;
  backoff_ms: number;
  circuit_failures: number;
  circuit_reset_ms: number;
  flag_at: number;
  block_at: number;
  language: string;
  headers: Record<string, string>;
}

const KEYS = [
  ...COMMON_KEYS,
  'url',
  'format',
  'timeout_ms',
  'retries',
  'backoff_ms',
  'circuit_failures',
  'circuit_reset_ms',
  'flag_at',
  'block_at',
  'language',
  'headers',
];

function parseUrl(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'is required: the http(s) URL to POST to');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(path, `not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(path, 'must be an http or https URL');
  return url.toString();
}

function parseHeaders(value: unknown, path: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail(path, 'must be a mapping of header name to value');
  for (const [k, v] of Object.entries(value))
    if (typeof v !== 'string') fail(`${path}.${k}`, 'must be a string');
  return value as Record<string, string>;
}

function parseOne(value: unknown, path: string): ExternalConfig {
  const s = readSection(value, KEYS, path);
  const int = (key: string, min: number, max: number, fallback: number) =>
    readNumber(s[key], `${path}.${key}`, { min, max, integer: true, fallback });
  const config: ExternalConfig = {
    ...readCommon(s, path, { budgetMs: 1_000, onError: 'fail_open' }),
    url: parseUrl(s.url, `${path}.url`),
    format: readChoice(s.format, `${path}.format`, ['generic', 'presidio', 'openai_moderation'], 'generic'),
    timeout_ms: int('timeout_ms', 1, 60_000, 300),
    retries: int('retries', 0, 5, 1),
    backoff_ms: int('backoff_ms', 0, 10_000, 50),
    circuit_failures: int('circuit_failures', 1, 1_000, 5),
    circuit_reset_ms: int('circuit_reset_ms', 1, 3_600_000, 30_000),
    flag_at: readNumber(s.flag_at, `${path}.flag_at`, { min: 0, max: 1, fallback: 0.5 }),
    block_at: readNumber(s.block_at, `${path}.block_at`, { min: 0, max: 1, fallback: 0.9 }),
    language: typeof s.language === 'string' ? s.language : 'en',
    headers: parseHeaders(s.headers, `${path}.headers`),
  };
  if (config.flag_at > config.block_at) fail(`${path}.flag_at`, 'must not exceed block_at');
  return config;
}

/** Validates `gates.external` (name → endpoint); throws an Error whose message starts with the bad path. */
export function parseExternalConfigs(
  value: unknown,
  path = 'gates.external',
): Record<string, ExternalConfig> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) fail(path, 'must be a mapping of classifier name to { url, … }');
  const out: Record<string, ExternalConfig> = {};
  for (const [name, one] of Object.entries(value)) {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) fail(`${path}.${name}`, 'names are lower-case words (a-z, 0-9, _)');
    out[name] = parseOne(one, `${path}.${name}`);
  }
  return out;
}
