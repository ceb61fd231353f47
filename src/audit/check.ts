import type { Queryable } from '../db/index.js';
import { decodeLeaf } from './formats/envelope.js';
import { appendLeaves, EMPTY_ROOT, leafHash, type StoredNode } from './formats/merkle.js';
import { encodeBase64, openCheckpoint, type NoteVerifier } from './formats/note.js';
import { allCheckpoints, readNodes } from './queries.js';

// `gatehouse audit check`: recompute the whole tree from the stored leaf bytes and hold it against
// every signed checkpoint, the stored subtree hashes and the outbox rows. A row edited in SQL changes
// a leaf hash, so the recomputed root stops matching a checkpoint the database cannot re-sign.

const CHUNK = 5_000;
// Enough to locate a tampering; a wholly rewritten table would otherwise print millions of lines.
const MAX_PROBLEMS = 50;

/** What a check found: the tree size checked, how many checkpoints matched, and every problem. */
export interface CheckReport {
  size: number;
  checkpoints: number;
  problems: string[];
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A leaf beside the outbox row it came from (null columns when that row is gone). */
interface OutboxLeaf {
  leaf_index: string;
  leaf: Uint8Array;
  seq: string | null;
  kind: string | null;
  tenant_id: string | null;
  transaction_id: string | null;
  case_id: string | null;
  actor: string | null;
  at: Date | null;
}

async function readLeafChunk(q: Queryable, from: bigint, to: bigint) {
  const { rows } = await q.query<OutboxLeaf>(
    `select l.leaf_index::text as leaf_index, l.leaf, e.seq::text as seq, e.kind, e.tenant_id, e.transaction_id,
            e.case_id, e.actor, e.at
     from audit_leaves l left join audit_entries e on e.leaf_index = l.leaf_index
     where l.leaf_index >= $1 and l.leaf_index < $2 order by l.leaf_index`,
    [from.toString(), to.toString()],
  );
  return rows;
}

/** Compares recomputed subtree hashes with the stored ones; returns the mismatching node names. */
async function compareNodes(q: Queryable, recomputed: StoredNode[]): Promise<string[]> {
  // Level 0 is not stored apart from the leaves it is recomputed from.
  const nodes = recomputed.filter((n) => n.level > 0);
  const stored = await readNodes(q, nodes);
  return nodes
    .filter((n) => {
      const h = stored.get(`${n.level}/${n.index}`);
      return !h || hexOf(h) !== hexOf(n.hash);
    })
    .map((n) => `stored hash of subtree ${n.level}/${n.index} differs from the recomputed one`);
}

/**
 * Recomputes the tree from `audit_leaves` and checks every checkpoint's signature (against
 * `verifiers`) and root, every stored subtree hash, and each outbox row against its leaf envelope.
 */
export async function checkAuditLog(q: Queryable, verifiers: readonly NoteVerifier[]): Promise<CheckReport> {
  const problems: string[] = [];
  const report = (p: string) => problems.length < MAX_PROBLEMS && problems.push(p);
  let size = 0n;
  let border: Uint8Array[] = [];
  let matched = 0;
  for (const cp of await allCheckpoints(q)) {
    try {
      const { checkpoint } = openCheckpoint(cp.note, verifiers);
      if (checkpoint.size !== cp.size || hexOf(checkpoint.rootHash) !== hexOf(cp.root)) {
        report(`checkpoint ${cp.size}: stored size or root differs from its signed note`);
      }
    } catch (err) {
      report(`checkpoint ${cp.size}: signature does not verify (${(err as Error).message})`);
    }
    let root: Uint8Array | undefined = cp.size === 0n ? EMPTY_ROOT : undefined;
    while (size < cp.size) {
      const to = size + BigInt(CHUNK) < cp.size ? size + BigInt(CHUNK) : cp.size;
      const rows = await readLeafChunk(q, size, to);
      if (rows.length !== Number(to - size)) {
        report(`leaves ${size}..${to - 1n}: ${Number(to - size) - rows.length} missing`);
        return { size: Number(size), checkpoints: matched, problems };
      }
      for (const r of rows) checkEnvelope(r, report);
      const appended = appendLeaves(
        size,
        border,
        rows.map((r) => leafHash(r.leaf)),
      );
      for (const p of await compareNodes(q, appended.nodes)) report(p);
      [size, border, root] = [appended.size, appended.compactRange, appended.root];
    }
    if (!root || hexOf(root) !== hexOf(cp.root)) {
      report(
        `checkpoint ${cp.size}: recomputed root ${root ? encodeBase64(root) : '(none)'} differs from the signed one`,
      );
    } else {
      matched++;
    }
  }
  const { rows } = await q.query<{ n: string }>(
    `select count(*)::text as n from audit_leaves where leaf_index >= $1`,
    [size.toString()],
  );
  if (rows[0]!.n !== '0') report(`${rows[0]!.n} leaves lie beyond the newest checkpoint`);
  return { size: Number(size), checkpoints: matched, problems };
}

function checkEnvelope(r: OutboxLeaf, report: (p: string) => void): void {
  try {
    const leaf = decodeLeaf(r.leaf);
    const same =
      leaf.seq === r.seq &&
      leaf.kind === r.kind &&
      leaf.tenantId === r.tenant_id &&
      leaf.transactionId === r.transaction_id &&
      leaf.caseId === r.case_id &&
      leaf.actor === r.actor &&
      r.at !== null &&
      leaf.at === new Date(r.at).toISOString();
    if (!same) {
      report(`leaf ${r.leaf_index}: outbox row does not match the leaf envelope`);
    }
  } catch (err) {
    report(`leaf ${r.leaf_index}: ${(err as Error).message}`);
  }
}
