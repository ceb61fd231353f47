-- The verifiable audit log (issue #8): leaves with exact bytes, complete-subtree hashes for O(log n)
-- proofs, signed checkpoints, erasable per-subject payloads, and triggers that refuse edits.
-- `audit_entries` (0001) stays the outbox appenders write to; one integrator at a time moves its rows
-- into the tree, assigns contiguous leaf indices and empties their body (the payload moves, sealed).

-- Serves the integrator's scan for rows not yet in the tree, oldest first.
create index audit_entries_pending on audit_entries (seq) where leaf_index is null;

-- The exact bytes of each leaf (RFC 9162 §2.1.1 hashes SHA-256(0x00 ‖ leaf)). Contiguous from 0.
create table audit_leaves (
  leaf_index bigint primary key,
  tenant_id text not null,
  leaf bytea not null
);

-- Serves a tenant's export: its own leaves in index order.
create index audit_leaves_tenant on audit_leaves (tenant_id, leaf_index);

-- Every complete, aligned subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L); level 0 holds
-- the leaf hashes. Any proof reads O(log n) of these rows.
create table audit_nodes (
  level smallint not null,
  idx bigint not null,
  hash bytea not null,
  primary key (level, idx)
);

-- Signed tree heads (C2SP tlog-checkpoint in a signed note), one per integrated batch.
create table audit_checkpoints (
  size bigint primary key,
  root bytea not null,
  note text not null,
  signed_at timestamptz not null
);

-- One data-encryption key per subject (a transaction, or a tenant's own events). Erasure sets the
-- key to null: every payload sealed with it becomes unreadable (crypto-shredding).
create table audit_subjects (
  tenant_id text not null,
  subject text not null,
  key bytea,
  workflow text,
  first_at timestamptz not null,
  erased_at timestamptz,
  primary key (tenant_id, subject)
);

create index audit_subjects_retention on audit_subjects (first_at) where key is not null;

-- Payloads sealed with their subject's key (AES-256-GCM); the leaf holds only a keyed commitment.
create table audit_payloads (
  leaf_index bigint primary key,
  tenant_id text not null,
  subject text not null,
  iv bytea not null,
  sealed bytea not null
);

create index audit_payloads_subject on audit_payloads (tenant_id, subject);

-- A second line behind the signed checkpoints: the log's tables refuse UPDATE and DELETE. The only
-- changes allowed are the integrator's (an outbox row gets its leaf index and gives up its body) and
-- erasure's (a subject key is destroyed).
create function audit_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit log table % is append-only (% refused)', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end
$$;

create function audit_entries_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and old.leaf_index is null and new.leaf_index is not null
     and new.body = '{}'::jsonb and new.seq = old.seq and new.tenant_id = old.tenant_id
     and new.kind = old.kind and new.transaction_id is not distinct from old.transaction_id
     and new.case_id is not distinct from old.case_id and new.actor = old.actor and new.at = old.at then
    return new;
  end if;
  raise exception 'audit_entries is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;

create function audit_subjects_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.tenant_id = old.tenant_id and new.subject = old.subject
     and new.first_at = old.first_at and (new.key is null or new.key = old.key) then
    return new;
  end if;
  raise exception 'audit_subjects only lets keys be destroyed (% refused)', tg_op
    using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_entries_guard before update or delete on audit_entries
  for each row execute function audit_entries_guard();
create trigger audit_subjects_guard before update or delete on audit_subjects
  for each row execute function audit_subjects_guard();
create trigger audit_leaves_append_only before update or delete on audit_leaves
  for each row execute function audit_refuse_change();
create trigger audit_nodes_append_only before update or delete on audit_nodes
  for each row execute function audit_refuse_change();
create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
  for each row execute function audit_refuse_change();
create trigger audit_payloads_append_only before update or delete on audit_payloads
  for each row execute function audit_refuse_change();
