/**
 * Cohen's kappa for two raters over the same items (pairs of labels): (p_o − p_e) / (1 − p_e).
 * 1 when they always agree; 0 at chance; NaN for no items; 1 when both used one label throughout. Pure.
 */
export function cohenKappa(pairs: readonly (readonly [string, string])[]): number {
  const n = pairs.length;
  if (n === 0) return NaN;
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, count] of a) pe += (count / n) * ((b.get(label) ?? 0) / n);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}

/**
 * Fleiss' kappa for items each rated by the same number (≥ 2) of raters; each item is its list of
 * labels (Fleiss 1971). NaN for no items; throws when items have different numbers of ratings. Pure.
 */
export function fleissKappa(items: readonly (readonly string[])[]): number {
  const N = items.length;
  if (N === 0) return NaN;
  const n = items[0]!.length;
  if (n < 2 || items.some((i) => i.length !== n)) {
    throw new Error('fleissKappa: every item needs the same number (≥ 2) of ratings');
  }
  const totals = new Map<string, number>();
  let pBar = 0;
  for (const item of items) {
    const counts = new Map<string, number>();
    for (const label of item) counts.set(label, (counts.get(label) ?? 0) + 1);
    let sq = 0;
    for (const [label, c] of counts) {
      sq += c * c;
      totals.set(label, (totals.get(label) ?? 0) + c);
    }
    pBar += (sq - n) / (n * (n - 1));
  }
  pBar /= N;
  let pe = 0;
  for (const c of totals.values()) pe += (c / (N * n)) ** 2;
  return pe === 1 ? 1 : (pBar - pe) / (1 - pe);
}
