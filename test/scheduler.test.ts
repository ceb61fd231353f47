import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/index.js';
import { electLeader } from '../src/scheduler/leader.js';
import { startReceiver, writeEscalationPolicy, type Receiver } from './escalation-helpers.js';
import { makeTransaction } from './helpers/factories.js';
import { call, spawnGatehouse, type ChildServer } from './helpers/process.js';
import { ADMIN_KEY } from './helpers/server.js';
import { freshStore, STORE, type TestStore } from './helpers/store.js';
import { migrate } from '../src/db/index.js';

describe(`scheduler leadership (${STORE})`, () => {
  const stores: TestStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.drop();
  });

  it('has exactly one leader per store, and the next one takes over when it lets go', async () => {
    const store = await freshStore();
    stores.push(store);
    const dbs: Db[] = [await store.open()];
    if (store.databaseUrl) dbs.push(await store.open());
    const electors = dbs.map((db) => electLeader(db));
    const first = await Promise.all(electors.map((e) => e.isLeader()));
    expect(first.filter(Boolean)).toHaveLength(1);
    // Asking again keeps the same leader.
    expect(await Promise.all(electors.map((e) => e.isLeader()))).toEqual(first);
    if (electors.length === 2) {
      const leader = first.indexOf(true);
      await electors[leader]!.release();
      expect(await electors[1 - leader]!.isLeader()).toBe(true);
    }
    for (const e of electors) await e.release();
    for (const db of dbs) await db.close();
  });

  // Real concurrency needs real processes on the server store; PGlite is one process by design.
  it.runIf(STORE === 'postgres')(
    'fires every step exactly once when the leader is killed mid-tick and the other process takes over',
    async () => {
      const store = await freshStore();
      stores.push(store);
      const receiver: Receiver = await startReceiver();
      const children: ChildServer[] = [];
      try {
        const policy = writeEscalationPolicy(`
groups:
  l1: { level: 1, members: [rev] }
escalation:
  ladders:
    standard:
      - { at: 0.05, step: first, actions: [notify_assignee] }
      - { at: 0.1, step: second, actions: [notify_assignee, bump_priority] }
      - { at: 0.2, step: third, actions: [notify_assignee] }
  review_time_limit: false
notifications:
  channels:
    hook: { type: webhook, url: '${receiver.url}/hook', secret_env: HOOK_SECRET }
`);
        // Every transaction held as critical with a one-minute SLA: steps at 3 s, 6 s and 12 s after it opens.
        const text = readFileSync(policy, 'utf8')
          .replace(
            'default: { risk_class: low, reason: null, action: release }',
            'default: { risk_class: critical, reason: null, action: review }',
          )
          .replace('critical: { rank: 0, sla_minutes: 15 }', 'critical: { rank: 0, sla_minutes: 1 }');
        writeFileSync(policy, text);
        const db = await store.open();
        await migrate(db);
        const env = (name: string) => ({
          GATEHOUSE_ADMIN_KEY: ADMIN_KEY,
          GATEHOUSE_POLICY: policy,
          HOOK_SECRET: 'whsec_' + Buffer.from('failover-secret').toString('base64'),
          PGAPPNAME: name,
        });
        for (const name of ['gatehouse-a', 'gatehouse-b']) {
          children.push(
            await spawnGatehouse(
              ['--database-url', store.databaseUrl!, '--data-dir', store.dataDir],
              env(name),
            ),
          );
        }
        const leaderName = async (): Promise<string | undefined> => {
          const { rows } = await db.query<{ application_name: string }>(
            `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
             where l.locktype = 'advisory' and l.objid = 7246007 and l.granted and a.datname = current_database()`,
          );
          return rows[0]?.application_name;
        };
        const until = async (what: () => Promise<boolean> | boolean, ms: number): Promise<void> => {
          const end = Date.now() + ms;
          while (!(await what())) {
            if (Date.now() > end) throw new Error('timed out');
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        await until(async () => (await leaderName()) !== undefined, 10_000);
        const cases: string[] = [];
        const CASES = 150;
        await Promise.all(
          Array.from({ length: CASES }, async (_, i) => {
            const res = await call(
              children[i % 2]!.url,
              ADMIN_KEY,
              'POST',
              '/v1/transactions',
              makeTransaction({ output: `Reply ${i}` }),
            );
            expect(res.body.verdict).toBe('held');
            cases.push(res.body.case_id);
          }),
        );
        // Kill the leader while it is firing and delivering the first burst.
        await until(() => receiver.got.length >= 20, 20_000);
        const leader = await leaderName();
        const victim = children[leader === 'gatehouse-a' ? 0 : 1]!;
        await victim.kill9();
        const firedAtKill = await db.query<{ n: number }>(
          `select count(*)::int as n from escalation_firings`,
        );
        // The leader died with work left: the other process must finish it.
        expect(firedAtKill.rows[0]!.n).toBeLessThan(CASES * 3);
        await until(async () => {
          const now = await leaderName();
          return now !== undefined && now !== leader;
        }, 20_000);
        const key = (g: (typeof receiver.got)[number]) => `${g.json.data.case_id}:${g.json.data.step}`;
        await until(() => new Set(receiver.got.map(key)).size >= CASES * 3, 45_000);

        const ids = new Map<string, Set<string>>();
        for (const g of receiver.got)
          ids.set(key(g), (ids.get(key(g)) ?? new Set()).add(String(g.headers['webhook-id'])));
        expect(ids.size).toBe(CASES * 3);
        // At least once on the wire, but each step of each case was one firing with one stable id.
        for (const [, set] of ids) expect(set.size).toBe(1);
        const { rows } = await db.query<{ n: number; cases: number }>(
          `select count(*)::int as n, count(distinct case_id)::int as cases from escalation_firings`,
        );
        expect(rows[0]).toEqual({ n: CASES * 3, cases: CASES });
        const bumps = await db.query<{ bump: number }>(`select distinct bump from cases`);
        expect(bumps.rows).toEqual([{ bump: 1 }]);
        await db.close();
      } finally {
        for (const c of children) await c.stop();
        await receiver.close();
      }
    },
    120_000,
  );
});
