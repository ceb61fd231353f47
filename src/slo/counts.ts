import { HISTOGRAM_SIGNALS, addHistogram, emptyHistogram, type HistogramSignal } from './signals.js';

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

/** One rollup row as read back: a bucket of one granularity and one dimension. */
export interface RollupRow extends Omit<Counts, 'judged' | 'judge_high' | 'hist'> {
  bucket_minutes: number;
  bucket_start: Date;
  surface: string;
  provider: string;
  cohort_key: string;
  cohort_value: string;
  ttft_ms: number[];
  latency_ms: number[];
  turn_ms: number[];
  failover_ms: number[];
  cost_usd: number[];
}

const SCALARS = [
  'requests',
  'failures',
  'refusals',
  'feedback',
  'accepted',
  'rated',
  'useful',
  'judged',
  'judge_high',
] as const;

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

/** A rollup row's counts. */
export function rowCounts(r: RollupRow): Counts {
  return {
    requests: r.requests,
    failures: r.failures,
    refusals: r.refusals,
    feedback: r.feedback,
    accepted: r.accepted,
    rated: r.rated,
    useful: r.useful,
    judged: 0,
    judge_high: 0,
    hist: {
      ttft_ms: r.ttft_ms,
      latency_ms: r.latency_ms,
      turn_ms: r.turn_ms,
      failover_ms: r.failover_ms,
      cost_usd: r.cost_usd,
    },
  };
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

/** A dimension of rollup rows: which slice of traffic they count. */
export interface Dimension {
  surface: string;
  provider: string;
  cohort_key: string;
  cohort_value: string;
}

/** Rows summed per window and dimension, for every window in `windows` (keyed by name). */
export function sumWindows(
  rows: readonly RollupRow[],
  now: Date,
  windows: ReadonlyMap<string, WindowSpec>,
): Map<string, Map<string, { dim: Dimension; counts: Counts }>> {
  const out = new Map<string, Map<string, { dim: Dimension; counts: Counts }>>();
  for (const [name, spec] of windows) {
    const { granularity, from, to } = windowRange(now, spec);
    const byDim = new Map<string, { dim: Dimension; counts: Counts }>();
    for (const r of rows) {
      if (r.bucket_minutes !== granularity || r.bucket_start < from || r.bucket_start >= to) continue;
      const key = `${r.surface}\u0000${r.provider}\u0000${r.cohort_key}\u0000${r.cohort_value}`;
      let slot = byDim.get(key);
      if (!slot) {
        const dim = {
          surface: r.surface,
          provider: r.provider,
          cohort_key: r.cohort_key,
          cohort_value: r.cohort_value,
        };
        slot = { dim, counts: emptyCounts() };
        byDim.set(key, slot);
      }
      addCounts(slot.counts, rowCounts(r));
    }
    out.set(name, byDim);
  }
  return out;
}
