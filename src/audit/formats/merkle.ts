import { createHash } from 'node:crypto';

// The audit log's Merkle tree, per RFC 9162 §2.1 (the RFC 6962 tree, unchanged). Pure: storage is
// reached only through the `getNode` callback, which returns the hash of a complete, aligned
// subtree. Sizes and indices are bigint because RFC 9162 trees are uint64-sized.

/** Length in bytes of every tree hash (SHA-256, RFC 9162 §2.1). */
export const HASH_SIZE = 32;

/** The largest tree size or leaf index a proof may name (RFC 9162 uses uint64). */
export const MAX_TREE_SIZE = (1n << 64n) - 1n;

/** A complete, aligned subtree: level L, index i covers leaves [i·2^L, (i+1)·2^L). */
export interface NodeId {
  level: number;
  index: bigint;
}

/** A complete subtree and its hash, as the integrator stores it. */
export interface StoredNode extends NodeId {
  hash: Uint8Array;
}

/** Returns the stored hash of a complete subtree; only ever asked for nodes inside the tree. */
export type GetNode = (level: number, index: bigint) => Promise<Uint8Array>;

/** Why a proof was refused (or could not be built). */
export type ProofErrorReason = 'out_of_range' | 'bad_hash_size' | 'bad_proof_size' | 'root_mismatch';

/** A proof that does not verify, or a request for a proof that cannot exist. */
export class ProofError extends Error {
  constructor(
    readonly reason: ProofErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'ProofError';
  }
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** The root hash of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Uint8Array = sha256();

/** The hash of one log entry: SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1). */
export function leafHash(entry: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, entry);
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function isPowerOfTwo(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

/** k in RFC 9162 §2.1.1: the largest power of two smaller than n (n ≥ 2). */
function splitPoint(n: bigint): bigint {
  return 1n << BigInt(bitLength(n - 1n) - 1);
}

function checkUint64(name: string, value: bigint): void {
  if (value < 0n || value > MAX_TREE_SIZE) {
    throw new ProofError('out_of_range', `${name} ${value} is not a uint64`);
  }
}

function checkHashSizes(what: string, hashes: readonly Uint8Array[]): void {
  const i = hashes.findIndex((h) => h.length !== HASH_SIZE);
  if (i >= 0) throw new ProofError('bad_hash_size', `${what}[${i}] is not ${HASH_SIZE} bytes`);
}

/**
 * The complete subtrees that make up leaves [begin, end), largest first, for a range produced by
 * the RFC 9162 §2.1.1 split (begin is a multiple of the largest power of two not above end-begin).
 */
function rangeNodes(begin: bigint, end: bigint): NodeId[] {
  const nodes: NodeId[] = [];
  let at = begin;
  for (let level = bitLength(end - begin) - 1; level >= 0; level--) {
    const width = 1n << BigInt(level);
    if (((end - begin) & width) === 0n) continue;
    nodes.push({ level, index: at >> BigInt(level) });
    at += width;
  }
  return nodes;
}

/** MTH of adjacent subtrees, largest first: the right-edge ones hash in from the right (§2.1.1). */
function foldRight(hashes: readonly Uint8Array[]): Uint8Array {
  // A fresh empty root each time, so no caller can alter EMPTY_ROOT through a result.
  if (hashes.length === 0) return sha256();
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

async function rangeHash(begin: bigint, end: bigint, getNode: GetNode): Promise<Uint8Array> {
  const nodes = rangeNodes(begin, end);
  return foldRight(await Promise.all(nodes.map((n) => getNode(n.level, n.index))));
}

type Range = readonly [begin: bigint, end: bigint];

/** The subtrees whose hashes form PATH(index, D[0:size]), leaf's sibling first (RFC 9162 §2.1.3.1). */
function inclusionRanges(index: bigint, size: bigint): Range[] {
  const ranges: Range[] = [];
  let [begin, end] = [0n, size];
  while (end - begin > 1n) {
    const k = splitPoint(end - begin);
    if (index < begin + k) {
      ranges.push([begin + k, end]);
      end = begin + k;
    } else {
      ranges.push([begin, begin + k]);
      begin += k;
    }
  }
  return ranges.reverse();
}

/** The subtrees whose hashes form PROOF(size1, D[0:size2]), deepest first (RFC 9162 §2.1.4.1). */
function consistencyRanges(size1: bigint, size2: bigint): Range[] {
  const ranges: Range[] = [];
  let [begin, end, wholeTree] = [0n, size2, true];
  // SUBPROOF(m, D[m], b): nothing when b is true, else MTH(D[m]); `end === size1` is "m == n".
  while (end !== size1) {
    const k = splitPoint(end - begin);
    if (size1 - begin <= k) {
      ranges.push([begin + k, end]);
      end = begin + k;
    } else {
      ranges.push([begin, begin + k]);
      begin += k;
      wholeTree = false;
    }
  }
  if (!wholeTree) ranges.push([begin, end]);
  return ranges.reverse();
}

/**
 * The inclusion proof for leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1), leaf's
 * sibling first. Reads O(log size) stored nodes; throws ProofError unless 0 ≤ index < size.
 */
export async function inclusionProof(index: bigint, size: bigint, getNode: GetNode): Promise<Uint8Array[]> {
  checkUint64('tree size', size);
  if (index < 0n || index >= size) {
    throw new ProofError('out_of_range', `index ${index} is not in a tree of size ${size}`);
  }
  return Promise.all(inclusionRanges(index, size).map(([b, e]) => rangeHash(b, e, getNode)));
}

/**
 * The consistency proof from tree size `size1` to `size2` (RFC 9162 §2.1.4.1); empty when the sizes
 * are equal. Reads O(log size2) stored nodes; throws ProofError unless 0 < size1 ≤ size2.
 */
export async function consistencyProof(
  size1: bigint,
  size2: bigint,
  getNode: GetNode,
): Promise<Uint8Array[]> {
  checkUint64('tree size', size2);
  if (size1 <= 0n || size1 > size2) {
    throw new ProofError('out_of_range', `no consistency proof from size ${size1} to size ${size2}`);
  }
  return Promise.all(consistencyRanges(size1, size2).map(([b, e]) => rangeHash(b, e, getNode)));
}

/** MTH of the first `size` leaves (RFC 9162 §2.1.1); EMPTY_ROOT for size 0. Reads popcount(size) nodes. */
export async function rootHash(size: bigint, getNode: GetNode): Promise<Uint8Array> {
  checkUint64('tree size', size);
  return rangeHash(0n, size, getNode);
}

/**
 * Checks an inclusion proof exactly as RFC 9162 §2.1.3.2 says; returns normally when `leaf` (a leaf
 * hash) is at `index` in the tree of `size` leaves whose root is `root`, else throws ProofError.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: bigint,
  size: bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkUint64('tree size', size);
  checkUint64('leaf index', index);
  // Step 1.
  if (index >= size) throw new ProofError('out_of_range', `index ${index} is not below tree size ${size}`);
  // The RFC leaves hash sizes implicit; without this an empty leaf "verifies" against an empty root.
  checkHashSizes('leaf hash', [leaf]);
  checkHashSizes('proof', proof);
  // Steps 2–4.
  let [fn, sn, r] = [index, size - 1n, leaf];
  for (const p of proof) {
    if (sn === 0n) throw new ProofError('bad_proof_size', 'inclusion proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) [fn, sn] = [fn >> 1n, sn >> 1n];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [fn >> 1n, sn >> 1n];
  }
  // Step 5: sn must have reached 0, or the proof was too short.
  if (sn !== 0n) throw new ProofError('bad_proof_size', 'inclusion proof is shorter than the path');
  if (!bytesEqual(r, root)) throw new ProofError('root_mismatch', `root at size ${size} does not match`);
}

/**
 * Checks a consistency proof exactly as RFC 9162 §2.1.4.2 says; returns normally when the tree of
 * `size2` leaves with root `root2` extends the tree of `size1` leaves with root `root1`, else throws
 * ProofError. Equal sizes need an empty proof and equal roots; size1 = 0 is always refused.
 */
export function verifyConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkUint64('tree size', size1);
  checkUint64('tree size', size2);
  if (size1 > size2) throw new ProofError('out_of_range', `tree size ${size1} is above ${size2}`);
  // §2.1.4.2 requires 0 < first: the empty tree is no prefix of anything, so a "proof" from it proves
  // nothing (transparency-dev/merkle#236 refuses it even when size2 = 0).
  if (size1 === 0n) throw new ProofError('out_of_range', 'no consistency proof from the empty tree');
  checkHashSizes('proof', proof);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('bad_proof_size', 'equal sizes need an empty proof');
    if (!bytesEqual(root1, root2)) throw new ProofError('root_mismatch', `roots at size ${size1} differ`);
    return;
  }
  // Step 1.
  if (proof.length === 0) throw new ProofError('bad_proof_size', 'consistency proof is empty');
  // Step 2.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // Steps 3–4.
  let [fn, sn] = [size1 - 1n, size2 - 1n];
  while ((fn & 1n) === 1n) [fn, sn] = [fn >> 1n, sn >> 1n];
  // Steps 5–6.
  let [fr, sr] = [path[0]!, path[0]!];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new ProofError('bad_proof_size', 'consistency proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) [fn, sn] = [fn >> 1n, sn >> 1n];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [fn >> 1n, sn >> 1n];
  }
  // Step 7.
  if (sn !== 0n) throw new ProofError('bad_proof_size', 'consistency proof is shorter than the path');
  if (!bytesEqual(fr, root1)) throw new ProofError('root_mismatch', `root at size ${size1} does not match`);
  if (!bytesEqual(sr, root2)) throw new ProofError('root_mismatch', `root at size ${size2} does not match`);
}

/** The right border of a tree of `size` leaves: one complete subtree per set bit, largest first. */
export function compactRangeIds(size: bigint): NodeId[] {
  checkUint64('tree size', size);
  return rangeNodes(0n, size);
}

/** Reads the right border of a tree of `size` leaves (the compactRangeIds) through getNode. */
export async function readCompactRange(size: bigint, getNode: GetNode): Promise<Uint8Array[]> {
  return Promise.all(compactRangeIds(size).map((n) => getNode(n.level, n.index)));
}

/** What appending a batch produced: every new complete subtree to store, and the new tree head. */
export interface AppendResult {
  size: bigint;
  root: Uint8Array;
  /** Leaves (level 0) and every subtree the batch completed, in the order they completed. */
  nodes: StoredNode[];
  /** The right border of the new tree, for the next batch. */
  compactRange: Uint8Array[];
}

/**
 * Appends leaf hashes to a tree of `size` leaves whose right border is `compactRange` (hashes of
 * compactRangeIds(size), trusted as given). Costs O(batch + log size) hashes; throws ProofError
 * when the border has the wrong shape or a hash is not 32 bytes.
 */
export function appendLeaves(
  size: bigint,
  compactRange: readonly Uint8Array[],
  leafHashes: readonly Uint8Array[],
): AppendResult {
  const ids = compactRangeIds(size);
  if (compactRange.length !== ids.length) {
    throw new ProofError(
      'bad_proof_size',
      `size ${size} has ${ids.length} border nodes, got ${compactRange.length}`,
    );
  }
  checkHashSizes('compact range', compactRange);
  checkHashSizes('leaf hash', leafHashes);
  checkUint64('tree size', size + BigInt(leafHashes.length));
  const stack = ids.map((id, i) => ({ level: id.level, hash: compactRange[i]! }));
  const nodes: StoredNode[] = [];
  let n = size;
  for (const hash of leafHashes) {
    nodes.push({ level: 0, index: n, hash });
    stack.push({ level: 0, hash });
    n += 1n;
    // Two border subtrees of equal height are siblings: merge them into their now-complete parent.
    while (stack.length >= 2 && stack[stack.length - 1]!.level === stack[stack.length - 2]!.level) {
      const right = stack.pop()!;
      const left = stack.pop()!;
      const level = left.level + 1;
      const merged = { level, index: (n >> BigInt(level)) - 1n, hash: nodeHash(left.hash, right.hash) };
      nodes.push(merged);
      stack.push({ level, hash: merged.hash });
    }
  }
  const border = stack.map((s) => s.hash);
  return { size: n, root: foldRight(border), nodes, compactRange: border };
}
