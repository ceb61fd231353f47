import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAuditLog } from '../src/audit/check.js';
import { appendAudit, integrateBatch } from '../src/audit/index.js';
import { verifyConsistency, verifyInclusion } from '../src/audit/formats/merkle.js';
import {
  decodeBase64,
  openCheckpoint,
  parseVerifierKey,
  type NoteVerifier,
} from '../src/audit/formats/note.js';
import { proveConsistency, proveInclusion } from '../src/audit/proofs.js';
import { resolveConfig } from '../src/config.js';
import { migrate, type Db } from '../src/db/index.js';
import { makeTransaction } from './helpers/factories.js';
import { call, spawnGatehouse, type ChildServer } from './helpers/process.js';
import { ADMIN_KEY } from './helpers/server.js';
import { freshStore, STORE, type TestStore } from './helpers/store.js';

const b64 = (s: string) => decodeBase64(s, 'test');

async function signedSize(url: string, verifiers: NoteVerifier[]): Promise<bigint> {
  const res = await fetch(url + '/v1/audit/checkpoint', {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  if (res.status !== 200) return -1n;
  return openCheckpoint(await res.text(), verifiers).checkpoint.size;
}

// Real processes integrate on their own one-second timer, so these tests wait on the signed
// checkpoint itself, with a deadline instead of a fixed sleep.
async function until(what: string, ok: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function vkeys(url: string): Promise<NoteVerifier[]> {
  const res = await fetch(url + '/v1/audit/key', { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return (await res.text()).trim().split('\n').map(parseVerifierKey);
}

/**
 * Every outbox row has exactly one leaf, the indices are 0..n-1, the recomputed tree matches every
 * signed checkpoint, and each leaf (every `step`-th one) proves into the tree.
 */
async function expectWholeLog(db: Db, verifiers: NoteVerifier[], step = 1): Promise<number> {
  const { rows } = await db.query<{ n: number; pending: number; lo: number; hi: number; distinct: number }>(
    `select count(*)::int as n, count(*) filter (where leaf_index is null)::int as pending,
            min(leaf_index)::int as lo, max(leaf_index)::int as hi, count(distinct leaf_index)::int as distinct
     from audit_entries`,
  );
  const r = rows[0]!;
  expect(r).toMatchObject({ pending: 0, lo: 0, hi: r.n - 1, distinct: r.n });
  const report = await checkAuditLog(db, verifiers);
  expect(report.problems).toEqual([]);
  expect(report.size).toBe(r.n);
  for (let i = 0; i < r.n; i += step) {
    const p = await proveInclusion(db, BigInt(i));
    verifyInclusion(b64(p.leaf_hash), BigInt(i), BigInt(p.tree_size), p.proof.map(b64), b64(p.root_hash));
  }
  return r.n;
}

describe.runIf(STORE === 'postgres')('two processes appending while integrating (postgres)', () => {
  let store: TestStore;
  let servers: ChildServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.drop();
  });

  it('gives every entry exactly one contiguous leaf index, and every entry is provable', async () => {
    store = await freshStore();
    const env = { GATEHOUSE_ADMIN_KEY: ADMIN_KEY, GATEHOUSE_DATA_DIR: store.dataDir };
    servers = await Promise.all(
      [0, 1].map(() => spawnGatehouse(['--database-url', store.databaseUrl!], env)),
    );
    const urls = servers.map((s) => s.url);
    const db = await store.open();
    try {
      const config = resolveConfig({ databaseUrl: store.databaseUrl, dataDir: store.dataDir }, {});
      const ctx = { db, config, clock: () => new Date() };
      // A third integrator, in this process, competes for the lock while both servers take traffic.
      let sending = true;
      const racing = (async () => {
        while (sending) await integrateBatch(ctx, 50);
      })();
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < 300) {
            const i = next++;
            const res = await call(urls[i % 2]!, ADMIN_KEY, 'POST', '/v1/transactions', makeTransaction());
            expect(res.status).toBe(201);
          }
        }),
      );
      sending = false;
      await racing;
      const verifiers = await vkeys(urls[0]!);
      const { rows } = await db.query<{ n: string }>(`select count(*)::text as n from audit_entries`);
      await until('both servers to integrate everything', async () => {
        const sizes = await Promise.all(urls.map((u) => signedSize(u, verifiers)));
        return sizes.every((s) => s === BigInt(rows[0]!.n));
      });
      expect(await expectWholeLog(db, verifiers)).toBeGreaterThanOrEqual(900);
    } finally {
      await db.close();
    }
  });
});

describe(`kill -9 during integration (${STORE})`, () => {
  let store: TestStore | undefined;
  afterAll(async () => {
    await store?.drop();
  });

  it('restarts into a consistent log that extends every checkpoint signed before the crash', async () => {
    store = await freshStore();
    const dataDir = join(store.dataDir, 'db');
    const args = store.databaseUrl ? ['--database-url', store.databaseUrl] : ['--data-dir', dataDir];
    const env = { GATEHOUSE_ADMIN_KEY: ADMIN_KEY, GATEHOUSE_DATA_DIR: dataDir };
    // A backlog of 12,000 outbox entries, so the integrator is busy for a while when killed (and
    // the tree passes 10,000 leaves, where text-ordered sizes would go wrong).
    const TOTAL = 12_000;
    const seed = await store.open();
    await migrate(seed);
    for (let i = 0; i < TOTAL; i += 4_000) {
      const at = new Date();
      await seed.transaction((tx) =>
        appendAudit(
          tx,
          Array.from({ length: 4_000 }, (_, j) => ({
            tenantId: 'default',
            kind: 'test.backlog',
            transactionId: `t-${(i + j) % 997}`,
            actor: 'system',
            at,
            body: { n: i + j, text: 'x'.repeat(200) },
          })),
        ),
      );
    }
    await seed.close();

    const first = await spawnGatehouse(args, env);
    const verifiers = await vkeys(first.url);
    let before = -1n;
    await until(
      'a partly integrated backlog',
      async () => (before = await signedSize(first.url, verifiers)) > 0n,
    );
    const kept = await (
      await fetch(first.url + '/v1/audit/checkpoint', { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
    ).text();
    await first.kill9();
    const keptSize = openCheckpoint(kept, verifiers).checkpoint;
    expect(keptSize.size).toBeGreaterThanOrEqual(before);
    expect(keptSize.size).toBeLessThan(BigInt(TOTAL));

    // What the first start wrote itself (key.created, policy.activated) joins the backlog.
    const outbox = await store.open();
    const { rows } = await outbox.query<{ n: number }>(`select count(*)::int as n from audit_entries`);
    await outbox.close();
    const written = rows[0]!.n;
    expect(written).toBeGreaterThan(TOTAL);
    const again = await spawnGatehouse(args, env);
    try {
      await until(
        'the whole backlog',
        async () => (await signedSize(again.url, verifiers)) >= BigInt(written),
      );
    } finally {
      await again.stop();
    }
    const db = await store.open();
    try {
      const n = await expectWholeLog(db, verifiers, 97);
      expect(n).toBe(written);
      const p = await proveConsistency(db, keptSize.size);
      verifyConsistency(keptSize.size, BigInt(p.size2), p.proof.map(b64), keptSize.rootHash, b64(p.root2));
    } finally {
      await db.close();
    }
  }, 180_000);
});
