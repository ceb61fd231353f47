-- The review queue (issue #6): SLA clock events, groups and assignment, paused cases, consensus reviews, templates and rejection reasons, and a claim index that claimed, paused and closed cases leave.

-- A paused case waits for information from outside: out of the queue, its clock not counting.
alter table cases drop constraint cases_status_check;
alter table cases add constraint cases_status_check check (status in ('open', 'claimed', 'paused', 'closed'));

alter table cases
  -- The group whose members work the case (policy `groups`); null only on cases opened before groups.
  add column group_name text,
  -- An explicit assignment to one person (an API key id): only they may claim it while it is open.
  add column assigned_to text,
  -- Escalation steps fired so far; each lifts the case one risk class (see src/queue/priority.ts).
  add column bump int not null default 0,
  -- The claim order's first key, kept by PostgreSQL so no writer can forget it.
  add column queue_rank int generated always as (greatest(risk_rank - bump, 0)) stored,
  -- The due time computed when the clock started; pauses move due_at, never this.
  add column original_due_at timestamptz,
  -- The calendar whose business minutes sla_minutes counts; null = wall-clock minutes.
  add column sla_calendar text,
  add column breached boolean not null default false,
  add column on_breach text not null default 'none' check (on_breach in ('none', 'fail_open', 'fail_closed')),
  -- The fallback applied when the SLA ran out with no decision (fail_open | fail_closed).
  add column fallback text,
  add column checklist text,
  add column checklist_items text[] not null default '{}',
  -- Blind reviews the case needs before it closes; disagreement goes to the next level.
  add column reviewers_required int not null default 1 check (reviewers_required between 1 and 9),
  -- When the case entered its current level (the per-stage clock's start).
  add column stage_entered_at timestamptz,
  add column matched_rule text,
  -- The incident fingerprint routing gives (policy #5), for "similar past decisions" on the card.
  add column fingerprint text,
  -- Who paused the case, why, and when (the clock events keep the history).
  add column paused_by text;

-- The old order index served levels; the queue now works by group, and bumps re-rank cases.
drop index cases_open_order;
create index cases_queue_order on cases (tenant_id, group_name, queue_rank, due_at, id)
  where status = 'open' and assigned_to is null;
create index cases_assigned_order on cases (tenant_id, assigned_to, queue_rank, due_at, id)
  where status = 'open' and assigned_to is not null;
create index cases_claimed_by on cases (tenant_id, claimed_by) where status = 'claimed';
-- The breach sweep reads only running clocks not yet flagged.
create index cases_running_due on cases (due_at) where status in ('open', 'claimed') and not breached;
create index cases_similar on cases (tenant_id, matched_rule, closed_at) where status = 'closed';
create index cases_similar_fingerprint on cases (tenant_id, fingerprint, closed_at)
  where status = 'closed' and fingerprint is not null;

-- Every claim rewrites a cases row; vacuum early and leave room for HOT updates so a queue that
-- churns all day does not drag dead tuples and dead index entries through every claim.
alter table cases set (
  fillfactor = 80,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_cost_delay = 0
);

-- Append-only: a clock is derived from its events, never a countdown. This is the end-to-end
-- clock, never reset on handoff or escalation (escalation #7 reads it for its ladders).
create table case_clock_events (
  seq bigint generated always as identity primary key,
  tenant_id text not null,
  case_id text not null,
  kind text not null check (kind in ('start', 'pause', 'resume', 'stop', 'warn', 'breach')),
  at timestamptz not null,
  reason text,
  actor text not null
);
create index case_clock_events_case on case_clock_events (tenant_id, case_id, seq);

-- Each level's own clock (stage n = level n): started when the case enters the level, stopped
-- when it leaves it; pauses apply to both clocks.
create table case_stage_clock_events (
  seq bigint generated always as identity primary key,
  tenant_id text not null,
  case_id text not null,
  stage int not null check (stage between 1 and 3),
  kind text not null check (kind in ('start', 'pause', 'resume', 'stop', 'warn', 'breach')),
  at timestamptz not null,
  reason text,
  actor text not null
);
create index case_stage_clock_events_case on case_stage_clock_events (tenant_id, case_id, seq);

-- Members added through the API, on top of those the policy lists. Members are API key ids.
create table group_members (
  tenant_id text not null,
  group_name text not null,
  key_id text not null,
  skills text[] not null default '{}',
  added_at timestamptz not null,
  primary key (tenant_id, group_name, key_id)
);
create index group_members_key on group_members (tenant_id, key_id);

-- One blind review of a case that needs several; the case closes or goes to adjudication when all are in.
create table case_reviews (
  tenant_id text not null,
  case_id text not null,
  reviewer_key_id text not null,
  decision_id text not null,
  action text not null,
  rule text,
  reviewed_at timestamptz not null,
  primary key (tenant_id, case_id, reviewer_key_id)
);
create index case_reviews_rule on case_reviews (tenant_id, rule);

-- Response templates and rejection reasons are data, managed through the API.
create table response_templates (
  tenant_id text not null,
  id text not null,
  kind text not null check (kind in ('response', 'rejection')),
  name text not null,
  body text not null,
  reason text,
  created_at timestamptz not null,
  archived_at timestamptz,
  primary key (tenant_id, id)
);
create unique index response_templates_name on response_templates (tenant_id, name) where archived_at is null;

create table rejection_reasons (
  tenant_id text not null,
  code text not null,
  label text not null,
  created_at timestamptz not null,
  archived_at timestamptz,
  primary key (tenant_id, code)
);

alter table decisions drop constraint decisions_action_check;
alter table decisions add constraint decisions_action_check
  check (action in ('approve', 'edit', 'reject', 'escalate', 'fail_open', 'fail_closed'));
-- The card reads a case's decisions; the skeleton only had the primary key.
create index decisions_case on decisions (tenant_id, case_id, decided_at);

alter table decisions
  add column note text,
  add column template_id text,
  add column checklist jsonb,
  add column blind boolean not null default false;
