import { BUCKET_BOUNDS, HISTOGRAM_SIGNALS, type HistogramSignal } from './signals.js';

// The rollup statement, generated once from the bucket bounds so SQL and TypeScript agree on them.
// Telemetry beyond the validated fields is free-form, so every number is read only when it is one.

const num = (field: string) =>
  `case when jsonb_typeof(t.telemetry->'${field}') = 'number' then (t.telemetry->>'${field}')::float8 end`;

/** SQL for each histogram signal's value of a transaction row `t`. */
const SIGNAL_SQL: Record<HistogramSignal, string> = {
  ttft_ms: num('ttft_ms'),
  latency_ms: num('latency_ms'),
  turn_ms: `${num('latency_ms')} / nullif(${num('turns')}, 0)`,
  failover_ms: num('failover_ms'),
  cost_usd: num('cost_usd'),
};

// Bucket i holds (bound[i−1], bound[i]]; the last one everything above the last bound.
function histogramSql(signal: HistogramSignal): string {
  const b = BUCKET_BOUNDS[signal];
  const v = `ev.${signal}`;
  const parts = b.map((hi, i) =>
    i === 0
      ? `count(*) filter (where ${v} <= ${hi})`
      : `count(*) filter (where ${v} > ${b[i - 1]} and ${v} <= ${hi})`,
  );
  parts.push(`count(*) filter (where ${v} > ${b[b.length - 1]})`);
  return `array[${parts.join(', ')}]::bigint[] as ${signal}`;
}

const TX_FIELDS = `t.telemetry, t.metadata, ${HISTOGRAM_SIGNALS.map((s) => `${SIGNAL_SQL[s]} as ${s}`).join(', ')}`;
const NO_SIGNALS = HISTOGRAM_SIGNALS.map((s) => `null::float8 as ${s}`).join(', ');
/** Upper bounds (seconds, `le`) of the review turnaround histogram. */
export const TAT_BOUNDS_S = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400];
// Index of the first bound ≥ the turnaround: Prometheus' inclusive `le` bucket.
const TAT_BUCKET = `(select count(*) from unnest(array[${TAT_BOUNDS_S.join(', ')}]::float8[]) as le
  where le < extract(epoch from c.closed_at - c.entered_at))`;

const REFUSED = `coalesce(jsonb_typeof(t.gates) = 'array' and exists (
  select 1 from jsonb_array_elements(t.gates) g
  where g->>'name' = 'confidence' and g->'signals'->>'refusal' = 'true'), false)`;

/**
 * Consumes up to $1 queued signals (SKIP LOCKED, so concurrent runners never share one) and
 * returns their counts per tenant, 5-minute bucket, surface, provider and the values of up to four
 * cohort fields ($2…$5, null when unused); the caller fans each group out to its cohort rows, so
 * SQL counts every event once. Feedback, ratings and decisions count in the bucket of their own time. Rows with a
 * `metric_key` feed /metrics only and are not rolled up: `gate:<gate>:<outcome>` counts gate
 * outcomes, `tat:<risk class>:<bucket index>` review turnarounds (seconds in `metric_sum`).
 */
export const CONSUME_AND_AGGREGATE = `
with batch as (
  delete from slo_signal_queue where seq in (
    select seq from slo_signal_queue order by seq limit $1 for update skip locked)
  returning tenant_id, source, ref_id
), tx as materialized (
  -- Each queued transaction is read once; its SLO signals and its gate outcomes both come from here.
  select t.tenant_id, t.created_at, t.telemetry, t.metadata, t.gates
  from batch b join transactions t on t.tenant_id = b.tenant_id and t.id = b.ref_id
  where b.source = 'transaction'
), ev as (
  select t.tenant_id, t.created_at as at, 'transaction' as src, null::text as kind, null::int as score,
         ${REFUSED} as refused, null::float8 as metric_value, ${TX_FIELDS}
  from tx t
  union all
  select f.tenant_id, f.at, 'feedback', f.kind, null, false, null, t.telemetry, t.metadata, ${NO_SIGNALS}
  from batch b join feedback f on f.tenant_id = b.tenant_id and f.id = b.ref_id
  join transactions t on t.tenant_id = f.tenant_id and t.id = f.transaction_id
  where b.source = 'feedback'
  union all
  select r.tenant_id, r.at, 'rating', null, r.score, false, null, t.telemetry, t.metadata, ${NO_SIGNALS}
  from batch b join ratings r on r.tenant_id = b.tenant_id and r.id = b.ref_id
  join transactions t on t.tenant_id = r.tenant_id and t.id = r.transaction_id
  where b.source = 'rating'
  union all
  select d.tenant_id, d.decided_at, 'decision', d.action, null, false, null, t.telemetry, t.metadata, ${NO_SIGNALS}
  from batch b join decisions d on d.tenant_id = b.tenant_id and d.id = b.ref_id
  join cases c on c.tenant_id = d.tenant_id and c.id = d.case_id
  join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id
  where b.source = 'decision'
  union all
  select t.tenant_id, t.created_at, 'metric', 'gate:' || (g->>'name') || ':' || (g->>'outcome'), null, false, null,
         t.telemetry, '{}'::jsonb, ${NO_SIGNALS}
  from tx t
  cross join lateral jsonb_array_elements(case when jsonb_typeof(t.gates) = 'array' then t.gates else '[]' end) g
  union all
  select d.tenant_id, d.decided_at, 'metric', 'tat:' || c.risk_class || ':' || ${TAT_BUCKET}, null, false,
         extract(epoch from c.closed_at - c.entered_at)::float8, t.telemetry, '{}'::jsonb, ${NO_SIGNALS}
  from batch b join decisions d on d.tenant_id = b.tenant_id and d.id = b.ref_id
  join cases c on c.tenant_id = d.tenant_id and c.id = d.case_id
  join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id
  where b.source = 'decision' and c.closed_at is not null and d.action <> 'escalate'
)
select ev.tenant_id,
  to_timestamp(floor(extract(epoch from ev.at) / 300) * 300) as bucket_start,
  coalesce(ev.telemetry->>'surface', '') as surface,
  coalesce(ev.telemetry->>'provider', '') as provider,
  coalesce(ev.metadata->>$2, '') as cohort_1, coalesce(ev.metadata->>$3, '') as cohort_2,
  coalesce(ev.metadata->>$4, '') as cohort_3, coalesce(ev.metadata->>$5, '') as cohort_4,
  case when src = 'metric' then kind else '' end as metric_key,
  count(*) filter (where src = 'metric') as metric_count,
  sum(metric_value) as metric_sum,
  ${HISTOGRAM_SIGNALS.map((s) => `sum(ev.${s}) filter (where src = 'transaction') as ${s}_sum`).join(', ')},
  count(*) filter (where src = 'transaction') as requests,
  count(*) filter (where src = 'transaction' and ev.telemetry->'success' = 'false'::jsonb) as failures,
  count(*) filter (where src = 'transaction' and refused) as refusals,
  ${HISTOGRAM_SIGNALS.map(histogramSql).join(',\n  ')},
  count(*) filter (where src = 'feedback' and kind <> 'safety_incident') as feedback,
  count(*) filter (where src = 'feedback' and kind = 'accepted') as accepted,
  count(*) filter (where src = 'rating' or (src = 'decision' and kind in ('approve', 'edit', 'reject'))) as rated,
  count(*) filter (where (src = 'rating' and score >= 4) or (src = 'decision' and kind = 'approve')) as useful
from ev
group by 1, 2, 3, 4, 5, 6, 7, 8, 9`;

const COLUMNS = [
  'tenant_id text',
  'bucket_minutes int',
  'bucket_start timestamptz',
  'surface text',
  'provider text',
  'cohort_key text',
  'cohort_value text',
  'requests bigint',
  'failures bigint',
  'refusals bigint',
  ...HISTOGRAM_SIGNALS.map((s) => `${s} bigint[]`),
  'feedback bigint',
  'accepted bigint',
  'rated bigint',
  'useful bigint',
];
const NAMES = COLUMNS.map((c) => c.split(' ')[0]!);
const KEY = NAMES.slice(0, 7);
const addArray = (s: string) =>
  `${s} = (select array_agg(a + b order by i) from unnest(slo_rollups.${s}, excluded.${s}) with ordinality as u(a, b, i))`;

/** Adds rollup rows ($1: a JSON array of them, sorted by key so concurrent upserts lock in one order). */
export const UPSERT_ROLLUPS = `
insert into slo_rollups (${NAMES.join(', ')})
select ${NAMES.join(', ')} from jsonb_to_recordset($1::jsonb) as r(${COLUMNS.join(', ')})
on conflict (${KEY.join(', ')}) do update set
  ${['requests', 'failures', 'refusals', 'feedback', 'accepted', 'rated', 'useful']
    .map((s) => `${s} = slo_rollups.${s} + excluded.${s}`)
    .join(',\n  ')},
  ${HISTOGRAM_SIGNALS.map(addArray).join(',\n  ')}`;
