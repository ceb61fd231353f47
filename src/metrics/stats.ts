/** The q-quantile (0..1) of `values` by linear interpolation between order statistics; null when empty. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** part / whole, or null when whole is 0 (a share of nothing is unknown, not 0 %). */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Median and p95 of `values` (null when empty), and how many there were. */
export function spread(values: readonly number[]): { median: number | null; p95: number | null; n: number } {
  return { median: percentile(values, 0.5), p95: percentile(values, 0.95), n: values.length };
}

/** Groups `items` by `key`, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
