import {
  BUCKET_BOUNDS,
  HISTOGRAM_SIGNALS,
  addHistogram,
  emptyHistogram,
  type HistogramSignal,
} from './signals.js';

/** Summed signal counts of some events: what every SLO figure is computed from. */
export interface Counts {
  requests: number;
  failures: number;
  refusals: number;
  feedback: number;
  accepted: number;
  rated: number;
  useful: number;
  judged: number;
  judge_high: number;
  hist: Record<HistogramSignal, number[]>;
}

/** The scalar counts a rollup row stores, in the order of `CountVector`. */
export const ROLLUP_SCALARS = [
  'requests',
  'failures',
  'refusals',
  'feedback',
  'accepted',
  'rated',
  'useful',
] as const;
const SCALARS = [...ROLLUP_SCALARS, 'judged', 'judge_high'] as const;
const OFFSETS: Record<HistogramSignal, number> = {} as Record<HistogramSignal, number>;
let width = SCALARS.length;
for (const s of HISTOGRAM_SIGNALS) {
  OFFSETS[s] = width;
  width += BUCKET_BOUNDS[s].length + 1;
}

/**
 * Counts as one flat vector (scalars in `SCALARS` order, then every histogram in
 * `HISTOGRAM_SIGNALS` order): summing thousands of rollup rows is then one tight loop with no
 * allocation per row, which is most of `GET /v1/slo`'s CPU.
 */
export type CountVector = Float64Array;

/** A zero vector. */
export function emptyVector(): CountVector {
  return new Float64Array(width);
}

/** Reads a rollup row's scalars then histograms (the order `selectRollups` writes them) into a vector. */
export function vectorFrom(values: readonly number[]): CountVector {
  const v = emptyVector();
  // Rollup rows carry no judge scores: the two judge slots stay 0.
  for (let i = 0; i < ROLLUP_SCALARS.length; i++) v[i] = values[i]!;
  for (let i = ROLLUP_SCALARS.length; i < values.length; i++) v[i + 2] = values[i]!;
  return v;
}

/** Adds `b` into `a`. */
export function addVector(a: CountVector, b: CountVector): void {
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
}

/** The vector as `Counts`. */
export function toCounts(v: CountVector): Counts {
  const c = Object.fromEntries(SCALARS.map((k, i) => [k, v[i]!])) as unknown as Counts;
  c.hist = Object.fromEntries(
    HISTOGRAM_SIGNALS.map((s) => [
      s,
      Array.from(v.subarray(OFFSETS[s], OFFSETS[s] + BUCKET_BOUNDS[s].length + 1)),
    ]),
  ) as Counts['hist'];
  return c;
}

/** Counts of nothing. */
export function emptyCounts(): Counts {
  const hist = Object.fromEntries(HISTOGRAM_SIGNALS.map((s) => [s, emptyHistogram(s)])) as Counts['hist'];
  return {
    requests: 0,
    failures: 0,
    refusals: 0,
    feedback: 0,
    accepted: 0,
    rated: 0,
    useful: 0,
    judged: 0,
    judge_high: 0,
    hist,
  };
}

/** Adds `b` into `a` and returns `a`. */
export function addCounts(a: Counts, b: Counts): Counts {
  for (const k of SCALARS) a[k] += b[k];
  for (const s of HISTOGRAM_SIGNALS) addHistogram(a.hist[s], b.hist[s]);
  return a;
}

/** A dimension of rollup rows: which slice of traffic they count. */
export interface Dimension {
  surface: string;
  provider: string;
  cohort_key: string;
  cohort_value: string;
}

/** One rollup row as read back: a bucket of one granularity and one dimension. */
export interface RollupRow {
  bucket_minutes: number;
  bucket_ms: number;
  dim: Dimension;
  /** The dimension as one string, for grouping. */
  dim_key: string;
  counts: CountVector;
}

/** A trailing window: `minutes` long, ending `offset_minutes` before now (0 = ends now). */
export interface WindowSpec {
  minutes: number;
  offset_minutes: number;
}

/** The bucket granularity a window is read at: 5 min up to 2 h, hourly up to 24 h, daily beyond. */
export function granularityFor(minutes: number): 5 | 60 | 1440 {
  if (minutes <= 120) return 5;
  if (minutes <= 1440) return 60;
  return 1440;
}

/**
 * The bucket starts [from, to) a window reads: the current, partial bucket plus the whole buckets
 * covering `minutes` before it, so a window spans between `minutes` and `minutes` + one bucket and
 * never reads as empty just after a bucket boundary. Offsets move both ends back.
 */
export function windowRange(now: Date, w: WindowSpec): { granularity: number; from: Date; to: Date } {
  const g = granularityFor(Math.max(w.minutes, w.offset_minutes));
  const gMs = g * 60_000;
  const current = Math.floor(now.getTime() / gMs) * gMs;
  const to = current + gMs - w.offset_minutes * 60_000;
  return { granularity: g, from: new Date(to - gMs - w.minutes * 60_000), to: new Date(to) };
}

/** Per window name, the summed vector of each dimension. */
export type WindowSums = Map<string, Map<string, { dim: Dimension; counts: CountVector }>>;

/** Rows summed per window and dimension, for every window in `windows` (keyed by name). */
export function sumWindows(
  rows: readonly RollupRow[],
  now: Date,
  windows: ReadonlyMap<string, WindowSpec>,
): WindowSums {
  const out: WindowSums = new Map();
  for (const [name, spec] of windows) {
    const { granularity, from, to } = windowRange(now, spec);
    const [fromMs, toMs] = [from.getTime(), to.getTime()];
    const byDim = new Map<string, { dim: Dimension; counts: CountVector }>();
    for (const r of rows) {
      if (r.bucket_minutes !== granularity || r.bucket_ms < fromMs || r.bucket_ms >= toMs) continue;
      let slot = byDim.get(r.dim_key);
      if (!slot) {
        slot = { dim: r.dim, counts: emptyVector() };
        byDim.set(r.dim_key, slot);
      }
      addVector(slot.counts, r.counts);
    }
    out.set(name, byDim);
  }
  return out;
}
