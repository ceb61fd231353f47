import type { Queryable } from '../db/index.js';
import type { SealedPayload } from './formats/envelope.js';
import type { NodeId, StoredNode } from './formats/merkle.js';

// The audit log's SQL. Bytes travel as base64 inside one JSON parameter (decoded with `decode`), which
// both drivers pass the same way; bigints come back as text and are turned into BigInt here.

const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** A signed tree head as stored. */
export interface CheckpointRow {
  size: bigint;
  root: Uint8Array;
  note: string;
  signedAt: Date;
}

/** The newest checkpoint, or undefined before the first one. */
export async function latestCheckpoint(q: Queryable): Promise<CheckpointRow | undefined> {
  const { rows } = await q.query<{ size: string; root: Uint8Array; note: string; signed_at: Date }>(
    `select size::text as size, root, note, signed_at from audit_checkpoints c order by c.size desc limit 1`,
  );
  const r = rows[0];
  return r && { size: BigInt(r.size), root: r.root, note: r.note, signedAt: new Date(r.signed_at) };
}

/** Every checkpoint, smallest tree first (for `audit check`). */
export async function allCheckpoints(q: Queryable): Promise<CheckpointRow[]> {
  const { rows } = await q.query<{ size: string; root: Uint8Array; note: string; signed_at: Date }>(
    `select size::text as size, root, note, signed_at from audit_checkpoints c order by c.size`,
  );
  return rows.map((r) => ({
    size: BigInt(r.size),
    root: r.root,
    note: r.note,
    signedAt: new Date(r.signed_at),
  }));
}

/** An outbox row not yet in the tree; its body as jsonb text, never parsed on the way to sealing. */
export interface PendingEntry {
  seq: string;
  tenant_id: string;
  kind: string;
  transaction_id: string | null;
  case_id: string | null;
  actor: string;
  at: Date;
  body_text: string;
  workflow: string | null;
}

/**
 * Up to `limit` outbox rows not yet integrated, oldest first. The batch's seqs are chosen first, so
 * only its own rows are read whole: with a backlog and stale statistics the planner reads every
 * pending row and sorts them, and that must not mean rendering every pending body.
 */
export async function pendingEntries(q: Queryable, limit: number): Promise<PendingEntry[]> {
  const { rows } = await q.query<PendingEntry>(
    `with batch as materialized (
       select seq from audit_entries where leaf_index is null order by seq limit $1
     )
     select e.seq::text as seq, e.tenant_id, e.kind, e.transaction_id, e.case_id, e.actor, e.at,
            e.body::text as body_text, e.body->>'workflow' as workflow
     from batch b join audit_entries e on e.seq = b.seq order by e.seq`,
    [limit],
  );
  return rows;
}

/**
 * The hashes of the given complete subtrees, keyed `level/index`, in one query of index lookups:
 * level 0 is the leaf hash, computed from the leaf row (RFC 9162 §2.1.1); higher levels are stored.
 */
export async function readNodes(q: Queryable, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>> {
  const leaves = ids.filter((n) => n.level === 0).map((n) => n.index.toString());
  const inner = ids.filter((n) => n.level > 0);
  const { rows } = await q.query<{ level: number; idx: string; hash: Uint8Array }>(
    `select n.level, n.idx::text as idx, n.hash
     from unnest($1::smallint[], $2::bigint[]) as x(level, idx)
     join audit_nodes n on n.level = x.level and n.idx = x.idx
     union all
     select 0, l.leaf_index::text, sha256('\\x00'::bytea || l.leaf)
     from audit_leaves l where l.leaf_index = any($3::bigint[])`,
    [inner.map((n) => n.level), inner.map((n) => n.index.toString()), leaves],
  );
  return new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
}

/** A subject the integrator needs a key for; `key` is used only when the subject is new. */
export interface SubjectSeed {
  tenantId: string;
  subject: string;
  key: Uint8Array;
  workflow: string | null;
  firstAt: Date;
}

/** Creates missing subjects and returns every asked-for subject's key (null once erased), keyed `tenant subject`. */
export async function subjectKeys(
  q: Queryable,
  seeds: readonly SubjectSeed[],
): Promise<Map<string, Uint8Array | null>> {
  const json = JSON.stringify(
    seeds.map((s) => ({
      tenant_id: s.tenantId,
      subject: s.subject,
      key: b64(s.key),
      workflow: s.workflow,
      first_at: s.firstAt.toISOString(),
    })),
  );
  await q.query(
    `insert into audit_subjects (tenant_id, subject, key, workflow, first_at)
     select tenant_id, subject, decode(key, 'base64'), workflow, first_at
     from jsonb_to_recordset($1::jsonb) as x(tenant_id text, subject text, key text, workflow text, first_at timestamptz)
     on conflict (tenant_id, subject) do nothing`,
    [json],
  );
  const { rows } = await q.query<{ tenant_id: string; subject: string; key: Uint8Array | null }>(
    `select s.tenant_id, s.subject, s.key
     from jsonb_to_recordset($1::jsonb) as x(tenant_id text, subject text)
     join audit_subjects s on s.tenant_id = x.tenant_id and s.subject = x.subject`,
    [json],
  );
  return new Map(rows.map((r) => [`${r.tenant_id} ${r.subject}`, r.key]));
}

/** A new leaf: its bytes, and its payload sealed under its subject's key (null once erased). */
export interface LeafRow {
  index: bigint;
  seq: string;
  tenantId: string;
  leaf: Uint8Array;
  payload: SealedPayload | null;
}

/**
 * Writes leaves and gives their outbox rows the leaf index and the sealed payload in place of the
 * body. One statement, so a caller can send it and seal the next leaves while the server writes.
 */
export async function insertLeaves(q: Queryable, leaves: readonly LeafRow[]): Promise<void> {
  await q.query(
    `with leaves as (
       insert into audit_leaves (leaf_index, tenant_id, leaf)
       select i, t, decode(l, 'base64') from jsonb_to_recordset($1::jsonb) as x(i bigint, t text, l text)
     )
     update audit_entries e
     set leaf_index = x.i, body = '{}'::jsonb, payload_iv = decode(x.v, 'base64'), payload = decode(x.p, 'base64')
     from jsonb_to_recordset($2::jsonb) as x(s bigint, i bigint, v text, p text) where e.seq = x.s`,
    [
      JSON.stringify(leaves.map((l) => ({ i: l.index.toString(), t: l.tenantId, l: b64(l.leaf) }))),
      JSON.stringify(
        leaves.map((l) => ({
          s: l.seq,
          i: l.index.toString(),
          v: l.payload && b64(l.payload.iv),
          p: l.payload && b64(l.payload.sealed),
        })),
      ),
    ],
  );
}

/** What a batch adds to the tree once its leaves are written: new subtrees and the signed checkpoint. */
export interface TreeExtension {
  nodes: StoredNode[];
  checkpoint: { size: bigint; root: Uint8Array; note: string; signedAt: Date };
}

/** Writes the subtree hashes a batch completed and its checkpoint. */
export async function insertTreeExtension(q: Queryable, b: TreeExtension): Promise<void> {
  // Level 0 is the leaves themselves (see readNodes).
  const nodes = b.nodes.filter((n) => n.level > 0);
  if (nodes.length > 0) {
    await q.query(
      `insert into audit_nodes (level, idx, hash)
       select l, i, decode(h, 'base64') from jsonb_to_recordset($1::jsonb) as x(l smallint, i bigint, h text)`,
      [JSON.stringify(nodes.map((n) => ({ l: n.level, i: n.index.toString(), h: b64(n.hash) })))],
    );
  }
  const c = b.checkpoint;
  await q.query(
    `insert into audit_checkpoints (size, root, note, signed_at) values ($1, decode($2, 'base64'), $3, $4)`,
    [c.size.toString(), b64(c.root), c.note, c.signedAt],
  );
}

/** One leaf's exact bytes and tenant, or undefined past the integrated tree. */
export async function readLeaf(
  q: Queryable,
  index: bigint,
): Promise<{ tenantId: string; leaf: Uint8Array } | undefined> {
  const { rows } = await q.query<{ tenant_id: string; leaf: Uint8Array }>(
    `select tenant_id, leaf from audit_leaves where leaf_index = $1`,
    [index.toString()],
  );
  const r = rows[0];
  return r && { tenantId: r.tenant_id, leaf: r.leaf };
}

/** A tenant's leaves with index in [from, to), in order. */
export async function listLeaves(
  q: Queryable,
  tenantId: string,
  from: bigint,
  to: bigint,
  limit: number,
): Promise<{ index: bigint; leaf: Uint8Array }[]> {
  const { rows } = await q.query<{ leaf_index: string; leaf: Uint8Array }>(
    `select l.leaf_index::text as leaf_index, l.leaf from audit_leaves l
     where l.tenant_id = $1 and l.leaf_index >= $2 and l.leaf_index < $3 order by l.leaf_index limit $4`,
    [tenantId, from.toString(), to.toString(), limit],
  );
  return rows.map((r) => ({ index: BigInt(r.leaf_index), leaf: r.leaf }));
}
