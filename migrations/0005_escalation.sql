-- Escalation (#7): ladder steps due per case (indexed by due time so a tick reads only what is due),
-- one row per firing under a unique key (a step fires at most once, across failovers), incidents
-- with a dedup key, quality flags, and the notification outbox written with the event it reports.
-- `bump` and `group_name` may already come from the queue's migration; `if not exists` keeps both.
alter table cases add column if not exists bump int not null default 0;
alter table cases add column if not exists group_name text;

create table case_escalations (
  tenant_id text not null,
  case_id text not null,
  scheduled_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by text,
  primary key (tenant_id, case_id)
);

create table escalation_schedule (
  tenant_id text not null,
  case_id text not null,
  step text not null,
  repeat_n int not null,
  -- The share of the SLA the step fires at; null for a fixed-time step (the > 2 h review rule).
  share double precision,
  due_at timestamptz not null,
  primary key (tenant_id, case_id, step, repeat_n)
);
create index escalation_schedule_due on escalation_schedule (due_at);

create table escalation_firings (
  tenant_id text not null,
  case_id text not null,
  step text not null,
  repeat_n int not null,
  due_at timestamptz not null,
  fired_at timestamptz not null,
  actions text[] not null,
  primary key (tenant_id, case_id, step, repeat_n)
);
create index escalation_firings_fired on escalation_firings (tenant_id, fired_at);

create table incidents (
  tenant_id text not null,
  id text not null,
  dedup_key text not null,
  rule text not null,
  fingerprint text not null,
  title text not null,
  status text not null check (status in ('open', 'acknowledged', 'resolved')),
  occurrences int not null default 1,
  -- Channels told when it opened; acknowledge and resolve are sent to the same ones.
  channels text[] not null default '{}',
  opened_at timestamptz not null,
  last_seen_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at timestamptz,
  resolved_by text,
  primary key (tenant_id, id)
);
-- Repeats attach to the one unresolved incident of a key; after resolve a new one may open.
create unique index incidents_active_key on incidents (tenant_id, dedup_key) where status <> 'resolved';
create index incidents_recent on incidents (tenant_id, opened_at desc);

create table incident_links (
  tenant_id text not null,
  incident_id text not null,
  -- 'case' or 'transaction'
  subject text not null check (subject in ('case', 'transaction')),
  subject_id text not null,
  linked_at timestamptz not null,
  primary key (tenant_id, incident_id, subject, subject_id)
);

create table quality_flags (
  tenant_id text not null,
  decision_id text not null,
  case_id text not null,
  edit_ratio double precision not null,
  sampled boolean not null,
  to_group text not null,
  flagged_at timestamptz not null,
  primary key (tenant_id, decision_id)
);

create table notifications (
  seq bigint generated always as identity,
  tenant_id text not null,
  id text not null,
  channel text not null,
  type text not null,
  -- Deliveries of one key (a case, an incident) go out in seq order, each after the one before.
  order_key text not null,
  payload jsonb not null,
  state text not null default 'pending' check (state in ('pending', 'delivered', 'dead')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  last_error text,
  created_at timestamptz not null,
  delivered_at timestamptz,
  primary key (tenant_id, id)
);
create index notifications_due on notifications (next_attempt_at, seq) where state = 'pending';
create index notifications_order on notifications (tenant_id, order_key, seq) where state = 'pending';
create index notifications_by_state on notifications (tenant_id, state, seq);
