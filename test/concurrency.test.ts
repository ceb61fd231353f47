import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { call, spawnGatehouse, type ChildServer } from './helpers/process.js';
import { ADMIN_KEY } from './helpers/server.js';
import { freshStore, STORE, type TestStore } from './helpers/store.js';

// Real concurrency needs the server store: two processes share one PostgreSQL database.
describe.runIf(STORE === 'postgres')('two Gatehouse processes, eight reviewers', () => {
  let store: TestStore;
  let servers: ChildServer[] = [];
  beforeAll(async () => {
    store = await freshStore();
    const env = { GATEHOUSE_ADMIN_KEY: ADMIN_KEY, GATEHOUSE_DATA_DIR: store.dataDir };
    // Started together, so both race through migrations and admin bootstrap as well.
    servers = await Promise.all(
      [0, 1].map(() => spawnGatehouse(['--database-url', store.databaseUrl!], env)),
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.drop();
  });

  it('claims each of 200 cases exactly once', async () => {
    const [a, b] = servers.map((s) => s.url) as [string, string];
    const ingest = (await call(a, ADMIN_KEY, 'POST', '/v1/keys', { roles: ['ingest'] })).body.key as string;
    const sent = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(
          i % 2 ? a : b,
          ingest,
          'POST',
          '/v1/transactions',
          makeTransaction({ output: STORY_OUTPUT + ` #${i}` }),
        ),
      ),
    );
    expect(sent.every((r) => r.status === 201 && r.body.verdict === 'held')).toBe(true);
    const reviewers = await Promise.all(
      Array.from(
        { length: 8 },
        async () =>
          (await call(a, ADMIN_KEY, 'POST', '/v1/keys', { roles: ['reviewer'] })).body.key as string,
      ),
    );
    const claimed: string[] = [];
    await Promise.all(
      reviewers.map(async (key, r) => {
        for (;;) {
          const url = r % 2 ? a : b;
          const card = await call(url, key, 'POST', '/v1/review/next');
          if (card.status === 204) return;
          expect(card.status).toBe(200);
          claimed.push(card.body.case.id);
          const done = await call(url, key, 'POST', `/v1/cases/${card.body.case.id}/decisions`, {
            action: 'approve',
          });
          expect(done.status).toBe(201);
        }
      }),
    );
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed).size).toBe(200);
    expect(new Set(claimed)).toEqual(new Set(sent.map((r) => r.body.case_id)));
  });

  it('wakes a long-poll on one process when another process decides (LISTEN/NOTIFY)', async () => {
    const [a, b] = servers.map((s) => s.url) as [string, string];
    const reviewer = (await call(a, ADMIN_KEY, 'POST', '/v1/keys', { roles: ['reviewer'] })).body
      .key as string;
    const sent = await call(
      a,
      ADMIN_KEY,
      'POST',
      '/v1/transactions',
      makeTransaction({ output: STORY_OUTPUT }),
    );
    const started = Date.now();
    const waited = call(a, ADMIN_KEY, 'GET', `/v1/transactions/${sent.body.id}?wait=30`);
    const card = await call(b, reviewer, 'POST', '/v1/review/next');
    await call(b, reviewer, 'POST', `/v1/cases/${card.body.case.id}/decisions`, { action: 'reject' });
    const res = await waited;
    expect(res.body.verdict).toBe('blocked');
    // Woken by the notification, long before the 30 s wait ran out.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
