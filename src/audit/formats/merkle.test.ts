import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  MAX_TREE_SIZE,
  ProofError,
  appendLeaves,
  compactRangeIds,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  readCompactRange,
  rootHash,
  verifyConsistency,
  verifyInclusion,
  type GetNode,
  type StoredNode,
} from './merkle.js';

// The shared vectors file (see its `_about`); tree sizes and indices above 2^53 are quoted before
// parsing so that `leafIdx: 18446744073709551615` survives as a bigint.
const VECTORS_PATH = resolve(import.meta.dirname, '../../../test/vectors/merkle-vectors.json');
const V: any = JSON.parse(
  readFileSync(VECTORS_PATH, 'utf8').replace(/"(leafIdx|treeSize|size1|size2)": (\d+)/g, '"$1": "$2"'),
);

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);
// Vitest compares typed arrays element by element, which is slow in the sweeps below; hex is not.
const hexMap = (m: Map<string, Uint8Array>) => new Map([...m].map(([k, v]) => [k, toHex(v)]));

/** MTH, PATH and PROOF straight from the recursive definitions of RFC 9162 §2.1, over leaf hashes. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function mth(l: Uint8Array[]): Uint8Array {
  if (l.length === 0) return EMPTY_ROOT;
  if (l.length === 1) return l[0]!;
  const k = split(l.length);
  return nodeHash(mth(l.slice(0, k)), mth(l.slice(k)));
}
function refPath(m: number, l: Uint8Array[]): Uint8Array[] {
  if (l.length <= 1) return [];
  const k = split(l.length);
  return m < k
    ? [...refPath(m, l.slice(0, k)), mth(l.slice(k))]
    : [...refPath(m - k, l.slice(k)), mth(l.slice(0, k))];
}
function refSubproof(m: number, l: Uint8Array[], b: boolean): Uint8Array[] {
  if (m === l.length) return b ? [] : [mth(l)];
  const k = split(l.length);
  return m <= k
    ? [...refSubproof(m, l.slice(0, k), b), mth(l.slice(k))]
    : [...refSubproof(m - k, l.slice(k), false), mth(l.slice(0, k))];
}

/** A node store for `leaves`, built by appendLeaves; `at(size)` serves only nodes complete at size. */
function storeOf(leaves: Uint8Array[]) {
  const map = new Map<string, Uint8Array>();
  for (const n of appendLeaves(0n, [], leaves).nodes) map.set(`${n.level}/${n.index}`, n.hash);
  let calls = 0;
  const at =
    (size: bigint): GetNode =>
    async (level, index) => {
      calls++;
      if ((index + 1n) << BigInt(level) > size)
        throw new Error(`node ${level}/${index} is not in size ${size}`);
      const h = map.get(`${level}/${index}`);
      if (!h) throw new Error(`node ${level}/${index} was never stored`);
      return h;
    };
  return { map, at, calls: () => calls, reset: () => (calls = 0) };
}

const rejects = (f: () => void) => expect(f).toThrow(ProofError);

/** The positions of the calls that did not throw a ProofError (cheaper than one expect per call). */
function accepted(calls: Array<() => void>): number[] {
  return calls.flatMap((f, i) => {
    try {
      f();
      return [i];
    } catch (err) {
      return err instanceof ProofError ? [] : [i];
    }
  });
}

describe('hashing (RFC 9162 §2.1.1)', () => {
  it.each(V.hash_kats as any[])('$desc', (k) => {
    const got =
      k.kind === 'empty_root'
        ? EMPTY_ROOT
        : k.kind === 'leaf'
          ? leafHash(k.data_utf8 !== undefined ? utf8(k.data_utf8) : hex(k.data_hex))
          : nodeHash(utf8(k.left_utf8), utf8(k.right_utf8));
    expect(toHex(got)).toBe(k.want_hex);
  });
});

describe('the RFC 6962 reference tree', () => {
  const ref = V.rfc6962_reference_tree;
  const leaves = (ref.leaves_hex as string[]).map((h) => leafHash(hex(h)));
  const store = storeOf(leaves);

  it('stores exactly the reference node hashes, level by level', () => {
    (ref.node_hashes_hex_by_level as string[][]).forEach((level, l) =>
      level.forEach((h, i) => expect(toHex(store.map.get(`${l}/${i}`)!)).toBe(h)),
    );
    expect(store.map.size).toBe(8 + 4 + 2 + 1);
  });

  it('has the reference root at every size 0–8, from stored nodes and from appends', async () => {
    for (const [size, want] of (ref.roots_hex_by_size as string[]).entries()) {
      expect(toHex(await rootHash(BigInt(size), store.at(BigInt(size))))).toBe(want);
      expect(toHex(appendLeaves(0n, [], leaves.slice(0, size)).root)).toBe(want);
    }
  });

  it('generates and verifies the CT inclusion paths', async () => {
    const [invalid, ...vectors] = V.inclusion_kats.vectors as any[];
    expect(invalid).toMatchObject({ leaf: 0, snapshot: 0 });
    await expect(inclusionProof(-1n, 0n, store.at(0n))).rejects.toThrow(ProofError);
    for (const v of vectors) {
      const [index, size] = [BigInt(v.leaf - 1), BigInt(v.snapshot)];
      const proof = await inclusionProof(index, size, store.at(size));
      expect(proof.map(toHex)).toEqual(v.path_hex);
      verifyInclusion(leaves[v.leaf - 1]!, index, size, proof, hex(ref.roots_hex_by_size[v.snapshot]));
    }
  });

  it('generates and verifies the CT consistency proofs', async () => {
    for (const v of V.consistency_kats.vectors as any[]) {
      const [m, n] = [BigInt(v.snapshot1), BigInt(v.snapshot2)];
      const proof = await consistencyProof(m, n, store.at(n));
      expect(proof.map(toHex)).toEqual(v.proof_hex);
      const roots = ref.roots_hex_by_size as string[];
      verifyConsistency(m, n, proof, hex(roots[v.snapshot1]!), hex(roots[v.snapshot2]!));
    }
  });
});

describe('transparency-dev probes', () => {
  const decode = (p: string[] | null) => (p ?? []).map(b64);
  it.each(V.transparency_dev_probes.inclusion as any[])('inclusion $file', (p) => {
    const run = () =>
      verifyInclusion(b64(p.leafHash), BigInt(p.leafIdx), BigInt(p.treeSize), decode(p.proof), b64(p.root));
    if (p.wantErr) rejects(run);
    else run();
  });
  it.each(V.transparency_dev_probes.consistency as any[])('consistency $file', (p) => {
    const run = () =>
      verifyConsistency(BigInt(p.size1), BigInt(p.size2), decode(p.proof), b64(p.root1), b64(p.root2));
    if (p.wantErr) rejects(run);
    else run();
  });
});

const N = 64;
const EVERY_BYTE_UP_TO = 16;

/** The values within [lo, hi] one step or one flipped bit away from x, or twice or half x. */
function near(x: number, lo: number, hi: number): number[] {
  const all = [x - 1, x + 1, 2 * x, x >> 1, ...range(0, 6).map((b) => x ^ (1 << b))];
  return [...new Set(all)].filter((v) => v !== x && v >= lo && v <= hi);
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * One-byte changes to a proof (XOR 0x01): every byte of every hash when `everyByte`, else the first,
 * the last and one more byte of each hash (which keeps the 1..64 sweep fast); then a dropped, an
 * appended and a prepended hash.
 */
function* tampered(proof: Uint8Array[], everyByte: boolean) {
  for (let j = 0; j < proof.length; j++) {
    const bytes = everyByte ? range(0, 31) : [0, 31, (j * 7 + proof.length) % 30];
    for (const b of bytes) {
      const copy = proof.map((h) => h.slice());
      copy[j]![b]! ^= 0x01;
      yield copy;
    }
  }
  if (proof.length > 0) yield proof.slice(0, -1);
  yield [...proof, EMPTY_ROOT];
  yield [EMPTY_ROOT, ...proof];
}

// A proof binds the tree size only through its shape (the signed checkpoint binds size to root), so a
// changed size is checked against the genuine root at that size: no proof verifies for another tree
// head. Indices and sizes that are out of range for the proof are the probes' job, not this sweep's.
describe(`every proof in every tree of 1..${N} leaves`, () => {
  const leaves = Array.from({ length: N }, (_, i) => leafHash(utf8(`entry ${i}`)));
  const roots = Array.from({ length: N + 1 }, (_, n) => mth(leaves.slice(0, n)));
  const store = storeOf(leaves);
  const logN = (n: number) => Math.max(1, Math.ceil(Math.log2(n)));

  it('inclusion: matches PATH, verifies, reads O(log n) nodes, and rejects any change', async () => {
    let checked = 0;
    for (let n = 1; n <= N; n++) {
      expect(toHex(await rootHash(BigInt(n), store.at(BigInt(n))))).toBe(toHex(roots[n]!));
      for (let m = 0; m < n; m++) {
        store.reset();
        const proof = await inclusionProof(BigInt(m), BigInt(n), store.at(BigInt(n)));
        expect(store.calls()).toBeLessThanOrEqual(2 * logN(n));
        expect(proof.map(toHex)).toEqual(refPath(m, leaves.slice(0, n)).map(toHex));
        const verify = (p: Uint8Array[], i = m, s = n, leaf = leaves[m]!, root = roots[n]!) =>
          verifyInclusion(leaf, BigInt(i), BigInt(s), p, root);
        verify(proof);
        const bad: Array<() => void> = [
          ...[...tampered(proof, n <= EVERY_BYTE_UP_TO)].map((p) => () => verify(p)),
          ...near(m, 0, n - 1).map((i) => () => verify(proof, i)),
          ...near(n, m + 1, N).map((s) => () => verify(proof, m, s, leaves[m], roots[s])),
          () => verify(proof, m, n, leaves[(m + 1) % N]),
          () => verify(proof, m, n, leaves[m], roots[n - 1]),
        ];
        expect(accepted(bad)).toEqual([]);
        checked += bad.length;
      }
    }
    expect(checked).toBeGreaterThan(80_000);
  });

  it('consistency: matches PROOF, verifies, reads O(log n) nodes, and rejects any change', async () => {
    let checked = 0;
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        store.reset();
        const proof = await consistencyProof(BigInt(m), BigInt(n), store.at(BigInt(n)));
        expect(store.calls()).toBeLessThanOrEqual(3 * logN(n));
        expect(proof.map(toHex)).toEqual(refSubproof(m, leaves.slice(0, n), true).map(toHex));
        const verify = (p: Uint8Array[], s1 = m, s2 = n, r1 = roots[m]!, r2 = roots[n]!) =>
          verifyConsistency(BigInt(s1), BigInt(s2), p, r1, r2);
        verify(proof);
        const bad: Array<() => void> = [
          ...[...tampered(proof, n <= EVERY_BYTE_UP_TO)].map((p) => () => verify(p)),
          ...near(m, 1, n).map((s) => () => verify(proof, s, n, roots[s])),
          ...near(n, m, N).map((s) => () => verify(proof, m, s, roots[m], roots[s])),
          () => verify(proof, m, n, roots[m - 1]),
          () => verify(proof, m, n, roots[m], roots[n - 1]),
        ];
        expect(accepted(bad)).toEqual([]);
        checked += bad.length;
      }
    }
    expect(checked).toBeGreaterThan(80_000);
  });
});

describe('appendLeaves', () => {
  // A small deterministic PRNG, so a failure replays.
  let seed = 0x9e3779b9;
  const random = (below: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % below;
  };
  const leaves = Array.from({ length: 300 }, (_, i) => leafHash(utf8(`leaf ${i}`)));

  it('in random batches stores the same nodes and reaches the same roots as one batch', async () => {
    const scratch = storeOf(leaves).map;
    for (let round = 0; round < 20; round++) {
      const stored = new Map<string, Uint8Array>();
      const getNode: GetNode = async (l, i) => stored.get(`${l}/${i}`)!;
      let [size, border] = [0n, [] as Uint8Array[]];
      while (size < BigInt(leaves.length)) {
        const batch = leaves.slice(Number(size), Number(size) + random(40));
        // Half the time the border comes from storage rather than the previous result.
        if (random(2) === 0) border = await readCompactRange(size, getNode);
        const out = appendLeaves(size, border, batch);
        for (const n of out.nodes) {
          expect(stored.has(`${n.level}/${n.index}`)).toBe(false);
          stored.set(`${n.level}/${n.index}`, n.hash);
        }
        [size, border] = [out.size, out.compactRange];
        expect(toHex(out.root)).toBe(toHex(mth(leaves.slice(0, Number(size)))));
        expect(toHex(await rootHash(size, getNode))).toBe(toHex(out.root));
      }
      expect(hexMap(stored)).toEqual(hexMap(scratch));
    }
  });

  it('stores every complete subtree and nothing else', () => {
    const out = appendLeaves(0n, [], leaves.slice(0, 13));
    const want: StoredNode[] = [];
    for (let level = 0; 1 << level <= 13; level++) {
      for (let i = 0; (i + 1) << level <= 13; i++) {
        want.push({ level, index: BigInt(i), hash: mth(leaves.slice(i << level, (i + 1) << level)) });
      }
    }
    const key = (n: StoredNode) => `${n.level}/${n.index}`;
    expect([...out.nodes].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      want.sort((a, b) => key(a).localeCompare(key(b))),
    );
    expect(compactRangeIds(13n)).toEqual([
      { level: 3, index: 0n },
      { level: 2, index: 2n },
      { level: 0, index: 12n },
    ]);
  });

  it('refuses a border of the wrong shape and hashes of the wrong size', () => {
    rejects(() => appendLeaves(3n, [EMPTY_ROOT], []));
    rejects(() => appendLeaves(0n, [], [new Uint8Array(31)]));
    rejects(() => appendLeaves(MAX_TREE_SIZE, new Array(64).fill(EMPTY_ROOT), [EMPTY_ROOT]));
  });
});

describe('sizes beyond 2^53', () => {
  // With identical leaves every node on a level has the same hash, so huge trees stay consistent.
  const levels = [leafHash(utf8('same'))];
  for (let l = 1; l <= 64; l++) levels.push(nodeHash(levels[l - 1]!, levels[l - 1]!));
  const getNode: GetNode = async (level) => levels[level]!;

  it('proves and verifies inclusion and consistency near 2^63', async () => {
    const size = (1n << 63n) + 999n;
    const root = await rootHash(size, getNode);
    for (const index of [0n, (1n << 62n) + 12345n, size - 1n]) {
      verifyInclusion(levels[0]!, index, size, await inclusionProof(index, size, getNode), root);
    }
    const size1 = (1n << 61n) + 7n;
    const proof = await consistencyProof(size1, size, getNode);
    verifyConsistency(size1, size, proof, await rootHash(size1, getNode), root);
  });

  it('refuses sizes and indices outside uint64, and impossible proof requests', async () => {
    rejects(() => verifyInclusion(levels[0]!, 0n, MAX_TREE_SIZE + 1n, [], levels[0]!));
    rejects(() => verifyConsistency(1n, MAX_TREE_SIZE + 1n, [levels[0]!], levels[0]!, levels[0]!));
    await expect(inclusionProof(5n, 5n, getNode)).rejects.toThrow(ProofError);
    await expect(consistencyProof(0n, 5n, getNode)).rejects.toThrow(ProofError);
    await expect(consistencyProof(6n, 5n, getNode)).rejects.toThrow(ProofError);
    await expect(rootHash(-1n, getNode)).rejects.toThrow(ProofError);
    expect(await consistencyProof(5n, 5n, getNode)).toEqual([]);
  });
});
