/**
 * npm run bench:escalation — the escalation tick with 100,000 open cases (500,000 scheduled steps)
 * on both stores: ms per idle tick against the same tick on an empty schedule (the baseline, same
 * run), and lateness (fired_at − due_at) of 3,000 steps falling due over 20 s while the scheduler
 * ticks at the shipped task's interval on the real clock. Target: p99 lateness < 1 s.
 * Env: BENCH_CASES (default 100000), GATEHOUSE_TEST_DATABASE_URL (default the local `test` database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ctx } from '../src/ctx.js';
import { migrate, openDb, type Db } from '../src/db/index.js';
import { compileEscalation, fireDueSteps, fireEscalationsTask } from '../src/escalation/index.js';
import { fmt, percentile, withDatabase } from './lib.js';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const DUE_IN_WINDOW = 3_000;
const WINDOW_S = 20;
// The shipped task's interval: lateness is about half of it on average.
const TICK_MS = fireEscalationsTask.everyMs;
const IDLE_TICKS = 200;

const policy = compileEscalation({
  notifications: { channels: { ops: { type: 'webhook', url: 'http://127.0.0.1:9/unused' } } },
});

function benchCtx(db: Db): Ctx {
  return { db, clock: () => new Date(), policy: () => ({ escalation: policy }) } as unknown as Ctx;
}

/** 100k held transactions with open cases and five scheduled steps each, all due after the run. */
async function seed(db: Db, cases: number): Promise<void> {
  await db.query(
    `insert into transactions (tenant_id, id, verdict, risk_class, action, prompt, redacted_prompt, output,
       redacted_output, gates, policy_version, case_id, created_at)
     select 'default', 't' || i, 'held', 'high', 'review', '"p"', '"p"', 'o', 'o', '[]', 'bench@0', 'c' || i, now()
     from generate_series(1, $1) i`,
    [cases],
  );
  await db.query(
    `insert into cases (tenant_id, id, transaction_id, status, risk_class, risk_rank, sla_minutes, created_at,
       entered_at, due_at)
     select 'default', 'c' || i, 't' || i, 'open', 'high', 1, 1440, now(), now(), now() + interval '1 day'
     from generate_series(1, $1) i`,
    [cases],
  );
  await db.query(
    `insert into case_escalations (tenant_id, case_id, scheduled_at)
     select 'default', 'c' || i, now() from generate_series(1, $1) i`,
    [cases],
  );
  // Steps due from one hour on, spread over a day: none falls due during the run unless moved.
  await db.query(
    `insert into escalation_schedule (tenant_id, case_id, step, repeat_n, share, due_at)
     select 'default', 'c' || i, s.step, 0, s.share,
            now() + interval '1 hour' + (i * 0.8 + s.k * 3600) * interval '1 second'
     from generate_series(1, $1) i,
          (values ('warn', 0.5, 0), ('pre_breach', 0.75, 1), ('breach', 1.0, 2), ('overdue', 2.0, 3)) as s(step, share, k)`,
    [cases],
  );
  await db.query(
    `insert into escalation_schedule (tenant_id, case_id, step, repeat_n, share, due_at)
     select 'default', 'c' || i, 'review_time_limit', 0, null, now() + interval '2 hours' + i * interval '1 second'
     from generate_series(1, $1) i`,
    [cases],
  );
  await db.query('analyze');
}

async function idleTickMs(ctx: Ctx): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < IDLE_TICKS; i++) await fireDueSteps(ctx);
  return (performance.now() - t0) / IDLE_TICKS;
}

/** Moves pre-breach steps of the first cases into the next WINDOW_S seconds and ticks on the real clock. */
async function lateness(db: Db, ctx: Ctx): Promise<{ lateness: number[]; ticks: number[] }> {
  const start = Date.now() + 1000;
  await db.query(
    `update escalation_schedule set due_at = to_timestamp(($2::float8 + (substr(case_id, 2)::int - 1) * $3::float8) / 1000)
     where step = 'pre_breach' and substr(case_id, 2)::int <= $1`,
    [DUE_IN_WINDOW, start, (WINDOW_S * 1000) / DUE_IN_WINDOW],
  );
  const ticks: number[] = [];
  const end = start + WINDOW_S * 1000 + 2000;
  while (Date.now() < end) {
    const t0 = performance.now();
    while ((await fireDueSteps(ctx)) >= 500);
    ticks.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (performance.now() - t0))));
  }
  const { rows } = await db.query<{ ms: number }>(
    `select extract(epoch from (fired_at - due_at)) * 1000 as ms from escalation_firings`,
  );
  return {
    lateness: rows.map((r) => Number(r.ms)).sort((a, b) => a - b),
    ticks: ticks.sort((a, b) => a - b),
  };
}

async function run(label: string, open: () => Promise<Db>, drop: () => Promise<void>): Promise<void> {
  const db = await open();
  try {
    await migrate(db);
    const ctx = benchCtx(db);
    await idleTickMs(ctx); // warm-up: JIT and query plans, so the baseline is a steady tick too
    const baseline = await idleTickMs(ctx);
    const t0 = performance.now();
    await seed(db, CASES);
    const seedS = (performance.now() - t0) / 1000;
    const idle = await idleTickMs(ctx);
    const { lateness: late, ticks } = await lateness(db, ctx);
    console.log(
      `${label.padEnd(9)} seed ${fmt(seedS, 1, 5)} s  idle tick ${fmt(idle, 2, 6)} ms (empty ${fmt(baseline, 2, 5)} ms, ratio ${fmt(idle / baseline, 2, 5)})` +
        `  busy tick p50 ${fmt(percentile(ticks, 50), 1, 6)} ms p99 ${fmt(percentile(ticks, 99), 1, 6)} ms` +
        `  fired ${late.length}  lateness p50 ${fmt(percentile(late, 50), 0, 5)} ms p99 ${fmt(percentile(late, 99), 0, 5)} ms max ${fmt(late.at(-1) ?? NaN, 0, 5)} ms`,
    );
  } finally {
    await db.close();
    await drop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gh-bench-esc-'));
console.log(
  `escalation tick: ${CASES} open cases, ${CASES * 5} scheduled steps; ${DUE_IN_WINDOW} due over ${WINDOW_S} s, tick every ${TICK_MS} ms`,
);
await run(
  'embedded',
  () => openDb({ dataDir: join(dir, 'db') }),
  async () => rmSync(dir, { recursive: true, force: true }),
);
await withDatabase('esc', (url) =>
  run(
    'server',
    () => openDb({ databaseUrl: url }),
    async () => undefined,
  ),
);
