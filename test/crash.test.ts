import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { call, spawnGatehouse } from './helpers/process.js';
import { ADMIN_KEY } from './helpers/server.js';
import { freshStore, STORE, type TestStore } from './helpers/store.js';

describe(`kill -9 during intake (${STORE})`, () => {
  let store: TestStore | undefined;
  afterAll(async () => {
    await store?.drop();
  });

  it('keeps every transaction that got a 2xx, with its audit entries', async () => {
    store = await freshStore();
    const args = store.databaseUrl
      ? ['--database-url', store.databaseUrl]
      : ['--data-dir', join(store.dataDir, 'db')];
    const env = { GATEHOUSE_ADMIN_KEY: ADMIN_KEY, GATEHOUSE_DATA_DIR: join(store.dataDir, 'db') };
    const server = await spawnGatehouse(args, env);
    const acknowledged: string[] = [];
    let killed = false;
    const send = async (i: number): Promise<void> => {
      const output = i % 3 === 0 ? STORY_OUTPUT : `Reply number ${i}: your parcel ships tomorrow.`;
      try {
        const res = await call(
          server.url,
          ADMIN_KEY,
          'POST',
          '/v1/transactions',
          makeTransaction({ output }),
        );
        if (res.status === 201) acknowledged.push(res.body.id);
      } catch {
        // The connection died with the process: no answer, so no promise was made.
      }
      if (!killed && acknowledged.length >= 150) {
        killed = true;
        await server.kill9();
      }
    };
    // 500 transactions, 32 in flight at a time.
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 500) await send(next++);
      }),
    );
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(acknowledged.length).toBeLessThan(500);

    // Restart on the same store; recovery must keep every acknowledged write.
    const again = await spawnGatehouse(args, env);
    await again.stop();
    const db = await store.open();
    try {
      const { rows } = await db.query<{ id: string; entries: number }>(
        `select t.id, count(a.seq)::int as entries
         from transactions t left join audit_entries a on a.tenant_id = t.tenant_id and a.transaction_id = t.id
         where t.id = any($1) group by t.id`,
        [acknowledged],
      );
      expect(rows).toHaveLength(acknowledged.length);
      for (const r of rows) expect(r.entries).toBeGreaterThanOrEqual(3);
    } finally {
      await db.close();
    }
  });
});
