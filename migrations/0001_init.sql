-- The walking skeleton: tenants and keys, transactions, cases, decisions and the audit outbox.
-- Every row carries tenant_id from the start so no query can cross tenants. The hot tables
-- carry no foreign key to tenants: every concurrent insert would share-lock the same tenant row,
-- and PostgreSQL turns that into a multixact per insert (measured: batches 10x slower).

create table tenants (
  id text primary key,
  name text not null,
  -- Keys the PII gate's `hash` operator so pseudonyms are stable within a tenant, unlinkable across.
  pii_hash_key text not null,
  created_at timestamptz not null default now()
);

create table api_keys (
  id text primary key,
  tenant_id text not null references tenants (id),
  key_hash text not null unique,
  roles text[] not null,
  name text,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

create table transactions (
  tenant_id text not null,
  id text not null,
  idempotency_key text,
  -- SHA-256 of the canonical body, kept only with an idempotency key to compare a retry against.
  request_hash text,
  workflow text,
  verdict text not null check (verdict in ('released', 'held', 'blocked')),
  risk_class text not null,
  reason text,
  action text not null,
  prompt jsonb not null,
  redacted_prompt jsonb not null,
  output text not null,
  redacted_output text not null,
  released_output text,
  model jsonb,
  parameters jsonb,
  confidence double precision,
  metadata jsonb not null default '{}',
  telemetry jsonb not null default '{}',
  gates jsonb not null,
  policy_version text not null,
  matched_rules text[] not null default '{}',
  case_id text,
  created_at timestamptz not null,
  decided_at timestamptz,
  primary key (tenant_id, id)
);

create unique index transactions_idempotency on transactions (tenant_id, idempotency_key)
  where idempotency_key is not null;

create table cases (
  tenant_id text not null,
  id text not null,
  transaction_id text not null,
  status text not null check (status in ('open', 'claimed', 'closed')),
  level int not null default 1 check (level between 1 and 3),
  risk_class text not null,
  risk_rank int not null,
  reason text,
  sla_minutes int not null,
  created_at timestamptz not null,
  entered_at timestamptz not null,
  due_at timestamptz not null,
  first_action_at timestamptz,
  claimed_by text,
  claimed_at timestamptz,
  lease_expires_at timestamptz,
  closed_at timestamptz,
  decision text,
  primary key (tenant_id, id),
  foreign key (tenant_id, transaction_id) references transactions (tenant_id, id)
);

-- Serves the claim order (risk first, then deadline) over open cases only, so claimed and closed
-- cases leave the index instead of piling up as entries every claim must skip.
create index cases_open_order on cases (tenant_id, level, risk_rank, due_at, id) where status = 'open';
create index cases_claimed_lease on cases (tenant_id, lease_expires_at) where status = 'claimed';

create table decisions (
  tenant_id text not null,
  id text not null,
  case_id text not null,
  action text not null check (action in ('approve', 'edit', 'reject', 'escalate')),
  reviewer_key_id text not null,
  output text,
  rationale text,
  reason text,
  edit_ratio double precision,
  time_spent_ms int not null,
  decided_at timestamptz not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, case_id) references cases (tenant_id, id)
);

-- The audit outbox: every state change writes its entry in the same transaction. `seq` orders
-- the outbox only; the Merkle leaf index is assigned later by one integrator, so gaps a
-- sequence may leave never become gaps in the log.
create table audit_entries (
  seq bigint generated always as identity primary key,
  tenant_id text not null,
  kind text not null,
  transaction_id text,
  case_id text,
  actor text not null,
  at timestamptz not null,
  body jsonb not null,
  leaf_index bigint unique
);

create index audit_entries_transaction on audit_entries (tenant_id, transaction_id, seq)
  where transaction_id is not null;
