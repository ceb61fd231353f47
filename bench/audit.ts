/**
 * npm run bench:audit — the audit log's costs, each against a ceiling measured in the same run:
 *  1. integration throughput (outbox → leaves, sealed payloads, subtrees, signed checkpoint) on both
 *     stores, against the raw SHA-256 rate over the same leaf bytes;
 *  2. inclusion / consistency proof and receipt generation from a 1 M-leaf tree on the server store
 *     (BENCH_PROOF_SIZES=1000000,10000000 for more), against one bare primary-key lookup;
 *  3. checkpoint signing (format + signed note) against a bare Ed25519 signature of the same bytes.
 * Env: BENCH_ENTRIES (default 20000), GATEHOUSE_TEST_DATABASE_URL (default the local `test` database).
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, integratePending } from '../src/audit/index.js';
import { rootHash, verifyConsistency, verifyInclusion } from '../src/audit/formats/merkle.js';
import { formatCheckpoint, generateSignerKey, parseSignerKey, signNote } from '../src/audit/formats/note.js';
import { buildReceipt, nodeLoader, proveConsistency, proveInclusion } from '../src/audit/proofs.js';
import { resolveConfig } from '../src/config.js';
import { migrate, openDb, type Db } from '../src/db/index.js';
import { makeTransaction, STORY_OUTPUT } from '../test/helpers/factories.js';
import { fmt, percentile, withDatabase } from './lib.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 20_000);
const PROOF_SIZES = (process.env.BENCH_PROOF_SIZES ?? '1000000').split(',').map(Number);
const SAMPLES = 1_000;

/** Outbox entries shaped like intake's: the full transaction as the receipt's payload. */
async function seedOutbox(db: Db, n: number): Promise<void> {
  const at = new Date();
  for (let i = 0; i < n; i += 2_000) {
    await db.transaction((tx) =>
      appendAudit(
        tx,
        Array.from({ length: Math.min(2_000, n - i) }, (_, j) => ({
          tenantId: 'default',
          kind: 'transaction.received',
          transactionId: `tx-${Math.floor((i + j) / 4)}`,
          actor: 'bench',
          at,
          body: makeTransaction({ output: `${STORY_OUTPUT} #${i + j}` }),
        })),
      ),
    );
  }
}

/** SHA-256 over the given leaves as the integrator hashes them (RFC 9162 leaf and node hashes). */
function sha256Rate(leaves: Uint8Array[]): number {
  const t0 = performance.now();
  let rounds = 0;
  while (performance.now() - t0 < 2_000) {
    for (const l of leaves) createHash('sha256').update(Uint8Array.of(0)).update(l).digest();
    // A tree of n leaves has n - 1 interior nodes of 65 bytes each.
    const node = new Uint8Array(65);
    for (let i = 1; i < leaves.length; i++) createHash('sha256').update(node).digest();
    rounds++;
  }
  return (rounds * leaves.length) / ((performance.now() - t0) / 1000);
}

async function integration(label: string, db: Db, dataDir: string): Promise<Uint8Array[]> {
  await migrate(db);
  await seedOutbox(db, ENTRIES);
  const ctx = { db, config: resolveConfig({ dataDir }, {}), clock: () => new Date() };
  const t0 = performance.now();
  let size = 0n;
  while (size < BigInt(ENTRIES)) size = (await integratePending(ctx))?.size ?? size;
  const perSecond = ENTRIES / ((performance.now() - t0) / 1000);
  const { rows } = await db.query<{ leaf: Uint8Array }>(`select leaf from audit_leaves order by leaf_index`);
  const ceiling = sha256Rate(rows.map((r) => r.leaf));
  const avg = rows.reduce((a, r) => a + r.leaf.length, 0) / rows.length;
  console.log(
    `integrate: ${label.padEnd(9)} ${fmt(perSecond)} entries/s   ceiling sha256 ${fmt(ceiling)} entries/s` +
      `   ratio ${fmt(perSecond / ceiling, 4, 7)}   (${ENTRIES} entries, leaf ${avg.toFixed(0)} B)`,
  );
  return rows.map((r) => r.leaf);
}

// Bench leaves are as long as intake's (~254 B), so leaf rows pack onto pages as real ones do.
const LEAF_PAD = `'\\x${'20'.repeat(246)}'::bytea`;

/**
 * Builds an `n`-leaf tree inside PostgreSQL, as the integrator would have left it: leaf rows, then
 * each level of subtrees from the one below, then the tables' indexes. A bulk load in one
 * transaction (unlogged tables, indexes built once at the end, each level joined from a staging
 * table of the level below rather than from the whole subtree table); reads are unaffected.
 */
async function buildTree(db: Db, n: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`set local work_mem = '512MB'`);
    await tx.query(`set local maintenance_work_mem = '512MB'`);
    await tx.query(`alter table audit_leaves drop constraint audit_leaves_pkey`);
    await tx.query(`drop index audit_leaves_tenant`);
    await tx.query(`alter table audit_nodes drop constraint audit_nodes_pkey`);
    await tx.query(`alter table audit_leaves set unlogged`);
    await tx.query(`alter table audit_nodes set unlogged`);
    await tx.query(
      `insert into audit_leaves (leaf_index, tenant_id, leaf)
       select i, 'default', int8send(i) || ${LEAF_PAD} from generate_series(0, $1::bigint - 1) i`,
      [n],
    );
    // Level 1 straight from the leaf bytes (level 0 is the leaf hashes, computed, not stored).
    await tx.query(
      `create unlogged table bench_level as
       select j as idx, sha256('\\x01'::bytea
         || sha256('\\x00'::bytea || int8send(2 * j) || ${LEAF_PAD})
         || sha256('\\x00'::bytea || int8send(2 * j + 1) || ${LEAF_PAD})) as hash
       from generate_series(0, $1::bigint / 2 - 1) j`,
      [n],
    );
    for (let level = 1; n >> level > 0; level++) {
      await tx.query(`insert into audit_nodes (level, idx, hash) select $1, idx, hash from bench_level`, [
        level,
      ]);
      if (n >> (level + 1) === 0) break;
      await tx.query(
        `create unlogged table bench_next as
         select a.idx / 2 as idx, sha256('\\x01'::bytea || a.hash || b.hash) as hash
         from bench_level a join bench_level b on b.idx = a.idx + 1 where a.idx % 2 = 0`,
      );
      await tx.query(`drop table bench_level`);
      await tx.query(`alter table bench_next rename to bench_level`);
    }
    await tx.query(`drop table bench_level`);
    await tx.query(`alter table audit_leaves add primary key (leaf_index)`);
    await tx.query(`create index audit_leaves_tenant on audit_leaves (tenant_id, leaf_index)`);
    await tx.query(`alter table audit_nodes add primary key (level, idx)`);
  });
  // What autovacuum would have done to tables this old: statistics, hint bits, visibility map.
  await db.query(`vacuum analyze audit_leaves`);
  await db.query(`vacuum analyze audit_nodes`);
  const root = await rootHash(BigInt(n), nodeLoader(db));
  await db.query(`insert into audit_checkpoints (size, root, note, signed_at) values ($1, $2, $3, now())`, [
    n,
    Buffer.from(root),
    signNote(formatCheckpoint({ origin: 'bench/audit', size: BigInt(n), rootHash: root, extensions: [] }), [
      parseSignerKey(generateSignerKey('bench/audit').signerKey),
    ]),
  ]);
}

/** Proves and verifies one inclusion and one consistency proof, so a wrongly built tree cannot be timed. */
async function checkTree(db: Db, n: number): Promise<void> {
  const p = await proveInclusion(db, BigInt(n - 1));
  const b = (s: string) => Buffer.from(s, 'base64');
  verifyInclusion(b(p.leaf_hash), BigInt(n - 1), BigInt(n), p.proof.map(b), b(p.root_hash));
  const c = await proveConsistency(db, BigInt(Math.ceil(n / 3)));
  verifyConsistency(BigInt(c.size1), BigInt(c.size2), c.proof.map(b), b(c.root1), b(c.root2));
}

/**
 * Reads the tree's tables and indexes into the OS page cache, as a serving process's reads keep
 * them: the proofs below are timed warm, not against a table just written and evicted.
 */
async function prewarm(db: Db): Promise<void> {
  await db.query(`create extension if not exists pg_prewarm`);
  for (const rel of ['audit_leaves', 'audit_leaves_pkey', 'audit_nodes', 'audit_nodes_pkey']) {
    await db.query(`select pg_prewarm($1, 'read')`, [rel]);
  }
}

/** p50/p99 of `op` over SAMPLES calls, after SAMPLES/5 untimed ones (a running server's cache is warm). */
async function timed(op: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < SAMPLES / 5; i++) await op(i);
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await op(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

async function proofs(url: string, n: number): Promise<void> {
  const db = await openDb({ databaseUrl: url });
  try {
    await migrate(db);
    const t0 = performance.now();
    await buildTree(db, n);
    const built = (performance.now() - t0) / 1000;
    await checkTree(db, n);
    await prewarm(db);
    const rand = (max: number) => BigInt(Math.floor(Math.random() * max));
    const base = await timed(() =>
      db.query(`select hash from audit_nodes where level = 1 and idx = $1`, [rand(n / 2)]),
    );
    const rows = [
      ['baseline: one node by primary key', base],
      ['inclusion proof', await timed(() => proveInclusion(db, rand(n)))],
      ['consistency proof', await timed(() => proveConsistency(db, rand(n) + 1n))],
      ['receipt (tlog-proof)', await timed(() => buildReceipt(db, rand(n)))],
    ] as const;
    console.log(
      `proofs at ${n} leaves (tree built in SQL in ${built.toFixed(0)} s, ${SAMPLES} samples each):`,
    );
    for (const [label, r] of rows) {
      console.log(
        `  ${label.padEnd(34)} p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms  ratio ${fmt(r.p50 / base.p50, 1, 6)}`,
      );
    }
  } finally {
    await db.close();
  }
}

function signing(): void {
  const { signerKey } = generateSignerKey('bench/audit');
  const signer = parseSignerKey(signerKey);
  const seed = Buffer.from(signerKey.split('+').slice(4).join('+'), 'base64').subarray(1);
  const raw = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const root = createHash('sha256').update('root').digest();
  const body = formatCheckpoint({
    origin: 'bench/audit',
    size: 123_456_789n,
    rootHash: root,
    extensions: [],
  });
  const rate = (op: () => void) => {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < 1_500) {
      op();
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  const ceiling = rate(() => sign(null, Buffer.from(body), raw));
  let size = 0n;
  const full = rate(() =>
    signNote(formatCheckpoint({ origin: 'bench/audit', size: size++, rootHash: root, extensions: [] }), [
      signer,
    ]),
  );
  console.log(
    `sign checkpoint: ${fmt(full)} /s   ceiling bare Ed25519 sign ${fmt(ceiling)} /s   ratio ${fmt(full / ceiling, 2, 6)}`,
  );
}

signing();
const dir = mkdtempSync(join(tmpdir(), 'gh-bench-audit-'));
try {
  await withDatabase('audit', async (url) => {
    const db = await openDb({ databaseUrl: url });
    try {
      await integration('server', db, dir);
    } finally {
      await db.close();
    }
  });
  const embedded = await openDb({ dataDir: join(dir, 'db') });
  try {
    await integration('embedded', embedded, dir);
  } finally {
    await embedded.close();
  }
  for (const n of PROOF_SIZES) await withDatabase('audit', (url) => proofs(url, n));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
