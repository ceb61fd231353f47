import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { call, spawnGatehouse, type ChildServer } from './helpers/process.js';
import { ADMIN_KEY } from './helpers/server.js';
import { freshStore, STORE, type TestStore } from './helpers/store.js';

const CASES = 1000;
const REVIEWERS = 16;
const LEASE_SECONDS = 1;
// Every this many claims a reviewer dawdles past its lease, so expiry races the other claimers.
const SLOW_EVERY = 40;

// Real concurrency needs the server store: two processes share one PostgreSQL database.
describe.runIf(STORE === 'postgres')('2 processes × 16 reviewers × 1,000 cases, with leases expiring', () => {
  let store: TestStore;
  let servers: ChildServer[] = [];
  beforeAll(async () => {
    store = await freshStore();
    const env = {
      GATEHOUSE_ADMIN_KEY: ADMIN_KEY,
      GATEHOUSE_DATA_DIR: store.dataDir,
      GATEHOUSE_LEASE_SECONDS: String(LEASE_SECONDS),
    };
    servers = await Promise.all(
      [0, 1].map(() => spawnGatehouse(['--database-url', store.databaseUrl!], env)),
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.drop();
  });

  it('decides each case exactly once; a case is claimed again only after its lease expired', async () => {
    const urls = servers.map((s) => s.url) as [string, string];
    const ingest = (await call(urls[0], ADMIN_KEY, 'POST', '/v1/keys', { roles: ['ingest'] })).body
      .key as string;
    const sent: string[] = [];
    for (let i = 0; i < CASES; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          call(
            urls[(i + j) % 2]!,
            ingest,
            'POST',
            '/v1/transactions',
            makeTransaction({ output: `${STORY_OUTPUT} #${i + j}` }),
          ),
        ),
      );
      for (const r of batch) {
        expect(r.body.verdict).toBe('held');
        sent.push(r.body.case_id);
      }
    }
    const reviewers = await Promise.all(
      Array.from(
        { length: REVIEWERS },
        async () =>
          (await call(urls[0], ADMIN_KEY, 'POST', '/v1/keys', { roles: ['reviewer'] })).body.key as string,
      ),
    );
    const decided: string[] = [];
    let refusedLate = 0;
    await Promise.all(
      reviewers.map(async (key, r) => {
        for (let n = 1; ; n++) {
          const url = urls[(r + n) % 2]!;
          const card = await call(url, key, 'POST', '/v1/review/next');
          if (card.status === 204) return;
          expect(card.status).toBe(200);
          const id = card.body.case.id as string;
          if (n % SLOW_EVERY === 0) {
            // Past the lease: the decision must be refused, and someone else finishes the case.
            await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 300));
            const late = await call(url, key, 'POST', `/v1/cases/${id}/decisions`, { action: 'approve' });
            expect(late.status).toBe(409);
            expect(['lease_expired', 'case_not_held', 'case_closed']).toContain(late.body.code);
            refusedLate++;
            continue;
          }
          const done = await call(url, key, 'POST', `/v1/cases/${id}/decisions`, { action: 'approve' });
          // A fast reviewer can still lose a lease to a loaded machine; that is a refusal, never a double.
          if (done.status === 409) continue;
          expect(done.status).toBe(201);
          decided.push(id);
        }
      }),
    );
    expect(refusedLate).toBeGreaterThan(0);
    expect(new Set(decided).size).toBe(decided.length);
    expect(new Set(decided)).toEqual(new Set(sent));

    // Cross-check in the database and its audit log.
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: store.databaseUrl });
    await client.connect();
    try {
      const closed = await client.query(`select count(*)::int as n from cases where status = 'closed'`);
      expect(closed.rows[0].n).toBe(CASES);
      const perCase = await client.query(
        `select case_id, count(*) filter (where kind = 'case.claimed')::int as claims,
                count(*) filter (where kind = 'case.lease_expired')::int as expiries,
                count(*) filter (where kind = 'case.decided')::int as decisions
         from audit_entries where case_id is not null group by case_id`,
      );
      expect(perCase.rows).toHaveLength(CASES);
      for (const row of perCase.rows) {
        expect(row.decisions).toBe(1);
        // Without an expiry in between, nobody claims a case someone holds.
        expect(row.claims).toBeLessThanOrEqual(row.expiries + 1);
      }
      expect(
        perCase.rows.reduce((sum: number, r: { expiries: number }) => sum + r.expiries, 0),
      ).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});
