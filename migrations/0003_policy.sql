-- Policy versions and activations, and the routing state rules read: counters, folds, safe patterns.
-- Policies are deployment-wide: every tenant routes with the active versions; rows name the tenant
-- of the admin who stored or activated one so the audit entry has a home.

create table policy_versions (
  version text primary key,
  name text not null,
  source text not null,
  tenant_id text not null,
  created_by text not null,
  created_at timestamptz not null
);

-- The primary policy (for every workflow without its own) is the latest `primary` activation; a
-- workflow policy, for transactions whose `workflow` is its name, the latest `workflow` activation
-- of that name. A rollback is one more activation of an old version.
create table policy_activations (
  seq bigint generated always as identity primary key,
  version text not null references policy_versions (version),
  role text not null default 'primary' check (role in ('primary', 'workflow')),
  tenant_id text not null,
  activated_by text not null,
  activated_at timestamptz not null
);

-- One row per transaction that counts for a counter (written with the transaction), so counters
-- are one index range count per lookup.
create table counter_hits (
  tenant_id text not null,
  counter text not null,
  key text not null,
  at timestamptz not null
);

create index counter_hits_lookup on counter_hits (tenant_id, counter, key, at);

-- How each case intake opened was routed: the winning rule and fingerprint (for folding repeats
-- into it and for safe-pattern learning) and how many repeats were folded into it.
create table case_routes (
  tenant_id text not null,
  case_id text not null,
  rule_id text,
  fingerprint text not null,
  policy_version text not null,
  fold_count int not null default 1,
  opened_at timestamptz not null,
  last_folded_at timestamptz,
  primary key (tenant_id, case_id)
);

create index case_routes_fold on case_routes (tenant_id, fingerprint, rule_id, opened_at);

-- A safe pattern is a rule and a fingerprint; `approvals` counts unchanged approvals since the last
-- reversal (an edit or reject), which resets it.
create table safe_patterns (
  tenant_id text not null,
  rule_id text not null,
  fingerprint text not null,
  approvals int not null default 0,
  reversals int not null default 0,
  last_approved_at timestamptz,
  last_reversed_at timestamptz,
  primary key (tenant_id, rule_id, fingerprint)
);

-- The Level-0 remediation routing asked the caller for (redact, add_label, rerun), so a replayed
-- answer repeats it.
alter table transactions add column remediation jsonb not null default '[]';
