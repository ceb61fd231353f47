-- Fewer rows per audit entry (issue #8, integrator throughput). Besides its outbox update the
-- integrator wrote four rows per entry; two of them only repeated what other rows can hold.
-- 1. A sealed payload moves into its outbox row, written by the update that empties the row's
--    body (that update writes a new row version anyway): `payload_iv` and `payload` stay null until
--    integrated, and for good when the subject was erased first. Leaf rows stay small for proofs.
-- 2. Level-0 subtrees are the leaf hashes themselves: proofs hash the leaf bytes (SHA-256(0x00 ‖
--    leaf)) instead of reading a second copy, so audit_nodes keeps levels 1 and up.
-- Both moves rewrite relocated or derived rows once, so the append-only triggers are lifted for
-- this migration's own statements.

alter table audit_entries add column payload_iv bytea, add column payload bytea;

alter table audit_entries disable trigger audit_entries_guard;
update audit_entries e set payload_iv = p.iv, payload = p.sealed
from audit_payloads p where p.leaf_index = e.leaf_index;
alter table audit_entries enable trigger audit_entries_guard;
drop table audit_payloads;

-- The integrator's one change to an outbox row: it gets its leaf index, gives up its body and,
-- unless its subject was erased, takes the sealed payload. Nothing else may change, ever.
create or replace function audit_entries_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and old.leaf_index is null and new.leaf_index is not null
     and new.body = '{}'::jsonb and old.payload is null and old.payload_iv is null
     and (new.payload is null) = (new.payload_iv is null)
     and new.seq = old.seq and new.tenant_id = old.tenant_id
     and new.kind = old.kind and new.transaction_id is not distinct from old.transaction_id
     and new.case_id is not distinct from old.case_id and new.actor = old.actor and new.at = old.at then
    return new;
  end if;
  raise exception 'audit_entries is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;

alter table audit_nodes disable trigger audit_nodes_append_only;
delete from audit_nodes where level = 0;
alter table audit_nodes enable trigger audit_nodes_append_only;
alter table audit_nodes add constraint audit_nodes_above_leaves check (level > 0);

-- Leaf indices stay unique, but only integrated rows are indexed. A unique index over every row also
-- answered `leaf_index is null`, and the planner, seeing few pending rows in stale statistics, read
-- every pending row through it and sorted them all (bodies included) to take one batch: a cost that
-- grew with the backlog. Now only audit_entries_pending serves that scan, in seq order, one batch deep.
alter table audit_entries drop constraint audit_entries_leaf_index_key;
create unique index audit_entries_leaf_index on audit_entries (leaf_index) where leaf_index is not null;
