import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { inclusionProof } from './formats/merkle.js';
import { encodeBase64 } from './formats/note.js';
import { nodeLoader } from './proofs.js';
import { latestCheckpoint } from './queries.js';
import { formatReceipt } from './formats/receipt.js';

// `POST /v1/transactions?receipt=wait`: the caller waits (about a second, the integrator's interval)
// for the checkpoint that covers the transaction's entries, and takes away a receipt for each —
// proof, checkable offline, that the decision is in the log as it stood when it was made.

/** One entry's receipt: its kind and index, the exact leaf bytes (base64), and the tlog-proof text. */
export interface EntryReceipt {
  kind: string;
  index: number;
  entry: string;
  receipt: string;
}

// Polling, not LISTEN: a waiter costs one indexed query per tick, and no listener connection is
// held per request. The integrator runs every second, so a few ticks are the usual wait.
const POLL_MS = 50;

async function receiptsIfIntegrated(
  q: Queryable,
  tenantId: string,
  transactionId: string,
): Promise<EntryReceipt[] | undefined> {
  const { rows } = await q.query<{ kind: string; leaf_index: string | null; leaf: Uint8Array | null }>(
    `select e.kind, e.leaf_index::text as leaf_index, l.leaf
     from audit_entries e left join audit_leaves l on l.leaf_index = e.leaf_index
     where e.tenant_id = $1 and e.transaction_id = $2 order by e.seq`,
    [tenantId, transactionId],
  );
  if (rows.length === 0 || rows.some((r) => r.leaf === null)) return undefined;
  // Leaves and their checkpoint commit together, so the newest checkpoint covers every leaf read.
  const head = (await latestCheckpoint(q))!;
  const get = nodeLoader(q);
  return Promise.all(
    rows.map(async (r) => {
      const index = BigInt(r.leaf_index!);
      const proof = await inclusionProof(index, head.size, get);
      return {
        kind: r.kind,
        index: Number(index),
        entry: encodeBase64(r.leaf!),
        receipt: formatReceipt({ index, proof, checkpoint: head.note }),
      };
    }),
  );
}

/**
 * Waits up to `timeoutMs` until every audit entry of the transaction is in a signed checkpoint and
 * returns a receipt for each, in the order written; null when the time runs out first.
 */
export async function awaitTransactionReceipts(
  ctx: Pick<Ctx, 'db'>,
  tenantId: string,
  transactionId: string,
  timeoutMs: number,
): Promise<EntryReceipt[] | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipts = await receiptsIfIntegrated(ctx.db, tenantId, transactionId);
    if (receipts) return receipts;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
