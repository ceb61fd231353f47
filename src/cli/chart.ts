const BLOCKS = '▁▂▃▄▅▆▇█';

/** A one-line sparkline of `values` scaled to their maximum; blanks for null. */
export function sparkline(values: readonly (number | null)[]): string {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  return values
    .map((v) => (v === null ? ' ' : max === 0 ? BLOCKS[0] : BLOCKS[Math.min(7, Math.round((v / max) * 7))]))
    .join('');
}

/** A horizontal bar of `width` cells for a share in [0, 1] (clamped; negative shows as empty with a '-'). */
export function bar(share: number | null, width = 20): string {
  if (share === null) return '·'.repeat(width);
  const cells = Math.round(Math.max(0, Math.min(1, share)) * width);
  return (share < 0 ? '-' : '') + '█'.repeat(cells) + '░'.repeat(width - cells - (share < 0 ? 1 : 0));
}

/** A share as a percentage with one decimal, or n/a. */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)} %`;
}
