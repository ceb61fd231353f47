/** SQL for bench:slo: synthetic transactions and the full-scan baseline. */

// Synthetic telemetry: 4 surfaces × 3 providers × 4 regions, log-normal-ish latencies and costs,
// 0.05 % failures; one statement per chunk of generate_series.
/** Inserts transactions $2..$3 of $4 (generate_series), spread evenly over the 30 days before $1. */
export const GENERATE = `
insert into transactions (tenant_id, id, verdict, risk_class, action, prompt, redacted_prompt, output,
  redacted_output, gates, policy_version, metadata, telemetry, created_at)
select 'default', 'b' || i, 'released', 'low', 'release', '""', '""', '', '', '[]', 'bench',
  jsonb_build_object('region', (array['eu', 'us', 'apac', 'latam'])[1 + i % 4]),
  jsonb_build_object(
    'surface', (array['chat', 'agent', 'rag', 'batch'])[1 + (i / 4) % 4],
    'provider', (array['openai', 'anthropic', 'google'])[1 + (i / 16) % 3],
    'ttft_ms', round(150 + 400 * (hashint4(i::int) & 1023) / 1023.0 ^ 3),
    'latency_ms', round(800 + 9000 * (hashint4((i + 7)::int) & 1023) / 1023.0 ^ 4),
    'turns', 1 + (i % 5),
    'cost_usd', round((0.002 + 0.05 * ((hashint4((i + 13)::int) & 1023) / 1023.0) ^ 6)::numeric, 6),
    'success', (hashint4((i + 29)::int) & 2047) <> 0),
  $1::timestamptz - make_interval(secs => i * (2592000.0 / $4::bigint))
from generate_series($2::bigint, $3::bigint) as i`;

// The baseline: what one full scan costs for a single window, with a few SLOs' counts.
/** The baseline full scan for `now` = $1. */
export const FULL_SCAN = `
select count(*) as total,
  count(*) filter (where telemetry->>'success' = 'false') as failures,
  count(*) filter (where telemetry->>'surface' = 'chat' and (telemetry->>'ttft_ms')::float8 <= 600) as ttft_good,
  count(*) filter (where telemetry->>'surface' = 'chat') as chat,
  count(*) filter (where (telemetry->>'cost_usd')::float8 <= 0.045) as cost_good
from transactions where tenant_id = 'default' and created_at >= $1::timestamptz - interval '30 days'`;
