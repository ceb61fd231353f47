/**
 * Helpers that validate a policy's `gates:` section field by field. Every failure is an Error
 * whose message starts with the YAML path at fault (`gates.safety.topics.billing.0: …`), which
 * `compileGates` turns into `policy_invalid`.
 */

/** True for a YAML/JSON mapping (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws the path-prefixed error every gate config uses. */
export function fail(path: string, detail: string): never {
  throw new Error(`${path}: ${detail}`);
}

/** Throws on the first key of `obj` not in `allowed`, naming it. */
export function rejectUnknownKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, `unknown key (expected one of ${allowed.join(', ')})`);
  }
}

/** A mapping at `path` (`null`/`undefined` → `{}`), with only `allowed` keys. */
export function readSection(
  value: unknown,
  allowed: readonly string[],
  path: string,
): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) fail(path, 'must be a mapping');
  rejectUnknownKeys(value, allowed, path);
  return value;
}

/** A number in [min, max] (integer when `integer`), or `fallback` when absent. */
export function readNumber(
  value: unknown,
  path: string,
  opts: { min: number; max: number; integer?: boolean; fallback: number },
): number {
  if (value === undefined) return opts.fallback;
  if (
    typeof value !== 'number' ||
    !(value >= opts.min && value <= opts.max) ||
    (opts.integer && !Number.isInteger(value))
  ) {
    fail(path, `must be ${opts.integer ? 'an integer' : 'a number'} in [${opts.min}, ${opts.max}]`);
  }
  return value;
}

/** A boolean, or `fallback` when absent. */
export function readBoolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value;
}

/** A non-empty string, or `fallback` when absent. */
export function readString<T extends string | undefined | null>(
  value: unknown,
  path: string,
  fallback: T,
): string | T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  return value;
}

/** One of `choices`, or `fallback` when absent. */
export function readChoice<T extends string>(
  value: unknown,
  path: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    fail(path, `must be one of ${choices.join(', ')}`);
  }
  return value as T;
}

/** A list of non-empty strings (each named `path.<i>` when bad), or `fallback` when absent. */
export function readStrings(value: unknown, path: string, fallback: readonly string[] = []): string[] {
  if (value === undefined) return [...fallback];
  if (!Array.isArray(value)) fail(path, 'must be a list of strings');
  return value.map((s, i) => {
    if (typeof s !== 'string' || s.trim().length === 0) fail(`${path}.${i}`, 'must be a non-empty string');
    return s;
  });
}

/** What a gate does when it fails or runs over its budget: count as passed, or as blocked. */
export type OnError = 'fail_open' | 'fail_closed';

/** The settings every gate shares: its time budget and its `on_error`. */
export interface GateCommon {
  /** Longest the gate may take, in ms; over it the result is `error`. */
  budget_ms: number;
  on_error: OnError;
}

/**
 * An inline gate's default budget: 200 ms. They take well under 2 ms per 4 KB (bench:gates); the
 * budget catches a pathological input, not a busy machine, so it is generous.
 */
export const INLINE_BUDGET_MS = 200;

/** Keys every gate section accepts besides its own. */
export const COMMON_KEYS = ['budget_ms', 'on_error'] as const;

/** Reads `budget_ms` (default `budgetMs`) and `on_error` (default `onError`) from a gate section. */
export function readCommon(
  section: Record<string, unknown>,
  path: string,
  defaults: { budgetMs: number; onError: OnError },
): GateCommon {
  return {
    budget_ms: readNumber(section.budget_ms, `${path}.budget_ms`, {
      min: 1,
      max: 60_000,
      integer: true,
      fallback: defaults.budgetMs,
    }),
    on_error: readChoice(
      section.on_error,
      `${path}.on_error`,
      ['fail_open', 'fail_closed'],
      defaults.onError,
    ),
  };
}
