// The per-event signals an SLO can be written against, and the histogram buckets they are
// rolled up into. A threshold SLO's bound must be one of its signal's bucket bounds, so
// "share of events ≤ bound" is an exact count, never an interpolation (Prometheus `le` semantics).

/** Histogram signals: milliseconds, except cost in US dollars. */
export const HISTOGRAM_SIGNALS = ['ttft_ms', 'latency_ms', 'turn_ms', 'failover_ms', 'cost_usd'] as const;
export type HistogramSignal = (typeof HISTOGRAM_SIGNALS)[number];

/**
 * Upper bounds (inclusive, `le`) of each signal's buckets; a last +Inf bucket is implied. TTFT and
 * total latency hold the seed's Prometheus buckets plus the SLO bounds of its latency table.
 */
export const BUCKET_BOUNDS: Readonly<Record<HistogramSignal, readonly number[]>> = {
  ttft_ms: [100, 250, 500, 600, 750, 1000, 1500, 2000, 3000, 5000],
  latency_ms: [500, 1000, 2000, 2500, 3000, 5000, 8000, 13000, 21000, 25000, 34000, 60000],
  turn_ms: [250, 500, 1000, 2000, 3000, 5000, 8000, 13000],
  failover_ms: [100, 200, 400, 800, 1600, 3200, 6400],
  cost_usd: [
    0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.045, 0.06, 0.1,
    0.15, 0.2, 0.3, 0.5, 1, 2, 5,
  ],
};

/** Event-ratio signals: each names what counts as a good event and over which events. */
export const RATIO_SIGNALS = {
  success: 'transactions whose telemetry does not say `success: false`, of all transactions',
  accepted: 'feedback `accepted`, of all implicit feedback (accepted, regenerated, abandoned, handed_off)',
  judge_high: 'judge scores ≥ 4 of 5, of all judge scores',
  human_useful: 'ratings ≥ 4 of 5 and approve decisions, of all ratings and approve/edit/reject decisions',
  not_refused: 'transactions the confidence gate did not flag as a refusal, of all transactions',
} as const;
export type RatioSignal = keyof typeof RATIO_SIGNALS;

/** Non-cumulative bucket counts: `counts[i]` events in (bounds[i−1], bounds[i]], last = +Inf. */
export type Histogram = number[];

/** An empty histogram for a signal. */
export function emptyHistogram(signal: HistogramSignal): Histogram {
  return new Array<number>(BUCKET_BOUNDS[signal].length + 1).fill(0);
}

/** Events at or below `le` (must be a bucket bound, else throws). */
export function countAtOrBelow(signal: HistogramSignal, counts: readonly number[], le: number): number {
  const i = BUCKET_BOUNDS[signal].indexOf(le);
  if (i < 0) throw new Error(`${le} is not a bucket bound of ${signal}`);
  let n = 0;
  for (let j = 0; j <= i; j++) n += counts[j] ?? 0;
  return n;
}

/**
 * The q-quantile (0 < q < 1) estimated from bucket counts by linear interpolation inside the
 * bucket, as Prometheus' `histogram_quantile` does (lowest bucket starts at 0; the +Inf bucket
 * answers with the highest finite bound). Null with no events.
 */
export function quantile(signal: HistogramSignal, counts: readonly number[], q: number): number | null {
  const bounds = BUCKET_BOUNDS[signal];
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (seen + c >= rank && c > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const lo = i === 0 ? 0 : bounds[i - 1]!;
      return lo + (bounds[i]! - lo) * ((rank - seen) / c);
    }
    seen += c;
  }
  return bounds[bounds.length - 1]!;
}

/**
 * Events estimated above `value`: whole buckets above it plus the interpolated part of the bucket
 * holding it (the tail-blowup SLO's "requests > 10× the median").
 */
export function countAbove(signal: HistogramSignal, counts: readonly number[], value: number): number {
  const bounds = BUCKET_BOUNDS[signal];
  let n = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    const lo = i === 0 ? 0 : bounds[i - 1]!;
    const hi = i < bounds.length ? bounds[i]! : Infinity;
    if (lo >= value) n += c;
    else if (hi > value) n += hi === Infinity ? c : c * ((hi - value) / (hi - lo));
  }
  return n;
}

/** Element-wise sum into `into` (grown as needed). */
export function addHistogram(into: number[], add: readonly number[]): number[] {
  for (let i = 0; i < add.length; i++) into[i] = (into[i] ?? 0) + (add[i] ?? 0);
  return into;
}
