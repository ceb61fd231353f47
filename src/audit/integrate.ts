import { randomBytes } from 'node:crypto';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { commitPayload, encodeLeaf, sealPayload, subjectOf, type SealedPayload } from './formats/envelope.js';
import { appendLeaves, compactRangeIds, EMPTY_ROOT, leafHash } from './formats/merkle.js';
import { formatCheckpoint, newVerifier, NoteError, openNote, signNote } from './formats/note.js';
import {
  insertLeaves,
  insertTreeExtension,
  latestCheckpoint,
  pendingEntries,
  readNodes,
  subjectKeys,
  type LeafRow,
  type PendingEntry,
  type SubjectSeed,
} from './queries.js';
import { auditSigners } from './signing-key.js';

// The integrator: the only writer of the Merkle tree. Appenders only insert outbox rows; this takes
// a batch of them under an advisory lock and, in one database transaction, gives them the next
// contiguous leaf indices, seals their payloads, stores every subtree the batch completed, and signs
// the new checkpoint. A crash anywhere rolls all of it back, so the tree is never half-extended.

// Any fixed number; the same in every Gatehouse process.
const INTEGRATOR_LOCK = 7_246_008;

/** Largest batch integrated in one database transaction (one checkpoint each). */
export const INTEGRATE_BATCH = 2_000;

/** NOTIFY channel carrying the new tree size after each checkpoint. */
export const AUDIT_CHANNEL = 'gatehouse_audit';

/** What one integration round did: the tree size after it and how many entries it added. */
export interface IntegrateResult {
  size: bigint;
  added: number;
}

function leafIndex(size: bigint, i: number): bigint {
  return size + BigInt(i);
}

async function readBorder(tx: Queryable, size: bigint): Promise<Uint8Array[]> {
  const ids = compactRangeIds(size);
  const found = await readNodes(tx, ids);
  return ids.map((n) => {
    const h = found.get(`${n.level}/${n.index}`);
    if (!h) throw new GatehouseError('internal', `audit tree node ${n.level}/${n.index} is missing`);
    return h;
  });
}

function subjectSeeds(entries: PendingEntry[]): SubjectSeed[] {
  const seeds = new Map<string, SubjectSeed>();
  for (const e of entries) {
    const subject = subjectOf(e.transaction_id);
    const id = `${e.tenant_id} ${subject}`;
    const workflow = e.workflow;
    const seen = seeds.get(id);
    if (seen) seen.workflow ??= workflow;
    else
      seeds.set(id, {
        tenantId: e.tenant_id,
        subject,
        key: new Uint8Array(randomBytes(32)),
        workflow,
        firstAt: new Date(e.at),
      });
  }
  return [...seeds.values()];
}

/** Refuses to extend a log whose last checkpoint none of our keys signed: a wrong key file. */
function checkKeyContinuity(ctx: Pick<Ctx, 'config'>, note: string): void {
  const verifiers = auditSigners(ctx.config).map((s) => newVerifier(s.name, s.publicKey));
  try {
    openNote(note, verifiers);
  } catch (err) {
    if (!(err instanceof NoteError)) throw err;
    throw new GatehouseError(
      'audit_key_mismatch',
      'the latest audit checkpoint is not signed by any configured audit key (GATEHOUSE_AUDIT_KEY / audit.key)',
    );
  }
}

/** Leaves (envelope + commitment) for a batch starting at leaf `size`, each with its payload sealed. */
function sealAndEncode(
  size: bigint,
  pending: PendingEntry[],
  keys: Map<string, Uint8Array | null>,
): LeafRow[] {
  return pending.map((e, i) => {
    const index = leafIndex(size, i);
    const subject = subjectOf(e.transaction_id);
    const key = keys.get(`${e.tenant_id} ${subject}`) ?? null;
    let commitment: Uint8Array;
    let payload: SealedPayload | null = null;
    if (key) {
      const sealed = sealPayload(key, index.toString(), e.body_text);
      commitment = sealed.commitment;
      payload = sealed.payload;
    } else {
      // The subject was already erased: commit to the payload with a salt nobody keeps, store nothing.
      commitment = commitPayload(randomBytes(32), e.body_text);
    }
    const leaf = encodeLeaf(
      {
        seq: e.seq,
        tenantId: e.tenant_id,
        kind: e.kind,
        transactionId: e.transaction_id,
        caseId: e.case_id,
        actor: e.actor,
        at: new Date(e.at).toISOString(),
        subject,
      },
      commitment,
    );
    return { index, seq: e.seq, tenantId: e.tenant_id, leaf, payload };
  });
}

// Leaves are sealed and written in chunks: each chunk's statement goes to the server before the next
// chunk is sealed, so PostgreSQL writes one while Node seals the next (sealing costs about as much
// as writing, and the two can run on different cores). PGlite runs in Node's own thread, so there
// nothing overlaps and a batch is written in one statement.
const WRITE_CHUNK = 250;

/** Seals and writes the batch's leaves `chunk` at a time (see WRITE_CHUNK); returns their leaf hashes. */
async function storeLeaves(
  tx: Queryable,
  size: bigint,
  pending: PendingEntry[],
  keys: Map<string, Uint8Array | null>,
  chunk: number,
): Promise<Uint8Array[]> {
  const hashes: Uint8Array[] = [];
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < pending.length; i += chunk) {
      const leaves = sealAndEncode(size + BigInt(i), pending.slice(i, i + chunk), keys);
      for (const l of leaves) hashes.push(leafHash(l.leaf));
      await writing;
      writing = insertLeaves(tx, leaves);
    }
  } catch (err) {
    // Sealing threw with a write in flight: let it settle, observed, before the rollback.
    await writing.catch(() => undefined);
    throw err;
  }
  await writing;
  return hashes;
}

async function integrateIn(
  ctx: Pick<Ctx, 'config' | 'clock'>,
  tx: Queryable,
  limit: number,
  chunk: number,
): Promise<IntegrateResult | undefined> {
  const { rows } = await tx.query<{ locked: boolean }>(`select pg_try_advisory_xact_lock($1) as locked`, [
    INTEGRATOR_LOCK,
  ]);
  if (!rows[0]?.locked) return undefined;
  const head = await latestCheckpoint(tx);
  const size = head?.size ?? 0n;
  const pending = await pendingEntries(tx, limit);
  if (head && pending.length === 0) return { size, added: 0 };
  if (head) checkKeyContinuity(ctx, head.note);

  const keys = await subjectKeys(tx, subjectSeeds(pending));
  const appended =
    pending.length > 0
      ? appendLeaves(size, await readBorder(tx, size), await storeLeaves(tx, size, pending, keys, chunk))
      : { size: 0n, root: EMPTY_ROOT, nodes: [] };
  const body = formatCheckpoint({
    origin: ctx.config.auditOrigin,
    size: appended.size,
    rootHash: appended.root,
    extensions: [],
  });
  await insertTreeExtension(tx, {
    nodes: appended.nodes,
    checkpoint: {
      size: appended.size,
      root: appended.root,
      note: signNote(body, auditSigners(ctx.config)),
      signedAt: ctx.clock(),
    },
  });
  await tx.query(`select pg_notify($1, $2)`, [AUDIT_CHANNEL, appended.size.toString()]);
  return { size: appended.size, added: pending.length };
}

/**
 * Integrates up to `limit` outbox entries (default INTEGRATE_BATCH) in one transaction and signs a
 * checkpoint; the first run on an empty log signs the empty tree. Returns undefined when another
 * process holds the integrator lock.
 */
export function integrateBatch(
  ctx: Pick<Ctx, 'db' | 'config' | 'clock'>,
  limit = INTEGRATE_BATCH,
): Promise<IntegrateResult | undefined> {
  const chunk = ctx.db.kind === 'pglite' ? limit : WRITE_CHUNK;
  return ctx.db.transaction((tx) => integrateIn(ctx, tx, limit, chunk));
}

// A run keeps integrating full batches for up to this long, so a backlog drains at batch speed
// instead of one batch per tick (a tick that finds the task busy is skipped), while a shutdown
// waits for at most this plus one batch.
const RUN_BUDGET_MS = 4_000;

// The embedded store is one connection: every batch holds intake off it for the batch's duration,
// so it integrates in smaller bites (~0.15 s each on the reference machine).
const EMBEDDED_BATCH = 500;

/** Integrates until the outbox is empty (or the run budget is spent); returns the last result. */
export async function integratePending(
  ctx: Pick<Ctx, 'db' | 'config' | 'clock'>,
  limit = INTEGRATE_BATCH,
): Promise<IntegrateResult | undefined> {
  const started = performance.now();
  let last: IntegrateResult | undefined;
  for (;;) {
    const r = await integrateBatch(ctx, limit);
    if (!r) return last;
    last = r;
    if (r.added < limit || performance.now() - started > RUN_BUDGET_MS) return last;
    // The embedded store answers in microtasks: without a turn of the event loop between batches,
    // HTTP requests would wait for the whole run instead of for one batch.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The integrator as a scheduled task: every second, whichever process gets the lock integrates. */
export const AUDIT_INTEGRATOR_TASK: ScheduledTask = {
  name: 'audit-integrator',
  everyMs: 1_000,
  run: async (ctx) => {
    await integratePending(ctx, ctx.db.kind === 'pglite' ? EMBEDDED_BATCH : INTEGRATE_BATCH);
  },
};
