-- SLOs (issue #9): new signals queue up by trigger and a scheduled task folds them into time-bucket
-- rollups, so `GET /v1/slo` reads a few thousand rollup rows instead of scanning every transaction.
-- Also: implicit feedback and safety incidents, human ratings, golden sets, and alert state.

-- Every new signal, in commit order of arrival. A trigger (not intake code) fills it, so nothing
-- that commits can be missed: the rollup task consumes rows with SKIP LOCKED in the same
-- transaction as its rollup upsert, so a row is counted exactly once however late it commits.
create table slo_signal_queue (
  seq bigint generated always as identity primary key,
  tenant_id text not null,
  source text not null check (source in ('transaction', 'decision', 'feedback', 'rating')),
  ref_id text not null
);

create function slo_enqueue() returns trigger language plpgsql as $$
begin
  insert into slo_signal_queue (tenant_id, source, ref_id)
  select n.tenant_id, tg_argv[0], n.id from new_rows n;
  return null;
end
$$;

-- Statement-level with a transition table: intake writes a batch in one statement, so the queue
-- costs one extra insert per batch, not per row.
-- History written before this migration is queued once, so the rollup task catches up with it.
insert into slo_signal_queue (tenant_id, source, ref_id) select tenant_id, 'transaction', id from transactions;
insert into slo_signal_queue (tenant_id, source, ref_id) select tenant_id, 'decision', id from decisions;

create trigger transactions_slo_enqueue after insert on transactions
  referencing new table as new_rows for each statement execute function slo_enqueue('transaction');
create trigger decisions_slo_enqueue after insert on decisions
  referencing new table as new_rows for each statement execute function slo_enqueue('decision');

-- Counts per time bucket and dimension. Three granularities (5, 60 and 1440 minutes) so every
-- window reads at most a few dozen buckets per dimension. cohort_key '' is the all-cohorts row;
-- each cohort field of the SLO file adds one row per value. Histograms are non-cumulative bucket
-- counts with the bounds of src/slo/signals.ts (last element = +Inf).
create table slo_rollups (
  tenant_id text not null,
  bucket_minutes int not null check (bucket_minutes in (5, 60, 1440)),
  bucket_start timestamptz not null,
  surface text not null,
  provider text not null,
  cohort_key text not null,
  cohort_value text not null,
  requests bigint not null default 0,
  failures bigint not null default 0,
  refusals bigint not null default 0,
  ttft_ms bigint[] not null,
  latency_ms bigint[] not null,
  turn_ms bigint[] not null,
  failover_ms bigint[] not null,
  cost_usd bigint[] not null,
  feedback bigint not null default 0,
  accepted bigint not null default 0,
  rated bigint not null default 0,
  useful bigint not null default 0,
  primary key (tenant_id, bucket_minutes, bucket_start, surface, provider, cohort_key, cohort_value)
);

-- Implicit feedback on a transaction, and safety incidents reported on released outputs.
create table feedback (
  tenant_id text not null,
  id text not null,
  transaction_id text not null,
  kind text not null check (kind in ('accepted', 'regenerated', 'abandoned', 'handed_off', 'safety_incident')),
  detail text,
  actor text not null,
  at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, transaction_id) references transactions (tenant_id, id)
);
create index feedback_at on feedback (tenant_id, at);

-- Human rater scores, 1..5 (4 or 5 = useful).
create table ratings (
  tenant_id text not null,
  id text not null,
  transaction_id text not null,
  score int not null check (score between 1 and 5),
  comment text,
  rater_key_id text not null,
  at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, transaction_id) references transactions (tenant_id, id)
);

create trigger feedback_slo_enqueue after insert on feedback
  referencing new table as new_rows for each statement execute function slo_enqueue('feedback');
create trigger ratings_slo_enqueue after insert on ratings
  referencing new table as new_rows for each statement execute function slo_enqueue('rating');

-- Golden sets: expected outputs for known transactions, evaluated against what was released.
create table golden_items (
  tenant_id text not null,
  set_name text not null,
  transaction_id text not null,
  expected_output text not null,
  uploaded_at timestamptz not null,
  primary key (tenant_id, set_name, transaction_id)
);

create table golden_runs (
  tenant_id text not null,
  id text not null,
  set_name text not null,
  evaluated_at timestamptz not null,
  items int not null,
  matched int not null,
  primary key (tenant_id, id)
);

-- Alert state per SLO, sub-SLO and rule; the dedup key is the same for fire and resolve.
create table slo_alerts (
  tenant_id text not null,
  slo text not null,
  sub text not null,
  rule text not null,
  state text not null check (state in ('ok', 'firing')),
  since timestamptz not null,
  dedup_key text not null,
  detail jsonb not null default '{}',
  evaluated_at timestamptz not null,
  primary key (tenant_id, slo, sub, rule)
);

-- SLA metrics read windows of cases and transactions by time.
create index transactions_created_at on transactions (tenant_id, created_at);
create index cases_entered_at on cases (tenant_id, entered_at);
