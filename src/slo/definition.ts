import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SLO_FILE } from '../config.js';
import { GatehouseError, toPointer } from '../errors.js';
import { parseTarget } from './error-budget.js';
import { BUCKET_BOUNDS, HISTOGRAM_SIGNALS, RATIO_SIGNALS, type HistogramSignal } from './signals.js';

/** The shipped example SLO file (the seed's tables). */
export const DEFAULT_SLO_FILE = SLO_FILE;

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MINUTES = { m: 1, h: 60, d: 1440 } as const;

/** Minutes in a duration written `5m`, `6h` or `30d`; throws on anything else. */
export function durationMinutes(text: string): number {
  const m = DURATION.exec(text);
  if (!m || Number(m[1]) <= 0) throw new Error(`'${text}' is not a duration such as 5m, 6h or 30d`);
  return Number(m[1]) * UNIT_MINUTES[m[2] as keyof typeof UNIT_MINUTES];
}

const Duration = z.string().refine((s) => DURATION.test(s) && !/^0+[mhd]$/.test(s), {
  message: 'expected a duration such as 5m, 6h or 30d',
});
const Target = z.string().refine(
  (s) => {
    try {
      parseTarget(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "expected a decimal ratio string in (0, 1] such as '0.995'" },
);
const FIELD = /^[a-z][a-z0-9_]*$/;

const Threshold = z
  .object({
    kind: z.literal('threshold'),
    signal: z.enum(HISTOGRAM_SIGNALS),
    le: z.number().positive(),
  })
  .strict()
  .describe('good event: the signal is at or below `le` (a bucket bound of the signal)');
const Ratio = z
  .object({
    kind: z.literal('ratio'),
    good: z.enum(Object.keys(RATIO_SIGNALS) as [keyof typeof RATIO_SIGNALS]),
  })
  .strict()
  .describe('good event: see RATIO_SIGNALS');
const Tail = z
  .object({ kind: z.literal('tail'), signal: z.enum(HISTOGRAM_SIGNALS), multiple: z.number().gt(1) })
  .strict()
  .describe('bad event: the signal exceeds `multiple` × its median over the same window');
const Drift = z
  .object({
    kind: z.literal('drift'),
    statistic: z.enum(['refusal_rate', 'median_cost_usd']),
    baseline: Duration.describe('the comparison window, ending where the SLO window starts'),
    max_change: z.number().positive(),
    change: z.enum(['absolute', 'relative']),
  })
  .strict()
  .describe('breach: the statistic moved more than `max_change` against the baseline window');

const Slo = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    category: z.enum(['latency', 'quality', 'cost', 'availability']),
    description: z.string().optional(),
    indicator: z.discriminatedUnion('kind', [Threshold, Ratio, Tail, Drift]),
    objective: Target.optional().describe('good-event ratio target; required except for drift'),
    window: Duration.default('30d').describe('rolling window the SLO is judged over'),
    filter: z
      .object({ surface: z.string().optional(), provider: z.string().optional() })
      .strict()
      .default({}),
    split_by: z
      .array(z.string().regex(FIELD))
      .default([])
      .describe('sub-SLOs: surface, provider or a cohort'),
    alerting: z
      .enum(['burn_rate', 'significance', 'none'])
      .optional()
      .describe('default: significance for quality ratios, none for drift, burn_rate otherwise'),
    alpha: z.number().gt(0).lt(1).default(0.01),
    min_samples: z.number().int().min(1).default(50),
  })
  .strict();

/** The SLO file: OpenSLO-like, one document with every SLO (documented in docs/SLO.md). */
export const SloFileSchema = z
  .object({
    apiVersion: z.literal('gatehouse/v1'),
    kind: z.literal('SLOSet'),
    period: Duration.default('30d').describe('error-budget period the burn-rate factors scale to'),
    cohorts: z.array(z.string().regex(FIELD)).max(4).default([]).describe('metadata fields rolled up'),
    slos: z.array(Slo).min(1),
  })
  .strict();

/** One SLO as validated, with its alerting mode resolved. */
export type SloDefinition = z.infer<typeof Slo> & { alerting: 'burn_rate' | 'significance' | 'none' };

/** A validated SLO file. */
export interface SloSet {
  period_days: number;
  cohorts: string[];
  slos: SloDefinition[];
}

function fail(path: readonly PropertyKey[], detail: string, source: string): never {
  const pointer = toPointer(path);
  throw new GatehouseError('slo_invalid', `${source}${pointer || '/'}: ${detail}`, [{ pointer, detail }]);
}

/** Checks what the schema cannot: bounds on bucket edges, unique names, known split fields. */
function checkSlo(slo: z.infer<typeof Slo>, i: number, cohorts: string[], source: string): SloDefinition {
  const at = ['slos', i];
  const ind = slo.indicator;
  if (ind.kind === 'threshold' && !BUCKET_BOUNDS[ind.signal as HistogramSignal].includes(ind.le)) {
    fail(
      [...at, 'indicator', 'le'],
      `must be a bucket bound of ${ind.signal}: ${BUCKET_BOUNDS[ind.signal].join(', ')}`,
      source,
    );
  }
  if (ind.kind !== 'drift' && slo.objective === undefined) fail([...at, 'objective'], 'required', source);
  for (const [j, f] of slo.split_by.entries()) {
    if (f !== 'surface' && f !== 'provider' && !cohorts.includes(f)) {
      fail([...at, 'split_by', j], `'${f}' is neither surface, provider nor a listed cohort`, source);
    }
  }
  if (durationMinutes(slo.window) > 30 * 1440) fail([...at, 'window'], 'at most 30d', source);
  const quality = slo.category === 'quality' && ind.kind === 'ratio';
  const alerting = slo.alerting ?? (ind.kind === 'drift' ? 'none' : quality ? 'significance' : 'burn_rate');
  if (ind.kind === 'drift' && alerting !== 'none')
    fail([...at, 'alerting'], 'drift SLOs do not alert by budget', source);
  return { ...slo, alerting };
}

/** Validates a parsed SLO document; throws `slo_invalid` naming the JSON pointer of the first bad field. */
export function parseSloSet(doc: unknown, source = ''): SloSet {
  const parsed = SloFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(issue.path, issue.message, source);
  }
  const { period, cohorts, slos } = parsed.data;
  const periodMinutes = durationMinutes(period);
  if (periodMinutes % 1440 !== 0) fail(['period'], 'must be whole days', source);
  const names = new Set<string>();
  const checked = slos.map((slo, i) => {
    if (names.has(slo.name)) fail(['slos', i, 'name'], `duplicate SLO name '${slo.name}'`, source);
    names.add(slo.name);
    return checkSlo(slo, i, cohorts, source);
  });
  return { period_days: periodMinutes / 1440, cohorts, slos: checked };
}

/** Reads and validates an SLO file (YAML). */
export function loadSloFile(path: string = DEFAULT_SLO_FILE): SloSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatehouseError('slo_invalid', `cannot read SLO file ${path}: ${(err as Error).message}`);
  }
  return parseSloSet(parseYaml(text), `${path}#`);
}
