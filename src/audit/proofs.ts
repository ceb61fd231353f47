import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';
import { consistencyProof, inclusionProof, leafHash, rootHash, type GetNode } from './formats/merkle.js';
import { encodeBase64 } from './formats/note.js';
import { latestCheckpoint, readLeaf, readNodes, type CheckpointRow } from './queries.js';
import { formatReceipt } from './formats/receipt.js';

// Proofs served from the stored complete subtrees. A proof touches O(log n) nodes, fetched in one
// query: merkle.ts asks for all of them synchronously, and the loader answers them together.

/** A GetNode that batches every request made in one tick into one query. */
export function nodeLoader(q: Queryable): GetNode {
  let pending: {
    level: number;
    index: bigint;
    resolve: (h: Uint8Array) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const found = await readNodes(q, batch);
      for (const p of batch) {
        const h = found.get(`${p.level}/${p.index}`);
        if (h) p.resolve(h);
        else p.reject(new GatehouseError('internal', `audit tree node ${p.level}/${p.index} is missing`));
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  };
  return (level, index) =>
    new Promise((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(() => void flush());
      pending.push({ level, index, resolve, reject });
    });
}

/** The newest signed checkpoint; throws audit_not_integrated before the first. */
export async function currentCheckpoint(q: Queryable): Promise<CheckpointRow> {
  const head = await latestCheckpoint(q);
  if (!head) throw new GatehouseError('audit_not_integrated', 'no audit checkpoint has been signed yet');
  return head;
}

const b64 = encodeBase64;

// JSON numbers are exact up to 2^53 leaves, far beyond any log this service will hold, and generic
// verifiers expect numbers; the code itself keeps bigint throughout.

/** An entry as the API shows it: `entry` is base64 of the exact bytes hashed into the leaf. */
export interface EntryView {
  index: number;
  entry: string;
  leaf_hash: string;
}

/** The leaf at `index` if it belongs to `tenantId`; not_found otherwise (other tenants' too). */
export async function getLeafEntry(q: Queryable, tenantId: string, index: bigint): Promise<EntryView> {
  const row = await readLeaf(q, index);
  if (!row || row.tenantId !== tenantId) throw new GatehouseError('not_found', `no audit entry ${index}`);
  return { index: Number(index), entry: b64(row.leaf), leaf_hash: b64(leafHash(row.leaf)) };
}

function checkSize(size: bigint, head: CheckpointRow, what: string): void {
  if (size > head.size) {
    throw new GatehouseError(
      'invalid_request',
      `${what} ${size} is beyond the signed tree size ${head.size}`,
      [{ pointer: `/${what}`, detail: `at most ${head.size}` }],
    );
  }
}

/** `{leaf_index, tree_size, leaf_hash, root_hash, proof}` for `index` in the tree of `size` (default: latest). */
export async function proveInclusion(q: Queryable, index: bigint, size?: bigint) {
  const head = await currentCheckpoint(q);
  const treeSize = size ?? head.size;
  checkSize(treeSize, head, 'size');
  if (index >= treeSize) {
    throw new GatehouseError('invalid_request', `index ${index} is not below tree size ${treeSize}`, [
      { pointer: '/index', detail: `below ${treeSize}` },
    ]);
  }
  const get = nodeLoader(q);
  const [leaf, root, proof] = await Promise.all([
    get(0, index),
    rootHash(treeSize, get),
    inclusionProof(index, treeSize, get),
  ]);
  return {
    leaf_index: Number(index),
    tree_size: Number(treeSize),
    leaf_hash: b64(leaf),
    root_hash: b64(root),
    proof: proof.map(b64),
  };
}

/** `{size1, size2, root1, root2, proof}` from tree size `from` to `to` (default: latest). */
export async function proveConsistency(q: Queryable, from: bigint, to?: bigint) {
  const head = await currentCheckpoint(q);
  const size2 = to ?? head.size;
  checkSize(size2, head, 'to');
  if (from < 1n || from > size2) {
    throw new GatehouseError('invalid_request', `no consistency proof from size ${from} to ${size2}`, [
      { pointer: '/from', detail: `between 1 and ${size2}` },
    ]);
  }
  const get = nodeLoader(q);
  const [root1, root2, proof] = await Promise.all([
    rootHash(from, get),
    rootHash(size2, get),
    consistencyProof(from, size2, get),
  ]);
  return {
    size1: Number(from),
    size2: Number(size2),
    root1: b64(root1),
    root2: b64(root2),
    proof: proof.map(b64),
  };
}

/** The C2SP tlog-proof receipt for leaf `index` against the newest checkpoint. */
export async function buildReceipt(q: Queryable, index: bigint): Promise<string> {
  const head = await currentCheckpoint(q);
  if (index >= head.size) {
    throw new GatehouseError(
      'audit_not_integrated',
      `audit entry ${index} is not in a signed checkpoint yet`,
    );
  }
  const proof = await inclusionProof(index, head.size, nodeLoader(q));
  return formatReceipt({ index, proof, checkpoint: head.note });
}
