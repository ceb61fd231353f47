-- Gates (#4): the PII vault behind the `vault` redaction operator, the sampled LLM judge's job
-- queue (worked off the hot path by a scheduled task) and its 1–5 scores, which the quality SLO reads.

-- One vaulted original per row, AES-256-GCM encrypted with a per-tenant key; revealing one needs a
-- role the policy names and leaves an audit entry.
create table pii_vault (
  tenant_id text not null,
  id text not null,
  transaction_id text,
  entity_type text not null,
  -- base64 of iv (12 bytes) ‖ auth tag (16 bytes) ‖ ciphertext
  sealed text not null,
  created_at timestamptz not null,
  primary key (tenant_id, id)
);

create table judge_jobs (
  tenant_id text not null,
  transaction_id text not null,
  status text not null check (status in ('pending', 'done', 'failed')),
  attempts int not null default 0,
  run_after timestamptz not null,
  last_error text,
  created_at timestamptz not null,
  primary key (tenant_id, transaction_id)
);

create index judge_jobs_due on judge_jobs (run_after) where status = 'pending';

create table judge_scores (
  tenant_id text not null,
  transaction_id text not null,
  score int not null check (score between 1 and 5),
  rationale text,
  model text not null,
  judged_at timestamptz not null,
  primary key (tenant_id, transaction_id)
);
