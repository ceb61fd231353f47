import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import type { RollupGroup } from '../metrics/registry.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { CONSUME_AND_AGGREGATE, UPSERT_ROLLUPS } from './rollup-sql.js';
import { HISTOGRAM_SIGNALS } from './signals.js';

/** How many queued signals one rollup transaction consumes. */
export const ROLLUP_BATCH = 50_000;

const GRANULARITIES = [5, 60, 1440] as const;

type Aggregated = Record<string, string | number | number[] | Date>;

const SCALARS = ['requests', 'failures', 'refusals', 'feedback', 'accepted', 'rated', 'useful'] as const;

// Each 5-minute group fans out to the hourly and daily rows and to the all-cohorts row plus one
// row per cohort field, merged in memory so each key is upserted once per statement (ON CONFLICT
// cannot touch one row twice in a statement).
function fanOut(rows: Aggregated[], cohorts: readonly string[]): Aggregated[] {
  const out = new Map<string, Aggregated>();
  for (const r of rows) {
    if (r.metric_key !== '') continue;
    const start = new Date(r.bucket_start as Date).getTime();
    const slices: [string, string][] = [
      ['', ''],
      ...cohorts.map((f, i): [string, string] => [f, String(r[`cohort_${i + 1}`])]),
    ];
    for (const g of GRANULARITIES) {
      const bucket = new Date(Math.floor(start / (g * 60_000)) * g * 60_000).toISOString();
      for (const [cohort_key, cohort_value] of slices) merge(out, r, g, bucket, cohort_key, cohort_value);
    }
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function merge(
  out: Map<string, Aggregated>,
  r: Aggregated,
  g: number,
  bucket: string,
  cohort_key: string,
  cohort_value: string,
): void {
  const key = [r.tenant_id, g, bucket, r.surface, r.provider, cohort_key, cohort_value].join('\u0000');
  const prev = out.get(key);
  if (!prev) {
    const row: Aggregated = {
      tenant_id: r.tenant_id!,
      bucket_minutes: g,
      bucket_start: bucket,
      surface: r.surface!,
      provider: r.provider!,
      cohort_key,
      cohort_value,
    };
    for (const s of SCALARS) row[s] = Number(r[s]);
    for (const s of HISTOGRAM_SIGNALS) row[s] = (r[s] as (string | number)[]).map(Number);
    out.set(key, row);
    return;
  }
  for (const s of SCALARS) prev[s] = (prev[s] as number) + Number(r[s]);
  for (const s of HISTOGRAM_SIGNALS) {
    const into = prev[s] as number[];
    (r[s] as (string | number)[]).forEach((v, i) => (into[i] = into[i]! + Number(v)));
  }
}

// What /metrics needs of an aggregated group.
function toGroup(r: Aggregated): RollupGroup {
  return {
    surface: String(r.surface),
    provider: String(r.provider),
    metric_key: String(r.metric_key),
    metric_count: Number(r.metric_count),
    metric_sum: Number(r.metric_sum ?? 0),
    requests: Number(r.requests),
    failures: Number(r.failures),
    hist: Object.fromEntries(
      HISTOGRAM_SIGNALS.map((s) => [s, (r[s] as (string | number)[]).map(Number)]),
    ) as RollupGroup['hist'],
    sums: Object.fromEntries(
      HISTOGRAM_SIGNALS.map((s) => [s, Number(r[`${s}_sum`] ?? 0)]),
    ) as RollupGroup['sums'],
  };
}

/**
 * Folds up to `limit` queued signals into the rollups inside the caller's transaction; returns the
 * aggregated groups (empty when the queue was empty) for /metrics to count once committed.
 */
export async function rollUpOnce(
  tx: Queryable,
  cohorts: readonly string[],
  limit = ROLLUP_BATCH,
): Promise<RollupGroup[]> {
  const { rows } = await tx.query<Aggregated>(CONSUME_AND_AGGREGATE, [
    limit,
    ...[0, 1, 2, 3].map((i) => cohorts[i] ?? null),
  ]);
  if (rows.length === 0) return [];
  const merged = fanOut(rows, cohorts);
  if (merged.length > 0) await tx.query(UPSERT_ROLLUPS, [JSON.stringify(merged)]);
  return rows.map(toGroup);
}

/**
 * Folds every queued signal into the rollups, one batch per transaction, until the queue is
 * empty, and counts each committed batch in /metrics. Safe on several processes at once: batches
 * never share a queued row.
 */
export async function rollUp(ctx: Ctx): Promise<void> {
  for (;;) {
    const groups = await ctx.db.transaction((tx) => rollUpOnce(tx, ctx.slo.set.cohorts));
    if (groups.length === 0) return;
    ctx.metrics.recordRollup(groups);
  }
}

/** The scheduled rollup: every 15 s. */
export const sloRollupTask: ScheduledTask = { name: 'slo.rollup', everyMs: 15_000, run: rollUp };
