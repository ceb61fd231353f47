import type { Queryable } from '../db/index.js';
import { ROLLUP_SCALARS, vectorFrom, type Dimension, type RollupRow } from './counts.js';
import { HISTOGRAM_SIGNALS } from './signals.js';

// Every count in one comma-separated text (scalars, then each histogram in HISTOGRAM_SIGNALS
// order) and the bucket start as epoch milliseconds: parsing pg arrays and timestamps cost ~5×
// the query itself (measured on 11k rows); splitting one string does not.
const COUNTS_TEXT = `concat_ws(',', ${ROLLUP_SCALARS.join(', ')}, ${HISTOGRAM_SIGNALS.map((s) => `array_to_string(${s}, ',')`).join(', ')}) as counts`;

/** Rollup rows of one granularity from `since` on. */
export async function selectRollups(
  q: Queryable,
  tenantId: string,
  granularity: number,
  since: Date,
): Promise<RollupRow[]> {
  const { rows } = await q.query<Dimension & { bucket_ms: number; counts: string }>(
    `select extract(epoch from bucket_start)::float8 * 1000 as bucket_ms, surface, provider, cohort_key,
       cohort_value, ${COUNTS_TEXT}
     from slo_rollups where tenant_id = $1 and bucket_minutes = $2 and bucket_start >= $3`,
    [tenantId, granularity, since],
  );
  return rows.map((r) => ({
    bucket_minutes: granularity,
    bucket_ms: r.bucket_ms,
    dim: { surface: r.surface, provider: r.provider, cohort_key: r.cohort_key, cohort_value: r.cohort_value },
    dim_key: `${r.surface}\u0000${r.provider}\u0000${r.cohort_key}\u0000${r.cohort_value}`,
    counts: vectorFrom(r.counts.split(',').map(Number)),
  }));
}

/** Judge scores (the sampled judge gate's `judge_scores`) in [from, to): how many, and how many ≥ 4 of 5. */
export async function countJudgeScores(
  q: Queryable,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<{ judged: number; judge_high: number }> {
  const { rows } = await q.query<{ judged: number; judge_high: number }>(
    `select count(*)::float8 as judged, (count(*) filter (where score >= 4))::float8 as judge_high
     from judge_scores where tenant_id = $1 and judged_at >= $2 and judged_at < $3`,
    [tenantId, from, to],
  );
  return rows[0]!;
}

/** One stored alert state. */
export interface AlertRow {
  tenant_id: string;
  slo: string;
  sub: string;
  rule: string;
  state: 'ok' | 'firing';
  since: Date;
  dedup_key: string;
  detail: unknown;
}

/** Every alert state of a tenant, locked for update when `lock` (the evaluator holds them). */
export async function selectAlerts(q: Queryable, tenantId: string, lock = false): Promise<AlertRow[]> {
  const { rows } = await q.query<AlertRow>(
    `select tenant_id, slo, sub, rule, state, since, dedup_key, detail from slo_alerts
     where tenant_id = $1 order by slo, sub, rule${lock ? ' for update' : ''}`,
    [tenantId],
  );
  return rows.map((r) => ({ ...r, since: new Date(r.since) }));
}

/** Writes one alert's state (insert or replace). */
export async function upsertAlert(q: Queryable, row: AlertRow, at: Date): Promise<void> {
  await q.query(
    `insert into slo_alerts (tenant_id, slo, sub, rule, state, since, dedup_key, detail, evaluated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (tenant_id, slo, sub, rule) do update set state = excluded.state, since = excluded.since,
       detail = excluded.detail, evaluated_at = excluded.evaluated_at`,
    [
      row.tenant_id,
      row.slo,
      row.sub,
      row.rule,
      row.state,
      row.since,
      row.dedup_key,
      JSON.stringify(row.detail),
      at,
    ],
  );
}

/** Tenants with any rollup since `since`: the ones whose alerts need evaluating. */
export async function selectActiveTenants(q: Queryable, since: Date): Promise<string[]> {
  const { rows } = await q.query<{ tenant_id: string }>(
    `select distinct tenant_id from slo_rollups where bucket_minutes = 1440 and bucket_start >= $1
     union select distinct tenant_id from slo_alerts where state = 'firing'`,
    [since],
  );
  return rows.map((r) => r.tenant_id);
}
